// The keys an instance's connections use live in Redis with a TTL (so that the state of
// instances that all died goes away by itself), and each instance renews the TTLs of its
// connections' keys every few seconds (shared_pairing_liveness.cpp). It does so a slice of
// connections at a time, so that a big instance never holds its loop lock for long: these tests
// check that every key of every held session is still renewed, whichever slice its connection
// falls in and whichever instance holds its teammates.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "signaling/protocol/riot_id.hpp"
#include "signaling/store/store_records.hpp"
#include "tests/cluster/redis_cluster.hpp"
#include "tests/server/server_test_helpers.hpp"
#include "tests/support/blocking_tcp.hpp"
#include "tests/support/resp.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

// A Redis connection in subscriber mode, read as a stream of messages (arrays of strings).
class Subscriber {
 public:
  explicit Subscriber(RedisProcess& redis) : tcp_(redis.host(), redis.port(), 20s), reader_(tcp_) {}
  void send(const std::vector<std::string>& args) { tcp_.write_all(resp_request(args)); }
  // The next message; throws when Redis says nothing for the connection's timeout.
  std::vector<std::string> next() { return reader_.elements(); }

 private:
  BlockingTcp tcp_;
  RespReader reader_;
};

TEST(TtlRefresh, EveryKeyOfEveryHeldSessionIsRenewedWhateverSliceItsConnectionIsIn) {
  RedisCluster cluster;
  // A team over all three instances, then enough players on instance 1 that its refresh takes
  // several slices (200 connections each).
  std::vector<Player> players;
  std::vector<std::string> roster;
  for (int i = 0; i < 5; ++i) roster.push_back("Ttl" + std::to_string(i) + "#T100");
  const std::vector<int> on = {1, 2, 3, 1, 2};
  for (int i = 0; i < 5; ++i) players.push_back(registered_on(cluster, on[i], roster[i]));
  const std::string channel_id = find_or_create(players[0], "g100", "100", roster);
  ASSERT_FALSE(channel_id.empty());
  for (auto& p : players) join(p, channel_id);
  for (int i = 0; i < 450; ++i)
    players.push_back(registered_on(cluster, 1, "Solo" + std::to_string(i) + "#T7"));
  ASSERT_FALSE(::testing::Test::HasFailure());

  // The keys the sessions use (not the instances' own marks, renewed another way).
  std::set<std::string> keys;
  for (const auto& riot_id : roster) {
    keys.insert(store::claim_key(protocol::fold_riot_id(riot_id)));
    keys.insert(store::player_key(protocol::fold_riot_id(riot_id)));
  }
  for (int i = 0; i < 450; ++i)
    keys.insert(store::claim_key(protocol::fold_riot_id("Solo" + std::to_string(i) + "#T7")));
  keys.insert(store::channel_key(channel_id));
  const auto channel =
      store::decode_channel(cluster.redis().command({"GET", store::channel_key(channel_id)}));
  ASSERT_TRUE(channel) << "no channel record in Redis";
  keys.insert(store::pairing_key(channel->pairing_key));
  for (const auto& k : keys)
    ASSERT_NE(cluster.redis().command({"PTTL", k}), "-2") << k << " is not in Redis";

  // Every key set to live an hour, then a marker: the keyspace events after the marker are
  // renewals by the instances.
  Subscriber events(cluster.redis());
  ASSERT_EQ(cluster.redis().command({"CONFIG", "SET", "notify-keyspace-events", "Kg"}), "OK");
  events.send({"SUBSCRIBE", "ttl-test-marker"});
  events.send({"PSUBSCRIBE", "__keyspace@0__:shotcall:*"});
  ASSERT_EQ(events.next().at(0), "subscribe");
  ASSERT_EQ(events.next().at(0), "psubscribe");
  for (const auto& k : keys) ASSERT_EQ(cluster.redis().command({"PEXPIRE", k, "3600000"}), "1");
  ASSERT_EQ(cluster.redis().command({"PUBLISH", "ttl-test-marker", "set"}), "1");
  while (true) {
    const auto m = events.next();
    if (m.at(0) == "message") break;
  }
  // Two refresh periods (5 s each) at most; the subscriber's reads give up after 20 s of silence.
  std::set<std::string> waiting = keys;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (!waiting.empty() && std::chrono::steady_clock::now() < deadline) {
    const auto m = events.next();
    if (m.size() == 4 && m[0] == "pmessage" && m[3] == "expire")
      waiting.erase(m[2].substr(m[2].find(':') + 1));
  }
  EXPECT_TRUE(waiting.empty()) << waiting.size() << " of " << keys.size()
                               << " keys were never renewed, e.g. " << *waiting.begin();
  for (const auto& k : keys) {
    const long long ttl = std::stoll(cluster.redis().command({"PTTL", k}));
    EXPECT_GT(ttl, 0) << k;
    EXPECT_LE(ttl, 30000) << k << " kept the hour it was given";
  }
}

}  // namespace
}  // namespace shotcall::test
