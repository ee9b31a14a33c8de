// How deep the jitter buffers are: as shallow as the links allow, deeper at once when a link gets
// worse, shallower only after every link stayed better for a while. Pure: each link's measured
// jitter in, the depth out.
//
// A fixed depth is wrong on both kinds of network. On a wired link with a few hundred
// microseconds of jitter, 20 ms of buffer is 15 ms of delay bought for nothing; on Wi-Fi or a
// congested uplink with 30 ms of jitter, the same 20 ms conceals one packet in ten
// (docs/latency.md, "Bad links"). The engine feeds the interarrival jitter of every link's stats
// (RFC 3550, a running mean of how much transit times differ between packets) and applies the
// depth to every jitter buffer and to the render delay, which all links share.
//
// Why `jitter_factor` times the jitter: a packet is late when its transit exceeds the shortest
// transit the jitter buffer has seen by more than the depth. For normally distributed transit
// times with deviation s, the RFC 3550 estimate is about 1.13 s, the shortest transit in a window
// of a few hundred packets about 2.5 s below the mean, and 99 % of packets arrive within 2.3 s
// above it: ~4.4 s, or 4 times the estimate, covers all but about one packet in a hundred, which
// the decoder conceals.
//
// Only a link that carries speech is measured. A muted teammate sends a silent keepalive frame
// every half second (app/media/capture_gate.hpp) and the encoder hands each one's tail on with
// the next, half a second late: the estimate reads 200 ms and more on a clean link. So a link's
// jitter counts only when it received at least `min_packets_per_second` (half the packet rate of
// 20 ms frames) over the interval before the sample and the one before that: by then the
// estimate, a running mean that forgets 1/16 per packet, has forgotten the silence. A new link
// (or a rebuilt one, whose count starts again) has no silence behind it: its first interval
// of speech counts, from its first audio (`start`) when the engine says when that was.
// Waiting for a second interval would leave the first seconds of a call on a jittery link at
// the starting depth, where a third of the packets and more come too late.
//
// A change of depth moves the render delay, which a listener hears as a short gap (deeper) or a
// few milliseconds skipped (shallower). So the depth grows at once, by a whole step, and shrinks
// only when every link asked for less for `shrink_after_ms`, to the most any of them asked for
// in that time; and "less" is judged with `shrink_margin` times the jitter, so that a link whose
// jitter sits near a step's edge (1.2 ms, then 1.3) does not move the depth back and forth.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace shotcall::mesh {

struct JitterLimits {
  int floor_ms = 5;      // scheduling on the receiving computer; a clean link needs no more
  int ceiling_ms = 200;  // webrtcbin's own default: beyond it a call is no longer a conversation
  int step_ms = 5;
  double jitter_factor = 4.0;
  int min_packets_per_second = 25;
  std::int64_t shrink_after_ms = 6000;
  double shrink_margin = 1.5;
  // A shorter interval is not judged (its estimate has too few packets behind it); the count
  // runs on to the next sample.
  std::int64_t min_interval_ms = 200;
};

class JitterBudget {
 public:
  explicit JitterBudget(int start_ms, JitterLimits limits = {});

  // A link's stats at now_ms: its interarrival jitter in ms and the packets it received so far.
  // Returns the new depth when it changes. A negative or non-finite jitter is ignored.
  std::optional<int> sample(const std::string& link, double jitter_ms,
                            std::uint64_t packets_received, std::int64_t now_ms);
  // The link's first audio came out at now_ms (a new link, or a rebuilt one; its first packets
  // came a jitter buffer's depth before): its estimate has nothing behind it but those, so a
  // sample soon after, of speech, counts.
  void start(const std::string& link, std::int64_t now_ms);
  // The link is gone: it no longer holds the depth up (the depth shrinks by the usual rule).
  void forget(const std::string& link);

  int depth_ms() const { return depth_ms_; }
  // What the links ask for now: the deepest of their needs, or 0 with no link measured.
  int need_ms() const { return deepest(&Link::need_ms); }

 private:
  struct Link {
    int need_ms = 0;  // 0 until it was measured carrying speech
    int keep_ms = 0;  // the need with shrink_margin: the depth goes no lower
    std::uint64_t packets = 0;
    std::optional<std::int64_t> sampled_at_ms;
    bool steady_before = true;  // the estimate remembers only speech, or nothing yet
  };

  int need_of(double jitter_ms) const;
  int deepest(int Link::*field) const;
  // Whether the link carried speech over the interval that ends at now_ms, and notes the count.
  bool steady(const std::string& link, std::uint64_t packets_received, std::int64_t now_ms);

  JitterLimits limits_;
  int depth_ms_;
  std::map<std::string, Link> links_;
  std::optional<std::int64_t> below_since_ms_;  // every link asked for less than the depth since
  int most_asked_while_below_ = 0;
};

}  // namespace shotcall::mesh
