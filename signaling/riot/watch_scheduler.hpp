// Decides which Riot call to make next for a set of watched players, and turns the answers into
// GameStarted / GameEnded events. Pure: no IO, the clock is an argument (ms, any monotonic
// scale). The shell asks next_call() when its rate limiter has a permit, performs the call, and
// hands back exactly one answer per call (on_account, on_active_game, ..., or on_failure).
//
// Policy, in order of what it saves:
// - account-v1 first for players whose puuid is unknown (one call each, then never again);
// - spectator-v5 for players not known to be in a live game, earliest due first, ties to the one
//   served least recently: a fair round robin that degrades evenly when the limiter is tight;
// - one answer names up to ten players: every watched one among them (by puuid, or by Riot ID for
//   those not resolved yet) is marked in that game and not polled again while it lasts;
// - a known game is re-checked by polling ONE of its players, at the slower game-check cadence;
//   404 means "not seen", and only `end_confirmations` not-seen answers in a row end it (some
//   queues may answer 404 while a game runs), each confirmation one poll interval after the last.
// - the poll interval grows with the number of watched players so that, with every player
//   polled once per interval, the spectator calls stay within the budgeted share of the
//   sustainable rate: interval = max(min, ceil(watchers * 1000 / (rate * budget_fraction))).
//   Game checks poll one player for several and never faster than that interval, so they fit in
//   the same budget.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signaling/riot/riot_json.hpp"
#include "signaling/riot/watch_events.hpp"

namespace shotcall::riot {

struct WatchSchedulerOptions {
  std::int64_t min_poll_interval_ms = 10000;
  std::int64_t game_check_interval_ms = 60000;  // never below the poll interval
  int end_confirmations = 2;                    // not-seen answers in a row that end a game
  double sustainable_rate_per_s = 100.0 / 120.0;  // the spectator host's; see set_sustainable_rate
  double budget_fraction = 0.8;  // the share of it that scheduled polls may plan to use
  std::int64_t account_not_found_retry_ms = 10 * 60 * 1000;
};

enum class PlayerState {
  Resolving,  // puuid unknown: account-v1 call pending
  NotFound,   // account-v1 answered 404; retried every account_not_found_retry_ms
  Idle,       // puuid known, not in a known game: polled every poll interval
  InGame,     // in a tracked game: not polled; the game is checked instead
};

struct PlayerView {
  std::string riot_id;  // display form
  std::string puuid;    // empty while unknown
  PlayerState state = PlayerState::Resolving;
  std::string game_id;  // while InGame
};

class WatchScheduler {
 public:
  explicit WatchScheduler(WatchSchedulerOptions options = {});

  enum class WatchResult { Added, AlreadyWatched, InvalidRiotId };
  // Starts watching `riot_id` (compared case-insensitively, as the protocol does). A non-empty
  // `puuid` skips account-v1: pass only a puuid the server itself trusts. A player already in a
  // tracked game is matched at once (GameStarted with first_report false).
  WatchResult watch(std::string_view riot_id, std::string_view puuid, std::int64_t now_ms);
  // Stops watching; false when not watched. The last watched player of a game ends its tracking
  // (GameEnded, reason Unwatched). An answer to a call still in flight for it is ignored.
  bool unwatch(std::string_view riot_id, std::int64_t now_ms);
  std::optional<PlayerView> player(std::string_view riot_id) const;

  // Whether a call of this kind is due now, and when the next one falls due (calls already in
  // flight excluded; nullopt: nothing to do until an answer or a watch() arrives).
  bool has_due(CallKind kind, std::int64_t now_ms) const;
  std::optional<std::int64_t> next_due_ms(CallKind kind) const;
  // The next due call of this kind, marked in flight; nullopt when none is due.
  std::optional<WatchCall> next_call(CallKind kind, std::int64_t now_ms);

  // Answers. Exactly one per call returned by next_call().
  void on_account(const WatchCall& call, const Account& account, std::int64_t now_ms);
  void on_account_not_found(const WatchCall& call, std::int64_t now_ms);  // account-v1 404
  void on_active_game(const WatchCall& call, const ActiveGame& game, std::int64_t now_ms);
  void on_not_in_game(const WatchCall& call, std::int64_t now_ms);  // spectator-v5 404
  // 429, 5xx, timeout, unparsable body: no news; the call is retried one poll interval later
  // (the rate limiter adds its own backoff). Never counts as "not seen".
  void on_failure(const WatchCall& call, std::int64_t now_ms);

  // Events produced since the last call, oldest first.
  std::vector<WatchEvent> take_events();

  // The spectator host's sustainable rate (RiotRateLimiter::sustainable_rate_per_s), updated by
  // the shell whenever Riot announces other limits.
  void set_sustainable_rate(double per_s);
  std::int64_t poll_interval_ms() const;
  std::int64_t game_check_interval_ms() const;

  std::size_t watcher_count() const { return players_.size(); }
  std::size_t unresolved_count() const;  // Resolving or NotFound
  std::size_t in_game_count() const;
  std::size_t game_count() const { return games_.size(); }
  std::size_t in_flight_count(CallKind kind) const;

 private:
  struct Player {
    std::string display;
    std::string game_name;
    std::string tag_line;
    std::string puuid;
    PlayerState state = PlayerState::Resolving;
    std::int64_t due_ms = 0;
    std::uint64_t order = 0;      // served least recently = lowest
    std::uint64_t in_flight = 0;  // serial of the call in flight, 0 for none
    CallKind in_flight_kind = CallKind::Account;
    bool not_found_reported = false;
    std::string game_id;
  };
  struct Game {
    ActiveGame game;
    std::vector<std::string> members;  // keys of the watched players in it
    int not_seen = 0;
    std::int64_t next_check_ms = 0;
    std::uint64_t order = 0;
    std::uint64_t in_flight = 0;
    std::size_t probe_cursor = 0;
  };

  Player* answered_player(const WatchCall& call);  // clears in_flight; nullptr if stale
  Game* answered_game(const WatchCall& call);
  void set_puuid(const std::string& key, Player& p, const std::string& puuid);
  const std::string* key_for(const Participant& participant) const;
  void discover(const ActiveGame& game, std::int64_t now_ms);
  void leave_game(const std::string& key, Player& p, GameEndReason reason, std::int64_t now_ms);
  void end_game(const std::string& game_id, GameEndReason reason, std::int64_t now_ms);
  WatchedTeam team_of(const Player& p, const ActiveGame& game) const;
  std::optional<WatchCall> game_check_call(const std::string& game_id, Game& g);

  WatchSchedulerOptions options_;
  std::map<std::string, Player> players_;       // by folded Riot ID
  std::map<std::string, std::string> by_puuid_;  // puuid -> folded Riot ID
  std::map<std::string, Game> games_;            // by channel game id
  std::vector<WatchEvent> events_;
  std::uint64_t counter_ = 0;  // orders and call serials
};

}  // namespace shotcall::riot
