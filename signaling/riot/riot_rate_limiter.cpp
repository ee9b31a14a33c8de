#include "signaling/riot/riot_rate_limiter.hpp"

#include <glib.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace shotcall::riot {
namespace {

constexpr std::size_t kMaxWindows = 16;
constexpr std::int64_t kMaxWindowSeconds = 24 * 3600;
constexpr std::int64_t kMaxLimit = 10'000'000;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A decimal integer in [1, max]; nullopt otherwise.
std::optional<std::int64_t> positive_int(std::string_view s, std::int64_t max) {
  s = trim(s);
  if (s.empty() || s.size() > 12) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < 1 || v > max) return std::nullopt;
  return v;
}

// "a:b,c:d" into pairs; `first_may_be_zero` for counts, which are legitimately 0.
std::optional<std::vector<std::pair<std::int64_t, std::int64_t>>> parse_pairs(
    std::string_view spec, bool first_may_be_zero) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  spec = trim(spec);
  if (spec.empty()) return std::nullopt;
  while (true) {
    const auto comma = spec.find(',');
    const std::string_view item = trim(spec.substr(0, comma));
    const auto colon = item.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view first = trim(item.substr(0, colon));
    std::optional<std::int64_t> a;
    if (first_may_be_zero && first == "0") {
      a = 0;
    } else {
      a = positive_int(first, kMaxLimit);
    }
    const auto b = positive_int(item.substr(colon + 1), kMaxWindowSeconds);
    if (!a || !b) return std::nullopt;
    out.emplace_back(*a, *b);
    if (out.size() > kMaxWindows) return std::nullopt;
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }
  return out;
}

void insert_sorted(std::deque<std::int64_t>& log, std::int64_t t) {
  log.insert(std::upper_bound(log.begin(), log.end(), t), t);
}

void keep_newest(std::deque<std::int64_t>& log, int limit) {
  while (log.size() > static_cast<std::size_t>(std::max(limit, 0))) log.pop_front();
}

}  // namespace

std::optional<std::vector<RateWindow>> parse_rate_limits(std::string_view spec) {
  const auto pairs = parse_pairs(spec, false);
  if (!pairs) return std::nullopt;
  std::vector<RateWindow> windows;
  for (const auto& [limit, seconds] : *pairs) {
    windows.push_back(RateWindow{static_cast<int>(limit), seconds * 1000});
  }
  return windows;
}

std::string format_rate_limits(const std::vector<RateWindow>& windows) {
  std::string out;
  for (const RateWindow& w : windows) {
    if (!out.empty()) out += ",";
    out += std::to_string(w.limit) + ":" + std::to_string(w.window_ms / 1000);
  }
  return out;
}

std::optional<double> parse_retry_after(std::string_view value) {
  const std::string s(trim(value));
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = g_ascii_strtod(s.c_str(), &end);
  if (!end || *end != '\0' || !std::isfinite(v) || v < 0 || v > 86400) return std::nullopt;
  return v;
}

std::vector<RateWindow> scale_windows(std::vector<RateWindow> windows, double share) {
  if (!(share > 0) || share >= 1) return windows;
  for (RateWindow& w : windows)
    w.limit = std::max(1, static_cast<int>(static_cast<double>(w.limit) * share + 1e-9));
  return windows;
}

RiotRateLimiter::RiotRateLimiter(RateLimiterOptions options) : options_(std::move(options)) {
  std::vector<RateWindow> windows = scale_windows(options_.windows, options_.share);
  // A limiter with no valid window would let everything through; fall back to a dev key's.
  windows.erase(std::remove_if(windows.begin(), windows.end(),
                               [](const RateWindow& w) { return w.limit < 1 || w.window_ms < 1; }),
                windows.end());
  if (windows.empty()) windows = RateLimiterOptions{}.windows;
  windows_ = std::move(windows);
  logs_.resize(windows_.size());
}

std::int64_t RiotRateLimiter::span(std::size_t index) const {
  return windows_[index].window_ms + std::max<std::int64_t>(options_.safety_margin_ms, 0);
}

void RiotRateLimiter::expire(std::size_t index, std::int64_t now_ms) {
  auto& log = logs_[index];
  const std::int64_t horizon = now_ms - span(index);
  while (!log.empty() && log.front() <= horizon) log.pop_front();
}

int RiotRateLimiter::count_in_window(std::size_t index, std::int64_t now_ms) const {
  if (index >= logs_.size()) return 0;
  const auto& log = logs_[index];
  const auto first = std::upper_bound(log.begin(), log.end(), now_ms - span(index));
  return static_cast<int>(log.end() - first);
}

bool RiotRateLimiter::try_acquire(std::int64_t now_ms) {
  if (now_ms < blocked_until_ms_) return false;
  for (std::size_t i = 0; i < windows_.size(); ++i) {
    expire(i, now_ms);
    if (count_in_window(i, now_ms) + in_flight_ >= windows_[i].limit) return false;
  }
  ++in_flight_;
  return true;
}

void RiotRateLimiter::complete(std::int64_t now_ms) {
  if (in_flight_ > 0) --in_flight_;
  for (std::size_t i = 0; i < windows_.size(); ++i) {
    insert_sorted(logs_[i], now_ms);
    keep_newest(logs_[i], windows_[i].limit);
  }
}

std::int64_t RiotRateLimiter::next_allowed_ms(std::int64_t now_ms) const {
  std::int64_t at = std::max(now_ms, blocked_until_ms_);
  for (std::size_t i = 0; i < windows_.size(); ++i) {
    const int limit = windows_[i].limit;
    if (in_flight_ >= limit) return kAfterAnAnswer;
    const auto& log = logs_[i];
    const auto first = std::upper_bound(log.begin(), log.end(), now_ms - span(i));
    const auto counted = (log.end() - first) + in_flight_;
    if (counted < limit) continue;
    // Room for one more once all but limit-1 of the counted permits have aged out (the ones in
    // flight never do, so they come off the answered ones).
    const std::int64_t oldest_that_must_expire = *(first + (counted - limit));
    at = std::max(at, oldest_that_must_expire + span(i));
  }
  return at;
}

void RiotRateLimiter::set_windows(std::vector<RateWindow> windows) {
  std::vector<std::deque<std::int64_t>> logs(windows.size());
  // The longest current log is the best record of recent permits for a window we never had.
  std::size_t longest = 0;
  for (std::size_t i = 1; i < windows_.size(); ++i) {
    if (windows_[i].window_ms > windows_[longest].window_ms) longest = i;
  }
  for (std::size_t n = 0; n < windows.size(); ++n) {
    std::size_t source = longest;
    for (std::size_t i = 0; i < windows_.size(); ++i) {
      if (windows_[i].window_ms == windows[n].window_ms) source = i;
    }
    if (source < logs_.size()) logs[n] = logs_[source];
    keep_newest(logs[n], windows[n].limit);
  }
  windows_ = std::move(windows);
  logs_ = std::move(logs);
  ++generation_;
}

void RiotRateLimiter::observe_headers(std::string_view app_limit, std::string_view app_count,
                                      std::int64_t now_ms) {
  if (auto limits = parse_rate_limits(app_limit)) {
    *limits = scale_windows(std::move(*limits), options_.share);
    if (*limits != windows_) set_windows(*limits);
  }
  if (options_.share < 1) return;  // Riot's count includes the other share's calls
  const auto counts = parse_pairs(app_count, true);
  if (!counts) return;
  for (const auto& [count, seconds] : *counts) {
    for (std::size_t i = 0; i < windows_.size(); ++i) {
      if (windows_[i].window_ms != seconds * 1000) continue;
      expire(i, now_ms);
      const int ours = count_in_window(i, now_ms);
      if (count <= ours) continue;
      auto& log = logs_[i];
      if (count >= windows_[i].limit) {
        // Riot says the window is full: nothing more until a whole window from now.
        log.assign(static_cast<std::size_t>(windows_[i].limit), now_ms);
      } else {
        for (std::int64_t k = ours; k < count; ++k) insert_sorted(log, now_ms);
        keep_newest(log, windows_[i].limit);
      }
    }
  }
}

void RiotRateLimiter::on_429(std::optional<double> retry_after_s, std::int64_t now_ms) {
  if (retry_after_s) {
    const auto wait = static_cast<std::int64_t>(std::ceil(*retry_after_s * 1000.0));
    blocked_until_ms_ = std::max(blocked_until_ms_,
                                 now_ms + wait + std::max<std::int64_t>(options_.safety_margin_ms, 0));
    return;
  }
  on_server_error(now_ms);
  blocked_until_ms_ = std::max(blocked_until_ms_, now_ms + options_.default_retry_after_ms);
}

void RiotRateLimiter::on_server_error(std::int64_t now_ms) {
  ++consecutive_errors_;
  const int doublings = std::min(consecutive_errors_ - 1, 30);
  std::int64_t wait = std::max<std::int64_t>(options_.backoff_initial_ms, 0);
  for (int i = 0; i < doublings && wait < options_.backoff_max_ms; ++i) wait *= 2;
  wait = std::min(wait, options_.backoff_max_ms);
  blocked_until_ms_ = std::max(blocked_until_ms_, now_ms + wait);
}

void RiotRateLimiter::on_success(std::int64_t) { consecutive_errors_ = 0; }

double RiotRateLimiter::sustainable_rate_per_s() const {
  double rate = 0;
  bool first = true;
  for (const RateWindow& w : windows_) {
    const double r = static_cast<double>(w.limit) * 1000.0 / static_cast<double>(w.window_ms);
    if (first || r < rate) rate = r;
    first = false;
  }
  return rate;
}

}  // namespace shotcall::riot
