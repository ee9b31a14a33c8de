// Where a link sits in the mix: decoded timestamps in, "realign on this buffer" out.
#include "app/mesh/mix_alignment.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace shotcall::mesh {
namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kFrame = 10 * kMs;
constexpr std::int64_t kSettle = MixAlignmentLimits{}.settle_ns;

// A link's decoded buffers, one frame each, as the jitter buffer stamps them: `pts` moves on by
// a frame plus whatever the arrival estimate moved by. Records which buffers were marked.
struct Link {
  MixAlignment alignment;
  std::int64_t pts = 5 * 1000 * kMs;
  int index = 0;
  std::vector<int> marked;
  // `n` buffers, each stamped `step` after the one before.
  void play(int n, std::int64_t step = kFrame) {
    for (int i = 0; i < n; ++i) one(step);
  }
  void one(std::int64_t step, bool discont = false) {
    pts += step;
    if (alignment.realign(pts, kFrame, discont)) marked.push_back(index);
    index++;
  }
  static int buffers_in(std::int64_t ns) { return static_cast<int>(ns / kFrame); }
  // How many frames until a buffer `ns` past the first one's timestamp: rounded up.
  static int buffers_to(std::int64_t ns) { return static_cast<int>((ns + kFrame - 1) / kFrame); }
};

TEST(MixAlignment, ASteadyLinkIsNeverRealigned) {
  Link link;
  link.play(3000);
  EXPECT_TRUE(link.marked.empty());
}

TEST(MixAlignment, TheStartupCreepIsFollowedOnceTheWindowHasFilled) {
  Link link;
  link.one(0);
  // The arrival estimate comes down by 0.2 ms a packet for the first 1.5 s (30 ms in all).
  link.play(150, kFrame - kMs / 5);
  link.play(1000);
  ASSERT_EQ(link.marked.size(), 1u);
  // The first buffer whose timestamp is the settle time past the first one's. The creep
  // brought the timestamps 30 ms closer together, which is 3 frames more before that.
  EXPECT_EQ(link.marked[0], Link::buffers_to(kSettle + 30 * kMs));
}

TEST(MixAlignment, AJumpIsFollowedAtOnceAndTheCreepAfterItOnce) {
  Link link;
  link.play(Link::buffers_in(kSettle) + 100);
  ASSERT_TRUE(link.marked.empty());
  const int jump = link.index;
  link.one(kFrame + 25'600'000);    // a packet came 25.6 ms late: the estimate starts over
  link.play(30, kFrame - 600'000);  // and comes back by 18 ms
  link.play(1000);
  ASSERT_EQ(link.marked.size(), 2u);
  EXPECT_EQ(link.marked[0], jump);
  // 2.5 s of timestamps after the jump, which the creep made 18 ms (1.8 frames) shorter.
  EXPECT_EQ(link.marked[1], jump + Link::buffers_to(kSettle + 18 * kMs));
}

TEST(MixAlignment, ASettledLinkThatDriftsIsFollowedPastTheTolerance) {
  Link link;
  link.play(Link::buffers_in(kSettle) + 100);
  // 0.05 ms a packet earlier, as a sender's clock running fast would make them.
  link.play(200, kFrame - kMs / 20);
  // Past 2 ms: the 41st packet; then again 41 packets later, from where it was realigned.
  EXPECT_EQ(link.marked, (std::vector<int>{350 + 40, 350 + 81, 350 + 122, 350 + 163}));
}

TEST(MixAlignment, ASettledLinkThatStepsBackIsRealignedWithoutWaiting) {
  Link link;
  link.play(Link::buffers_in(kSettle) + 100);
  const int step = link.index;
  link.one(kFrame - 5 * kMs);
  link.play(1000);
  EXPECT_EQ(link.marked, std::vector<int>{step});
}

TEST(MixAlignment, StraysWithinTheToleranceAreLeftAlone) {
  Link link;
  link.play(Link::buffers_in(kSettle) + 100);
  for (int i = 0; i < 500; ++i) link.one(kFrame + (i % 2 ? 1 : -1) * 1'900'000);
  EXPECT_TRUE(link.marked.empty());
}

TEST(MixAlignment, ABufferAlreadyMarkedDiscontMovesWhereTheMixerExpectsTheNext) {
  Link link;
  link.play(Link::buffers_in(kSettle) + 100);
  link.one(kFrame + 300 * kMs, /*discont=*/true);  // the mixer places it by its timestamp
  link.play(1000);
  EXPECT_TRUE(link.marked.empty());
}

}  // namespace
}  // namespace shotcall::mesh
