// When to place a teammate's sound in the mix by its timestamps rather than where the previous
// buffer ended. Pure: each buffer's timestamp and duration in, "realign here" out; the engine
// marks that buffer DISCONT on the mixer's pad (app/media/peer_link.cpp).
//
// audiomixer keeps each input continuous: it lays a buffer where the previous one ended and
// goes back to the timestamps only when they stray by 40 ms for a second. A link's timestamps
// come from its jitter buffer, and they move in two ways that the mixer then takes as
// continuous, so the link's sound stays where it was laid, up to 40 ms off, for the rest of the
// call: placed late, heard that much later; placed early, the mixer waits for it on every block
// and its blocks reach the sink late, as a glitch each (docs/performance.md, "Where the mixer
// puts a link's sound").
// - They creep. The jitter buffer's arrival estimate starts from the first packet's transit and
//   moves to the shortest transit it sees while its 2 s window fills (rtpjitterbuffer.c,
//   calculate_skew): by up to tens of ms, a fraction of a ms per packet.
// - They jump. A packet that arrives later than the jitter buffer's depth resets that estimate
//   (rtp_jitter_buffer_calculate_pts: "pts + delay < dts"): its timestamp becomes its arrival,
//   as much later as it was late, and the creep starts over. With the depth at its 5 ms floor,
//   one stall of the sender's or the network's does it: traced, jumps of 25.6, 86 and 141 ms,
//   the 141 ms one crept back within 0.7 s in steps of 0.3-3.5 ms a packet.
// Realigning on every stray is no answer: during the creep that is a small skip on nearly every
// buffer. So a jump is followed at once (the late sound plays where it belongs: a gap, then
// nothing waits for it), the creep after a start or a jump is left alone until the window has
// filled and then followed once, and a stray of more than `tolerance_ns` at any other time is
// followed at once.
#pragma once

#include <cstdint>

namespace shotcall::mesh {

struct MixAlignmentLimits {
  // The jitter buffer's skew window is 2 s of RTP time; a little more, so that it has filled.
  std::int64_t settle_ns = 2'500'000'000;
  // Placed this far early, the mixer waits this much longer for a link on every block: what
  // the render delay's margin above the jitter buffer can absorb without late blocks.
  std::int64_t tolerance_ns = 2'000'000;
  // A realignment by less than this is not worth a skip.
  std::int64_t negligible_ns = 500'000;
};

class MixAlignment {
 public:
  explicit MixAlignment(MixAlignmentLimits limits = {}) : limits_(limits) {}

  // One buffer on its way into the mixer: its timestamp and duration in ns, and whether it is
  // already marked DISCONT (the mixer realigns on it anyway). True: mark it DISCONT.
  bool realign(std::int64_t pts_ns, std::int64_t duration_ns, bool discont);

 private:
  MixAlignmentLimits limits_;
  bool started_ = false;
  std::int64_t expected_ns_ = 0;  // where the mixer will lay the next buffer
  bool settling_ = false;         // timestamps creep; follow them once they settled
  std::int64_t settling_since_ns_ = 0;
};

}  // namespace shotcall::mesh
