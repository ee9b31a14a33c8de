#include "signaling/server/transport/rate_limiter.hpp"

#include <algorithm>

namespace shotcall::server {

TokenBucket::TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}

void TokenBucket::refill(double now_s) {
  // A clock that steps back (it should not: callers pass monotonic time) only pauses refilling.
  if (last_s_ >= 0 && now_s > last_s_) tokens_ = std::min(burst_, tokens_ + (now_s - last_s_) * rate_);
  if (last_s_ < 0 || now_s > last_s_) last_s_ = now_s;
}

bool TokenBucket::take(double now_s) {
  refill(now_s);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

FrameGate::FrameGate(double rate, std::size_t burst, FloodPolicy policy)
    : bucket_(rate, static_cast<double>(burst)), policy_(policy) {}

FrameGate::FrameGate(double rate, std::size_t burst)
    : FrameGate(rate, burst, FloodPolicy{1.0, 10.0, 10 * burst}) {}

FrameVerdict FrameGate::admit(double now_s) {
  if (bucket_.take(now_s)) return FrameVerdict::Accept;

  ++dropped_total_;
  // Drops are counted in fixed windows that start at the first drop after a quiet spell: a
  // client that overshoots now and then never adds up to a close, a flood does within one window.
  if (now_s - window_start_s_ >= policy_.window_s) {
    window_start_s_ = now_s;
    window_drops_ = 0;
  }
  ++window_drops_;
  if (window_drops_ > policy_.max_drops) return FrameVerdict::Close;

  if (now_s - last_warn_s_ >= policy_.warn_interval_s) {
    last_warn_s_ = now_s;
    return FrameVerdict::DropAndWarn;
  }
  return FrameVerdict::Drop;
}

}  // namespace shotcall::server
