#include "app/mesh/mix_alignment.hpp"

namespace shotcall::mesh {

bool MixAlignment::realign(std::int64_t pts_ns, std::int64_t duration_ns, bool discont) {
  bool mark = false;
  const bool placed_by_mixer = !started_ || discont;
  if (placed_by_mixer) {
    // The mixer places this buffer by its timestamp by itself. A first buffer starts the
    // creep; a DISCONT from upstream (a new stream) is a start of its own.
    if (!started_) {
      settling_ = true;
      settling_since_ns_ = pts_ns;
    }
    started_ = true;
  } else {
    const std::int64_t stray_ns = pts_ns - expected_ns_;
    const std::int64_t size_ns = stray_ns < 0 ? -stray_ns : stray_ns;
    if (stray_ns > limits_.tolerance_ns) {
      // A jump: the jitter buffer started its estimate over from this late packet.
      mark = true;
      settling_ = true;
      settling_since_ns_ = pts_ns;
    } else if (settling_) {
      if (pts_ns - settling_since_ns_ >= limits_.settle_ns) {
        settling_ = false;
        mark = size_ns > limits_.negligible_ns;
      }
    } else {
      mark = size_ns > limits_.tolerance_ns;
    }
  }
  // The mixer lays this buffer at its timestamp when marked, else where the last one ended.
  expected_ns_ = (mark || placed_by_mixer ? pts_ns : expected_ns_) + duration_ns;
  return mark;
}

}  // namespace shotcall::mesh
