// What `connected.iceServers` carries (time-limited TURN credentials, issue 14): register-user in,
// `connected` out, for plain v1 and under each identity policy, with the real SQLite bindings
// database and real Ed25519 keys. No sockets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "signaling/core/pairing.hpp"
#include "signaling/identity/base64url.hpp"
#include "signaling/identity/sign_proof.hpp"
#include "signaling/protocol/riot_id.hpp"
#include "signaling/store/memory_store.hpp"
#include "signaling/store/sqlite_identity_store.hpp"
#include "tests/core/identity_harness.hpp"

namespace shotcall::core {
namespace {

namespace p = shotcall::protocol;
using identity::KeyPair;
using identity::Purpose;
using testing::find;
using testing::kHost;
using testing::msg;

constexpr std::int64_t kNowMs = 1'700'000'000'000;
constexpr const char* kSecret = "north-wind-relay-secret-0001";
// The credential for username "1700043200:p1" (kNowMs + 12 h, peer id p1) under kSecret,
// computed outside the project:
//   printf '%s' '1700043200:p1' |
//     openssl dgst -sha1 -hmac 'north-wind-relay-secret-0001' -binary | base64
constexpr const char* kCredentialP1 = "4nu1JHnU1TzwPe68P1ItsR/ObMQ=";
// "1700000600:p2" (kNowMs + 600 s, peer id p2), computed the same way with Python:
//   base64.b64encode(hmac.new(secret, b'1700000600:p2', hashlib.sha1).digest())
constexpr const char* kCredentialP2Ttl600 = "1bjugW5c1aq3W/WG4njQpKQS2lc=";

const p::IceServer kStun{{"stun:stun.example.org:3478", "stun:[2001:db8::1]:3478"}, {}, {}};
const std::vector<std::string> kTurnUrls{"turn:relay.example.org:3478?transport=udp",
                                         "turn:relay.example.org:3478?transport=tcp",
                                         "turns:relay.example.org:5349"};

PairingConfig with_secret(std::int64_t ttl_s = 12 * 3600) {
  PairingConfig config;
  config.server = {"shotcall-signal", "test"};
  config.ice_servers = {kStun};
  config.turn_secret = TurnSecretConfig{kTurnUrls, kSecret, ttl_s};
  return config;
}

class TurnCore : public testing::IdentityCoreHarness {
 protected:
  TurnCore() { now_ms_ = kNowMs; }

  // Plain v1: no bindings database.
  void make_v1(PairingConfig config) {
    pairing_ = std::make_unique<Pairing>(std::move(config), store_, plain_deps());
  }
  void make_identity(PairingConfig config, IdentityPolicy policy) {
    ASSERT_NO_FATAL_FAILURE(open_db("shotcall-turn-core-"));
    config.identity.policy = policy;
    config.identity.accepted_hosts = {kHost};
    PairingDeps d = identity_deps();
    d.new_link_code = [] { return std::string{"ABCD0012"}; };
    pairing_ = std::make_unique<Pairing>(std::move(config), store_, std::move(d));
  }
  // The ice servers `connected` carried, after asserting there was one.
  std::vector<p::IceServer> connected_ice(const Outbox& out, ConnId conn) {
    const auto* connected = find<p::Connected>(out, conn);
    EXPECT_NE(connected, nullptr) << "no connected for " << conn;
    return connected ? connected->ice_servers : std::vector<p::IceServer>{};
  }
  // What verify-riot leaves behind: `key` bound to `riot_id` at level riot.
  void bind_riot(const KeyPair& key, const std::string& riot_id) {
    db_->make_only_binding(store::KeyBinding{
        p::fold_riot_id(riot_id), riot_id, identity::base64url_encode(key.public_key),
        store::BindingLevel::Riot, "puuid-1", now_ms_, now_ms_, now_ms_});
  }
  // A key that verify-riot has bound to `riot_id`.
  KeyPair riot_verified_key(const std::string& riot_id) {
    KeyPair key = *KeyPair::generate();
    bind_riot(key, riot_id);
    return key;
  }
  // Policy riot, time-limited TURN from the secret and the static `static_relay_` beside it.
  void make_riot_policy_with_static_relay() {
    PairingConfig config = with_secret();
    config.relay_servers = {static_relay_};
    make_identity(config, IdentityPolicy::Riot);
  }
  const p::IceServer static_relay_{{"turn:static.example.org"}, "u", "c"};
};

const p::IceServer kMintedP1{kTurnUrls, "1700043200:p1", kCredentialP1};

TEST_F(TurnCore, V1RegistrationGetsStunAndItsOwnTimeLimitedTurnCredential) {
  make_v1(with_secret());
  const ConnId c = open();
  EXPECT_THAT(connected_ice(register_plain(c, "Ahri#EUW"), c),
              ::testing::ElementsAre(kStun, kMintedP1));
}

TEST_F(TurnCore, EachRegistrationIsNamedByItsPeerIdNeverByItsRiotId) {
  make_v1(with_secret(600));
  const ConnId a = open();
  const ConnId b = open();
  const auto ice_b = connected_ice(register_plain(b, "Garen#EUW"), b);
  ASSERT_EQ(ice_b.size(), 2u);
  EXPECT_EQ(ice_b[1], (p::IceServer{kTurnUrls, "1700000600:p2", kCredentialP2Ttl600}));
  now_ms_ += 5000;  // a later registration expires later
  const auto ice_a = connected_ice(register_plain(a, "Ahri#EUW"), a);
  ASSERT_EQ(ice_a.size(), 2u);
  EXPECT_EQ(ice_a[1].username, "1700000605:p1");
  EXPECT_EQ(ice_a[1].username->find("Ahri"), std::string::npos);
  EXPECT_NE(ice_a[1].credential, ice_b[1].credential);
}

TEST_F(TurnCore, NothingIsIssuedBeforeRegistrationOrToARefusedOne) {
  make_v1(with_secret());
  const ConnId holder = open();
  register_plain(holder, "Ahri#EUW");
  const ConnId c = open();
  const Outbox early = pairing_->handle(c, msg(p::FindOrCreateChannel{}));
  EXPECT_EQ(find<p::Connected>(early, c), nullptr);
  const Outbox refused = register_plain(c, "Ahri#EUW");
  ASSERT_NE(find<p::Error>(refused, c), nullptr);
  EXPECT_EQ(find<p::Error>(refused, c)->code, p::ErrorCode::RiotIdInUse);
  EXPECT_EQ(find<p::Connected>(refused, c), nullptr);
}

TEST_F(TurnCore, StaticCredentialsStillReachEveryV1Registration) {
  PairingConfig config;
  config.ice_servers = {kStun};
  const p::IceServer relay{kTurnUrls, "shared-user", "shared-password"};
  config.relay_servers = {relay};
  make_v1(config);
  const ConnId c = open();
  EXPECT_THAT(connected_ice(register_plain(c, "Ahri#EUW"), c),
              ::testing::ElementsAre(kStun, relay));
}

TEST_F(TurnCore, PolicyNoneGivesTurnToAPlainRegistration) {
  make_identity(with_secret(), IdentityPolicy::None);
  const ConnId c = open();
  EXPECT_THAT(connected_ice(register_plain(c, "Ahri#EUW"), c),
              ::testing::ElementsAre(kStun, kMintedP1));
}

TEST_F(TurnCore, PolicyKeyGivesTurnToAProvenRegistration) {
  make_identity(with_secret(), IdentityPolicy::Key);
  const ConnId c = open();
  const auto ice = connected_ice(register_proven(c, *KeyPair::generate(), "Ahri#EUW"), c);
  EXPECT_THAT(ice, ::testing::ElementsAre(kStun, kMintedP1));
}

TEST_F(TurnCore, PolicyRiotGivesOnlyStunBelowLevelRiot) {
  PairingConfig config = with_secret();
  config.relay_servers = {p::IceServer{{"turn:static.example.org"}, "u", "c"}};
  make_identity(config, IdentityPolicy::Riot);
  const ConnId plain = open();
  const Outbox plain_out = register_plain(plain, "Ahri#EUW");
  ASSERT_NE(find<p::Connected>(plain_out, plain), nullptr);
  EXPECT_EQ(find<p::Connected>(plain_out, plain)->identity, p::IdentityLevel::None);
  EXPECT_THAT(connected_ice(plain_out, plain), ::testing::ElementsAre(kStun));

  const ConnId keyed = open();
  const Outbox keyed_out = register_proven(keyed, *KeyPair::generate(), "Garen#EUW");
  ASSERT_NE(find<p::Connected>(keyed_out, keyed), nullptr);
  EXPECT_EQ(find<p::Connected>(keyed_out, keyed)->identity, p::IdentityLevel::Key);
  EXPECT_THAT(connected_ice(keyed_out, keyed), ::testing::ElementsAre(kStun));
}

TEST_F(TurnCore, PolicyRiotGivesTurnToARiotVerifiedRegistration) {
  ASSERT_NO_FATAL_FAILURE(make_riot_policy_with_static_relay());
  const KeyPair key = riot_verified_key("Ahri#EUW");
  const ConnId c = open();
  const Outbox out = register_proven(c, key, "Ahri#EUW");
  ASSERT_NE(find<p::Connected>(out, c), nullptr);
  EXPECT_EQ(find<p::Connected>(out, c)->identity, p::IdentityLevel::Riot);
  EXPECT_THAT(connected_ice(out, c), ::testing::ElementsAre(kStun, static_relay_, kMintedP1));
}

// ---- refresh-ice-servers (extension): the same list, minted again with the current clock ----

// "1700043500:p1" (kNowMs + 300 s + 12 h, peer id p1), computed outside the project:
//   printf '%s' '1700043500:p1' |
//     openssl dgst -sha1 -hmac 'north-wind-relay-secret-0001' -binary | base64
constexpr const char* kCredentialP1Later = "uC505LF8sZOSB31SR+qUZYaS+H0=";
const p::ClientMessage kRefresh{std::string{"ice-1"}, p::RefreshIceServers{}};

TEST_F(TurnCore, RefreshMintsTheRegistrationsCredentialAgainWithTheCurrentClock) {
  make_v1(with_secret());
  const ConnId c = open();
  const ConnId other = open();
  register_plain(c, "Ahri#EUW");
  register_plain(other, "Garen#EUW");
  now_ms_ += 300'000 + 999;  // whole seconds count: 300.999 s later expires 300 s later
  const Outbox out = pairing_->handle(c, kRefresh);
  const p::IceServer later{kTurnUrls, "1700043500:p1", kCredentialP1Later};
  EXPECT_THAT(out, ::testing::ElementsAre(
                       Outgoing{c, p::ServerMessage{"ice-1", p::IceServersReply{{kStun, later}}}}));
}

TEST_F(TurnCore, RefreshWithoutAnIdIsAnsweredWithoutOne) {
  make_v1(with_secret());
  const ConnId c = open();
  register_plain(c, "Ahri#EUW");
  const Outbox out = pairing_->handle(c, msg(p::RefreshIceServers{}));
  EXPECT_THAT(out, ::testing::ElementsAre(Outgoing{
                       c, p::ServerMessage{std::nullopt, p::IceServersReply{{kStun, kMintedP1}}}}));
}

TEST_F(TurnCore, RefreshBeforeRegistrationIsNotRegistered) {
  make_v1(with_secret());
  const ConnId c = open();
  const Outbox out = pairing_->handle(c, kRefresh);
  EXPECT_THAT(out, ::testing::ElementsAre(
                       Outgoing{c, p::ServerMessage{"ice-1", p::Error{p::ErrorCode::NotRegistered,
                                                                      "send register-user first",
                                                                      "refresh-ice-servers"}}}));
}

TEST_F(TurnCore, RefreshAfterARefusedRegistrationIsNotRegistered) {
  make_v1(with_secret());
  register_plain(open(), "Ahri#EUW");
  const ConnId c = open();
  register_plain(c, "Ahri#EUW");  // riot-id-in-use
  const Outbox out = pairing_->handle(c, kRefresh);
  ASSERT_EQ(out.size(), 1u);
  const auto* e = find<p::Error>(out, c);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->code, p::ErrorCode::NotRegistered);
}

TEST_F(TurnCore, RefreshWithStaticCredentialsOnlyRepeatsThem) {
  PairingConfig config;
  config.ice_servers = {kStun};
  const p::IceServer relay{kTurnUrls, "shared-user", "shared-password"};
  config.relay_servers = {relay};
  make_v1(config);
  const ConnId c = open();
  register_plain(c, "Ahri#EUW");
  now_ms_ += 3'600'000;
  EXPECT_THAT(pairing_->handle(c, kRefresh),
              ::testing::ElementsAre(
                  Outgoing{c, p::ServerMessage{"ice-1", p::IceServersReply{{kStun, relay}}}}));
}

TEST_F(TurnCore, RefreshUnderPolicyRiotGivesOnlyStunBelowLevelRiot) {
  PairingConfig config = with_secret();
  config.relay_servers = {p::IceServer{{"turn:static.example.org"}, "u", "c"}};
  make_identity(config, IdentityPolicy::Riot);
  const ConnId keyed = open();
  register_proven(keyed, *KeyPair::generate(), "Garen#EUW");
  EXPECT_THAT(pairing_->handle(keyed, kRefresh),
              ::testing::ElementsAre(
                  Outgoing{keyed, p::ServerMessage{"ice-1", p::IceServersReply{{kStun}}}}));
}

TEST_F(TurnCore, RefreshUnderPolicyRiotGivesTurnToARiotVerifiedRegistration) {
  ASSERT_NO_FATAL_FAILURE(make_riot_policy_with_static_relay());
  const KeyPair key = riot_verified_key("Ahri#EUW");
  const ConnId c = open();
  register_proven(c, key, "Ahri#EUW");
  now_ms_ += 300'000;
  const p::IceServer later{kTurnUrls, "1700043500:p1", kCredentialP1Later};
  EXPECT_THAT(
      pairing_->handle(c, kRefresh),
      ::testing::ElementsAre(Outgoing{
          c, p::ServerMessage{"ice-1", p::IceServersReply{{kStun, static_relay_, later}}}}));
}

TEST_F(TurnCore, RefreshUnderPolicyKeyGivesTurnToAProvenRegistration) {
  make_identity(with_secret(), IdentityPolicy::Key);
  const ConnId c = open();
  register_proven(c, *KeyPair::generate(), "Ahri#EUW");
  EXPECT_THAT(pairing_->handle(c, kRefresh),
              ::testing::ElementsAre(
                  Outgoing{c, p::ServerMessage{"ice-1", p::IceServersReply{{kStun, kMintedP1}}}}));
}

}  // namespace
}  // namespace shotcall::core
