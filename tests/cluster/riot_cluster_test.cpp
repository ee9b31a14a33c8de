// Server-side game detection with the state shared: every instance has the Riot key and its own
// watcher (pointed at the stand-in Riot API), the channels live in Redis. The core's watch
// requests come back from the store's calls (pairing_runner.hpp: one Outbox), not at once: they
// must still reach each instance's watcher, and teammates watched by different instances must
// be offered one channel.
#include <gtest/gtest.h>

#include <set>

#include "tests/riot/riot_standin.hpp"
#include "tests/server/server_test_helpers.hpp"
#include "tests/support/http_get.hpp"

namespace shotcall::test {
namespace {

using riot::test::RiotStandin;
using riot::test::StandinGame;

constexpr const char* kKey = "RGAPI-c1u57e12-0000-4000-8000-watchedbyall";
constexpr const char* kKeyVar = "SHOTCALL_TEST_RIOT_KEY";
const std::vector<std::string> kBlue{"Blue One#EUW", "Blue Two#EUW", "Blue Three#EUW",
                                     "Blue Four#EUW", "Blue Five#EUW"};

std::string puuid_of(const std::string& riot_id) { return "puuid-" + riot_id.substr(0, 8); }

double watched_players(RedisCluster& cluster) {
  double total = 0;
  for (int n = 1; n <= 3; ++n)
    total += sample(http_get(cluster.instance(n).http_url("/metrics")).body,
                    "shotcall_riot_watched_players");
  return total;
}

TEST(RiotCluster, TeammatesWatchedByDifferentInstancesAreOfferedOneChannel) {
  std::string error;
  auto standin = RiotStandin::start(0, &error);
  ASSERT_TRUE(standin) << error;
  standin->set_api_key(kKey);
  StandinGame game;
  game.game_id = 7012345678;
  int champion = 1;
  for (const auto& r : kBlue) {
    standin->add_account(puuid_of(r), r.substr(0, r.find('#')), "EUW");
    game.participants.push_back({puuid_of(r), r, 100, ++champion, false});
  }
  RedisCluster cluster({"--riot-api-key-env", kKeyVar, "--riot-platform", "euw1", "--riot-api-base",
                        standin->base_url(), "--riot-poll-interval", "200",
                        "--riot-game-check-interval", "600", "--riot-end-confirmations", "2"},
                       {{kKeyVar, kKey}});

  std::vector<Player> players;
  std::set<int> instances;
  for (int i = 0; i < 3; ++i) {
    players.push_back(registered(cluster, kBlue[static_cast<std::size_t>(i)]));
    Player& p = players.back();
    instances.insert(instance_of(p.peer_id));
    p->send(protocol::ClientMessage{"w", protocol::WatchGame{}});
    ASSERT_TRUE(p->wait_for_type("watching")) << p.riot_id;
  }
  EXPECT_GE(instances.size(), 2u) << "the balancer put every player on one instance";
  EXPECT_TRUE(run_until([&] { return watched_players(cluster) == 3; }, 10s));

  standin->add_game(game);
  std::set<std::string> offered;
  for (Player& p : players) {
    auto offer = p->wait_for_type("channel-available", 60s);
    ASSERT_TRUE(offer) << p.riot_id << " was offered no channel\n" << cluster.stderr_text();
    offered.insert(offer->as<protocol::ChannelAvailable>()->channel.channel_id);
  }
  EXPECT_EQ(offered.size(), 1u) << "one team, one channel";

  // Unwatching and closing reach the watcher of the instance each player is on.
  players[0]->send(protocol::ClientMessage{"u", protocol::UnwatchGame{}});
  ASSERT_TRUE(players[0]->wait_for_type("unwatched"));
  players[1]->close();
  ASSERT_TRUE(players[1]->wait_closed());
  EXPECT_TRUE(run_until([&] { return watched_players(cluster) == 1; }, 10s))
      << "still watched: " << watched_players(cluster) << " (players on instances "
      << instance_of(players[0].peer_id) << ", " << instance_of(players[1].peer_id) << ", "
      << instance_of(players[2].peer_id) << ")";
  EXPECT_EQ(cluster.stderr_text().find(kKey), std::string::npos) << "the key was printed";
}

}  // namespace
}  // namespace shotcall::test
