// What a call does when the game detector reports, and the game a player typed by hand. Pure: the
// shell (call_runner) carries the decision out on the main loop.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/session/game_detector.hpp"

namespace shotcall::session {

// A game played by someone else than the session's player (another account on this computer).
enum class OtherPlayer {
  Restart,  // the window: the session stops and one starts for the new player
  Refuse,   // shotcall-peer: one player per process; the game is not followed
};

enum class GameStep {
  ClearTarget,       // no game now: the session (if any) leaves its channel
  StartAndTarget,    // no session yet: start one for the game's player, then follow the game
  Retarget,          // the session's player: follow this game
  RestartForPlayer,  // another player (OtherPlayer::Restart): stop the session, start theirs
  RefusePlayer,      // another player (OtherPlayer::Refuse): say so, change nothing
};

// `session_player` is the running session's Riot ID; nullopt when no session runs.
GameStep next_step(const std::optional<std::string>& session_player,
                   const std::optional<DetectedGame>& game, OtherPlayer policy);

// True when both name the same Riot ID (Riot IDs compare case-folded).
bool same_player(const std::string& a, const std::string& b);

// A game id the server may read as a number: digits only, and small enough for a 64-bit integer.
bool numeric_game_id(const std::string& game_id);

// The game as the player typed it: the game id (a number when it is all digits), the team and
// the roster, the player added when they did not name themselves.
DetectedGame make_manual_game(const std::string& riot_id, const std::string& game_id, int team,
                              const std::vector<std::string>& teammates);

}  // namespace shotcall::session
