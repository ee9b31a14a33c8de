// Capped exponential backoff with jitter, for reconnecting to the signaling server. Pure.
#pragma once

#include <cstdint>
#include <functional>

namespace shotcall::net {

class Backoff {
 public:
  // `random01` returns a value in [0, 1): jitter spreads a whole team's reconnects apart, so a
  // restarted server is not hit by everyone in the same millisecond.
  Backoff(std::uint32_t first_ms, std::uint32_t cap_ms, std::function<double()> random01);

  // The delay before the next attempt; each call doubles the base up to the cap.
  std::uint32_t next_delay_ms();
  // A connection worked: start again from the first delay.
  void reset() { attempt_ = 0; }
  std::uint32_t attempts() const { return attempt_; }

 private:
  std::uint32_t first_ms_;
  std::uint32_t cap_ms_;
  std::function<double()> random01_;
  std::uint32_t attempt_ = 0;
};

}  // namespace shotcall::net
