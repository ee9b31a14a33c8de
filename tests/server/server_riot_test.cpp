// Server-side game detection end to end: the real shotcall-signal with a Riot API key, pointed
// at the stand-in Riot API (its own thread, plain HTTP on loopback), and WebSocket clients that
// send watch-game. Judged from outside: the frames clients get, the stand-in's request log,
// the server's stderr and /metrics.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>

#include "tests/riot/riot_standin.hpp"
#include "tests/server/server_test_helpers.hpp"
#include "tests/support/http_get.hpp"

namespace shotcall::test {
namespace {

using riot::test::RiotStandin;
using riot::test::StandinEndpoint;
using riot::test::StandinGame;
using riot::test::StandinRequest;

// Distinctive, so finding it anywhere it must not be is unambiguous.
constexpr const char* kKey = "RGAPI-d3adb33f-5ec7-4e11-8a9c-keymustneverleak";
constexpr const char* kKeyVar = "SHOTCALL_TEST_RIOT_KEY";
// Tight limits and short intervals, so the test runs in seconds; the stand-in enforces the same.
constexpr const char* kLimits = "20:1,100:10";
constexpr std::int64_t kGameId = 6912345678;

const std::vector<std::string> kBlue{"Blue One#EUW", "Zoë Lützow#LUX", "Blue Three#EUW",
                                     "Blue Four#EUW", "Blue Five#EUW"};
const std::vector<std::string> kRed{"Red One#EUW", "Red Two#EUW", "Çağrı#TR1", "Red Four#EUW",
                                    "Red Five#EUW"};

std::string puuid_of(const std::string& riot_id) {
  gchar* sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, riot_id.c_str(), -1);
  std::string p = std::string("puuid-") + sum;
  g_free(sum);
  return p;
}

StandinGame ten_player_game(std::int64_t id = kGameId) {
  StandinGame g;
  g.game_id = id;
  int champion = 1;
  for (const auto& r : kBlue) g.participants.push_back({puuid_of(r), r, 100, ++champion, false});
  for (const auto& r : kRed) g.participants.push_back({puuid_of(r), r, 200, ++champion, false});
  return g;
}

protocol::ClientMessage watch_game(std::optional<std::string> id = {}) {
  return protocol::ClientMessage{std::move(id), protocol::WatchGame{}};
}

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

// The most requests of one routing value that arrived within any `window_ms` (a sliding window).
int busiest_window(const std::vector<StandinRequest>& log, const std::string& routing,
                   std::int64_t window_ms) {
  std::vector<std::int64_t> times;
  for (const auto& r : log)
    if (r.routing == routing) times.push_back(r.time_ms);
  std::sort(times.begin(), times.end());
  int most = 0;
  std::size_t first = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    while (times[i] - times[first] >= window_ms) ++first;
    most = std::max(most, static_cast<int>(i - first + 1));
  }
  return most;
}

class ServerRiot : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    standin_ = RiotStandin::start(0, &error);
    ASSERT_TRUE(standin_) << error;
    standin_->set_api_key(kKey);
    standin_->set_rate_limits(kLimits);
    for (const auto& r : kBlue) standin_->add_account(puuid_of(r), r.substr(0, r.find('#')), r.substr(r.find('#') + 1));
    for (const auto& r : kRed) standin_->add_account(puuid_of(r), r.substr(0, r.find('#')), r.substr(r.find('#') + 1));
  }

  void start_server(std::map<std::string, std::string> extra_env = {}) {
    std::map<std::string, std::string> env{{kKeyVar, kKey}};
    env.insert(extra_env.begin(), extra_env.end());
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--riot-api-key-env", kKeyVar, "--riot-platform", "euw1",
                                 "--riot-api-base", standin_->base_url(), "--riot-rate-limits",
                                 kLimits, "--riot-poll-interval", "200",
                                 "--riot-game-check-interval", "600",
                                 "--riot-end-confirmations", "2"},
        env);
  }

  // Registers and sends watch-game; expects `watching` with the request id and the Riot ID.
  Player watcher(const std::string& riot_id) {
    Player p = registered(*server_, riot_id);
    p->send(watch_game("w-" + riot_id));
    auto f = p->wait_for([](const Frame& f) { return f.type == "watching" || f.type == "error"; });
    EXPECT_TRUE(f && f->type == "watching") << riot_id << ": " << (f ? f->text : "nothing");
    if (f && f->type == "watching") {
      EXPECT_EQ(f->message->id, "w-" + riot_id);
      EXPECT_EQ(f->as<protocol::Watching>()->riot_id, riot_id);
    }
    return p;
  }

  std::string metrics() const { return http_get(server_->http_url("/metrics")).body; }
  double metric(const std::string& series) const { return sample(metrics(), series); }

  // Nothing the server printed or serves holds the key.
  void expect_key_kept() const {
    EXPECT_EQ(server_->stderr_text().find(kKey), std::string::npos) << server_->stderr_text();
    EXPECT_EQ(metrics().find(kKey), std::string::npos);
    EXPECT_EQ(metrics().find("keymustneverleak"), std::string::npos);
  }

  std::unique_ptr<RiotStandin> standin_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ServerRiot, TenWatchersEndInTheirTeamsChannelsWithinTheLimits) {
  start_server();
  std::vector<Player> players;
  for (const auto& r : kBlue) players.push_back(watcher(r));
  for (const auto& r : kRed) players.push_back(watcher(r));

  // Nobody is in a game yet: each is looked up once and polled (404) at least once.
  ASSERT_TRUE(run_until(
      [&] {
        return standin_->count(StandinEndpoint::AccountByRiotId) == 10 &&
               standin_->count(StandinEndpoint::Spectator) >= 10;
      },
      60s));
  EXPECT_FALSE(players[0]->has([](const Frame& f) { return f.type == "channel-available"; }));
  standin_->add_game(ten_player_game());

  std::vector<protocol::ChannelInfo> offers;
  for (auto& p : players) {
    auto f = p->wait_for_type("channel-available", 60s);
    ASSERT_TRUE(f) << p.riot_id << " was offered no channel";
    offers.push_back(f->as<protocol::ChannelAvailable>()->channel);
  }
  for (std::size_t i = 0; i < 10; ++i) {
    const bool blue = i < 5;
    const protocol::ChannelInfo& c = offers[i];
    EXPECT_EQ(c.channel_id, offers[blue ? 0 : 5].channel_id) << players[i].riot_id;
    EXPECT_EQ(as_set(c.roster), as_set(blue ? kBlue : kRed)) << players[i].riot_id;
    EXPECT_EQ(c.game_id, (protocol::IdValue{"EUW1_" + std::to_string(kGameId), false}));
    EXPECT_EQ(c.team_id, (protocol::IdValue{blue ? "100" : "200", true}));
  }
  EXPECT_NE(offers[0].channel_id, offers[5].channel_id);
  for (std::size_t i = 0; i < 10; ++i) {
    const auto members = join(players[i], offers[i].channel_id);
    EXPECT_EQ(members.size(), i % 5) << players[i].riot_id;  // everyone before them in the team
  }
  EXPECT_EQ(metric("shotcall_channels"), 2);
  EXPECT_EQ(metric("shotcall_riot_games"), 1);
  EXPECT_EQ(metric("shotcall_riot_watched_players"), 10);
  EXPECT_EQ(metric("shotcall_riot_players_in_game"), 10);
  EXPECT_EQ(metric("shotcall_riot_watching_connections"), 10);
  // Ten watchers against the watcher's share of 100 per 10 s (80: Riot verification keeps its
  // default 20 %), of which 80 % is planned: each idle player every 1.5625 s.
  EXPECT_NEAR(metric("shotcall_riot_poll_interval_seconds"), 1.5625, 0.001);

  // One answer named all ten: from now on the game is checked through one player at a time,
  // not each player polled. Ten players polled for 3 s would be ~24 calls.
  const std::int64_t t0 = g_get_monotonic_time() / 1000;
  run_for(3s);
  std::size_t checks = 0;
  for (const auto& r : standin_->requests())
    if (r.endpoint == StandinEndpoint::Spectator && r.time_ms >= t0) ++checks;
  EXPECT_LE(checks, 5u);
  EXPECT_GE(checks, 1u);

  const auto log = standin_->requests();
  EXPECT_TRUE(standin_->limit_violations().empty()) << standin_->limit_violations().front();
  for (const char* routing : {"platform", "regional"}) {
    EXPECT_LE(busiest_window(log, routing, 1000), 20) << routing;
    EXPECT_LE(busiest_window(log, routing, 10000), 100) << routing;
  }
  EXPECT_EQ(standin_->count(StandinEndpoint::AccountByRiotId), 10u);  // once each
  for (const auto& r : log) {
    EXPECT_EQ(r.token, std::optional<std::string>{kKey}) << r.path;  // X-Riot-Token, always
    EXPECT_NE(r.status, 429) << r.path;
  }
  EXPECT_EQ(metric("shotcall_riot_requests_total{endpoint=\"account\",status=\"200\"}"), 10);
  expect_key_kept();
}

TEST_F(ServerRiot, GameEndTellsMembersAndClosesTheChannelOnceEmpty) {
  start_server();
  standin_->add_game(ten_player_game());
  Player a = watcher(kBlue[0]);
  Player b = watcher(kBlue[1]);
  auto offer = a->wait_for_type("channel-available", 60s);
  ASSERT_TRUE(offer);
  const std::string channel = offer->as<protocol::ChannelAvailable>()->channel.channel_id;
  ASSERT_TRUE(b->wait_for_type("channel-available", 60s));
  join(a, channel);
  join(b, channel);
  EXPECT_EQ(metric("shotcall_channels"), 1);

  standin_->end_game(kGameId);
  for (Player* p : {&a, &b}) {
    auto notice = (*p)->wait_for_type("notice", 30s);
    ASSERT_TRUE(notice) << p->riot_id;
    EXPECT_EQ(notice->as<protocol::Notice>()->level, protocol::NoticeLevel::Info);
    auto ended = (*p)->wait_for_type("game-ended", 10s);
    ASSERT_TRUE(ended) << p->riot_id;
    EXPECT_EQ(ended->as<protocol::GameEnded>()->channel_id, channel);
  }
  EXPECT_EQ(metric("shotcall_riot_games"), 0);

  // A teammate who comes online now is not offered the finished game's channel.
  Player late = registered(*server_, kBlue[2]);
  ASSERT_TRUE(late->barrier());
  EXPECT_FALSE(late->has([](const Frame& f) { return f.type == "channel-available"; }));

  // The channel lives while members remain, and goes with the last one.
  a->send(msg::leave(channel));
  ASSERT_TRUE(a->wait_for_type("left-channel"));
  EXPECT_EQ(metric("shotcall_channels"), 1);
  b->send(msg::leave(channel));
  ASSERT_TRUE(b->wait_for_type("left-channel"));
  EXPECT_EQ(metric("shotcall_channels"), 0);
  expect_key_kept();
}

TEST_F(ServerRiot, RetryAfterOnA429IsHonoured) {
  start_server();
  standin_->fail_next(429, 1, 2);  // the first call, an account lookup: "wait 2 s"
  Player a = watcher(kBlue[0]);
  ASSERT_TRUE(run_until([&] { return standin_->requests().size() >= 2; }, 30s));
  const auto log = standin_->requests();
  EXPECT_EQ(log[0].status, 429);
  EXPECT_EQ(log[1].endpoint, StandinEndpoint::AccountByRiotId);  // the same lookup, again
  EXPECT_GE(log[1].time_ms - log[0].time_ms, 2000);
  ASSERT_TRUE(run_until(
      [&] { return metric("shotcall_riot_requests_total{endpoint=\"account\",status=\"200\"}") == 1; },
      10s));
  EXPECT_EQ(metric("shotcall_riot_requests_total{endpoint=\"account\",status=\"429\"}"), 1);
  // The watcher's warning went through the server's logger.
  EXPECT_TRUE(server_->wait_for_stderr("rate-limited")) << server_->stderr_text();
  expect_key_kept();
}

TEST_F(ServerRiot, RefusedKeyIsReportedWithoutTheKeyEvenWithDebugLogs) {
  standin_->set_api_key("RGAPI-someone-elses-key");
  start_server({{"G_MESSAGES_DEBUG", "all"}});
  Player a = watcher(kBlue[0]);
  ASSERT_TRUE(server_->wait_for_stderr("refused the API key", 30s)) << server_->stderr_text();
  const auto log = standin_->requests();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0].token, std::optional<std::string>{kKey});
  EXPECT_EQ(log[0].status, 403);
  expect_key_kept();
}

TEST_F(ServerRiot, WatchingStopsOnUnwatchAndOnClose) {
  start_server();
  Player a = registered(*server_, kBlue[0]);
  a->send(protocol::ClientMessage{"u0", protocol::UnwatchGame{}});
  auto refused = a->wait_for_error("not-watching");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->message->id, "u0");
  a->send(watch_game("w1"));
  ASSERT_TRUE(a->wait_for_type("watching"));
  EXPECT_EQ(metric("shotcall_riot_watched_players"), 1);
  // One watcher alone is polled as often as allowed (ten: every 1.25 s, see above).
  EXPECT_EQ(metric("shotcall_riot_poll_interval_seconds"), 0.2);
  a->send(protocol::ClientMessage{"u1", protocol::UnwatchGame{}});
  auto unwatched = a->wait_for_type("unwatched");
  ASSERT_TRUE(unwatched);
  EXPECT_EQ(unwatched->message->id, "u1");
  EXPECT_EQ(metric("shotcall_riot_watched_players"), 0);

  Player b = watcher(kBlue[1]);
  EXPECT_EQ(metric("shotcall_riot_watched_players"), 1);
  b->close();
  ASSERT_TRUE(b->wait_closed());
  EXPECT_TRUE(run_until([&] { return metric("shotcall_riot_watched_players") == 0; }, 10s));
  EXPECT_EQ(metric("shotcall_riot_watching_connections"), 0);
}

TEST_F(ServerRiot, ServerChannelMeetsATeammateWhoDetectedTheGameLocally) {
  start_server();
  standin_->add_game(ten_player_game());
  Player a = watcher(kBlue[0]);
  auto offer = a->wait_for_type("channel-available", 60s);
  ASSERT_TRUE(offer);
  const std::string channel = offer->as<protocol::ChannelAvailable>()->channel.channel_id;
  // This one reads the local game data and knows only a derived game id.
  Player local = registered(*server_, kBlue[3]);
  EXPECT_EQ(find_or_create(local, "lcd-0123456789abcdef", "100", kBlue), channel);
  join(a, channel);
  EXPECT_EQ(join(local, channel).size(), 1u);
  // An enemy who knows the roster still cannot get in.
  Player enemy = registered(*server_, kRed[0]);
  enemy->send(msg::join(channel));
  EXPECT_TRUE(enemy->wait_for_error("not-on-roster"));
}

TEST(ServerRiotOff, WatchGameWithoutAKeyIsUnavailable) {
  ServerProcess server;
  Player a = registered(server, "Solo#EUW");
  a->send(protocol::ClientMessage{"w", protocol::WatchGame{}});
  auto f = a->wait_for_error("watch-unavailable");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->message->id, "w");
  EXPECT_EQ(f->as<protocol::Error>()->re, "watch-game");
  EXPECT_EQ(sample(http_get(server.http_url("/metrics")).body, "shotcall_riot_watched_players"), -1);
  // Before registering, the usual answer.
  auto ws = WsClient::connect(server.url());
  ws->send(protocol::ClientMessage{std::nullopt, protocol::WatchGame{}});
  EXPECT_TRUE(ws->wait_for_error("not-registered"));
}

TEST(ServerRiotOff, HelpAndConfigErrorsNeverShowTheKey) {
  const std::map<std::string, std::string> env{{kKeyVar, kKey}};
  const RunResult help = run_signal_binary({"--help"}, env);
  EXPECT_EQ(help.exit.status, 0);
  EXPECT_NE(help.out.find("--riot-api-key-env"), std::string::npos);
  EXPECT_EQ(help.out.find(kKey), std::string::npos);
  const RunResult bad = run_signal_binary({"--riot-api-key-env", kKeyVar}, env);
  EXPECT_EQ(bad.exit.status, 2);
  EXPECT_NE(bad.err.find("--riot-platform"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find(kKey), std::string::npos);
  const RunResult pasted = run_signal_binary({"--riot-api-key-env", kKey, "--riot-platform", "euw1"}, env);
  EXPECT_EQ(pasted.exit.status, 2);
  EXPECT_EQ(pasted.err.find(kKey), std::string::npos) << pasted.err;
}

}  // namespace
}  // namespace shotcall::test
