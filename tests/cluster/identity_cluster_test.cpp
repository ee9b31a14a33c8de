// identity-1 across instances (shared/protocol-identity.md, "Several instances"): three instances
// sharing Redis and one PostgreSQL behind HAProxy. A device key bound through one instance holds
// the Riot ID on every other, and an operator's `identity unbind` frees it on all of them at once.
// A Riot verification through one instance (against the stand-in Riot API) closes the Riot ID's
// other devices on every instance, and teammates on every instance see the verified level.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "signaling/identity/sign_proof.hpp"
#include "tests/cluster/redis_cluster.hpp"
#include "tests/riot/riot_standin.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/ws_client.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;
using identity::KeyPair;
using protocol::IdentityLevel;
using riot::test::RiotStandin;

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

// The challenge of a hello's reply on `ws` ("" without one).
std::string hello(WsClient& ws) {
  ws.send(protocol::ClientMessage{"h", protocol::Hello{}});
  const auto reply = ws.wait_for_type("hello");
  const auto* h = reply ? reply->as<protocol::HelloReply>() : nullptr;
  return h ? h->challenge : std::string{};
}

protocol::Proof proof(const KeyPair& key, identity::Purpose purpose, const Target& to,
                      const std::string& challenge, const std::string& riot_id) {
  const auto s = identity::sign_proof(key, purpose, to.host, challenge, riot_id);
  return protocol::Proof{s.key, s.proof, s.host};
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
    const std::string challenge = hello(*r.ws);
    if (challenge.empty()) {
      r.error = "no hello reply";
      return r;
    }
    reg.proof = proof(*key, identity::Purpose::Register, to, challenge, riot_id);
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

// A channel for `roster` made by `maker` (registered), and `maker` in it: its id ("" on failure).
std::string channel_for(WsClient& maker, const std::vector<std::string>& roster) {
  maker.send(protocol::ClientMessage{
      "f", protocol::FindOrCreateChannel{{"EUW1_77", false}, {"100", true}, roster}});
  const auto created = maker.wait_for_type("channel-created");
  const auto* c = created ? created->as<protocol::ChannelCreated>() : nullptr;
  if (!c) return {};
  maker.send(protocol::ClientMessage{"j", protocol::JoinChannel{c->channel.channel_id}});
  return maker.wait_for_type("joined-channel") ? c->channel.channel_id : std::string{};
}

bool join(WsClient& ws, const std::string& channel) {
  ws.send(protocol::ClientMessage{"j", protocol::JoinChannel{channel}});
  return ws.wait_for_type("joined-channel").has_value();
}

// `gone` was told why and closed as replaced (4001) where it was connected, and `mate`, on
// another instance, heard it leave `channel`.
void expect_replaced_and_left(const Registration& gone, WsClient& mate,
                              const std::string& channel) {
  ASSERT_TRUE(gone.ws->wait_closed()) << gone.connected->peer_id << " stayed connected";
  EXPECT_EQ(gone.ws->close_code(), 4001);
  EXPECT_TRUE(gone.ws->has([](const Frame& f) { return f.type == "notice"; }));
  const std::string peer = gone.connected->peer_id;
  const auto left = mate.wait_for([&](const Frame& f) {
    const auto* m = f.as<protocol::UserLeftChannel>();
    return m && m->peer_id == peer;
  });
  ASSERT_TRUE(left) << "the teammate was not told " << peer << " left";
  EXPECT_EQ(left->as<protocol::UserLeftChannel>()->channel_id, channel);
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

// The operator unbinds a Riot ID whose device sits in a channel on one instance, naming the
// shared Redis: that connection closes with 4001 and its teammate on another instance hears it
// leave; without the connection gone, the device would keep its seat until it reconnected.
TEST(IdentityCluster, AnOperatorsUnbindWithRedisClosesTheDevicesConnectionsEverywhere) {
  RedisCluster cluster;
  const auto key = KeyPair::generate();
  ASSERT_TRUE(key);
  const std::string riot_id = "Unbound#EUW";
  Registration device = register_once(straight_to(cluster, 2), riot_id, &*key);
  ASSERT_TRUE(device.connected) << device.error;
  Registration mate = register_once(straight_to(cluster, 3), "Mate#EUW", nullptr);
  ASSERT_TRUE(mate.connected) << mate.error;
  const std::string channel = channel_for(*device.ws, {riot_id, "Mate#EUW"});
  ASSERT_FALSE(channel.empty());
  ASSERT_TRUE(join(*mate.ws, channel));

  const auto run = run_signal_binary({"identity", "unbind", riot_id, "--database",
                                      cluster.database_url(), "--redis", cluster.redis().url()});
  ASSERT_TRUE(run.exit.exited && run.exit.status == 0) << run.out << run.err;
  EXPECT_NE(run.out.find("3 instance(s) sharing Redis"), std::string::npos) << run.out;

  ASSERT_NO_FATAL_FAILURE(expect_replaced_and_left(device, *mate.ws, channel));
}

// A device signs in again through another instance while its old session still holds the Riot
// ID (the network changed and the old connection has not timed out yet): the old session is
// closed with 4001 where it is, and the device's retry takes the seat at once, not after the
// server's keepalive gives up on the old one.
TEST(IdentityCluster, AProvenReconnectThroughAnotherInstanceClosesItsStaleSession) {
  RedisCluster cluster;
  const auto key = KeyPair::generate();
  ASSERT_TRUE(key);
  const std::string riot_id = "Roamer#EUW";
  Registration stale = register_once(straight_to(cluster, 2), riot_id, &*key);
  ASSERT_TRUE(stale.connected) << stale.error;

  Registration back = register_when_free(straight_to(cluster, 1), riot_id, &*key);
  ASSERT_TRUE(back.connected) << back.error;
  EXPECT_EQ(back.connected->identity, IdentityLevel::Key);
  EXPECT_EQ(instance_of(back.connected->peer_id), 1);
  ASSERT_TRUE(stale.ws->wait_closed()) << "the stale session on s2 stayed open";
  EXPECT_EQ(stale.ws->close_code(), 4001);
}

// ---- Riot verification across instances -------------------------------------------------------

constexpr const char* kRiotKey = "RGAPI-c1u57e12-0000-4000-8000-verifyacross";
constexpr const char* kRiotKeyVar = "SHOTCALL_TEST_RIOT_KEY";
constexpr const char* kRiotLimits = "20:1,100:10";
constexpr const char* kAhri = "Ahri#EUW";
constexpr const char* kAhriPuuid = "puuid-ahri-euw";

std::int64_t wall_ms() { return g_get_real_time() / 1000; }

class RiotVerifyCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    standin_ = RiotStandin::start(0, &error);
    ASSERT_TRUE(standin_) << error;
    standin_->set_api_key(kRiotKey);
    standin_->set_rate_limits(kRiotLimits);
    standin_->add_account(kAhriPuuid, "Ahri", "EUW");
    standin_->set_summoner(kAhriPuuid, 3, wall_ms() - 60'000);
    cluster_ = std::make_unique<RedisCluster>(
        std::vector<std::string>{"--riot-api-key-env", kRiotKeyVar, "--riot-platform", "euw1",
                                 "--riot-api-base", standin_->base_url(), "--riot-rate-limits",
                                 kRiotLimits, "--riot-verify-share", "30"},
        std::map<std::string, std::string>{{kRiotKeyVar, kRiotKey}});
  }

  // verify-riot for Ahri on `ws` (dialed to `to`), then each named icon set on the stand-in as
  // the player would, checking until the answer is no longer a challenge: that answer. Riot is
  // read at most once per 10 s per verification, so this takes about 20 s.
  // `around_check`, when given, is called before each check (with the challenge it checks) and
  // after its answer (with nullptr).
  using CheckHook = std::function<void(const protocol::VerifyRiotChallenge* checking)>;
  std::optional<Frame> verify_ahri(WsClient& ws, const Target& to, const KeyPair& key,
                                   const CheckHook& around_check = {}) {
    const std::string challenge = hello(ws);
    if (challenge.empty()) return std::nullopt;
    ws.send(protocol::ClientMessage{
        "v", protocol::VerifyRiot{
                 kAhri, proof(key, identity::Purpose::VerifyRiot, to, challenge, kAhri)}});
    auto f = ws.wait_for([](const Frame& f) { return f.message && f.message->id == "v"; }, 20s);
    while (f && f->as<protocol::VerifyRiotChallenge>() && checks_ < kMaxChecks) {
      const auto named = *f->as<protocol::VerifyRiotChallenge>();
      standin_->set_summoner(kAhriPuuid, named.icon_id, wall_ms() + 1000);
      f = check_while(ws, named, around_check);
    }
    return f;
  }

  // verify-riot-check every second, as the player's client polls, while the answer is the step
  // `named` (Riot not read again yet, or its icon not seen; its deadline may have moved): the
  // first other answer.
  std::optional<Frame> check_while(WsClient& ws, const protocol::VerifyRiotChallenge& named,
                                   const CheckHook& around_check = {}) {
    std::optional<Frame> f;
    while (checks_ < kMaxChecks) {
      const std::string id = "c" + std::to_string(++checks_);
      if (around_check) around_check(&named);
      ws.send(protocol::ClientMessage{id, protocol::VerifyRiotCheck{}});
      f = ws.wait_for([&](const Frame& g) { return g.message && g.message->id == id; }, 20s);
      if (around_check) around_check(nullptr);
      const auto* same = f ? f->as<protocol::VerifyRiotChallenge>() : nullptr;
      if (!same || same->round != named.round || same->icon_id != named.icon_id) break;
      run_until([] { return false; }, 1s);  // the player's client polls; so does this test
    }
    return f;
  }

  void expect_enemy_replaced(int enemy_on);

  std::unique_ptr<RiotStandin> standin_;
  std::unique_ptr<RedisCluster> cluster_;
  static constexpr int kMaxChecks = 60;
  int checks_ = 0;  // verify-riot-checks sent, for their ids
};

// The enemy who bound Ahri's name with his key first sits in her team's channel on instance
// `enemy_on`; Ahri verifies her account through instance 1: he is closed where he is with 4001,
// the teammate on instance 3 hears him leave, and Ahri takes her seat at level riot.
void RiotVerifyCluster::expect_enemy_replaced(int enemy_on) {
  const auto enemy_key = KeyPair::generate(), ahri_key = KeyPair::generate();
  ASSERT_TRUE(enemy_key && ahri_key);
  Registration enemy = register_once(straight_to(*cluster_, enemy_on), kAhri, &*enemy_key);
  ASSERT_TRUE(enemy.connected) << enemy.error;
  Registration lux = register_once(straight_to(*cluster_, 3), "Lux#EUW", nullptr);
  ASSERT_TRUE(lux.connected) << lux.error;
  const std::string channel = channel_for(*enemy.ws, {kAhri, "Lux#EUW"});
  ASSERT_FALSE(channel.empty());
  ASSERT_TRUE(join(*lux.ws, channel));

  const Target s1 = straight_to(*cluster_, 1);
  auto ahri = WsClient::connect(s1.url);
  const auto verified = verify_ahri(*ahri, s1, *ahri_key);
  ASSERT_TRUE(verified && verified->as<protocol::Verified>())
      << (verified ? verified->text : "no answer");
  ASSERT_NO_FATAL_FAILURE(expect_replaced_and_left(enemy, *lux.ws, channel));

  // Ahri registers through instance 1 at level riot and joins; Lux sees her level.
  Registration back = register_when_free(s1, kAhri, &*ahri_key);
  ASSERT_TRUE(back.connected) << back.error;
  EXPECT_EQ(back.connected->identity, IdentityLevel::Riot);
  ASSERT_TRUE(join(*back.ws, channel));
  const auto joined = lux.ws->wait_for(
      [](const Frame& f) { return f.as<protocol::UserJoinedChannel>() != nullptr; });
  ASSERT_TRUE(joined);
  EXPECT_EQ(joined->as<protocol::UserJoinedChannel>()->member.identity, IdentityLevel::Riot);
}

// The verifying instance publishes the replacement; instance 2 applies it.
TEST_F(RiotVerifyCluster, AVerificationClosesTheRiotIdsOtherDevicesOnAnotherInstance) {
  expect_enemy_replaced(2);
}

// The verifying instance applies its own replacement too, in a call of its own after the
// verification's (replace_in_own_call).
TEST_F(RiotVerifyCluster, AVerificationClosesTheRiotIdsOtherDevicesOnItsOwnInstance) {
  expect_enemy_replaced(1);
}

// Ahri, bound with a key and in her team's channel through one instance, verifies on that
// connection: her teammate on another instance hears her new level, and one who joins later
// through a third instance is told it (the channel's record in Redis holds it).
TEST_F(RiotVerifyCluster, TeammatesOnOtherInstancesSeeTheVerifiedLevel) {
  const auto ahri_key = KeyPair::generate();
  ASSERT_TRUE(ahri_key);
  const Target s1 = straight_to(*cluster_, 1);
  Registration ahri = register_once(s1, kAhri, &*ahri_key);
  ASSERT_TRUE(ahri.connected) << ahri.error;
  EXPECT_EQ(ahri.connected->identity, IdentityLevel::Key);
  Registration lux = register_once(straight_to(*cluster_, 2), "Lux#EUW", nullptr);
  ASSERT_TRUE(lux.connected) << lux.error;
  const std::string channel = channel_for(*ahri.ws, {kAhri, "Lux#EUW", "Jinx#EUW"});
  ASSERT_FALSE(channel.empty());
  ASSERT_TRUE(join(*lux.ws, channel));

  const auto verified = verify_ahri(*ahri.ws, s1, *ahri_key);
  ASSERT_TRUE(verified && verified->as<protocol::Verified>())
      << (verified ? verified->text : "no answer");
  const std::string ahri_peer = ahri.connected->peer_id;
  const auto told =
      lux.ws->wait_for([](const Frame& f) { return f.as<protocol::UserIdentity>() != nullptr; });
  ASSERT_TRUE(told) << "the teammate on s2 never heard Ahri's new level";
  EXPECT_EQ(*told->as<protocol::UserIdentity>(),
            (protocol::UserIdentity{channel, ahri_peer, IdentityLevel::Riot}));
  // The verifying connection keeps its seat: the account's owner chose it. (Checked once the
  // server has answered a later frame of its own: a close would have come before that.)
  EXPECT_TRUE(ahri.ws->barrier()) << "the verified connection was closed";

  Registration jinx = register_once(straight_to(*cluster_, 3), "Jinx#EUW", nullptr);
  ASSERT_TRUE(jinx.connected) << jinx.error;
  jinx.ws->send(protocol::ClientMessage{"j", protocol::JoinChannel{channel}});
  const auto joined = jinx.ws->wait_for_type("joined-channel");
  ASSERT_TRUE(joined && joined->as<protocol::JoinedChannel>());
  bool seen = false;
  for (const auto& m : joined->as<protocol::JoinedChannel>()->members)
    if (m.peer_id == ahri_peer) {
      seen = true;
      EXPECT_EQ(m.identity, IdentityLevel::Riot);
    }
  EXPECT_TRUE(seen) << joined->text;
}

// Redis refuses to record the verification's success (full, `noeviction`): the instance gives
// the call up, undone, after its tries. Ahri's check is answered `verify-busy` rather than never,
// and once Redis takes writes again her next check asks Riot again and succeeds; her teammate on
// another instance hears her new level.
TEST_F(RiotVerifyCluster, ASuccessRedisRefusesIsAnsweredBusyAndTheNextCheckSucceeds) {
  const auto ahri_key = KeyPair::generate();
  ASSERT_TRUE(ahri_key);
  const Target s1 = straight_to(*cluster_, 1);
  Registration ahri = register_once(s1, kAhri, &*ahri_key);
  ASSERT_TRUE(ahri.connected) << ahri.error;
  Registration lux = register_once(straight_to(*cluster_, 2), "Lux#EUW", nullptr);
  ASSERT_TRUE(lux.connected) << lux.error;
  const std::string channel = channel_for(*ahri.ws, {kAhri, "Lux#EUW"});
  ASSERT_FALSE(channel.empty());
  ASSERT_TRUE(join(*lux.ws, channel));

  // Redis refuses writes only while a check of the second icon is answered: what the rest of
  // the test does must get through.
  int refused = 0, restored = 0;
  std::optional<protocol::VerifyRiotChallenge> second;
  const auto answer = verify_ahri(*ahri.ws, s1, *ahri_key, [&](const auto* checking) {
    if (checking && checking->round == 2) {
      second = *checking;
      refused += cluster_->redis().command({"CONFIG", "SET", "maxmemory", "1"}) == "OK";
    } else if (!checking && restored < refused)
      restored += cluster_->redis().command({"CONFIG", "SET", "maxmemory", "0"}) == "OK";
  });
  ASSERT_GE(refused, 1);
  ASSERT_EQ(restored, refused);
  ASSERT_TRUE(answer) << "the check whose success Redis refused got no answer";
  ASSERT_TRUE(answer->is_error("verify-busy")) << answer->text;
  const auto* busy = answer->as<protocol::Error>();
  EXPECT_EQ(busy->re, "verify-riot-check");
  EXPECT_EQ(busy->retry_after_ms, 10'000);  // Riot was read: the next read waits its interval
  EXPECT_NE(busy->message.find("check again"), std::string::npos) << busy->message;
  EXPECT_TRUE(cluster_->instance(1).wait_for_stderr("store-call-abandoned", 10s));

  // The player's client checks on (answered from the last read within the interval) until the
  // server reads Riot again.
  ASSERT_TRUE(second);
  const auto verified = check_while(*ahri.ws, *second);
  ASSERT_TRUE(verified && verified->as<protocol::Verified>())
      << (verified ? verified->text : "no answer");
  const auto told =
      lux.ws->wait_for([](const Frame& f) { return f.as<protocol::UserIdentity>() != nullptr; });
  ASSERT_TRUE(told) << "the teammate on s2 never heard Ahri's new level";
  EXPECT_EQ(told->as<protocol::UserIdentity>()->identity, IdentityLevel::Riot);
}

}  // namespace
}  // namespace shotcall::test
