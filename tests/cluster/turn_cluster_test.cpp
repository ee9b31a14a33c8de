// Time-limited TURN credentials in the scaled-out deployment (issue 14): every instance sharing
// Redis mints them for its own connections exactly as one server does, checked from outside.
#include <glib.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "tests/cluster/redis_cluster.hpp"
#include "tests/server/server_test_helpers.hpp"
#include "tests/server/turn_credential_check.hpp"

namespace shotcall::test {
namespace {

constexpr const char* kSecretVar = "TURN_SHARED_SECRET";
constexpr const char* kSecret = "0c7e91d45ab2f36eclustersharedsecret";

TEST(RedisClusterTurn, EveryInstanceIssuesItsConnectionsTheirOwnCredentials) {
  const std::vector<std::string> stun{"stun:127.0.0.1:3478"};
  const std::vector<std::string> turn{"turn:127.0.0.1:3478?transport=udp", "turns:127.0.0.1:5349"};
  RedisCluster cluster({"--stun", stun[0], "--turn", turn[0], "--turn", turn[1],
                        "--turn-secret-env", kSecretVar, "--turn-ttl", "900"},
                       {{kSecretVar, kSecret}});
  for (int n = 1; n <= 3; ++n) {
    SCOPED_TRACE("instance " + std::to_string(n));
    auto ws = WsClient::connect(cluster.instance(n).url());
    ws->send(msg::register_user("Turn" + std::to_string(n) + "#EUW", "reg"));
    const auto f = ws->wait_for_type("connected");
    const auto now_s = g_get_real_time() / G_USEC_PER_SEC;
    ASSERT_TRUE(f);
    const auto* c = f->as<protocol::Connected>();
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(instance_of(c->peer_id), n);
    ASSERT_EQ(c->ice_servers.size(), 2u) << f->text;
    EXPECT_EQ(c->ice_servers[0], (protocol::IceServer{stun, std::nullopt, std::nullopt}));
    const auto& relay = c->ice_servers[1];
    EXPECT_EQ(relay.urls, turn);
    ASSERT_TRUE(relay.username && relay.credential) << f->text;
    const auto username = parse_turn_username(*relay.username);
    ASSERT_TRUE(username) << *relay.username;
    EXPECT_EQ(username->opaque, c->peer_id);
    EXPECT_NEAR(static_cast<double>(username->expiry_s), static_cast<double>(now_s + 900), 5.0);
    EXPECT_EQ(*relay.credential, expected_turn_credential(kSecret, *relay.username));

    std::ifstream in("/proc/" + std::to_string(cluster.instance(n).pid()) + "/cmdline");
    const std::string cmdline{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    ASSERT_NE(cmdline.find("--redis"), std::string::npos) << "read the wrong process";
    EXPECT_EQ(cmdline.find(kSecret), std::string::npos);
  }
  EXPECT_EQ(cluster.stderr_text().find(kSecret), std::string::npos);
}

}  // namespace
}  // namespace shotcall::test
