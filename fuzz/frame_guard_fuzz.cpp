// The frame guard on arbitrary client bytes (signaling/server/transport/frame_guard.hpp). Input:
// one byte picks the message limit and whether pings and pongs are admitted (all, or every other
// one), one byte seeds how the rest is cut into reads, then the raw stream. Checks: the guard never
// emits more than it was given; it reports its trip at most once; how the stream is cut into reads
// changes nothing it emits nor why it trips; an untripped guard that admits every control frame
// passes every byte unchanged, holding back at most an incomplete frame header or a close frame
// it has not yet seen whole.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "signaling/server/transport/frame_guard.hpp"

namespace {

using shotcall::server::FrameGuard;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "frame_guard invariant broken: %s\n", what);
    std::abort();
  }
}

struct Run {
  std::string out;
  int trips = 0;
  bool tripped = false;
  shotcall::server::GuardFault fault = shotcall::server::GuardFault::None;
};

// Feeds `stream` in pieces whose sizes come from `cuts` (a tiny generator); 0 = all at once.
Run feed(std::uint64_t limit, bool refuse_every_other, std::string_view stream, std::uint8_t cuts) {
  int controls = 0;
  FrameGuard guard(limit,
                   [&](bool, std::uint64_t) { return !refuse_every_other || ++controls % 2 == 1; });
  Run run;
  std::uint32_t state = cuts;
  std::size_t at = 0;
  while (at < stream.size()) {
    std::size_t n = stream.size() - at;
    if (cuts != 0) {
      state = state * 1103515245u + 12345u;
      n = std::min<std::size_t>(n, 1 + (state >> 16) % 13);
    }
    if (guard.feed(stream.substr(at, n), run.out)) ++run.trips;
    at += n;
  }
  run.tripped = guard.tripped();
  run.fault = guard.fault();
  return run;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // Small limits so fuzzed frames reach them; 0 and the largest value at the edges.
  static constexpr std::uint64_t kLimits[] = {0,   1,   2,   7,     16,    125,
                                              126, 127, 200, 65535, 65536, ~std::uint64_t{0}};
  const std::uint64_t limit = kLimits[(data[0] & 0x7f) % (sizeof kLimits / sizeof kLimits[0])];
  const bool refuse = (data[0] & 0x80) != 0;
  const std::uint8_t cuts = data[1];
  const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);

  const Run whole = feed(limit, refuse, stream, 0);
  check(whole.out.size() <= stream.size(), "more bytes out than in");
  check(whole.trips <= 1, "tripped more than once");
  check(whole.trips == (whole.tripped ? 1 : 0), "trip reported and tripped() disagree");
  if (!whole.tripped && !refuse) {
    // Held back at most: a frame header (< 14 bytes) or a close frame (14 + 125 bytes).
    check(stream.substr(0, whole.out.size()) == whole.out, "an untripped guard changed bytes");
    check(stream.size() - whole.out.size() < 14 + 125, "an untripped guard held back a frame");
  }

  const Run pieces = feed(limit, refuse, stream, cuts == 0 ? 1 : cuts);
  check(pieces.out == whole.out, "cutting the stream into reads changed the output");
  check(pieces.fault == whole.fault, "cutting the stream into reads changed the verdict");
  return 0;
}
