// The user-space bad link loses and delays packets as `tc netem` would with the same figures:
// the loss rate and the delay's mean and spread come out as asked, and a clean link is clean.
#include "tests/nat/bad_link.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace shotcall::test {
namespace {

TEST(BadLink, LosesTheAskedShareOfPackets) {
  LinkImpairer link({2.0, 0, 0}, 14);
  int lost = 0;
  for (int i = 0; i < 100000; ++i) lost += link.admit() ? 0 : 1;
  EXPECT_NEAR(lost / 1000.0, 2.0, 0.2);  // percent, ±10 % of the figure
}

TEST(BadLink, DelaysByANormalDistributionCutAtZero) {
  LinkImpairer link({0, 30, 30}, 7);
  double sum = 0, sq = 0;
  int zero = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const auto d = link.admit();
    ASSERT_TRUE(d);
    ASSERT_GE(*d, 0.0);
    if (*d == 0.0) ++zero;
    sum += *d;
    sq += *d * *d;
  }
  // N(30, 30) cut at 0: about 16 % of draws land at 0, which lifts the mean to ~32.5 ms and
  // narrows the spread to ~26 ms.
  EXPECT_NEAR(zero / static_cast<double>(n), 0.159, 0.01);
  const double mean = sum / n;
  EXPECT_NEAR(mean, 32.5, 1.0);
  EXPECT_NEAR(std::sqrt(sq / n - mean * mean), 26.0, 1.5);
}

TEST(BadLink, AFixedDelayWithoutJitterIsExact) {
  LinkImpairer link({0, 40, 0}, 1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(link.admit(), 40.0);
}

TEST(BadLink, ParsesItsFlagsAndRefusesNonsense) {
  std::vector<std::pair<std::string, std::string>> rest;
  std::string why;
  const auto im = parse_impairment(
      {"--dev", "blk0", "--loss", "2", "--delay", "30", "--jitter", "30", "--seed", "9"}, &rest,
      &why);
  ASSERT_TRUE(im) << why;
  EXPECT_EQ(im->loss_percent, 2.0);
  EXPECT_EQ(im->delay_ms, 30.0);
  EXPECT_EQ(im->jitter_ms, 30.0);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].second, "blk0");
  EXPECT_FALSE(parse_impairment({"--loss", "101"}, nullptr, &why));
  EXPECT_FALSE(parse_impairment({"--delay", "-1"}, nullptr, &why));
  EXPECT_FALSE(parse_impairment({"--jitter", "3x"}, nullptr, &why));
  EXPECT_FALSE(parse_impairment({"--rate", "1"}, nullptr, &why));
  EXPECT_FALSE(parse_impairment({"--loss"}, nullptr, &why));
}

}  // namespace
}  // namespace shotcall::test
