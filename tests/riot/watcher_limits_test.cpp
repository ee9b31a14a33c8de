// The watcher's manners towards Riot, checked on the stand-in's request log: rate limits kept
// under load (per routing value), another client's usage adopted from the headers, Retry-After
// honoured, 5xx and timeouts backed off exponentially.
#include <glib.h>
#include <gtest/gtest.h>

#include <memory>

#include "tests/riot/riot_test_support.hpp"
#include "tests/support/main_loop.hpp"

namespace shotcall::riot::test {
namespace {

using shotcall::test::run_for;
using shotcall::test::run_until;
using namespace std::chrono_literals;

struct WatcherLimitsTest : ::testing::Test {
  void SetUp() override {
    std::string error;
    standin = RiotStandin::start(0, &error);
    ASSERT_TRUE(standin) << error;
    standin->set_api_key(kTestKey);
  }

  std::unique_ptr<Watcher> make(WatcherOptions options) {
    std::string error;
    auto w = Watcher::create(std::move(options), &error);
    EXPECT_TRUE(w) << error;
    if (w) recorder.attach(*w);
    return w;
  }

  // Twelve players who exist but are in no game.
  std::vector<std::string> idle_players(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      const std::string name = "Idle Player " + std::to_string(i);
      standin->add_account(test_puuid(name + "#EUW"), name, "EUW");
      ids.push_back(name + "#EUW");
    }
    return ids;
  }

  std::unique_ptr<RiotStandin> standin;
  Recorder recorder;
};

TEST_F(WatcherLimitsTest, StaysWithinEveryWindowUnderLoad) {
  standin->set_rate_limits("4:1,10:3");
  auto options = fast_options(*standin);
  options.rate_limits.windows = {{4, 1000}, {10, 3000}};
  options.max_in_flight_per_host = 4;  // concurrency must not get around the limiter
  options.schedule.min_poll_interval_ms = 50;
  auto watcher = make(options);
  ASSERT_TRUE(watcher);
  for (const std::string& id : idle_players(12)) watcher->watch(id);

  // 12 account lookups and 12 first polls, against 4 per second and 10 per 3 s on each host.
  ASSERT_TRUE(run_until(
      [&] {
        return watcher->metrics().unresolved == 0 &&
               requests_of(*standin, StandinEndpoint::Spectator).size() >= 12;
      },
      60s));
  EXPECT_TRUE(standin->limit_violations().empty()) << standin->limit_violations().front();
  for (StandinEndpoint e : {StandinEndpoint::AccountByRiotId, StandinEndpoint::Spectator}) {
    const auto reqs = requests_of(*standin, e);
    // The limiter was what paced them: 5th after a second, 11th after three seconds.
    EXPECT_GE(reqs[4].time_ms - reqs[0].time_ms, 1000);
    EXPECT_GE(reqs[10].time_ms - reqs[0].time_ms, 3000);
    for (const StandinRequest& r : reqs) EXPECT_NE(r.status, 429) << r.path;
  }
  const auto m = watcher->metrics();
  EXPECT_EQ(m.spectator_limits, "4:1,10:3");
  // 12 watchers at 10 per 3 s (x0.8 budget): each polled every 4.5 s, not every 50 ms.
  EXPECT_EQ(m.poll_interval_ms, 4500);
  EXPECT_EQ(requests_of(*standin, StandinEndpoint::AccountByRiotId).size(), 12u);  // once each
}

TEST_F(WatcherLimitsTest, AdoptsTheCountsOfAnotherClientUsingTheKey) {
  standin->set_rate_limits("10:1,12:4");
  standin->add_foreign_requests("platform", 8);  // another server spent 8 of the 12 per 4 s
  auto options = fast_options(*standin);
  options.rate_limits.windows = {{10, 1000}, {12, 4000}};
  options.schedule.min_poll_interval_ms = 50;
  auto watcher = make(options);
  ASSERT_TRUE(watcher);
  const auto players = idle_players(12);
  for (const std::string& id : players) watcher->watch(id, test_puuid(id));  // spectator only
  // Without adopting Riot's count the watcher would send 10 in the first second: 18 > 12.
  ASSERT_TRUE(run_until([&] { return requests_of(*standin, StandinEndpoint::Spectator).size() >= 6; }, 60s));
  EXPECT_TRUE(standin->limit_violations().empty()) << standin->limit_violations().front();
  const auto reqs = requests_of(*standin, StandinEndpoint::Spectator);
  EXPECT_GE(reqs[4].time_ms - reqs[0].time_ms, 4000);  // only 4 fitted beside the foreign 8
  for (const StandinRequest& r : reqs) EXPECT_NE(r.status, 429);
}

TEST_F(WatcherLimitsTest, HonoursRetryAfter) {
  standin->set_rate_limits("20:1,100:10");
  standin->fail_next(429, 1, 2);
  auto watcher = make(fast_options(*standin));
  ASSERT_TRUE(watcher);
  watcher->watch("Ahri Main#EUW", test_puuid("Ahri Main#EUW"));
  ASSERT_TRUE(run_until([&] { return requests_of(*standin, StandinEndpoint::Spectator).size() >= 2; }, 30s));
  const auto reqs = requests_of(*standin, StandinEndpoint::Spectator);
  EXPECT_EQ(reqs[0].status, 429);
  EXPECT_GE(reqs[1].time_ms - reqs[0].time_ms, 2000);  // nothing before Retry-After expired
  EXPECT_EQ(reqs[1].status, 404);
  EXPECT_EQ(watcher->metrics().requests["spectator"]["429"], 1u);
}

TEST_F(WatcherLimitsTest, A429WithoutRetryAfterBacksOffByDefault) {
  standin->fail_next(429, 1);
  auto watcher = make(fast_options(*standin));
  ASSERT_TRUE(watcher);
  watcher->watch("Ahri Main#EUW", test_puuid("Ahri Main#EUW"));
  ASSERT_TRUE(run_until([&] { return requests_of(*standin, StandinEndpoint::Spectator).size() >= 2; }, 30s));
  const auto reqs = requests_of(*standin, StandinEndpoint::Spectator);
  EXPECT_EQ(reqs[0].status, 429);
  EXPECT_GE(reqs[1].time_ms - reqs[0].time_ms, 500);  // default_retry_after_ms
}

TEST_F(WatcherLimitsTest, ServerErrorsBackOffExponentially) {
  standin->fail_next(500, 3);
  auto watcher = make(fast_options(*standin));
  ASSERT_TRUE(watcher);
  watcher->watch("Ahri Main#EUW", test_puuid("Ahri Main#EUW"));
  ASSERT_TRUE(run_until([&] { return requests_of(*standin, StandinEndpoint::Spectator).size() >= 4; }, 30s));
  const auto reqs = requests_of(*standin, StandinEndpoint::Spectator);
  EXPECT_EQ(reqs[0].status, 500);
  EXPECT_EQ(reqs[2].status, 500);
  EXPECT_EQ(reqs[3].status, 404);
  EXPECT_GE(reqs[1].time_ms - reqs[0].time_ms, 200);
  EXPECT_GE(reqs[2].time_ms - reqs[1].time_ms, 400);
  EXPECT_GE(reqs[3].time_ms - reqs[2].time_ms, 800);
  EXPECT_EQ(watcher->metrics().requests["spectator"]["500"], 3u);
}

TEST_F(WatcherLimitsTest, TimeoutsBackOffAndNeverBlockTheLoop) {
  standin->stall_next(1);
  auto options = fast_options(*standin);
  // Long enough that only the stalled request times out on a loaded machine.
  options.request_timeout = std::chrono::milliseconds(1500);
  options.rate_limits.backoff_initial_ms = 600;  // longer than a poll interval, to tell them apart
  auto watcher = make(options);
  ASSERT_TRUE(watcher);
  watcher->watch("Ahri Main#EUW", test_puuid("Ahri Main#EUW"));
  // The loop keeps turning while the request hangs: a timer of ours fires on time.
  int ticks = 0;
  guint tick = g_timeout_add(
      50,
      [](gpointer p) -> gboolean {
        ++*static_cast<int*>(p);
        return G_SOURCE_CONTINUE;
      },
      &ticks);
  ASSERT_TRUE(run_until([&] { return requests_of(*standin, StandinEndpoint::Spectator).size() >= 2; }, 30s));
  g_source_remove(tick);
  EXPECT_GE(ticks, 5);
  const auto reqs = requests_of(*standin, StandinEndpoint::Spectator);
  EXPECT_EQ(reqs[0].status, 0);                        // never answered
  // The backoff runs from the timeout, which runs from when the request was queued (a fresh
  // process spends part of it setting up the connection), so only the backoff is certain.
  EXPECT_GE(reqs[1].time_ms - reqs[0].time_ms, 600);
  EXPECT_GE(watcher->metrics().requests["spectator"]["timeout"], 1u);
}

}  // namespace
}  // namespace shotcall::riot::test
