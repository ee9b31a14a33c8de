// Shared steps of the server's integration tests: registered players, channels, teams.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/ws_client.hpp"

// cluster_protocol_tests compiles the protocol's integration tests a second time with this
// defined: every `ServerProcess` in them becomes three instances sharing Redis behind HAProxy
// (tests/cluster/redis_cluster.hpp), so the same rules are checked against the scaled-out
// deployment without a second copy of each test.
#ifdef SHOTCALL_TESTS_THROUGH_CLUSTER
#include "tests/cluster/redis_cluster.hpp"
namespace shotcall::test {
using SingleServerProcess = ServerProcess;  // the one process, for tests that need it as well
}
#define ServerProcess RedisCluster
#endif

namespace shotcall::test {

struct Player {
  std::unique_ptr<WsClient> ws;
  std::string riot_id;
  std::string peer_id;
  WsClient* operator->() const { return ws.get(); }
};

// Connects and registers; fails the test (and returns a player without peer id) on error.
Player registered(const ServerProcess& server, const std::string& riot_id);
Player registered_at(const std::string& ws_url, const std::string& riot_id);
#ifdef SHOTCALL_TESTS_THROUGH_CLUSTER
// Straight to instance `n` (1..3) of the cluster, not through its load balancer.
Player registered_on(RedisCluster& cluster, int n, const std::string& riot_id);
#endif

// find-or-create from `p`; returns the channel id of the channel-created reply ("" on failure).
std::string find_or_create(Player& p, const std::string& game_id, const std::string& team_id,
                           const std::vector<std::string>& roster);

// join-channel; returns the joined-channel members (peer ids), or fails the test.
std::vector<std::string> join(Player& p, const std::string& channel_id);

// Five players (names from `prefix`) registered, in one channel, each having seen the others.
struct Team {
  std::vector<Player> players;
  std::vector<std::string> roster;
  std::string channel_id;
};
Team form_team(const ServerProcess& server, const std::string& prefix, const std::string& game_id,
               const std::string& team_id, std::size_t size = 5);

// The value of an un-labelled or labelled sample in Prometheus text, -1 if absent:
// sample(text, "shotcall_errors_sent_total{code=\"bad-json\"}").
double sample(const std::string& metrics_text, const std::string& series);

}  // namespace shotcall::test
