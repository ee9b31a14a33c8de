// identity-1's Riot verification in the pairing core (shared/protocol-identity.md, "Riot
// verification"): the rounds, the revisionDate rule, the read throttle, expiry, every limit, and
// what success does to other devices and to the channel. Riot's answers are fed in by hand, as
// the server's RiotBridge feeds them; the bindings database is the real SQLite one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <memory>
#include <string>

#include "signaling/core/pairing.hpp"
#include "signaling/identity/sign_proof.hpp"
#include "signaling/protocol/codec.hpp"
#include "signaling/protocol/riot_id.hpp"
#include "signaling/store/memory_store.hpp"
#include "signaling/store/sqlite_identity_store.hpp"
#include "tests/core/identity_harness.hpp"

namespace shotcall::core {
namespace {

namespace p = shotcall::protocol;
using identity::KeyPair;
using identity::Purpose;
using testing::kHost;
using testing::msg;
// Copies, so that a reply found in a temporary Outbox outlives it.
using testing::copied::close_of;
using testing::copied::error_to;
using testing::copied::find;

constexpr const char* kAhri = "Ahri#EUW";
constexpr std::int64_t kMinute = 60 * 1000;

class VerifyCore : public testing::IdentityCoreHarness {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_db("shotcall-verify-core-"));
    pairing_ = make_core();
  }
  // A core on the fixture's store and database: this instance's, or another's sharing them.
  std::unique_ptr<Pairing> make_core(bool replace_in_own_call = false) {
    PairingConfig config;
    config.replace_in_own_call = replace_in_own_call;
    config.server = {"shotcall-signal", "test"};
    config.identity.accepted_hosts = {kHost};
    config.identity.riot_verify = true;
    PairingDeps deps = identity_deps();
    deps.new_link_code = [] { return std::string{"ABCD0011"}; };
    deps.random_below = [this](std::uint32_t n) {
      drawn_from_.push_back(n);
      if (picks_.empty()) return std::uint32_t{0};
      const std::uint32_t pick = picks_.front();
      picks_.pop_front();
      return pick % n;
    };
    return std::make_unique<Pairing>(config, store_, std::move(deps));
  }
  Outbox verify(ConnId conn, const KeyPair& key, const std::string& riot_id = kAhri) {
    const std::string challenge = hello(conn);
    return pairing_->handle(
        conn,
        msg(p::VerifyRiot{riot_id, proof(key, Purpose::VerifyRiot, challenge, riot_id)}, "v"));
  }
  Outbox check(ConnId conn) { return pairing_->handle(conn, msg(p::VerifyRiotCheck{}, "c")); }

  // A call that answers nothing yet and asks Riot exactly one thing: that lookup.
  static RiotLookup asks_once(const Outbox& out) {
    EXPECT_TRUE(out.empty()) << "answered before Riot did";
    EXPECT_EQ(out.lookups.size(), 1u);
    return out.lookups.empty() ? RiotLookup{} : out.lookups.front();
  }
  // verify-riot and Riot's answers up to the round-1 challenge; the account's icon is `current`.
  p::VerifyRiotChallenge start(ConnId conn, const KeyPair& key, int current = 0,
                               const std::string& riot_id = kAhri) {
    const RiotLookup resolve = asks_once(verify(conn, key, riot_id));
    EXPECT_EQ(resolve.kind, RiotLookup::Kind::ResolveAccount);
    EXPECT_EQ(resolve.riot_id, riot_id);
    const RiotLookup read = asks_once(pairing_->riot_account_resolved(
        resolve.verification, RiotLookupStatus::Ok, "puuid-" + riot_id));
    EXPECT_EQ(read.kind, RiotLookup::Kind::ReadSummoner);
    EXPECT_EQ(read.puuid, "puuid-" + riot_id);
    const Outbox out = pairing_->riot_summoner_read(read.verification, RiotLookupStatus::Ok,
                                                    {current, now_ms_ - kMinute});
    const auto challenge = find<p::VerifyRiotChallenge>(out, conn);
    EXPECT_TRUE(challenge);
    if (!challenge) return {};
    EXPECT_EQ(out.front().message.id, "v");
    return *challenge;
  }
  // verify-riot-check after the read interval, Riot answering with `icon` changed at `revision`.
  Outbox check_reading(ConnId conn, int icon, std::int64_t revision) {
    now_ms_ += 10'000;
    const RiotLookup read = asks_once(check(conn));
    EXPECT_EQ(read.kind, RiotLookup::Kind::ReadSummoner);
    return pairing_->riot_summoner_read(read.verification, RiotLookupStatus::Ok, {icon, revision});
  }
  // `a` registered as Ahri with `key`, `b` as `b_riot` without one, a channel made for both and
  // `a` in it: its id ("" after a failed assertion).
  std::string ahri_in_a_channel_with(ConnId a, const KeyPair& key, ConnId b,
                                     const std::string& b_riot) {
    EXPECT_TRUE(find<p::Connected>(register_proven(a, key, kAhri), a));
    EXPECT_TRUE(
        find<p::Connected>(pairing_->handle(b, msg(p::RegisterUser{b_riot, {}, {}, {}})), b));
    const p::FindOrCreateChannel game{{"EUW1_1", false}, {"100", true}, {kAhri, b_riot}};
    const auto created = find<p::ChannelCreated>(pairing_->handle(a, msg(game)), a);
    EXPECT_TRUE(created);
    if (!created) return "";
    pairing_->handle(a, msg(p::JoinChannel{created->channel.channel_id}));
    return created->channel.channel_id;
  }
  // Both rounds passed: the player set each named icon.
  Outbox verify_fully(ConnId conn, const KeyPair& key) {
    const auto first = start(conn, key);
    const Outbox second = check_reading(conn, first.icon_id, now_ms_ + 5000);
    const auto round2 = find<p::VerifyRiotChallenge>(second, conn);
    EXPECT_TRUE(round2);
    if (!round2) return {};
    return check_reading(conn, round2->icon_id, now_ms_ + 5000);
  }
  // Ahri verified with a new key, whose connection then closed: the key a later registration
  // proves, riot-bound.
  KeyPair verified_and_gone() {
    KeyPair key = new_key();
    const ConnId a = open();
    EXPECT_TRUE(find<p::Verified>(verify_fully(a, key), a));
    pairing_->disconnect(a);
    return key;
  }
  std::deque<std::uint32_t> picks_;
  std::vector<std::uint32_t> drawn_from_;
};

TEST_F(VerifyCore, HelloOffersRiotVerify) {
  const ConnId a = open();
  const auto reply = find<p::HelloReply>(pairing_->handle(a, msg(p::Hello{})), a);
  ASSERT_TRUE(reply);
  EXPECT_THAT(reply->features, ::testing::ElementsAre("identity-1", "riot-verify"));
}

TEST_F(VerifyCore, TwoRoundsBindTheKeyAtLevelRiot) {
  const ConnId a = open();
  const KeyPair key = new_key();
  const std::int64_t started = now_ms_;
  picks_ = {4, 7};
  const auto first = start(a, key, /*current=*/2);
  // Icons 0–28 without the current one (2): 28 to choose from; pick 4 of [0,1,3,4,5,...] is 5.
  EXPECT_EQ(first.riot_id, kAhri);
  EXPECT_EQ(first.method, "profile-icon");
  EXPECT_EQ(first.round, 1);
  EXPECT_EQ(first.icon_id, 5);
  EXPECT_EQ(first.expires_at_ms, started + 10 * kMinute);
  EXPECT_EQ(drawn_from_, (std::vector<std::uint32_t>{28}));

  const Outbox second = check_reading(a, 5, now_ms_ + 1);
  const auto round2 = find<p::VerifyRiotChallenge>(second, a);
  ASSERT_TRUE(round2);
  EXPECT_EQ(second.front().message.id, "c");
  EXPECT_EQ(round2->round, 2);
  // Chosen now, without the icon the account shows now (5): pick 7 of [0..4,6..28] is 8.
  EXPECT_EQ(round2->icon_id, 8);
  EXPECT_EQ(round2->expires_at_ms, started + 10 * kMinute);

  const Outbox done = check_reading(a, 8, now_ms_ + 1);
  const auto verified = find<p::Verified>(done, a);
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->riot_id, kAhri);
  EXPECT_EQ(verified->identity, p::IdentityLevel::Riot);
  const auto bindings = db_->bindings_of(protocol::fold_riot_id(kAhri));
  ASSERT_EQ(bindings.size(), 1u);
  EXPECT_EQ(bindings[0].key, identity::sign_proof(key, Purpose::Register, kHost, "x", kAhri).key);
  EXPECT_EQ(bindings[0].level, store::BindingLevel::Riot);
  EXPECT_EQ(bindings[0].puuid, "puuid-Ahri#EUW");
  EXPECT_EQ(pairing_->identity_counters().verifications_started, 1u);
  EXPECT_EQ(pairing_->identity_counters().verifications_succeeded, 1u);
  EXPECT_EQ(pairing_->pending_verifications(), 0u);

  // The next registration with that key is connected at level riot.
  const ConnId b = open();
  const auto connected = find<p::Connected>(register_proven(b, key, kAhri), b);
  ASSERT_TRUE(connected);
  EXPECT_EQ(connected->identity, p::IdentityLevel::Riot);
}

TEST_F(VerifyCore, AWrongIconLeavesItPendingWithTheSameChallenge) {
  const ConnId a = open();
  const auto first = start(a, new_key());
  const Outbox out = check_reading(a, first.icon_id + 1, now_ms_ + 1);
  const auto again = find<p::VerifyRiotChallenge>(out, a);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, first);
  EXPECT_EQ(pairing_->pending_verifications(), 1u);
}

TEST_F(VerifyCore, AnIconSetBeforeItWasNamedDoesNotCount) {
  const ConnId a = open();
  const auto first = start(a, new_key());
  const std::int64_t named_at = now_ms_;
  // The right icon, but Riot's revisionDate is not after the moment it was named.
  const Outbox out = check_reading(a, first.icon_id, named_at);
  const auto again = find<p::VerifyRiotChallenge>(out, a);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->round, 1);
  const Outbox later = check_reading(a, first.icon_id, named_at + 1);
  const auto round2 = find<p::VerifyRiotChallenge>(later, a);
  ASSERT_TRUE(round2);
  EXPECT_EQ(round2->round, 2);
}

TEST_F(VerifyCore, RiotIsReadAtMostOnceInTenSeconds) {
  const ConnId a = open();
  const auto first = start(a, new_key());
  now_ms_ += 9'999;
  const Outbox fast = check(a);
  EXPECT_TRUE(fast.lookups.empty());
  const auto answered = find<p::VerifyRiotChallenge>(fast, a);
  ASSERT_TRUE(answered);
  EXPECT_EQ(*answered, first);
  EXPECT_EQ(fast.front().message.id, "c");
  now_ms_ += 1;
  EXPECT_EQ(asks_once(check(a)).kind, RiotLookup::Kind::ReadSummoner);
  // A check while that read is in flight is answered at once, without another read.
  const Outbox meanwhile = check(a);
  EXPECT_TRUE(find<p::VerifyRiotChallenge>(meanwhile, a));
  EXPECT_TRUE(meanwhile.lookups.empty());
}

TEST_F(VerifyCore, ItExpiresTenMinutesAfterTheFirstChallenge) {
  const ConnId a = open();
  const auto first = start(a, new_key());
  now_ms_ = first.expires_at_ms;
  const Outbox out = check(a);
  const auto failed = error_to(out, a);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->code, p::ErrorCode::VerifyFailed);
  EXPECT_TRUE(out.lookups.empty());
  EXPECT_EQ(pairing_->identity_counters().verifications_failed, 1u);
  // Nothing is pending any more.
  const auto none = error_to(check(a), a);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->code, p::ErrorCode::VerifyFailed);
}

TEST_F(VerifyCore, ASeenIconAfterTheDeadlineDoesNotBind) {
  const ConnId a = open();
  const auto first = start(a, new_key());
  now_ms_ = first.expires_at_ms - 1;
  const RiotLookup read = asks_once(check(a));
  now_ms_ = first.expires_at_ms;
  const Outbox out = pairing_->riot_summoner_read(read.verification, RiotLookupStatus::Ok,
                                                  {first.icon_id, now_ms_});
  ASSERT_TRUE(error_to(out, a));
  EXPECT_EQ(error_to(out, a)->code, p::ErrorCode::VerifyFailed);
}

TEST_F(VerifyCore, CheckWithoutVerificationFails) {
  const ConnId a = open();
  const auto failed = error_to(check(a), a);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->code, p::ErrorCode::VerifyFailed);
}

TEST_F(VerifyCore, NoRiotAccountOrNoSummonerFails) {
  const ConnId a = open();
  Outbox out = pairing_->riot_account_resolved(asks_once(verify(a, new_key())).verification,
                                               RiotLookupStatus::NotFound, "");
  ASSERT_TRUE(error_to(out, a));
  EXPECT_EQ(error_to(out, a)->code, p::ErrorCode::VerifyFailed);
  EXPECT_EQ(out.front().message.id, "v");

  const auto id = asks_once(verify(a, new_key())).verification;
  const RiotLookup read =
      asks_once(pairing_->riot_account_resolved(id, RiotLookupStatus::Ok, "puuid"));
  out = pairing_->riot_summoner_read(read.verification, RiotLookupStatus::NotFound, {});
  ASSERT_TRUE(error_to(out, a));
  EXPECT_EQ(error_to(out, a)->code, p::ErrorCode::VerifyFailed);
  EXPECT_EQ(pairing_->identity_counters().verifications_failed, 2u);
  EXPECT_EQ(pairing_->pending_verifications(), 0u);
}

TEST_F(VerifyCore, ARegisteredConnectionVerifiesOnlyItsOwnRiotId) {
  const ConnId a = open();
  ASSERT_TRUE(
      find<p::Connected>(pairing_->handle(a, msg(p::RegisterUser{"Lux#EUW", {}, {}, {}})), a));
  const Outbox wrong = verify(a, new_key(), kAhri);
  const auto refused = error_to(wrong, a);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, p::ErrorCode::BadMessage);
  EXPECT_TRUE(wrong.lookups.empty());
  // Its own Riot ID, in any case, is fine.
  EXPECT_EQ(asks_once(verify(a, new_key(), "lux#euw")).riot_id, "lux#euw");
}

TEST_F(VerifyCore, ANewVerifyRiotReplacesTheConnectionsPendingOne) {
  const ConnId a = open();
  const auto old_id = asks_once(verify(a, new_key())).verification;
  const auto new_id = asks_once(verify(a, new_key())).verification;
  EXPECT_NE(old_id, new_id);
  const Outbox stale = pairing_->riot_account_resolved(old_id, RiotLookupStatus::Ok, "puuid");
  EXPECT_TRUE(stale.empty());
  EXPECT_TRUE(stale.lookups.empty());  // the replaced one asks nothing more
  EXPECT_EQ(pairing_->pending_verifications(), 1u);
}

TEST_F(VerifyCore, TwoPendingPerRiotIdAndIconsNamedElsewhereAreExcluded) {
  const ConnId a = open("192.0.2.1"), b = open("192.0.2.2"), c = open("192.0.2.3");
  const auto first = start(a, new_key(), /*current=*/0);
  EXPECT_EQ(first.icon_id, 1);  // pick 0 of [1..28]
  const auto second = start(b, new_key(), /*current=*/0);
  EXPECT_EQ(second.icon_id, 2);  // pick 0 of [2..28]: 1 is named to a's verification
  EXPECT_EQ(drawn_from_, (std::vector<std::uint32_t>{28, 27}));
  now_ms_ += 1000;
  const Outbox third = verify(c, new_key());
  const auto busy = error_to(third, c);
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->code, p::ErrorCode::VerifyBusy);
  EXPECT_EQ(busy->retry_after_ms, first.expires_at_ms - now_ms_);
  EXPECT_TRUE(third.lookups.empty());
  // Another Riot ID is not affected; and once a's connection closes, Ahri has room again.
  EXPECT_TRUE(verify(c, new_key(), "Lux#EUW").empty());
  pairing_->disconnect(a);
  EXPECT_TRUE(verify(c, new_key()).empty());
}

TEST_F(VerifyCore, TenPerRiotIdADay) {
  for (int i = 0; i < 10; ++i) {
    const ConnId conn = open("192.0.2." + std::to_string(i));
    EXPECT_TRUE(verify(conn, new_key()).empty()) << i;
    pairing_->disconnect(conn);
    now_ms_ += kMinute;
  }
  const ConnId late = open("198.51.100.1");
  const auto busy = error_to(verify(late, new_key()), late);
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->code, p::ErrorCode::VerifyBusy);
  // The first of the ten leaves the day's window 24 h after it started (to the second).
  const std::int64_t expected = 24 * 60 * kMinute - 10 * kMinute;
  ASSERT_TRUE(busy->retry_after_ms);
  EXPECT_NEAR(static_cast<double>(*busy->retry_after_ms), static_cast<double>(expected), 1000);
  now_ms_ += *busy->retry_after_ms;
  EXPECT_TRUE(verify(late, new_key()).empty());
}

TEST_F(VerifyCore, FiveStartedPerAddressAnHour) {
  const ConnId a = open("203.0.113.9");
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(verify(a, new_key(), "Player" + std::to_string(i) + "#EUW").empty()) << i;
    now_ms_ += kMinute;
  }
  const auto busy = error_to(verify(a, new_key(), "Other#EUW"), a);
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->code, p::ErrorCode::VerifyBusy);
  ASSERT_TRUE(busy->retry_after_ms);
  EXPECT_NEAR(static_cast<double>(*busy->retry_after_ms), 55.0 * kMinute, 1000);
  // Another address is not affected.
  const ConnId b = open("203.0.113.10");
  EXPECT_TRUE(verify(b, new_key(), "Other#EUW").empty());
}

TEST_F(VerifyCore, ASpentBudgetAnswersBusyAndMovesTheDeadline) {
  const ConnId a = open();
  const std::int64_t started = now_ms_;
  const auto id = asks_once(verify(a, new_key())).verification;
  const Outbox out = pairing_->riot_account_resolved(id, RiotLookupStatus::Busy, "", 5000);
  const auto busy = error_to(out, a);
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->code, p::ErrorCode::VerifyBusy);
  EXPECT_EQ(busy->retry_after_ms, 5000);
  EXPECT_EQ(out.front().message.id, "v");
  // The check resumes it: the account is asked for again.
  now_ms_ += 5000;
  const RiotLookup again = asks_once(check(a));
  EXPECT_EQ(again.kind, RiotLookup::Kind::ResolveAccount);
  const RiotLookup read =
      asks_once(pairing_->riot_account_resolved(id, RiotLookupStatus::Ok, "puuid"));
  const Outbox challenge_out =
      pairing_->riot_summoner_read(read.verification, RiotLookupStatus::Ok, {0, 1});
  const auto challenge = find<p::VerifyRiotChallenge>(challenge_out, a);
  ASSERT_TRUE(challenge);
  EXPECT_EQ(challenge->expires_at_ms, started + 10 * kMinute + 5000);
}

TEST_F(VerifyCore, SuccessClosesEveryOtherDeviceOfTheRiotIdWith4001) {
  const KeyPair old_key = new_key(), new_device = new_key();
  const ConnId other = open();
  ASSERT_TRUE(find<p::Connected>(register_proven(other, old_key, kAhri), other));
  ASSERT_EQ(db_->bindings_of(protocol::fold_riot_id(kAhri)).size(), 1u);

  const ConnId a = open();
  const Outbox done = verify_fully(a, new_device);
  ASSERT_TRUE(find<p::Verified>(done, a));
  const auto closed = close_of(done, other);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->close_code, 4001);
  const auto bindings = db_->bindings_of(protocol::fold_riot_id(kAhri));
  ASSERT_EQ(bindings.size(), 1u);
  EXPECT_EQ(bindings[0].key,
            identity::sign_proof(new_device, Purpose::Register, kHost, "x", kAhri).key);
  // The old key is refused now.
  const ConnId again = open();
  const auto refused = error_to(register_proven(again, old_key, kAhri), again);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, p::ErrorCode::RiotIdBound);
}

// Several instances (signaling/server/cluster): the Riot ID's other devices may be connected to
// another instance, which applies the replacement the verifying instance's Outbox lists.
TEST_F(VerifyCore, SuccessUnbindsTheOtherDevicesOnAnotherInstanceToo) {
  const KeyPair old_key = new_key(), new_device = new_key();
  // On the other instance: the old device, in a channel with a teammate.
  std::unique_ptr<Pairing> elsewhere = make_core();
  std::swap(pairing_, elsewhere);
  const ConnId old_device = open(), lux = open();
  const std::string channel = ahri_in_a_channel_with(old_device, old_key, lux, "Lux#EUW");
  pairing_->handle(lux, msg(p::JoinChannel{channel}));
  std::swap(pairing_, elsewhere);
  ASSERT_FALSE(channel.empty());

  const ConnId a = open();
  const Outbox done = verify_fully(a, new_device);
  ASSERT_TRUE(find<p::Verified>(done, a));
  const std::string kept =
      identity::sign_proof(new_device, Purpose::Register, kHost, "x", kAhri).key;
  ASSERT_EQ(done.replacements.size(), 1u);
  const Replacement& replacement = done.replacements.front();
  EXPECT_EQ(replacement.riot_id, kAhri);
  EXPECT_EQ(replacement.kept_key, kept);
  EXPECT_TRUE(replacement.proven_by.empty());

  // There it reads the old device's claim and channel, closes it, and its teammate hears it leave.
  const StoreNeeds needs = elsewhere->needs_replaced(replacement);
  EXPECT_EQ(needs.channel_ids, std::vector<std::string>{channel});
  EXPECT_EQ(needs.riot_keys, std::vector<std::string>{"ahri#euw"});
  const std::string old_peer = elsewhere->peer_id_of(old_device).value_or("");
  const Outbox there = elsewhere->replaced(replacement);
  const auto closed = close_of(there, old_device);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->close_code, 4001);
  EXPECT_FALSE(close_of(there, lux));
  EXPECT_EQ(find<p::UserLeftChannel>(there, lux), (p::UserLeftChannel{channel, old_peer}));
  EXPECT_TRUE(there.replacements.empty());  // applied there, not carried on
  EXPECT_FALSE(elsewhere->peer_id_of(old_device));
  ASSERT_TRUE(store_.find(channel));
  EXPECT_EQ(store_.find(channel)->members.size(), 1u);  // Lux alone
  // The verified device keeps its seat where it verified.
  EXPECT_TRUE(pairing_->replaced(replacement).empty());
}

// With several instances (replace_in_own_call), the success only lists the devices to close:
// the server applies the list here in a call of its own, as every other instance does, so the
// call that changed the bindings never waits on the shared store and is never run twice.
TEST_F(VerifyCore, WithSeveralInstancesTheOtherDevicesHereGoInACallOfTheirOwn) {
  pairing_ = make_core(true);
  const KeyPair old_key = new_key(), new_device = new_key();
  const ConnId other = open();
  ASSERT_TRUE(find<p::Connected>(register_proven(other, old_key, kAhri), other));

  const ConnId a = open();
  const Outbox done = verify_fully(a, new_device);
  ASSERT_TRUE(find<p::Verified>(done, a));
  EXPECT_FALSE(close_of(done, other));
  EXPECT_FALSE(find<p::Notice>(done, other)) << "told it was verified on this device";
  ASSERT_EQ(done.replacements.size(), 1u);

  const Outbox after = pairing_->replaced(done.replacements.front());
  const auto closed = close_of(after, other);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->close_code, 4001);
  EXPECT_FALSE(close_of(after, a));
}

// A shared store undoes a call whose transaction lost a race and runs it again
// (shared_pairing_calls.cpp): the devices the undone run closed were never told, so they must
// be back, and the verification must still be there to succeed the second time.
TEST_F(VerifyCore, ASuccessUndoneGivesBackTheDevicesItClosedAndSucceedsAgain) {
  const KeyPair old_key = new_key(), new_device = new_key();
  const ConnId other = open();
  ASSERT_TRUE(find<p::Connected>(register_proven(other, old_key, kAhri), other));
  const std::string other_peer = pairing_->peer_id_of(other).value_or("");

  const ConnId a = open();
  const auto first = start(a, new_device);
  const auto second =
      find<p::VerifyRiotChallenge>(check_reading(a, first.icon_id, now_ms_ + 5000), a);
  ASSERT_TRUE(second);
  now_ms_ += 10'000;
  const RiotLookup read = asks_once(check(a));
  const RiotAnswer seen{read, RiotLookupStatus::Ok, {}, {second->icon_id, now_ms_ + 5000}, 0};

  const auto saved = pairing_->checkpoint(pairing_->conn_of_verification(read.verification));
  Outbox undone;
  {
    const Pairing::Journal journal(*pairing_, *saved);
    undone = pairing_->riot_answered(seen);
  }
  ASSERT_TRUE(find<p::Verified>(undone, a));
  ASSERT_TRUE(close_of(undone, other));
  // The store's half: a shared store loads the snapshot again (the claim the close released).
  ASSERT_TRUE(store_.claim_riot_id("ahri#euw", other_peer));
  pairing_->restore(*saved);
  EXPECT_EQ(pairing_->peer_id_of(other), other_peer);
  EXPECT_EQ(pairing_->identity_of(other), p::IdentityLevel::Key);
  EXPECT_EQ(pairing_->identity_of(a), p::IdentityLevel::None);

  const Outbox again = pairing_->riot_answered(seen);
  ASSERT_TRUE(find<p::Verified>(again, a))
      << (again.empty() ? "nothing" : p::encode(again.front().message));
  const auto closed = close_of(again, other);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->close_code, 4001);
  EXPECT_EQ(again.replacements.size(), 1u);
}

TEST_F(VerifyCore, TheVerifyingConnectionBecomesRiotAndItsChannelHearsIt) {
  const KeyPair key = new_key();
  const ConnId a = open(), b = open();
  const std::string channel = ahri_in_a_channel_with(a, key, b, "Lux#EUW");
  ASSERT_FALSE(channel.empty());
  pairing_->handle(b, msg(p::JoinChannel{channel}));
  EXPECT_EQ(pairing_->identity_of(a), p::IdentityLevel::Key);

  const Outbox done = verify_fully(a, key);
  ASSERT_TRUE(find<p::Verified>(done, a));
  EXPECT_FALSE(close_of(done, a));
  EXPECT_EQ(pairing_->identity_of(a), p::IdentityLevel::Riot);
  const auto to_b = find<p::UserIdentity>(done, b);
  ASSERT_TRUE(to_b);
  EXPECT_EQ(*to_b, (p::UserIdentity{channel, *pairing_->peer_id_of(a), p::IdentityLevel::Riot}));
  EXPECT_TRUE(find<p::UserIdentity>(done, a));
  EXPECT_TRUE(find<p::Notice>(done, a));  // every verification warns the Riot ID's holder
}

TEST_F(VerifyCore, WhoJoinsAfterAVerificationIsToldTheNewLevel) {
  // joined-channel.members[] carry each member's level now, not the one it joined with.
  const KeyPair key = new_key();
  const ConnId a = open(), c = open();
  const std::string channel = ahri_in_a_channel_with(a, key, c, "Jinx#EUW");
  ASSERT_FALSE(channel.empty());
  ASSERT_TRUE(find<p::Verified>(verify_fully(a, key), a));

  const Outbox joined = pairing_->handle(c, msg(p::JoinChannel{channel}));
  const auto to_c = find<p::JoinedChannel>(joined, c);
  ASSERT_TRUE(to_c);
  ASSERT_EQ(to_c->members.size(), 1u);
  EXPECT_EQ(to_c->members[0].peer_id, *pairing_->peer_id_of(a));
  EXPECT_EQ(to_c->members[0].identity, p::IdentityLevel::Riot);
}

TEST_F(VerifyCore, AKeylessSessionOfTheVerifyingConnectionTakesTheKey) {
  // Registered without a proof, then verified with a key: the same connection stays, at riot.
  const ConnId a = open();
  ASSERT_TRUE(find<p::Connected>(pairing_->handle(a, msg(p::RegisterUser{kAhri, {}, {}, {}})), a));
  const Outbox done = verify_fully(a, new_key());
  ASSERT_TRUE(find<p::Verified>(done, a));
  EXPECT_FALSE(close_of(done, a));
  EXPECT_EQ(pairing_->identity_of(a), p::IdentityLevel::Riot);
}

TEST_F(VerifyCore, ARiotBindingIsRecheckedAfterADayAndKeptWhileThePuuidMatches) {
  const KeyPair key = verified_and_gone();
  // Within a day a registration asks Riot nothing.
  now_ms_ += 23 * 60 * kMinute;
  const ConnId b = open();
  const Outbox soon = register_proven(b, key, kAhri);
  ASSERT_TRUE(find<p::Connected>(soon, b));
  EXPECT_TRUE(soon.lookups.empty());
  pairing_->disconnect(b);
  now_ms_ += 2 * 60 * kMinute;
  const ConnId c = open();
  const Outbox later = register_proven(c, key, kAhri);
  ASSERT_TRUE(find<p::Connected>(later, c));
  ASSERT_EQ(later.lookups.size(), 1u);
  const RiotLookup recheck = later.lookups.front();
  EXPECT_EQ(recheck.kind, RiotLookup::Kind::RecheckBinding);
  EXPECT_EQ(recheck.riot_id, kAhri);
  EXPECT_TRUE(
      pairing_->riot_binding_rechecked(kAhri, RiotLookupStatus::Ok, "puuid-Ahri#EUW").empty());
  const auto bindings = db_->bindings_of(protocol::fold_riot_id(kAhri));
  ASSERT_EQ(bindings.size(), 1u);
  EXPECT_EQ(bindings[0].puuid_checked_ms, now_ms_);
  EXPECT_EQ(pairing_->identity_of(c), p::IdentityLevel::Riot);
}

// A shared store undoes a call that lost a race and runs it again (shared_pairing_calls.cpp):
// the run that counts must still ask for the re-check the undone one asked for.
TEST_F(VerifyCore, ARegistrationUndoneAndRunAgainStillAsksForTheRecheck) {
  const KeyPair key = verified_and_gone();
  now_ms_ += 25 * 60 * kMinute;
  const ConnId b = open();
  const auto saved = pairing_->checkpoint(b);
  const Outbox undone = register_proven(b, key, kAhri);
  ASSERT_EQ(undone.lookups.size(), 1u);
  // Its store writes are undone too: a shared store loads the snapshot again.
  store_.release_riot_id(protocol::fold_riot_id(kAhri), pairing_->peer_id_of(b).value_or(""));
  pairing_->restore(*saved);
  const Outbox again = register_proven(b, key, kAhri);
  ASSERT_FALSE(again.empty());
  ASSERT_TRUE(find<p::Connected>(again, b)) << p::encode(again.front().message);
  ASSERT_EQ(again.lookups.size(), 1u);
  EXPECT_EQ(again.lookups.front().kind, RiotLookup::Kind::RecheckBinding);
}

TEST_F(VerifyCore, ARiotBindingWhoseRiotIdChangedHandsIsRemoved) {
  const KeyPair key = verified_and_gone();
  now_ms_ += 25 * 60 * kMinute;
  const ConnId b = open();
  const Outbox registered = register_proven(b, key, kAhri);
  ASSERT_TRUE(find<p::Connected>(registered, b));
  ASSERT_EQ(registered.lookups.size(), 1u);
  ASSERT_EQ(registered.lookups.front().kind, RiotLookup::Kind::RecheckBinding);
  // Riot now resolves the Riot ID to another account: the binding goes, and its connection.
  const Outbox out = pairing_->riot_binding_rechecked(kAhri, RiotLookupStatus::Ok, "someone-else");
  const auto closed = close_of(out, b);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->close_code, 4001);
  EXPECT_TRUE(db_->bindings_of(protocol::fold_riot_id(kAhri)).empty());
}

TEST_F(VerifyCore, ABadProofStartsNothing) {
  const ConnId a = open();
  hello(a);
  const Outbox out = pairing_->handle(
      a,
      msg(p::VerifyRiot{kAhri, proof(new_key(), Purpose::VerifyRiot, "not-the-challenge", kAhri)}));
  const auto refused = error_to(out, a);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, p::ErrorCode::BadProof);
  EXPECT_TRUE(out.lookups.empty());
  EXPECT_EQ(pairing_->identity_counters().verifications_started, 0u);
}

}  // namespace
}  // namespace shotcall::core
