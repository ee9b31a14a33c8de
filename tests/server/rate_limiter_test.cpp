#include "signaling/server/transport/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace shotcall::server {
namespace {

TEST(TokenBucket, StartsFullAndEmptiesAfterBurst) {
  TokenBucket b(10, 5);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(b.take(100.0)) << i;
  EXPECT_FALSE(b.take(100.0));
}

TEST(TokenBucket, RefillsAtTheRate) {
  TokenBucket b(10, 5);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(b.take(0.0));
  EXPECT_FALSE(b.take(0.05));  // half a token
  EXPECT_TRUE(b.take(0.1));    // one token after 100 ms at 10/s
  EXPECT_FALSE(b.take(0.1));
  EXPECT_TRUE(b.take(0.35));   // 2.5 tokens more
  EXPECT_TRUE(b.take(0.35));
  EXPECT_FALSE(b.take(0.35));
}

TEST(TokenBucket, NeverHoldsMoreThanBurst) {
  TokenBucket b(10, 3);
  ASSERT_TRUE(b.take(0));
  int taken = 0;
  while (b.take(1000.0)) ++taken;  // a long idle spell
  EXPECT_EQ(taken, 3);
}

TEST(TokenBucket, ClockSteppingBackDoesNotMintTokens) {
  TokenBucket b(1, 1);
  ASSERT_TRUE(b.take(10));
  EXPECT_FALSE(b.take(5));
  EXPECT_FALSE(b.take(10.5));
  EXPECT_TRUE(b.take(11));
}

TEST(TokenBucket, SustainedRateIsHonoured) {
  TokenBucket b(50, 100);
  int accepted = 0;
  // 10 s of frames every millisecond: burst + rate × time get through.
  for (int ms = 0; ms < 10000; ++ms)
    if (b.take(ms / 1000.0)) ++accepted;
  EXPECT_GE(accepted, 100 + 50 * 10 - 1);
  EXPECT_LE(accepted, 100 + 50 * 10 + 1);
}

TEST(FrameGate, AcceptsWithinBudgetThenWarnsOncePerSecond) {
  FrameGate g(1, 2);
  EXPECT_EQ(g.admit(0), FrameVerdict::Accept);
  EXPECT_EQ(g.admit(0), FrameVerdict::Accept);
  EXPECT_EQ(g.admit(0), FrameVerdict::DropAndWarn);
  EXPECT_EQ(g.admit(0.1), FrameVerdict::Drop);
  EXPECT_EQ(g.admit(0.5), FrameVerdict::Drop);
  EXPECT_EQ(g.admit(1.0), FrameVerdict::Accept);  // one token back
  EXPECT_EQ(g.admit(1.0), FrameVerdict::DropAndWarn);  // a second after the last warning
  EXPECT_EQ(g.dropped_total(), 4u);
}

TEST(FrameGate, ClosesAFloodAfterTenTimesBurstDropsInTenSeconds) {
  FrameGate g(50, 100);
  int accepted = 0, dropped = 0;
  double t = 0;
  FrameVerdict v = FrameVerdict::Accept;
  // 2000 frames per second.
  for (int i = 0; i < 100000; ++i) {
    t = i / 2000.0;
    v = g.admit(t);
    if (v == FrameVerdict::Close) break;
    (v == FrameVerdict::Accept ? accepted : dropped)++;
  }
  EXPECT_EQ(v, FrameVerdict::Close);
  EXPECT_EQ(dropped, 1000);  // 10 × burst tolerated, the next one closes
  EXPECT_LT(t, 1.0);
}

TEST(FrameGate, ASteadyOvershootBelowTheFloodLineIsNeverClosed) {
  // 60 frames/s against 50/s: 10 drops a second, 100 per window, far below 1000.
  FrameGate g(50, 100);
  for (int i = 0; i < 60 * 120; ++i)
    ASSERT_NE(g.admit(i / 60.0), FrameVerdict::Close) << "frame " << i;
}

TEST(FrameGate, CustomPolicy) {
  FrameGate g(1, 1, FloodPolicy{0.5, 2.0, 3});
  EXPECT_EQ(g.admit(0), FrameVerdict::Accept);
  EXPECT_EQ(g.admit(0), FrameVerdict::DropAndWarn);
  EXPECT_EQ(g.admit(0.1), FrameVerdict::Drop);
  EXPECT_EQ(g.admit(0.6), FrameVerdict::DropAndWarn);
  EXPECT_EQ(g.admit(0.7), FrameVerdict::Close);  // 4th drop within the 2 s window
}

TEST(FrameGate, DropWindowRestartsAfterQuiet) {
  FrameGate g(1, 1, FloodPolicy{0.5, 2.0, 3});
  EXPECT_EQ(g.admit(0), FrameVerdict::Accept);
  EXPECT_NE(g.admit(0.1), FrameVerdict::Close);
  EXPECT_NE(g.admit(0.2), FrameVerdict::Close);
  EXPECT_NE(g.admit(0.3), FrameVerdict::Close);  // 3 drops: at the line, not over it
  // A new window starts 2 s after the first drop.
  EXPECT_EQ(g.admit(2.2), FrameVerdict::Accept);
  EXPECT_NE(g.admit(2.2), FrameVerdict::Close);
}

}  // namespace
}  // namespace shotcall::server
