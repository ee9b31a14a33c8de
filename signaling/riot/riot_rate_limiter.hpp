// Client-side rate limiting for one Riot routing value (one host): Riot counts every key's calls
// per routing value in several windows at once ("20:1,100:120": 20 per second AND 100 per two
// minutes) and answers 429 past them; repeated 429s get a key blacklisted. Pure: the clock is an
// argument (milliseconds on any monotonic scale), so tests drive it by hand.
//
// Riot counts a request when it arrives, which is somewhere between our send and its answer (a
// first request can spend hundreds of milliseconds on DNS, TCP and TLS while later ones go out
// on a warm connection and overtake it). So a permit counts as taken in every window for as
// long as its request is in flight, and once answered it is logged at the answer time, which is
// never earlier than Riot's count: our window always ends after Riot's. Each window keeps a
// sliding log of the last `limit` answered permits; a sliding window is stricter than Riot's
// fixed buckets, so staying inside it stays inside any bucket alignment, and the safety margin
// lengthens every window a little more. Riot's own counts (X-App-Rate-Limit-Count) are adopted
// when higher than ours: a restart, or another process using the same key, is then accounted.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shotcall::riot {

struct RateWindow {
  int limit = 0;             // requests allowed...
  std::int64_t window_ms = 0;  // ...per this many milliseconds

  bool operator==(const RateWindow&) const = default;
};

// Riot's header syntax, "20:1,100:120" (count:seconds pairs, comma separated, spaces allowed
// around items). nullopt for an empty or malformed list, a zero or negative number, or more than
// 16 windows.
std::optional<std::vector<RateWindow>> parse_rate_limits(std::string_view spec);
// Back to "20:1,100:120" (whole seconds).
std::string format_rate_limits(const std::vector<RateWindow>& windows);
// A Retry-After value in seconds ("2", "0.5"); nullopt when absent, negative or not a number.
// (Riot sends delta-seconds; the HTTP-date form is not used by Riot and is not accepted.)
std::optional<double> parse_retry_after(std::string_view value);

struct RateLimiterOptions {
  std::vector<RateWindow> windows{{20, 1000}, {100, 120000}};  // a development key's limits
  std::int64_t safety_margin_ms = 100;  // added to every window
  // 429 without Retry-After (the service itself throttling): at least this long, and it counts
  // as an error for the exponential backoff below, so repeats wait longer.
  std::int64_t default_retry_after_ms = 1000;
  // 5xx, timeouts, transport errors: backoff_initial_ms, doubling per consecutive error, capped.
  std::int64_t backoff_initial_ms = 1000;
  std::int64_t backoff_max_ms = 60000;
  // The part of the key's limits this limiter may spend (0 < share <= 1): with identity
  // verification on, the server gives verification its share and the game watcher the rest, so
  // neither can starve the other. Every window's limit (configured or adopted from Riot's
  // headers) is scaled down to a whole number, at least 1. Below 1, Riot's count header sums both
  // parts' calls, so it is not adopted: each part keeps its own log, and together they stay
  // within the key's limits.
  double share = 1.0;
};

// The windows one share of a key may use: each limit scaled by `share`, rounded down, at least 1.
std::vector<RateWindow> scale_windows(std::vector<RateWindow> windows, double share);

class RiotRateLimiter {
 public:
  explicit RiotRateLimiter(RateLimiterOptions options = {});

  // Takes a permit when every window has room and no backoff is running. Every permit taken
  // must be completed exactly once, when its request is answered or given up.
  bool try_acquire(std::int64_t now_ms);
  // The request holding a permit was answered (or given up) at now_ms: from now on the permit
  // ages in the windows like any other.
  void complete(std::int64_t now_ms);
  // The earliest time a permit can be taken (<= now_ms when one can be taken now);
  // kAfterAnAnswer when requests in flight alone fill a window.
  std::int64_t next_allowed_ms(std::int64_t now_ms) const;
  static constexpr std::int64_t kAfterAnAnswer = INT64_MAX;

  // Adopts the server's view from one answer's X-App-Rate-Limit and X-App-Rate-Limit-Count
  // (either may be empty or malformed: that part is ignored). New limits replace the windows;
  // a count above ours adds phantom permits at now_ms (they expire a full window later: the
  // safe assumption, since Riot does not say when they were spent).
  void observe_headers(std::string_view app_limit, std::string_view app_count,
                       std::int64_t now_ms);
  // A 429: no permit before now + Retry-After (+ the safety margin).
  void on_429(std::optional<double> retry_after_s, std::int64_t now_ms);
  // A 5xx, a timeout or a transport error: exponential backoff.
  void on_server_error(std::int64_t now_ms);
  // Any other answer (200, 404, ...): the error streak is over.
  void on_success(std::int64_t now_ms);

  const std::vector<RateWindow>& windows() const { return windows_; }
  // Answered permits counted in window `index` at now_ms (phantoms included, permits in flight
  // not: see in_flight()).
  int count_in_window(std::size_t index, std::int64_t now_ms) const;
  int in_flight() const { return in_flight_; }
  std::int64_t blocked_until_ms() const { return blocked_until_ms_; }
  int consecutive_errors() const { return consecutive_errors_; }
  // The long-run rate the windows allow, per second: min over windows of limit / seconds.
  double sustainable_rate_per_s() const;
  // Incremented whenever observe_headers replaced the windows.
  std::uint64_t limits_generation() const { return generation_; }

 private:
  void set_windows(std::vector<RateWindow> windows);
  void expire(std::size_t index, std::int64_t now_ms);
  std::int64_t span(std::size_t index) const;

  RateLimiterOptions options_;
  std::vector<RateWindow> windows_;
  std::vector<std::deque<std::int64_t>> logs_;  // per window, sorted, at most `limit` entries
  int in_flight_ = 0;  // permits taken and not completed: they count in every window
  std::int64_t blocked_until_ms_ = 0;
  int consecutive_errors_ = 0;
  std::uint64_t generation_ = 0;
};

}  // namespace shotcall::riot
