// The libsoup watcher against the stand-in Riot API over real loopback HTTP: finding a game and
// each watcher's roster, not polling teammates again, ending games only when confirmed, the key
// in every request header and nowhere in the logs.
#include <glib.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "tests/riot/log_capture.hpp"
#include "tests/riot/riot_test_support.hpp"
#include "tests/support/main_loop.hpp"

namespace shotcall::riot::test {
namespace {

using shotcall::test::run_for;
using shotcall::test::run_until;
using namespace std::chrono_literals;

struct WatcherTest : ::testing::Test {
  void SetUp() override {
    install_log_capture();
    std::string error;
    standin = RiotStandin::start(0, &error);
    ASSERT_TRUE(standin) << error;
    standin->set_api_key(kTestKey);
    standin->set_rate_limits("20:1,100:10");
  }

  std::unique_ptr<Watcher> make(WatcherOptions options) {
    std::string error;
    auto w = Watcher::create(std::move(options), &error);
    EXPECT_TRUE(w) << error;
    if (w) recorder.attach(*w);
    return w;
  }

  void expect_every_request_carries_the_key() {
    for (const StandinRequest& r : standin->requests()) {
      ASSERT_TRUE(r.token) << r.path;
      EXPECT_EQ(*r.token, kTestKey) << r.path;
    }
  }

  std::unique_ptr<RiotStandin> standin;
  Recorder recorder;
};

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST_F(WatcherTest, TenWatchersOfOneGameGetTheirTeamsRosterFromOneAnswer) {
  const StandinGame game = ten_player_game();
  standin->add_game(game);
  auto watcher = make(fast_options(*standin));
  ASSERT_TRUE(watcher);
  // Watched as players type them: case differs from Riot's spelling.
  for (const std::string& r : kBlueTeam) ASSERT_EQ(watcher->watch(r), WatchScheduler::WatchResult::Added);
  for (const std::string& r : kRedTeam) {
    std::string upper = r;
    for (char& c : upper) c = static_cast<char>(g_ascii_toupper(c));
    ASSERT_EQ(watcher->watch(upper), WatchScheduler::WatchResult::Added);
  }

  ASSERT_TRUE(run_until([&] { return recorder.players_started() >= 10; }, 30s))
      << "players found: " << recorder.players_started();
  const std::int64_t found_at = recorder.started_ms.back();
  ASSERT_EQ(recorder.started.size(), 1u);  // one answer covered all ten
  const GameStarted& started = recorder.started[0];
  EXPECT_TRUE(started.first_report);
  EXPECT_EQ(started.game_id, "EUW1_6912345678");
  EXPECT_EQ(started.game.participants.size(), 10u);
  for (const WatchedTeam& t : started.players) {
    const bool blue = std::find(kBlueTeam.begin(), kBlueTeam.end(), t.riot_id) != kBlueTeam.end();
    EXPECT_EQ(t.team_id, blue ? 100 : 200) << t.riot_id;
    EXPECT_EQ(sorted(t.roster), sorted(blue ? kBlueTeam : kRedTeam)) << t.riot_id;
  }

  // Exactly one spectator call found the game; teammates were never polled for it.
  EXPECT_EQ(requests_of(*standin, StandinEndpoint::Spectator, 0, found_at).size(), 1u);
  // Each Riot ID looked up at most once (on loopback all ten may resolve before the game answer
  // comes back; with Riot's latency the answer usually saves most of them).
  const auto lookups = requests_of(*standin, StandinEndpoint::AccountByRiotId);
  const std::size_t accounts_before = lookups.size();
  EXPECT_GE(accounts_before, 1u);
  std::vector<std::string> looked_up;
  for (const auto& r : lookups) looked_up.push_back(r.args.at(0) + "#" + r.args.at(1));
  std::sort(looked_up.begin(), looked_up.end());
  EXPECT_EQ(std::unique(looked_up.begin(), looked_up.end()) - looked_up.begin(),
            static_cast<std::ptrdiff_t>(lookups.size()));

  // While the game runs, only the game check polls, one player per check.
  const auto m = watcher->metrics();
  EXPECT_EQ(m.watchers, 10u);
  EXPECT_EQ(m.in_game, 10u);
  EXPECT_EQ(m.games, 1u);
  EXPECT_EQ(m.unresolved, 0u);
  const std::int64_t check_ms = m.game_check_interval_ms;
  EXPECT_GE(check_ms, 600);
  ASSERT_TRUE(run_until([&] { return requests_of(*standin, StandinEndpoint::Spectator, found_at + 1).size() >= 2; },
                        30s));
  const std::int64_t watched_for = mono_ms() - found_at;
  const auto checks = requests_of(*standin, StandinEndpoint::Spectator, found_at + 1);
  EXPECT_LE(static_cast<std::int64_t>(checks.size()), watched_for / check_ms + 1);
  for (std::size_t i = 1; i < checks.size(); ++i) {
    EXPECT_GE(checks[i].time_ms - checks[i - 1].time_ms, check_ms - 5);
  }
  EXPECT_LE(requests_of(*standin, StandinEndpoint::AccountByRiotId).size(), accounts_before + 1);
  EXPECT_TRUE(recorder.ended.empty());
  EXPECT_TRUE(standin->limit_violations().empty());
  expect_every_request_carries_the_key();
  EXPECT_GE(watcher->metrics().requests["spectator"]["200"], 2u);
}

TEST_F(WatcherTest, AGameEndsOnlyAfterTheConfiguredConfirmations) {
  const StandinGame game = ten_player_game(777);
  standin->add_game(game);
  auto options = fast_options(*standin);
  options.schedule.end_confirmations = 3;
  auto watcher = make(options);
  ASSERT_TRUE(watcher);
  for (const std::string& r : kBlueTeam) watcher->watch(r, test_puuid(r));
  ASSERT_TRUE(run_until([&] { return recorder.players_started() >= 5; }, 30s));

  // A queue that hides running games: one 404 while the game goes on ends nothing.
  standin->hide_game(777, 1);
  auto seen_again_after_404 = [&] {
    const auto reqs = requests_of(*standin, StandinEndpoint::Spectator);
    auto hidden = std::find_if(reqs.begin(), reqs.end(), [](const auto& r) { return r.status == 404; });
    return hidden != reqs.end() &&
           std::any_of(hidden, reqs.end(), [](const auto& r) { return r.status == 200; });
  };
  ASSERT_TRUE(run_until(seen_again_after_404, 30s));
  EXPECT_TRUE(recorder.ended.empty());

  standin->end_game(777);
  const std::int64_t ended_at = mono_ms();
  ASSERT_TRUE(run_until([&] { return !recorder.ended.empty(); }, 30s));
  ASSERT_EQ(recorder.ended.size(), 1u);
  EXPECT_EQ(recorder.ended[0].game_id, "EUW1_777");
  EXPECT_EQ(recorder.ended[0].reason, GameEndReason::NotSeen);
  EXPECT_EQ(sorted(recorder.ended[0].riot_ids), sorted(kBlueTeam));
  const auto after_end = requests_of(*standin, StandinEndpoint::Spectator, ended_at, recorder.ended_ms[0]);
  // Three not-seen answers came before the event (a busy loop may let one more slip in).
  EXPECT_GE(std::count_if(after_end.begin(), after_end.end(), [](const auto& r) { return r.status == 404; }),
            3);
  EXPECT_EQ(watcher->metrics().games, 0u);

  // Back to polling: the players are seen again when a new game starts.
  standin->add_game(ten_player_game(778));
  ASSERT_TRUE(run_until([&] { return recorder.started.size() >= 2; }, 30s));
  EXPECT_EQ(recorder.started.back().game_id, "EUW1_778");
  EXPECT_TRUE(standin->limit_violations().empty());
}

TEST_F(WatcherTest, TheKeyIsInEveryRequestAndNowhereInTheLogs) {
  clear_captured_log();
  standin->add_game(ten_player_game());
  standin->fail_next(500, 1);  // a warning path
  auto watcher = make(fast_options(*standin));
  ASSERT_TRUE(watcher);
  watcher->watch("Tïlda Ström#EUW");  // non-ASCII, resolved through account-v1
  watcher->watch("세나#kr1");
  watcher->watch("Nobody Here#000");  // unknown: account-v1 404
  ASSERT_TRUE(run_until([&] { return recorder.players_started() >= 2 && !recorder.not_found.empty(); }, 30s));
  EXPECT_EQ(recorder.not_found[0].riot_id, "Nobody Here#000");
  // The escaped non-ASCII names reached Riot intact.
  bool saw_tilda = false;
  for (const auto& r : requests_of(*standin, StandinEndpoint::AccountByRiotId)) {
    saw_tilda = saw_tilda || r.args == std::vector<std::string>{"Tïlda Ström", "EUW"};
  }
  EXPECT_TRUE(saw_tilda);
  EXPECT_EQ(watcher->player("Tïlda Ström#EUW")->puuid, test_puuid("Tïlda Ström#EUW"));

  expect_every_request_carries_the_key();
  const std::string log = captured_log();
  EXPECT_NE(log.find("shotcall-riot"), std::string::npos) << "the watcher logged nothing: the check proves nothing";
  EXPECT_NE(log.find("HTTP 500"), std::string::npos) << log;   // warnings are captured...
  EXPECT_NE(log.find("account-v1 lookup"), std::string::npos);  // ...and so are debug lines
  EXPECT_EQ(log.find(kTestKey), std::string::npos);
  EXPECT_EQ(log.find("7f3e2a10"), std::string::npos);  // not even a piece of it
}

TEST_F(WatcherTest, AWrongKeyIsNeverLoggedAndBacksOff) {
  clear_captured_log();
  const std::string wrong = "RGAPI-00000000-dead-beef-0000-wrongwrongxx";
  auto watcher = make(fast_options(*standin, wrong));
  ASSERT_TRUE(watcher);
  watcher->watch("Ahri Main#EUW", test_puuid("Ahri Main#EUW"));
  ASSERT_TRUE(run_until([&] { return requests_of(*standin, StandinEndpoint::Spectator).size() >= 3; }, 30s));
  const auto reqs = requests_of(*standin, StandinEndpoint::Spectator);
  EXPECT_EQ(reqs[0].status, 403);
  EXPECT_GE(reqs[1].time_ms - reqs[0].time_ms, 200);  // backoff, not the 200 ms poll
  EXPECT_GE(reqs[2].time_ms - reqs[1].time_ms, 400);
  const std::string log = captured_log();
  EXPECT_NE(log.find("refused the API key"), std::string::npos);
  EXPECT_EQ(log.find(wrong), std::string::npos);
  EXPECT_EQ(log.find("dead-beef"), std::string::npos);
}

TEST_F(WatcherTest, CreateRefusesBadConfigurationWithoutEchoingTheKey) {
  std::string error;
  auto o = fast_options(*standin);
  o.platform = "mars1";
  EXPECT_FALSE(Watcher::create(o, &error));
  EXPECT_NE(error.find("unknown Riot platform"), std::string::npos);
  o = fast_options(*standin, "RGAPI-bad\r\nInjected: yes");
  EXPECT_FALSE(Watcher::create(o, &error));
  EXPECT_EQ(error.find("Injected"), std::string::npos) << error;
  o = fast_options(*standin, "");
  EXPECT_FALSE(Watcher::create(o, &error));
  o = fast_options(*standin);
  o.base_url = "127.0.0.1:80";
  EXPECT_FALSE(Watcher::create(o, &error));
}

TEST_F(WatcherTest, UnwatchingStopsPollingAndEndsTracking) {
  standin->add_game(ten_player_game(55));
  auto watcher = make(fast_options(*standin));
  ASSERT_TRUE(watcher);
  watcher->watch("Ahri Main#EUW", test_puuid("Ahri Main#EUW"));
  ASSERT_TRUE(run_until([&] { return recorder.started.size() == 1; }, 30s));
  EXPECT_TRUE(watcher->unwatch("ahri main#euw"));
  EXPECT_FALSE(watcher->unwatch("ahri main#euw"));
  // Callbacks never run inside unwatch(): the event comes from the main loop.
  EXPECT_TRUE(recorder.ended.empty());
  ASSERT_TRUE(run_until([&] { return recorder.ended.size() == 1; }, 10s));
  EXPECT_EQ(recorder.ended[0].reason, GameEndReason::Unwatched);
  const std::size_t before = standin->requests().size();
  run_for(1500ms);  // nothing is watched: nothing may be asked (bounded wait, no event to wait on)
  EXPECT_LE(standin->requests().size(), before + 1);  // at most a check already in flight
  EXPECT_EQ(watcher->metrics().watchers, 0u);
}

TEST_F(WatcherTest, ACallbackMayDestroyTheWatcher) {
  standin->add_game(ten_player_game());
  auto watcher = make(fast_options(*standin));
  ASSERT_TRUE(watcher);
  watcher->set_game_started_callback([&](const GameStarted&) { watcher.reset(); });
  watcher->watch("Ahri Main#EUW", test_puuid("Ahri Main#EUW"));
  ASSERT_TRUE(run_until([&] { return !watcher; }, 30s));
  run_for(300ms);  // anything left over would run now and crash under ASan
}

}  // namespace
}  // namespace shotcall::riot::test
