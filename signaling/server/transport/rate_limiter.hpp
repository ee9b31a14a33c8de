// Per-connection frame budget: a token bucket plus the policy around it (when to answer a dropped
// frame with `rate-limited`, when a flood earns a close). Pure: time is passed in, in seconds on
// any monotonic clock, so tests drive it without waiting.
#pragma once

#include <cstddef>

namespace shotcall::server {

class TokenBucket {
 public:
  // `rate` tokens per second refill a bucket of `burst` tokens, which starts full.
  TokenBucket(double rate, double burst);
  // Takes one token if there is one.
  bool take(double now_s);
  double tokens() const { return tokens_; }

 private:
  void refill(double now_s);

  double rate_;
  double burst_;
  double tokens_;
  double last_s_ = -1;  // no refill before the first call
};

enum class FrameVerdict {
  Accept,        // process the frame
  Drop,          // over budget: ignore it silently (an error went out less than a second ago)
  DropAndWarn,   // over budget: ignore it and answer `rate-limited`
  Close,         // flooding: close the connection (1008)
};

struct FloodPolicy {
  double warn_interval_s = 1.0;  // at most one `rate-limited` error per interval
  double window_s = 10.0;        // drops counted over this window...
  std::size_t max_drops = 1000;  // ...and more than this many closes the connection
};

class FrameGate {
 public:
  FrameGate(double rate, std::size_t burst, FloodPolicy policy);
  // The policy the server uses: close after more than 10 × burst drops within 10 s.
  FrameGate(double rate, std::size_t burst);

  FrameVerdict admit(double now_s);
  std::size_t dropped_total() const { return dropped_total_; }

 private:
  TokenBucket bucket_;
  FloodPolicy policy_;
  double last_warn_s_ = -1e300;
  double window_start_s_ = -1e300;
  std::size_t window_drops_ = 0;
  std::size_t dropped_total_ = 0;
};

}  // namespace shotcall::server
