// The jitter budget: link jitter in, depth out; no clock but the one the test passes.
#include "app/mesh/jitter_budget.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>

namespace shotcall::mesh {
namespace {

constexpr std::int64_t kHold = JitterLimits{}.shrink_after_ms;

// A teammate's link as the engine reports it every two seconds: received packets counted up,
// 100 a second while the teammate talks (10 ms frames), two a second while muted.
struct Link {
  Link(JitterBudget& budget, std::string id) : budget(budget), id(std::move(id)) {}
  std::optional<int> talking(double jitter_ms, std::int64_t now_ms) {
    return report(jitter_ms, now_ms, 100);
  }
  std::optional<int> muted(double jitter_ms, std::int64_t now_ms) {
    return report(jitter_ms, now_ms, 2);
  }
  std::optional<int> report(double jitter_ms, std::int64_t now_ms, int per_second) {
    if (last_ms) packets += static_cast<std::uint64_t>((now_ms - *last_ms) * per_second / 1000);
    last_ms = now_ms;
    return budget.sample(id, jitter_ms, packets, now_ms);
  }
  // The link's first report, two seconds before `now_ms`: the next report of speech counts.
  Link& talked_before(std::int64_t now_ms) {
    EXPECT_FALSE(talking(0.0, now_ms - 2000));
    return *this;
  }
  JitterBudget& budget;
  std::string id;
  std::uint64_t packets = 0;
  std::optional<std::int64_t> last_ms;
};

TEST(JitterBudget, StartsWhereToldWithinItsLimits) {
  EXPECT_EQ(JitterBudget(20).depth_ms(), 20);
  EXPECT_EQ(JitterBudget(0).depth_ms(), 5);
  EXPECT_EQ(JitterBudget(5000).depth_ms(), 200);
  EXPECT_EQ(JitterBudget(20).need_ms(), 0);
}

TEST(JitterBudget, ACleanLinkTakesItToTheFloorOnlyAfterTheHold) {
  JitterBudget b(20);
  Link a = Link(b, "a").talked_before(0);
  EXPECT_FALSE(a.talking(0.05, 0));
  EXPECT_EQ(b.need_ms(), 5);
  EXPECT_FALSE(a.talking(0.04, 2000));
  EXPECT_FALSE(a.talking(0.06, kHold - 1000));
  EXPECT_EQ(b.depth_ms(), 20);
  EXPECT_EQ(a.talking(0.05, kHold), 5);
  EXPECT_EQ(b.depth_ms(), 5);
  EXPECT_FALSE(a.talking(0.05, kHold + 2000)) << "no change, no report";
}

TEST(JitterBudget, ANewLinkIsMeasuredAfterItsFirstIntervalOfSpeech) {
  JitterBudget b(20);
  Link a(b, "a");
  EXPECT_FALSE(a.talking(50.0, 0)) << "the first report has nothing to count from";
  EXPECT_EQ(b.need_ms(), 0);
  EXPECT_EQ(a.talking(50.0, 2000), 200) << "nothing came before that interval to remember";
}

TEST(JitterBudget, ALinkFirstReportedWithPacketsIsMeasuredAfterOneFullInterval) {
  // The engine's first report can come just after a link's first packets: from how long is not
  // known, so that report is not judged, and the next one counts.
  JitterBudget b(20);
  EXPECT_FALSE(b.sample("a", 40.0, 51, 0));
  EXPECT_EQ(b.sample("a", 40.0, 251, 2000), 160);
}

TEST(JitterBudget, FromItsFirstPacketALinkIsMeasuredWithinASecond) {
  // The engine says when a link's first packets came and reads its stats a quarter of a second
  // later; the regular reports every 2 s go on.
  JitterBudget b(20);
  EXPECT_FALSE(b.sample("a", 0.0, 0, 0)) << "a regular report before the link carried anything";
  b.start("a", 1500);
  EXPECT_FALSE(b.sample("a", 25.0, 10, 1600)) << "a tenth of a second is too short to judge";
  EXPECT_EQ(b.sample("a", 30.0, 25, 1750), 120);
  EXPECT_EQ(b.sample("a", 35.0, 50, 2000), 140) << "and the next regular report counts too";
}

TEST(JitterBudget, ALinkThatStartsMutedIsNotMeasuredFromItsFirstPacket) {
  JitterBudget b(20);
  b.start("a", 0);
  EXPECT_FALSE(b.sample("a", 216.0, 1, 250)) << "one keepalive frame";
  EXPECT_FALSE(b.sample("a", 216.0, 5, 2000));
  EXPECT_EQ(b.need_ms(), 0);
}

TEST(JitterBudget, ARebuiltLinkKeepsWhatItMeasuredUntilItIsMeasuredAgain) {
  JitterBudget b(20);
  Link a = Link(b, "a").talked_before(0);
  EXPECT_EQ(a.talking(30.0, 0), 120);
  b.start("a", 1000);  // the new webrtcbin's first packets
  EXPECT_EQ(b.need_ms(), 120);
  EXPECT_FALSE(b.sample("a", 5.0, 25, 1250)) << "the depth holds, the shrink waits its hold";
  EXPECT_EQ(b.need_ms(), 20);
}

TEST(JitterBudget, ALinkThatStartedMutedWaitsForTwoReportsOfSpeech) {
  JitterBudget b(20);
  Link a(b, "a");
  EXPECT_FALSE(a.muted(216.0, 0));
  EXPECT_FALSE(a.muted(216.0, 2000));
  EXPECT_FALSE(a.talking(50.0, 4000)) << "one interval of speech: the silence is still in it";
  EXPECT_EQ(b.need_ms(), 0);
  EXPECT_EQ(a.talking(50.0, 6000), 200);
}

TEST(JitterBudget, AMutedTeammatesKeepaliveFramesAreNotMeasured) {
  JitterBudget b(20);
  Link a = Link(b, "a").talked_before(0);
  EXPECT_FALSE(a.talking(0.05, 0));
  // Muted: a frame every half second, and each one's tail half a second late.
  for (std::int64_t t = 2000; t <= 3 * kHold; t += 2000) EXPECT_FALSE(a.muted(216.0, t));
  EXPECT_EQ(b.depth_ms(), 20) << "nor does a muted link let it shrink: nothing was measured";
  EXPECT_EQ(b.need_ms(), 5) << "what it measured while it talked stands";
  // Talking again: the first report still holds the silence and is not counted; the second is,
  // and the link has asked for the floor since before the mute.
  const std::int64_t t = 3 * kHold + 2000;
  EXPECT_FALSE(a.talking(30.0, t));
  EXPECT_EQ(a.talking(0.05, t + 2000), 5);
}

TEST(JitterBudget, ACountThatWentDownIsJudgedAfterTwoIntervals) {
  // A rebuilt link the engine did not `start`, or summed sources that changed: what the estimate
  // remembers is not known, so the rule for two intervals of speech applies.
  JitterBudget b(20);
  Link a = Link(b, "a").talked_before(0);
  EXPECT_FALSE(a.talking(0.05, 0));
  EXPECT_FALSE(a.talking(0.05, 2000));  // 400 packets so far
  a.packets = 0;                        // counted from zero again: 200 at the next report
  EXPECT_FALSE(a.talking(90.0, 4000)) << "the count went down within that interval";
  EXPECT_FALSE(a.talking(90.0, 6000)) << "one interval of speech since";
  EXPECT_EQ(a.talking(90.0, 8000), 200);
}

TEST(JitterBudget, AWorseLinkDeepensItAtOnceInWholeSteps) {
  JitterBudget b(5);
  Link a = Link(b, "a").talked_before(0);
  EXPECT_FALSE(a.talking(1.0, 0));      // 4 ms: the floor covers it
  EXPECT_EQ(a.talking(2.6, 2000), 15);  // 10.4 ms rounds up to 15
  EXPECT_EQ(a.talking(30.0, 4000), 120);
  EXPECT_FALSE(a.talking(29.0, 6000)) << "116 ms fits in 120";
}

TEST(JitterBudget, NeverPastTheCeiling) {
  JitterBudget b(20);
  Link a = Link(b, "a").talked_before(0);
  EXPECT_EQ(a.talking(400.0, 0), 200);
  EXPECT_FALSE(a.talking(1e9, 2000));
  EXPECT_EQ(b.depth_ms(), 200);
}

TEST(JitterBudget, TheWorstLinkDecides) {
  JitterBudget b(20);
  Link wifi = Link(b, "wifi").talked_before(0);
  Link wired_1 = Link(b, "wired-1").talked_before(0);
  Link wired_2 = Link(b, "wired-2").talked_before(0);
  EXPECT_EQ(wifi.talking(10.0, 0), 40);
  // The wired teammates ask for the floor; the Wi-Fi one still needs 40 ms.
  for (std::int64_t t = 0; t <= 3 * kHold; t += 2000) {
    EXPECT_FALSE(wired_1.talking(0.1, t));
    EXPECT_FALSE(wired_2.talking(0.2, t));
  }
  EXPECT_EQ(b.depth_ms(), 40);
  EXPECT_EQ(b.need_ms(), 40);
}

TEST(JitterBudget, ALinkThatLeftNoLongerHoldsItUp) {
  JitterBudget b(20);
  Link wifi = Link(b, "wifi").talked_before(0);
  Link wired = Link(b, "wired").talked_before(0);
  EXPECT_EQ(wifi.talking(10.0, 0), 40);
  EXPECT_FALSE(wired.talking(0.1, 0));
  b.forget("wifi");
  EXPECT_EQ(b.need_ms(), 5);
  EXPECT_FALSE(wired.talking(0.1, 1000));
  EXPECT_EQ(wired.talking(0.1, 1000 + kHold), 5);
}

TEST(JitterBudget, ABadMomentDuringTheHoldRestartsIt) {
  JitterBudget b(40);
  Link a = Link(b, "a").talked_before(0);
  EXPECT_FALSE(a.talking(0.1, 0));
  EXPECT_FALSE(a.talking(10.0, kHold / 2)) << "40 ms is asked for again: the hold ends";
  EXPECT_FALSE(a.talking(0.1, kHold));
  EXPECT_FALSE(a.talking(0.1, kHold + kHold / 2))
      << "the hold restarted with the next clean sample";
  EXPECT_EQ(a.talking(0.1, 2 * kHold), 5);
}

TEST(JitterBudget, ShrinksToTheMostAskedForDuringTheHold) {
  JitterBudget b(60);
  Link a = Link(b, "a").talked_before(0);
  EXPECT_FALSE(a.talking(0.1, 0));
  EXPECT_FALSE(a.talking(5.0, 2000));  // 20 ms, and 30 with the margin
  EXPECT_FALSE(a.talking(0.1, 4000));
  EXPECT_EQ(a.talking(0.1, kHold), 30);
  // Then to the floor once the link stayed clean for a whole hold.
  EXPECT_FALSE(a.talking(0.1, kHold + 2000));
  EXPECT_EQ(a.talking(0.1, 2 * kHold + 2000), 5);
}

TEST(JitterBudget, AJitterAtAStepsEdgeDoesNotMoveItBackAndForth) {
  JitterBudget b(5);
  Link a = Link(b, "a").talked_before(0);
  EXPECT_EQ(a.talking(1.3, 0), 10);  // 5.2 ms: the next step
  // Then just under the edge (4.8 ms, the floor's step) for many holds: it stays.
  for (std::int64_t t = 2000; t <= 5 * kHold; t += 2000) {
    EXPECT_FALSE(a.talking(1.2, t)) << t;
  }
  EXPECT_EQ(b.depth_ms(), 10);
  // Clearly better (1.5 x 0.8 = 1.2 ms, 4.8 ms: the floor's step) for a hold: back to the floor.
  const std::int64_t t = 5 * kHold + 2000;
  EXPECT_FALSE(a.talking(0.8, t));
  EXPECT_EQ(a.talking(0.8, t + kHold), 5);
}

TEST(JitterBudget, MeaninglessSamplesAreIgnored) {
  JitterBudget b(20);
  Link a = Link(b, "a").talked_before(0);
  EXPECT_FALSE(a.talking(-1.0, 0));
  EXPECT_FALSE(a.talking(std::nan(""), 2000));
  EXPECT_FALSE(a.talking(std::numeric_limits<double>::infinity(), 4000));
  EXPECT_EQ(b.need_ms(), 0);
  EXPECT_EQ(b.depth_ms(), 20);
}

}  // namespace
}  // namespace shotcall::mesh
