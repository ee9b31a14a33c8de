// identity-1 in the pairing core (shared/protocol-identity.md): messages in, messages out, with
// the real SQLite bindings database in a temporary file and real Ed25519 keys. No sockets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "signaling/core/pairing.hpp"
#include "signaling/identity/sign_proof.hpp"
#include "signaling/store/memory_store.hpp"
#include "signaling/store/sqlite_identity_store.hpp"
#include "tests/core/identity_core.hpp"

namespace shotcall::core {
namespace {

namespace p = shotcall::protocol;
using identity::KeyPair;
using identity::Purpose;
using testing::close_of;
using testing::error_to;
using testing::find;
using testing::IdentityCore;
using testing::kHost;
using testing::msg;

TEST_F(IdentityCore, HelloOffersIdentityAndThePolicy) {
  const ConnId c = open();
  const Outbox out = pairing_->handle(c, msg(p::Hello{}, "h1"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].message.id, "h1");
  const auto& reply = std::get<p::HelloReply>(out[0].message.body);
  EXPECT_EQ(reply.challenge, "challenge-1");
  EXPECT_THAT(reply.features, ::testing::ElementsAre("identity-1"));
  EXPECT_EQ(reply.policy, "none");
}

TEST_F(IdentityCore, WithoutADatabaseHelloIsAnUnknownTypeAsInV1) {
  PairingConfig config;
  Pairing v1(config, store_, plain_deps());
  v1.connect(1);
  const Outbox out = v1.handle(1, msg(p::Hello{}));
  ASSERT_NE(error_to(out, 1), nullptr);
  EXPECT_EQ(error_to(out, 1)->code, p::ErrorCode::UnknownType);
}

TEST_F(IdentityCore, APlainRegistrationIsLevelNone) {
  const ConnId c = open();
  const Outbox out = register_plain(c, "Ahri#EUW");
  const auto* connected = find<p::Connected>(out, c);
  ASSERT_NE(connected, nullptr);
  EXPECT_EQ(connected->identity, p::IdentityLevel::None);
}

TEST_F(IdentityCore, TheFirstProvenRegistrationBindsTheKey) {
  const KeyPair key = new_key();
  const ConnId c = open();
  const Outbox out = register_proven(c, key, "Ahri#EUW");
  const auto* connected = find<p::Connected>(out, c);
  ASSERT_NE(connected, nullptr);
  EXPECT_EQ(connected->identity, p::IdentityLevel::Key);
  const auto bindings = db_->bindings_of("ahri#euw");
  ASSERT_EQ(bindings.size(), 1u);
  EXPECT_EQ(bindings[0].key, key.public_base64url());
  EXPECT_EQ(pairing_->identity_counters().bindings_created, 1u);
}

TEST_F(IdentityCore, ABoundRiotIdRefusesAClaimWithoutItsKeyAndWarnsTheHolder) {
  const KeyPair owner = new_key();
  const ConnId real = open();
  ASSERT_NE(find<p::Connected>(register_proven(real, owner, "Ahri#EUW"), real), nullptr);

  const ConnId enemy = open();
  Outbox out = register_plain(enemy, "ahri#euw");
  ASSERT_NE(error_to(out, enemy), nullptr);
  EXPECT_EQ(error_to(out, enemy)->code, p::ErrorCode::RiotIdBound);
  ASSERT_NE(find<p::Notice>(out, real), nullptr);

  // With a key of its own: still refused, nothing bound.
  out = register_proven(enemy, new_key(), "Ahri#EUW");
  ASSERT_NE(error_to(out, enemy), nullptr);
  EXPECT_EQ(error_to(out, enemy)->code, p::ErrorCode::RiotIdBound);
  EXPECT_EQ(db_->bindings_of("ahri#euw").size(), 1u);
}

TEST_F(IdentityCore, ABoundPlayerWhoIsOfflineCannotBeImpersonated) {
  const KeyPair owner = new_key();
  const ConnId real = open();
  register_proven(real, owner, "Ahri#EUW");
  pairing_->disconnect(real);

  const ConnId enemy = open();
  const Outbox out = register_plain(enemy, "Ahri#EUW");
  ASSERT_NE(error_to(out, enemy), nullptr);
  EXPECT_EQ(error_to(out, enemy)->code, p::ErrorCode::RiotIdBound);

  const ConnId back = open();
  const Outbox again = register_proven(back, owner, "Ahri#EUW");
  ASSERT_NE(find<p::Connected>(again, back), nullptr);
  EXPECT_EQ(find<p::Connected>(again, back)->identity, p::IdentityLevel::Key);
}

TEST_F(IdentityCore, AProvenReconnectTakesItsOwnStaleSeat) {
  const KeyPair key = new_key();
  const ConnId old_session = open();
  register_proven(old_session, key, "Ahri#EUW");
  const ConnId mate = open();
  register_plain(mate, "Lux#EUW");
  const p::FindOrCreateChannel request{{"g1", false}, {"100", true}, {"Ahri#EUW", "Lux#EUW"}};
  const auto created = pairing_->handle(old_session, msg(request));
  const std::string channel = find<p::ChannelCreated>(created, old_session)->channel.channel_id;
  pairing_->handle(old_session, msg(p::JoinChannel{channel}));
  pairing_->handle(mate, msg(p::JoinChannel{channel}));

  const ConnId fresh = open();
  const Outbox out = register_proven(fresh, key, "Ahri#EUW");
  ASSERT_NE(find<p::Connected>(out, fresh), nullptr);
  const Outgoing* closed = close_of(out, old_session);
  ASSERT_NE(closed, nullptr);
  EXPECT_EQ(closed->close_code, 4001);
  EXPECT_TRUE(std::holds_alternative<p::Notice>(closed->message.body));
  ASSERT_NE(find<p::UserLeftChannel>(out, mate), nullptr);  // the teammate sees the old one go
  EXPECT_EQ(pairing_->disconnect(old_session), Outbox{});   // already forgotten
}

// With several instances sharing the store (signaling/server/cluster), the stale session may be
// held on another one: the reconnect is told to try again, the other instance closes the session
// the replacement names, and the retry takes the seat.
TEST_F(IdentityCore, AProvenReconnectClosesItsStaleSeatOnAnotherInstance) {
  const KeyPair key = new_key();
  std::unique_ptr<Pairing> elsewhere = std::move(pairing_);
  make_core(IdentityPolicy::None);  // this instance; `elsewhere` shares its store and database
  std::swap(pairing_, elsewhere);
  const ConnId old_session = open();
  ASSERT_NE(find<p::Connected>(register_proven(old_session, key, "Ahri#EUW"), old_session),
            nullptr);
  std::swap(pairing_, elsewhere);

  const ConnId fresh = open();
  const Outbox refused = register_proven(fresh, key, "Ahri#EUW");
  ASSERT_NE(error_to(refused, fresh), nullptr);
  EXPECT_EQ(error_to(refused, fresh)->code, p::ErrorCode::RiotIdInUse);
  const Replacement stale{"Ahri#EUW",
                          std::nullopt,
                          {key.public_base64url()},
                          "You signed in to Ahri#EUW from another session of this device; this "
                          "one is closed."};
  EXPECT_EQ(refused.replacements, std::vector<Replacement>{stale});

  const Outbox there = elsewhere->replaced(stale);
  const Outgoing* closed = close_of(there, old_session);
  ASSERT_NE(closed, nullptr);
  EXPECT_EQ(closed->close_code, 4001);
  EXPECT_NE(find<p::Connected>(register_proven(fresh, key, "Ahri#EUW"), fresh), nullptr);
}

TEST_F(IdentityCore, AFirstBindingWhileSomeoneHoldsTheRiotIdIsInUseAndBindsNothing) {
  const ConnId squatter = open();
  register_plain(squatter, "Ahri#EUW");
  const ConnId real = open();
  const Outbox out = register_proven(real, new_key(), "Ahri#EUW");
  ASSERT_NE(error_to(out, real), nullptr);
  EXPECT_EQ(error_to(out, real)->code, p::ErrorCode::RiotIdInUse);
  EXPECT_TRUE(db_->bindings_of("ahri#euw").empty());
}

TEST_F(IdentityCore, AnotherBoundKeysLiveConnectionKeepsItsSeat) {
  const KeyPair first = new_key();
  const ConnId a = open();
  register_proven(a, first, "Ahri#EUW");
  // A second device linked, then registering while the first is live: riot-id-in-use.
  const KeyPair second = new_key();
  db_->add_binding({"ahri#euw", "Ahri#EUW", second.public_base64url(), store::BindingLevel::Key,
                    std::nullopt, now_ms_, now_ms_, 0});
  const ConnId b = open();
  const Outbox out = register_proven(b, second, "Ahri#EUW");
  ASSERT_NE(error_to(out, b), nullptr);
  EXPECT_EQ(error_to(out, b)->code, p::ErrorCode::RiotIdInUse);
  EXPECT_EQ(close_of(out, a), nullptr);
}

TEST_F(IdentityCore, ProofsAreRefusedForEveryFlawAndTheChallengeIsUsedOnce) {
  const KeyPair key = new_key();
  const ConnId c = open();
  // No hello yet: no challenge.
  Outbox out = pairing_->handle(
      c, msg(p::RegisterUser{"Ahri#EUW", {}, {}, proof(key, Purpose::Register, "x", "Ahri#EUW")}));
  ASSERT_NE(error_to(out, c), nullptr);
  EXPECT_EQ(error_to(out, c)->code, p::ErrorCode::BadProof);

  // A host the server does not answer to.
  std::string challenge = hello(c);
  out = pairing_->handle(c, msg(p::RegisterUser{"Ahri#EUW", {}, {},
                                                proof(key, Purpose::Register, challenge,
                                                      "Ahri#EUW", "evil.example:7800")}));
  EXPECT_EQ(error_to(out, c)->code, p::ErrorCode::BadProof);

  // The challenge was used by that failed request: a correct proof over it fails too.
  out = pairing_->handle(
      c, msg(p::RegisterUser{"Ahri#EUW", {}, {}, proof(key, Purpose::Register, challenge, "Ahri#EUW")}));
  ASSERT_NE(error_to(out, c), nullptr);
  EXPECT_EQ(error_to(out, c)->code, p::ErrorCode::BadProof);
  EXPECT_TRUE(db_->bindings_of("ahri#euw").empty());
  EXPECT_EQ(pairing_->identity_counters().proofs_refused.at("no-challenge"), 2u);
  EXPECT_EQ(pairing_->identity_counters().proofs_refused.at("unknown-host"), 1u);
}

TEST_F(IdentityCore, ARequestRefusedBeforeItsProofIsLookedAtSpendsTheChallengeToo) {
  // "used up by the next request that carries a proof, whether that request succeeds or not":
  // also when the refusal comes before the proof is checked.
  make_core(IdentityPolicy::None, "sesame");
  const KeyPair key = new_key();
  const auto proven = [&](const std::string& challenge, std::optional<std::string> token) {
    return p::RegisterUser{
        "Ahri#EUW", {}, std::move(token), proof(key, Purpose::Register, challenge, "Ahri#EUW")};
  };
  // Refused for its token: the same proof with the right token is no longer good.
  const ConnId a = open();
  std::string challenge = hello(a);
  Outbox out = pairing_->handle(a, msg(proven(challenge, "wrong")));
  ASSERT_NE(error_to(out, a), nullptr);
  EXPECT_EQ(error_to(out, a)->code, p::ErrorCode::Unauthorized);
  out = pairing_->handle(a, msg(proven(challenge, "sesame")));
  ASSERT_NE(error_to(out, a), nullptr);
  EXPECT_EQ(error_to(out, a)->code, p::ErrorCode::BadProof);

  // Refused as already registered: a link request over the same challenge finds none.
  const ConnId b = open();
  ASSERT_NE(
      find<p::Connected>(pairing_->handle(b, msg(p::RegisterUser{"Lux#EUW", {}, "sesame", {}})), b),
      nullptr);
  challenge = hello(b);
  out = pairing_->handle(
      b, msg(p::RegisterUser{
             "Lux#EUW", {}, "sesame", proof(key, Purpose::Register, challenge, "Lux#EUW")}));
  ASSERT_NE(error_to(out, b), nullptr);
  EXPECT_EQ(error_to(out, b)->code, p::ErrorCode::AlreadyRegistered);
  out = pairing_->handle(
      b, msg(p::LinkRequest{"Lux#EUW", proof(key, Purpose::LinkRequest, challenge, "Lux#EUW")}));
  ASSERT_NE(error_to(out, b), nullptr);
  EXPECT_EQ(error_to(out, b)->code, p::ErrorCode::BadProof);

  // Refused because this server cannot ask Riot: a registration over it is refused too.
  const ConnId c = open();
  challenge = hello(c);
  out = pairing_->handle(
      c, msg(p::VerifyRiot{"Ahri#EUW", proof(key, Purpose::VerifyRiot, challenge, "Ahri#EUW")}));
  ASSERT_NE(error_to(out, c), nullptr);
  EXPECT_EQ(error_to(out, c)->code, p::ErrorCode::VerifyUnavailable);
  out = pairing_->handle(c, msg(proven(challenge, "sesame")));
  ASSERT_NE(error_to(out, c), nullptr);
  EXPECT_EQ(error_to(out, c)->code, p::ErrorCode::BadProof);
  EXPECT_EQ(pairing_->identity_counters().proofs_refused.at("no-challenge"), 3u);
}

TEST_F(IdentityCore, ASignatureForAnotherPurposeOrRiotIdDoesNotVerify) {
  const KeyPair key = new_key();
  const ConnId c = open();
  std::string challenge = hello(c);
  Outbox out = pairing_->handle(c, msg(p::RegisterUser{
                                       "Ahri#EUW", {}, {},
                                       proof(key, Purpose::LinkRequest, challenge, "Ahri#EUW")}));
  EXPECT_EQ(error_to(out, c)->code, p::ErrorCode::BadProof);
  challenge = hello(c);
  out = pairing_->handle(
      c, msg(p::RegisterUser{"Ahri#EUW", {}, {}, proof(key, Purpose::Register, challenge, "ahri#euw")}));
  EXPECT_EQ(error_to(out, c)->code, p::ErrorCode::BadProof);
  // After three tries the connection may not try again.
  challenge = hello(c);
  out = pairing_->handle(
      c, msg(p::RegisterUser{"Ahri#EUW", {}, {}, proof(key, Purpose::Register, challenge, "Ahri#EUW")}));
  ASSERT_NE(find<p::Connected>(out, c), nullptr);
  out = register_plain(c, "Ahri#EUW");
  ASSERT_NE(close_of(out, c), nullptr);
  EXPECT_EQ(close_of(out, c)->close_code, 1008);
}

TEST_F(IdentityCore, AChallengeExpiresAfterFiveMinutes) {
  const KeyPair key = new_key();
  const ConnId c = open();
  const std::string challenge = hello(c);
  now_ms_ += 5 * 60 * 1000 + 1;
  const Outbox out = pairing_->handle(
      c, msg(p::RegisterUser{"Ahri#EUW", {}, {}, proof(key, Purpose::Register, challenge, "Ahri#EUW")}));
  ASSERT_NE(error_to(out, c), nullptr);
  EXPECT_EQ(error_to(out, c)->code, p::ErrorCode::BadProof);
}

TEST_F(IdentityCore, PolicyKeyRequiresAProof) {
  make_core(IdentityPolicy::Key);
  const ConnId c = open();
  const Outbox out = register_plain(c, "Ahri#EUW");
  ASSERT_NE(error_to(out, c), nullptr);
  EXPECT_EQ(error_to(out, c)->code, p::ErrorCode::ProofRequired);
  EXPECT_NE(find<p::Connected>(register_proven(c, new_key(), "Ahri#EUW"), c), nullptr);
}

TEST_F(IdentityCore, PolicyRiotKeepsUnverifiedPlayersOutOfChannelsAndOffers) {
  make_core(IdentityPolicy::Riot);
  const ConnId a = open();
  ASSERT_NE(find<p::Connected>(register_proven(a, new_key(), "Ahri#EUW"), a), nullptr);
  const ConnId b = open();
  ASSERT_NE(find<p::Connected>(register_plain(b, "Lux#EUW"), b), nullptr);
  const p::FindOrCreateChannel request{{"g1", false}, {"100", true}, {"Ahri#EUW", "Lux#EUW"}};
  Outbox out = pairing_->handle(a, msg(request));
  EXPECT_EQ(error_to(out, a)->code, p::ErrorCode::ProofRequired);
  out = pairing_->handle(b, msg(p::JoinChannel{"g1_100_1"}));
  EXPECT_EQ(error_to(out, b)->code, p::ErrorCode::ProofRequired);
  out = pairing_->handle(b, msg(p::WatchGame{}));
  EXPECT_EQ(error_to(out, b)->code, p::ErrorCode::ProofRequired);
  // A server channel's offer reaches nobody below level riot.
  out = pairing_->open_server_channel({"42", true}, {"100", true}, {"Ahri#EUW", "Lux#EUW"});
  EXPECT_TRUE(out.empty());
}

TEST_F(IdentityCore, OffersSayWhereTheirRosterCameFrom) {
  const ConnId a = open();
  register_plain(a, "Ahri#EUW");
  Outbox out = pairing_->open_server_channel({"42", true}, {"100", true}, {"Ahri#EUW", "Lux#EUW"});
  ASSERT_NE(find<p::ChannelAvailable>(out, a), nullptr);
  EXPECT_EQ(find<p::ChannelAvailable>(out, a)->origin, p::ChannelOrigin::Riot);

  const ConnId b = open();
  register_plain(b, "Garen#EUW");
  const ConnId c = open();
  register_plain(c, "Jinx#EUW");
  out = pairing_->handle(c, msg(p::FindOrCreateChannel{{"g2", false}, {"200", true},
                                                       {"Jinx#EUW", "Garen#EUW"}}));
  ASSERT_NE(find<p::ChannelAvailable>(out, b), nullptr);
  EXPECT_EQ(find<p::ChannelAvailable>(out, b)->origin, p::ChannelOrigin::Client);
}

TEST_F(IdentityCore, ARosterLongerThanAChannelIsABadMessage) {
  const ConnId a = open();
  register_plain(a, "A#1");
  const Outbox out = pairing_->handle(
      a, msg(p::FindOrCreateChannel{{"g", false}, {"100", true}, {"A#1", "B#1", "C#1", "D#1", "E#1", "F#1"}}));
  ASSERT_NE(error_to(out, a), nullptr);
  EXPECT_EQ(error_to(out, a)->code, p::ErrorCode::BadMessage);
}

TEST_F(IdentityCore, MembersCarryTheirLevel) {
  const ConnId a = open();
  register_proven(a, new_key(), "Ahri#EUW");
  const ConnId b = open();
  register_plain(b, "Lux#EUW");
  const auto created = pairing_->handle(
      a, msg(p::FindOrCreateChannel{{"g", false}, {"100", true}, {"Ahri#EUW", "Lux#EUW"}}));
  const std::string channel = find<p::ChannelCreated>(created, a)->channel.channel_id;
  pairing_->handle(a, msg(p::JoinChannel{channel}));
  const Outbox out = pairing_->handle(b, msg(p::JoinChannel{channel}));
  const auto* joined = find<p::JoinedChannel>(out, b);
  ASSERT_NE(joined, nullptr);
  ASSERT_EQ(joined->members.size(), 1u);
  EXPECT_EQ(joined->members[0].identity, p::IdentityLevel::Key);
  EXPECT_EQ(find<p::UserJoinedChannel>(out, a)->member.identity, p::IdentityLevel::None);
}

TEST_F(IdentityCore, LinkingANewDeviceListingAndUnlinkingIt) {
  const KeyPair phone = new_key();
  const KeyPair laptop = new_key();
  const ConnId a = open();
  register_proven(a, phone, "Ahri#EUW");

  const ConnId b = open();
  const std::string challenge = hello(b);
  Outbox out = pairing_->handle(
      b, msg(p::LinkRequest{"Ahri#EUW", proof(laptop, Purpose::LinkRequest, challenge, "Ahri#EUW")},
             "l1"));
  const auto* code = find<p::LinkCodeIssued>(out, b);
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(code->code.size(), 8u);
  EXPECT_EQ(code->fingerprint.size(), 8u);
  EXPECT_EQ(code->expires_at_ms, now_ms_ + 10 * 60 * 1000);
  const std::string issued = code->code;  // `out` is reused below

  out = pairing_->handle(a, msg(p::LinkApprove{issued}));
  ASSERT_NE(find<p::LinkApproved>(out, a), nullptr);
  EXPECT_EQ(find<p::LinkApproved>(out, a)->key, laptop.public_base64url());
  EXPECT_NE(find<p::LinkApproved>(out, b), nullptr);  // the waiting device hears it
  EXPECT_NE(find<p::Notice>(out, a), nullptr);

  // The code is used up.
  out = pairing_->handle(a, msg(p::LinkApprove{issued}));
  EXPECT_EQ(error_to(out, a)->code, p::ErrorCode::BadLinkCode);

  out = pairing_->handle(a, msg(p::ListDevices{}));
  ASSERT_NE(find<p::DeviceList>(out, a), nullptr);
  EXPECT_EQ(find<p::DeviceList>(out, a)->devices.size(), 2u);

  // The laptop signs in once the phone has gone, then the phone unlinks it.
  pairing_->disconnect(a);
  ASSERT_NE(find<p::Connected>(register_proven(b, laptop, "Ahri#EUW"), b), nullptr);
  pairing_->disconnect(b);
  const ConnId a2 = open();
  register_proven(a2, phone, "Ahri#EUW");
  out = pairing_->handle(a2, msg(p::UnlinkDevice{laptop.public_base64url()}));
  ASSERT_NE(find<p::DeviceUnlinked>(out, a2), nullptr);
  out = pairing_->handle(a2, msg(p::UnlinkDevice{laptop.public_base64url()}));
  EXPECT_EQ(error_to(out, a2)->code, p::ErrorCode::NoSuchKey);
  EXPECT_EQ(db_->bindings_of("ahri#euw").size(), 1u);
}

TEST_F(IdentityCore, UnlinkingAKeyClosesItsLiveConnection) {
  const KeyPair key = new_key();
  const ConnId a = open();
  register_proven(a, key, "Ahri#EUW");
  const Outbox out = pairing_->handle(a, msg(p::UnlinkDevice{key.public_base64url()}));
  ASSERT_NE(find<p::DeviceUnlinked>(out, a), nullptr);
  ASSERT_NE(close_of(out, a), nullptr);
  EXPECT_EQ(close_of(out, a)->close_code, 4001);
  // Other instances close the key's connections there.
  EXPECT_EQ(out.replacements,
            (std::vector<Replacement>{{"Ahri#EUW",
                                       std::nullopt,
                                       {key.public_base64url()},
                                       "This device was unlinked from Ahri#EUW."}}));
}

TEST_F(IdentityCore, FiveWrongLinkCodesCancelTheRiotIdsPendingRequests) {
  const ConnId a = open();
  register_proven(a, new_key(), "Ahri#EUW");
  const ConnId b = open();
  const std::string challenge = hello(b);
  const Outbox issued = pairing_->handle(
      b, msg(p::LinkRequest{"Ahri#EUW", proof(new_key(), Purpose::LinkRequest, challenge, "Ahri#EUW")}));
  const std::string code = find<p::LinkCodeIssued>(issued, b)->code;
  for (int i = 0; i < 5; ++i) {
    const Outbox out = pairing_->handle(a, msg(p::LinkApprove{"ZZZZZZZZ"}));
    EXPECT_EQ(error_to(out, a)->code, p::ErrorCode::BadLinkCode);
  }
  const Outbox out = pairing_->handle(a, msg(p::LinkApprove{code}));
  EXPECT_EQ(error_to(out, a)->code, p::ErrorCode::BadLinkCode);
}

// Every wrong code past the limit is refused as the fifth was, and written down no more: a row
// per attempt would let one connection write to the store for as long as it sends.
TEST_F(IdentityCore, WrongLinkCodesPastTheLimitAreNotRecorded) {
  const ConnId a = open();
  register_proven(a, new_key(), "Ahri#EUW");
  for (int i = 0; i < 40; ++i) {
    const Outbox out = pairing_->handle(a, msg(p::LinkApprove{"ZZZZZZZZ"}));
    EXPECT_EQ(error_to(out, a)->code, p::ErrorCode::BadLinkCode);
  }
  EXPECT_EQ(db_->count_events(store::EventKind::BadLinkCode, "ahri#euw", 0), 5u);
}

// A link code is a row in the identity store: an address may ask for ten an hour. Before, any
// client could ask for codes as fast as it could send, each one written to the database.
TEST_F(IdentityCore, AnAddressIsIssuedAtMostTenLinkCodesAnHour) {
  const auto ask = [&](ConnId c) {
    const std::string challenge = hello(c);
    return pairing_->handle(c, msg(p::LinkRequest{"Ahri#EUW", proof(new_key(), Purpose::LinkRequest,
                                                                    challenge, "Ahri#EUW")}));
  };
  const ConnId c = open();
  for (int i = 0; i < 10; ++i) ASSERT_NE(find<p::LinkCodeIssued>(ask(c), c), nullptr) << i;
  Outbox out = ask(c);
  ASSERT_NE(error_to(out, c), nullptr);
  EXPECT_EQ(error_to(out, c)->code, p::ErrorCode::RateLimited);
  EXPECT_NE(error_to(out, c)->message.find("link codes"), std::string::npos);
  const ConnId another = open();  // the same address
  EXPECT_EQ(error_to(ask(another), another)->code, p::ErrorCode::RateLimited);
  now_ms_ += 3600LL * 1000 + 1;
  EXPECT_NE(find<p::LinkCodeIssued>(ask(c), c), nullptr);
}

TEST_F(IdentityCore, DevicesNeedAProvenConnection) {
  const ConnId a = open();
  register_plain(a, "Ahri#EUW");
  EXPECT_EQ(error_to(pairing_->handle(a, msg(p::ListDevices{})), a)->code,
            p::ErrorCode::ProofRequired);
  EXPECT_EQ(error_to(pairing_->handle(a, msg(p::LinkApprove{"ABCDEFGH"})), a)->code,
            p::ErrorCode::ProofRequired);
}

TEST_F(IdentityCore, VerificationIsUnavailableWithoutARiotKey) {
  const ConnId a = open();
  const std::string challenge = hello(a);
  const Outbox out = pairing_->handle(
      a, msg(p::VerifyRiot{"Ahri#EUW", proof(new_key(), Purpose::VerifyRiot, challenge, "Ahri#EUW")}));
  EXPECT_EQ(error_to(out, a)->code, p::ErrorCode::VerifyUnavailable);
}

TEST_F(IdentityCore, AKeyBindsAtMostThreeRiotIds) {
  const KeyPair key = new_key();
  ASSERT_NO_FATAL_FAILURE(bind_three(key));
  const ConnId fourth = open();
  const Outbox out = register_proven(fourth, key, "Four#EUW");
  ASSERT_NE(error_to(out, fourth), nullptr);
  EXPECT_EQ(error_to(out, fourth)->code, p::ErrorCode::RateLimited);
  EXPECT_TRUE(db_->bindings_of("four#euw").empty());
}

TEST_F(IdentityCore, ALinkDoesNotGiveAKeyAFourthRiotId) {
  // "A key binds at most 3 Riot IDs at level key": a link approved by a key-level device binds
  // at level key too.
  const KeyPair laptop = new_key();
  ASSERT_NO_FATAL_FAILURE(bind_three(laptop));
  const ConnId owner = open();
  ASSERT_NE(find<p::Connected>(register_proven(owner, new_key(), "Four#EUW"), owner), nullptr);

  const ConnId asking = open();
  const std::string challenge = hello(asking);
  Outbox out = pairing_->handle(
      asking,
      msg(p::LinkRequest{"Four#EUW", proof(laptop, Purpose::LinkRequest, challenge, "Four#EUW")}));
  const auto* code = find<p::LinkCodeIssued>(out, asking);
  ASSERT_NE(code, nullptr);
  out = pairing_->handle(owner, msg(p::LinkApprove{code->code}));
  ASSERT_NE(error_to(out, owner), nullptr);
  EXPECT_EQ(error_to(out, owner)->code, p::ErrorCode::RateLimited);
  EXPECT_EQ(db_->bindings_of("four#euw").size(), 1u);
  EXPECT_EQ(db_->bindings_of_key(laptop.public_base64url()).size(), 3u);
}

TEST_F(IdentityCore, AnAddressCreatesAtMostTenBindingsADay) {
  for (int i = 0; i < 10; ++i) {
    const ConnId c = open();
    const std::string riot_id = "Player" + std::to_string(i) + "#EUW";
    ASSERT_NE(find<p::Connected>(register_proven(c, new_key(), riot_id), c), nullptr) << riot_id;
  }
  const ConnId eleventh = open();
  Outbox out = register_proven(eleventh, new_key(), "Player10#EUW");
  ASSERT_NE(error_to(out, eleventh), nullptr);
  EXPECT_EQ(error_to(out, eleventh)->code, p::ErrorCode::RateLimited);
  now_ms_ += 24LL * 3600 * 1000 + 1;  // a day later the address may bind again
  const ConnId next_day = open();
  out = register_proven(next_day, new_key(), "Player10#EUW");
  EXPECT_NE(find<p::Connected>(out, next_day), nullptr);
}

TEST_F(IdentityCore, UnusedKeyBindingsLapseAfterThirtyDays) {
  const ConnId c = open();
  register_proven(c, new_key(), "Ahri#EUW");
  pairing_->disconnect(c);
  now_ms_ += 29LL * 24 * 3600 * 1000;
  EXPECT_EQ(pairing_->expire_bindings(), 0u);
  now_ms_ += 2LL * 24 * 3600 * 1000;
  EXPECT_EQ(pairing_->expire_bindings(), 1u);
  const ConnId anyone = open();
  EXPECT_NE(find<p::Connected>(register_plain(anyone, "Ahri#EUW"), anyone), nullptr);
}

// Issue 18: each refused claim used to warn the holder, so a stranger could flood it.
TEST_F(IdentityCore, RiotIdBoundWarningsReachTheHolderAtMostOncePerMinute) {
  const ConnId real = open();
  ASSERT_NE(find<p::Connected>(register_proven(real, new_key(), "Ahri#EUW"), real), nullptr);
  std::size_t warnings = 0;
  for (int i = 0; i < 30; ++i) {
    const ConnId enemy = open();  // a fresh connection each time: three attempts per connection
    const Outbox out = register_plain(enemy, "ahri#euw");
    ASSERT_NE(error_to(out, enemy), nullptr);
    EXPECT_EQ(error_to(out, enemy)->code, p::ErrorCode::RiotIdBound);
    if (find<p::Notice>(out, real)) ++warnings;
    now_ms_ += 1000;
  }
  EXPECT_EQ(warnings, 1u);
  now_ms_ += 60'000;
  const ConnId enemy = open();
  const Outbox refused = register_plain(enemy, "Ahri#EUW");  // kept alive: `next` points into it
  const auto* next = find<p::Notice>(refused, real);
  ASSERT_NE(next, nullptr);
  EXPECT_NE(next->text.find("29 more attempts"), std::string::npos) << next->text;
}

}  // namespace
}  // namespace shotcall::core
