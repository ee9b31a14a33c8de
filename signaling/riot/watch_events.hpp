// What the watch scheduler asks for (calls) and what it reports (events). Plain data, shared by
// the pure scheduler and the libsoup shell.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "signaling/riot/riot_json.hpp"

namespace shotcall::riot {

// account-v1 calls go to the regional host, spectator-v5 calls to the platform host: two routing
// values, two separate rate budgets.
enum class CallKind { Account, Spectator };

struct WatchCall {
  CallKind kind = CallKind::Spectator;
  std::string player_key;  // the folded Riot ID of the watched player the call is for
  std::string game_name;   // Account: by-riot-id/{game_name}/{tag_line}
  std::string tag_line;
  std::string puuid;       // Spectator: by-summoner/{puuid}
  std::string game_id;     // Spectator: non-empty when this call re-checks a known game
  std::uint64_t serial = 0;  // matches the answer to the call; stale answers are ignored
};

// A watched player found in a game, with their side of it.
struct WatchedTeam {
  std::string riot_id;  // the watched player's Riot ID (Riot's spelling once account-v1 answered)
  std::string puuid;
  int team_id = 0;
  std::vector<std::string> roster;  // non-bot Riot IDs of that team, the player included
};

// Watched players were found in a live game. Emitted once when the game is first seen
// (first_report true, `players` = every watched player in it) and again whenever further
// watched players are found in the same game later (first_report false, `players` = only them).
struct GameStarted {
  std::string game_id;  // channel_game_id(): "EUW1_6912345678"
  ActiveGame game;
  std::vector<WatchedTeam> players;
  bool first_report = true;
};

enum class GameEndReason {
  NotSeen,    // spectator answered 404 for it `end_confirmations` times in a row
  NewGame,    // one of its players was seen in another game, so this one is over
  Unwatched,  // its last watched player was unwatched: we stopped tracking it
};

// Exactly one GameEnded follows every game reported by a first GameStarted.
struct GameEnded {
  std::string game_id;
  std::vector<std::string> riot_ids;  // watched players still tracked in it at the end
  GameEndReason reason = GameEndReason::NotSeen;
};

// account-v1 answered 404 for a watched Riot ID (emitted once; the lookup is retried slowly, in
// case the player renamed and renames back, or Riot had a hiccup).
struct AccountNotFound {
  std::string riot_id;
};

using WatchEvent = std::variant<GameStarted, GameEnded, AccountNotFound>;

}  // namespace shotcall::riot
