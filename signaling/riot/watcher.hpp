// The Riot watcher: the one object the signaling server holds to learn, with its own API key,
// when registered players start and end games. It joins the pure parts (WatchScheduler deciding
// what to ask, one RiotRateLimiter per routing value deciding when) to RiotClient (libsoup).
// Everything runs on the GMainContext that was thread-default at create(); nothing blocks.
// Event callbacks run from that main loop, never inside watch()/unwatch(), and may call
// watch(), unwatch() or destroy the watcher.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "signaling/riot/riot_rate_limiter.hpp"
#include "signaling/riot/watch_events.hpp"
#include "signaling/riot/watch_scheduler.hpp"

namespace shotcall::riot {

struct WatcherOptions {
  std::string platform = "euw1";  // the platform every watched player plays on
  std::string base_url;           // empty: Riot's hosts; else e.g. "http://127.0.0.1:PORT"
  std::string api_key;            // the caller reads it from the environment; never logged
  // Starting limits and backoff, one limiter per routing value (the platform host for
  // spectator-v5, the regional host for account-v1). Riot's X-App-Rate-Limit replaces the
  // windows as soon as it answers.
  RateLimiterOptions rate_limits;
  WatchSchedulerOptions schedule;
  std::chrono::milliseconds request_timeout{5000};
  int max_in_flight_per_host = 2;
};

struct WatcherMetrics {
  // endpoint ("account", "spectator") -> status ("200", "404", "429", "503", "timeout",
  // "error") -> count of answers.
  std::map<std::string, std::map<std::string, std::uint64_t>> requests;
  std::int64_t poll_interval_ms = 0;
  std::int64_t game_check_interval_ms = 0;
  std::size_t watchers = 0;
  std::size_t unresolved = 0;  // puuid not known yet (or account not found)
  std::size_t in_game = 0;     // watched players in a tracked game
  std::size_t games = 0;       // tracked games
  std::string spectator_limits;  // windows in force, Riot's syntax: "20:1,100:120"
  std::string account_limits;
  std::int64_t spectator_wait_ms = 0;  // until the next permit (rate limit or backoff); 0: now
  std::int64_t account_wait_ms = 0;
};

class Watcher {
 public:
  using GameStartedCallback = std::function<void(const GameStarted&)>;
  using GameEndedCallback = std::function<void(const GameEnded&)>;
  using AccountNotFoundCallback = std::function<void(const AccountNotFound&)>;

  // nullptr with *error set for an unknown platform, a bad base URL or limits, or an empty or
  // malformed key (the message never contains the key). Nothing is sent before watch().
  static std::unique_ptr<Watcher> create(WatcherOptions options, std::string* error);
  ~Watcher();  // cancels requests in flight; no callback runs afterwards
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  // Starts watching a Riot ID ("Name#TAG", compared case-insensitively). `puuid`: see
  // WatchScheduler::watch. The first calls go out from the main loop shortly after.
  WatchScheduler::WatchResult watch(std::string_view riot_id, std::string_view puuid = {});
  bool unwatch(std::string_view riot_id);
  std::optional<PlayerView> player(std::string_view riot_id) const;

  void set_game_started_callback(GameStartedCallback cb);
  void set_game_ended_callback(GameEndedCallback cb);
  void set_account_not_found_callback(AccountNotFoundCallback cb);

  WatcherMetrics metrics() const;

 private:
  struct Impl;
  explicit Watcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shotcall::riot
