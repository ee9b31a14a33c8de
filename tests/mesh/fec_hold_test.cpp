// The FEC hold: each link's count of concealed packets in, "hold" or "let go" out; no clock but
// the one the test passes (every two seconds, as the engine reads them with the stats).
#include "app/mesh/fec_hold.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace shotcall::mesh {
namespace {

constexpr std::int64_t kRelease = FecHoldLimits{}.release_after_ms;

TEST(FecHold, ALinkThatLosesNothingNeverHolds) {
  FecHold hold;
  for (std::int64_t t = 0; t <= 60000; t += 2000) EXPECT_EQ(hold.sample("a", 0, t), std::nullopt);
  EXPECT_FALSE(hold.holds("a"));
  EXPECT_FALSE(hold.any());
}

TEST(FecHold, TheFirstLossStartsTheHoldAtOnce) {
  FecHold hold;
  EXPECT_EQ(hold.sample("a", 0, 0), std::nullopt);
  EXPECT_EQ(hold.sample("a", 1, 2000), true);
  EXPECT_TRUE(hold.holds("a"));
  EXPECT_TRUE(hold.any());
  EXPECT_EQ(hold.sample("a", 7, 4000), std::nullopt) << "already holding: no news";
}

TEST(FecHold, ALinkThatLostBeforeItsFirstReportHolds) {
  // A new link's count starts at 0: whatever its first reading counts was concealed on it.
  FecHold hold;
  EXPECT_EQ(hold.sample("a", 3, 2000), true);
}

TEST(FecHold, TheHoldEndsOnlyAfterTheReleaseTimeWithoutALoss) {
  FecHold hold;
  EXPECT_EQ(hold.sample("a", 2, 0), true);
  EXPECT_EQ(hold.sample("a", 5, 10000), std::nullopt);  // lost again: the wait starts over
  EXPECT_EQ(hold.sample("a", 5, 10000 + kRelease - 1), std::nullopt);
  EXPECT_TRUE(hold.holds("a"));
  EXPECT_EQ(hold.sample("a", 5, 10000 + kRelease), false);
  EXPECT_FALSE(hold.holds("a"));
  EXPECT_EQ(hold.sample("a", 5, 10000 + kRelease + 2000), std::nullopt) << "no change, no news";
  EXPECT_EQ(hold.sample("a", 6, 10000 + kRelease + 4000), true) << "and it comes back";
}

TEST(FecHold, ACountThatDoesNotGrowIsNoLoss) {
  // The engine reads a counter; a stale or restarted reading below the last is not a loss either.
  FecHold hold;
  EXPECT_EQ(hold.sample("a", 4, 0), true);
  EXPECT_EQ(hold.sample("a", 4, 4000), std::nullopt);
  EXPECT_EQ(hold.sample("a", 3, 6000), std::nullopt);
  EXPECT_EQ(hold.sample("a", 4, kRelease), false) << "the last loss was at 0";
  EXPECT_EQ(hold.sample("a", 0, kRelease + 2000), std::nullopt);
}

TEST(FecHold, EachLinkHoldsForItself) {
  FecHold hold({.release_after_ms = 10000});
  EXPECT_EQ(hold.sample("a", 1, 0), true);
  EXPECT_EQ(hold.sample("b", 0, 0), std::nullopt);
  EXPECT_TRUE(hold.holds("a"));
  EXPECT_FALSE(hold.holds("b"));
  EXPECT_EQ(hold.sample("b", 2, 6000), true);
  EXPECT_EQ(hold.sample("a", 1, 10000), false);
  EXPECT_TRUE(hold.any()) << "b still holds";
  EXPECT_EQ(hold.sample("b", 2, 16000), false);
  EXPECT_FALSE(hold.any());
}

TEST(FecHold, AForgottenLinkHoldsNothingAndStartsAfresh) {
  FecHold hold;
  EXPECT_EQ(hold.sample("a", 9, 0), true);
  hold.forget("a");
  EXPECT_FALSE(hold.any());
  // The rebuilt link counts from 0 again: its first 2 lost are a loss.
  EXPECT_EQ(hold.sample("a", 0, 2000), std::nullopt);
  EXPECT_EQ(hold.sample("a", 2, 4000), true);
}

}  // namespace
}  // namespace shotcall::mesh
