// identity-1's Riot verification in the pairing core (shared/protocol-identity.md, "Riot
// verification"): the rounds, the revisionDate rule, the read throttle, expiry and every limit.
// What success does is in pairing_verify_success_test.cpp; the fixture in verify_harness.hpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/core/verify_harness.hpp"

namespace shotcall::core::verify_testing {
namespace {

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
}  // namespace shotcall::core::verify_testing
