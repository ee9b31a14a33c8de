// identity-1 across instances (shared/protocol-identity.md, "Several instances"): three instances
// sharing Redis and one PostgreSQL behind HAProxy. A device key bound through one instance holds
// the Riot ID on every other, and an operator's `identity unbind` frees it on all of them at once.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "signaling/identity/sign_proof.hpp"
#include "tests/cluster/redis_cluster.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/ws_client.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;
using identity::KeyPair;
using protocol::IdentityLevel;

// Where a client dials, and the host it signs into its proofs (the address it dialed).
struct Target {
  std::string url;
  std::string host;
};

Target through_balancer(RedisCluster& cluster) {
  return {cluster.url(), "127.0.0.1:" + std::to_string(cluster.lb().port())};
}

Target straight_to(RedisCluster& cluster, int n) {
  return {cluster.instance(n).url(), "127.0.0.1:" + std::to_string(cluster.instance(n).port())};
}

// What one register-user got: `connected` (its peer id and level) or an error code.
struct Registration {
  std::unique_ptr<WsClient> ws;
  std::optional<protocol::Connected> connected;
  std::string error;  // the error code, or why there was no answer
};

// One connection and one register-user; with `key`, after a hello, proven by it.
Registration register_once(const Target& to, const std::string& riot_id, const KeyPair* key) {
  Registration r;
  r.ws = WsClient::connect(to.url);
  protocol::RegisterUser reg{riot_id, std::nullopt, std::nullopt, std::nullopt};
  if (key) {
    r.ws->send(protocol::ClientMessage{"h", protocol::Hello{}});
    const auto hello = r.ws->wait_for_type("hello");
    if (!hello || !hello->as<protocol::HelloReply>()) {
      r.error = "no hello reply";
      return r;
    }
    const auto signed_proof =
        identity::sign_proof(*key, identity::Purpose::Register, to.host,
                             hello->as<protocol::HelloReply>()->challenge, riot_id);
    reg.proof = protocol::Proof{signed_proof.key, signed_proof.proof, signed_proof.host};
  }
  r.ws->send(protocol::ClientMessage{"reg", reg});
  const auto reply =
      r.ws->wait_for([](const Frame& f) { return f.type == "connected" || f.type == "error"; });
  if (!reply)
    r.error = "no answer to register-user";
  else if (const auto* c = reply->as<protocol::Connected>())
    r.connected = *c;
  else if (const auto* e = reply->as<protocol::Error>())
    r.error = std::string{protocol::to_wire(e->code)};
  else
    r.error = reply->text;
  return r;
}

// The same, tried again on a fresh connection while the answer is riot-id-in-use: the Riot ID's
// previous connection, closed just before, may still hold its claim in Redis for a moment (the
// server releases it after the close handshake the client waited for). Any other answer counts.
Registration register_when_free(const Target& to, const std::string& riot_id, const KeyPair* key) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  for (;;) {
    Registration r = register_once(to, riot_id, key);
    if (r.error != "riot-id-in-use" || std::chrono::steady_clock::now() > deadline) return r;
  }
}

void disconnect(Registration& r) {
  r.ws->close();
  EXPECT_TRUE(r.ws->wait_closed());
}

// Two instances other than `n` (1..3), in order.
std::pair<int, int> others(int n) {
  if (n == 1) return {2, 3};
  if (n == 2) return {1, 3};
  return {1, 2};
}

TEST(IdentityCluster, AKeyBoundThroughOneInstanceHoldsOnEveryOtherUntilUnbound) {
  RedisCluster cluster;
  const auto key = KeyPair::generate();
  ASSERT_TRUE(key);
  const std::string riot_id = "Bound#EUW";

  // Bound through the balancer, whose address the proof names (the instances' --public-host).
  Registration owner = register_once(through_balancer(cluster), riot_id, &*key);
  ASSERT_TRUE(owner.connected) << owner.error;
  EXPECT_EQ(owner.connected->identity, IdentityLevel::Key);
  const int bound_on = instance_of(owner.connected->peer_id);
  ASSERT_NE(bound_on, 0) << owner.connected->peer_id;
  disconnect(owner);
  const auto [enemy_on, back_on] = others(bound_on);

  // Another instance refuses a registration without a proof by the bound key.
  Registration enemy = register_once(straight_to(cluster, enemy_on), riot_id, nullptr);
  EXPECT_FALSE(enemy.connected) << "an unproven client took a bound Riot ID on s" << enemy_on;
  EXPECT_EQ(enemy.error, "riot-id-bound");

  // The third instance takes the real key back, at level key.
  Registration again = register_when_free(straight_to(cluster, back_on), riot_id, &*key);
  ASSERT_TRUE(again.connected) << again.error;
  EXPECT_EQ(again.connected->identity, IdentityLevel::Key);
  EXPECT_EQ(instance_of(again.connected->peer_id), back_on);
  disconnect(again);

  // The operator unbinds it in the shared database: every instance lets an unproven client in.
  const auto run =
      run_signal_binary({"identity", "unbind", riot_id, "--database", cluster.database_url()});
  ASSERT_TRUE(run.exit.exited && run.exit.status == 0) << run.out << run.err;
  EXPECT_NE(run.out.find("unbound " + riot_id + " (1 device key)"), std::string::npos) << run.out;
  for (int n = 1; n <= 3; ++n) {
    Registration anyone = register_when_free(straight_to(cluster, n), riot_id, nullptr);
    ASSERT_TRUE(anyone.connected) << "s" << n << ": " << anyone.error;
    EXPECT_EQ(anyone.connected->identity, IdentityLevel::None);
    EXPECT_EQ(instance_of(anyone.connected->peer_id), n);
    disconnect(anyone);
  }
}

}  // namespace
}  // namespace shotcall::test
