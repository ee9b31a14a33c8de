// The rate limiter with a hand-driven clock: exact permit counts per window, Riot's headers
// adopted, 429 and error backoff.
#include <gtest/gtest.h>

#include "signaling/riot/riot_rate_limiter.hpp"

namespace shotcall::riot {
namespace {

RateLimiterOptions exact(std::vector<RateWindow> windows) {
  RateLimiterOptions o;
  o.windows = std::move(windows);
  o.safety_margin_ms = 0;  // exact Riot windows, so counts can be asserted to the permit
  o.backoff_initial_ms = 100;
  o.backoff_max_ms = 1000;
  o.default_retry_after_ms = 500;
  return o;
}

// One request sent and answered at `now` (answers that take time are tested separately).
bool take(RiotRateLimiter& l, std::int64_t now) {
  if (!l.try_acquire(now)) return false;
  l.complete(now);
  return true;
}

int take_all(RiotRateLimiter& l, std::int64_t now) {
  int n = 0;
  while (take(l, now)) ++n;
  return n;
}

TEST(RiotRateLimits, ParsesRiotsHeaderSyntax) {
  const auto w = parse_rate_limits("20:1,100:120");
  ASSERT_TRUE(w);
  EXPECT_EQ(*w, (std::vector<RateWindow>{{20, 1000}, {100, 120000}}));
  EXPECT_EQ(parse_rate_limits(" 500:10 , 30000:600 ")->size(), 2u);
  for (const char* bad : {"", "20", "20:", ":1", "20:1,", "a:1", "0:1", "20:0", "-1:1", "20:1;100:120",
                          "1:1,1:1,1:1,1:1,1:1,1:1,1:1,1:1,1:1,1:1,1:1,1:1,1:1,1:1,1:1,1:1,1:1"}) {
    EXPECT_FALSE(parse_rate_limits(bad)) << bad;
  }
  EXPECT_EQ(format_rate_limits(*w), "20:1,100:120");
  EXPECT_EQ(parse_retry_after("2"), 2.0);
  EXPECT_EQ(parse_retry_after(" 0.5 "), 0.5);
  EXPECT_FALSE(parse_retry_after(""));
  EXPECT_FALSE(parse_retry_after("-1"));
  EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"));
}

TEST(RiotRateLimiter, DevKeyLimitsGiveExactPermitCounts) {
  RiotRateLimiter l(exact({{20, 1000}, {100, 120000}}));
  EXPECT_EQ(take_all(l, 0), 20);  // the 1 s window
  EXPECT_EQ(l.next_allowed_ms(0), 1000);
  EXPECT_EQ(take_all(l, 999), 0);
  EXPECT_EQ(take_all(l, 1000), 20);
  EXPECT_EQ(take_all(l, 2000), 20);
  EXPECT_EQ(take_all(l, 3000), 20);
  EXPECT_EQ(take_all(l, 4000), 20);
  EXPECT_EQ(take_all(l, 5000), 0);  // the 2 min window is full at 100
  EXPECT_EQ(l.count_in_window(1, 5000), 100);
  EXPECT_EQ(l.next_allowed_ms(5000), 120000);  // when the first 20 age out
  EXPECT_EQ(take_all(l, 119999), 0);
  EXPECT_EQ(take_all(l, 120000), 20);
  EXPECT_EQ(take_all(l, 120500), 0);
}

TEST(RiotRateLimiter, SpreadRequestsAreCountedInSlidingWindows) {
  RiotRateLimiter l(exact({{3, 1000}}));
  EXPECT_TRUE(take(l, 0));
  EXPECT_TRUE(take(l, 400));
  EXPECT_TRUE(take(l, 800));
  EXPECT_FALSE(take(l, 999));
  EXPECT_EQ(l.next_allowed_ms(999), 1000);
  EXPECT_TRUE(take(l, 1000));
  EXPECT_FALSE(take(l, 1399));
  EXPECT_TRUE(take(l, 1400));
}

TEST(RiotRateLimiter, PermitsInFlightCountUntilAnsweredThenAgeFromTheAnswer) {
  RiotRateLimiter l(exact({{3, 1000}}));
  ASSERT_TRUE(l.try_acquire(0));  // a slow first request (DNS, TLS): answered at 700
  ASSERT_TRUE(take(l, 100));      // two quick ones on a warm connection overtake it
  ASSERT_TRUE(take(l, 200));
  EXPECT_EQ(l.in_flight(), 1);
  EXPECT_FALSE(l.try_acquire(300));  // the slow one holds its permit while in flight
  EXPECT_EQ(l.next_allowed_ms(300), 1100);
  l.complete(700);
  EXPECT_EQ(l.in_flight(), 0);
  EXPECT_EQ(l.count_in_window(0, 700), 3);
  // Riot may have counted it as late as 700, so it counts until 1700, not 1000: a limiter
  // logging it at its send time would allow a fourth request at 1050.
  EXPECT_FALSE(take(l, 1050));
  EXPECT_EQ(l.next_allowed_ms(1050), 1100);
  EXPECT_EQ(take_all(l, 1200), 2);
  EXPECT_EQ(l.next_allowed_ms(1200), 1700);
}

TEST(RiotRateLimiter, RequestsInFlightAloneCanFillAWindow) {
  RiotRateLimiter l(exact({{2, 1000}}));
  ASSERT_TRUE(l.try_acquire(0));
  ASSERT_TRUE(l.try_acquire(0));
  EXPECT_FALSE(l.try_acquire(5000));
  EXPECT_EQ(l.next_allowed_ms(5000), RiotRateLimiter::kAfterAnAnswer);
  l.complete(5100);
  EXPECT_EQ(l.next_allowed_ms(5100), 6100);  // one answered (ages from 5100), one still out
}

TEST(RiotRateLimiter, SafetyMarginLengthensEveryWindow) {
  auto o = exact({{2, 1000}});
  o.safety_margin_ms = 150;
  RiotRateLimiter l(o);
  EXPECT_EQ(take_all(l, 0), 2);
  EXPECT_EQ(l.next_allowed_ms(0), 1150);
  EXPECT_FALSE(take(l, 1149));
  EXPECT_TRUE(take(l, 1150));
}

TEST(RiotRateLimiter, AdoptsHigherCountsFromRiot) {
  // Another process spent 8 of the 10 per 10 s before we started.
  RiotRateLimiter l(exact({{5, 1000}, {10, 10000}}));
  ASSERT_TRUE(take(l, 0));
  l.observe_headers("5:1,10:10", "1:1,9:10", 50);
  EXPECT_EQ(l.count_in_window(0, 50), 1);  // our count was right for 1 s
  EXPECT_EQ(l.count_in_window(1, 50), 9);
  EXPECT_EQ(take_all(l, 100), 1);          // only one left in the 10 s window
  EXPECT_EQ(l.next_allowed_ms(100), 10000);  // our own first permit ages out first
  EXPECT_EQ(take_all(l, 10000), 1);
  // The phantoms are assumed spent at 50 (we cannot know better): they free at 10050.
  EXPECT_EQ(take_all(l, 10049), 0);
  EXPECT_EQ(take_all(l, 10050), 4);  // the 1 s window still holds the permit at 10000
}

TEST(RiotRateLimiter, LowerCountsFromRiotNeverLoosenOurs) {
  RiotRateLimiter l(exact({{5, 1000}}));
  EXPECT_EQ(take_all(l, 0), 5);
  l.observe_headers("5:1", "1:1", 10);  // an old answer, or Riot's bucket reset early
  EXPECT_EQ(take_all(l, 10), 0);
  EXPECT_EQ(l.next_allowed_ms(10), 1000);
}

TEST(RiotRateLimiter, ACountAtTheLimitBlocksAWholeWindow) {
  RiotRateLimiter l(exact({{5, 1000}}));
  l.observe_headers("5:1", "7:1", 300);  // over the limit: Riot is about to answer 429
  EXPECT_EQ(take_all(l, 300), 0);
  EXPECT_EQ(l.next_allowed_ms(300), 1300);
  EXPECT_EQ(take_all(l, 1300), 5);
}

TEST(RiotRateLimiter, AShareOfTheKeyGetsItsPartOfEveryWindowAndTheRestStaysForTheOther) {
  RateLimiterOptions verify = exact({{20, 1000}, {100, 120000}});
  verify.share = 0.2;
  RateLimiterOptions watcher = verify;
  watcher.share = 0.8;
  RiotRateLimiter v(verify), w(watcher);
  EXPECT_EQ(v.windows(), (std::vector<RateWindow>{{4, 1000}, {20, 120000}}));
  EXPECT_EQ(w.windows(), (std::vector<RateWindow>{{16, 1000}, {80, 120000}}));
  EXPECT_EQ(take_all(v, 0), 4);
  EXPECT_EQ(take_all(w, 0), 16);  // verification spending its part took nothing from the watcher
  // Riot's headers: new limits are scaled too, and its count (both parts' calls) is not adopted.
  v.observe_headers("500:10,30000:600", "20:10,20:600", 10);
  EXPECT_EQ(v.windows(), (std::vector<RateWindow>{{100, 10000}, {6000, 600000}}));
  EXPECT_EQ(v.count_in_window(0, 10), 4);
  EXPECT_EQ(scale_windows({{1, 1000}}, 0.2), (std::vector<RateWindow>{{1, 1000}}));  // at least 1
  EXPECT_EQ(scale_windows({{20, 1000}}, 1.0), (std::vector<RateWindow>{{20, 1000}}));
}

TEST(RiotRateLimiter, AdoptsNewLimitsFromRiot) {
  RiotRateLimiter l(exact({{20, 1000}, {100, 120000}}));
  EXPECT_EQ(take_all(l, 0), 20);
  const auto generation = l.limits_generation();
  // A production key: more per window, and a different long window.
  l.observe_headers("500:10,30000:600", "20:10,20:600", 10);
  EXPECT_NE(l.limits_generation(), generation);
  EXPECT_EQ(l.windows(), (std::vector<RateWindow>{{500, 10000}, {30000, 600000}}));
  EXPECT_EQ(l.count_in_window(0, 10), 20);  // history carried into the new windows
  EXPECT_EQ(take_all(l, 10), 480);
  EXPECT_NEAR(l.sustainable_rate_per_s(), 50.0, 1e-9);
  // Same limits again: no change.
  const auto g2 = l.limits_generation();
  l.observe_headers("500:10,30000:600", "", 20);
  EXPECT_EQ(l.limits_generation(), g2);
  // Garbage is ignored.
  l.observe_headers("lots", "many", 30);
  EXPECT_EQ(l.windows().size(), 2u);
}

TEST(RiotRateLimiter, RetryAfterBlocksUntilItExpires) {
  auto o = exact({{20, 1000}});
  o.safety_margin_ms = 0;
  RiotRateLimiter l(o);
  ASSERT_TRUE(take(l, 0));
  l.on_429(2.0, 100);
  EXPECT_EQ(l.next_allowed_ms(100), 2100);
  EXPECT_FALSE(take(l, 2099));
  EXPECT_TRUE(take(l, 2100));
  // Fractions round up to the next millisecond.
  l.on_429(0.0015, 3000);
  EXPECT_EQ(l.blocked_until_ms(), 3002);
}

TEST(RiotRateLimiter, RetryAfterAbsentUsesDefaultBackoffAndEscalates) {
  RiotRateLimiter l(exact({{20, 1000}}));
  l.on_429(std::nullopt, 0);
  EXPECT_EQ(l.blocked_until_ms(), 500);  // default_retry_after_ms
  l.on_429(std::nullopt, 500);
  EXPECT_EQ(l.blocked_until_ms(), 1000);  // max(default, 2nd backoff step 200)
  l.on_server_error(1000);
  l.on_server_error(1000);
  EXPECT_EQ(l.blocked_until_ms(), 1800);  // 4th step: 800
}

TEST(RiotRateLimiter, ServerErrorsBackOffExponentiallyCappedAndResetOnSuccess) {
  RiotRateLimiter l(exact({{20, 1000}}));
  std::int64_t now = 0;
  const std::int64_t expected[] = {100, 200, 400, 800, 1000, 1000};
  for (std::int64_t wait : expected) {
    l.on_server_error(now);
    EXPECT_EQ(l.next_allowed_ms(now), now + wait);
    EXPECT_FALSE(take(l, now + wait - 1));
    now += wait;
    EXPECT_TRUE(take(l, now));
  }
  l.on_success(now);
  EXPECT_EQ(l.consecutive_errors(), 0);
  l.on_server_error(now);
  EXPECT_EQ(l.next_allowed_ms(now), now + 100);
}

TEST(RiotRateLimiter, NoUsableWindowFallsBackToDevKeyLimits) {
  RateLimiterOptions o;
  o.windows = {{0, 1000}, {5, 0}};
  RiotRateLimiter l(o);
  EXPECT_EQ(l.windows(), (std::vector<RateWindow>{{20, 1000}, {100, 120000}}));
}

}  // namespace
}  // namespace shotcall::riot
