#include "app/mesh/media_watchdog.hpp"

#include <algorithm>

namespace shotcall::mesh {

MediaWatchdog::MediaWatchdog(int timeout_ms, int sample_interval_ms)
    : timeout_ms_(timeout_ms), max_gap_ms_(2 * static_cast<std::int64_t>(std::max(1, sample_interval_ms))) {}

void MediaWatchdog::start(std::int64_t now_ms) {
  started_ = true;
  bytes_ = 0;
  last_sample_ms_ = now_ms;
  silence_ms_ = 0;
}

std::optional<std::int64_t> MediaWatchdog::sample(std::int64_t now_ms,
                                                  std::uint64_t bytes_received) {
  if (!started_ || timeout_ms_ <= 0) return std::nullopt;
  const std::int64_t watched = std::clamp<std::int64_t>(now_ms - last_sample_ms_, 0, max_gap_ms_);
  last_sample_ms_ = std::max(last_sample_ms_, now_ms);
  if (bytes_received != bytes_) {
    bytes_ = bytes_received;
    silence_ms_ = 0;
    return std::nullopt;
  }
  silence_ms_ += watched;
  if (silence_ms_ >= timeout_ms_) return silence_ms_;
  return std::nullopt;
}

}  // namespace shotcall::mesh
