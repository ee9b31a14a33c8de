// What a Riot verification's success does in the pairing core (shared/protocol-identity.md, "Riot
// verification"): the Riot ID's other devices close, on this instance and on others; the
// verifier's channel hears its new level; a success undone by a shared store comes back; and the
// 24-hour re-check keeps or removes riot bindings. The fixture is in verify_harness.hpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/core/verify_harness.hpp"

namespace shotcall::core::verify_testing {
namespace {

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
  const ConnId other = open();
  const auto verifying = second_icon_seen(other);
  ASSERT_TRUE(verifying);
  const ConnId a = verifying->verifier;
  const RiotAnswer& seen = verifying->answer;
  const std::string other_peer = pairing_->peer_id_of(other).value_or("");

  const auto saved = pairing_->checkpoint(a);
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

// A shared store that refuses every try gives the call up, undone (shared_pairing_calls.cpp):
// Riot's answer is lost, not the verification. The check waiting for it hears `verify-busy`, the
// devices the undone run closed stay, and the next check after the read interval asks Riot again
// and succeeds.
TEST_F(VerifyCore, ASuccessGivenUpAnswersBusyAndTheNextCheckAsksRiotAgain) {
  const ConnId other = open();
  const auto verifying = second_icon_seen(other);
  ASSERT_TRUE(verifying);
  const ConnId a = verifying->verifier;
  const RiotAnswer& seen = verifying->answer;
  const auto saved = pairing_->checkpoint(a);
  {
    const Pairing::Journal journal(*pairing_, *saved);
    ASSERT_TRUE(find<p::Verified>(pairing_->riot_answered(seen), a));
  }
  pairing_->restore(*saved);

  const Outbox lost = pairing_->riot_answer_lost(seen);
  ASSERT_EQ(lost.size(), 1u);
  const auto busy = error_to(lost, a);
  ASSERT_TRUE(busy);
  EXPECT_EQ(lost.front().message.id, "c");
  EXPECT_EQ(busy->code, p::ErrorCode::VerifyBusy);
  EXPECT_EQ(busy->re, "verify-riot-check");
  EXPECT_EQ(busy->retry_after_ms, 10'000);  // Riot was read: the next read waits 10 s
  EXPECT_TRUE(lost.lookups.empty());
  EXPECT_EQ(pairing_->identity_of(other), p::IdentityLevel::Key);

  now_ms_ += 9000;
  const Outbox early = check(a);
  EXPECT_TRUE(early.lookups.empty()) << "Riot read twice within 10 s";
  EXPECT_TRUE(find<p::VerifyRiotChallenge>(early, a));
  now_ms_ += 1000;
  const RiotLookup again = asks_once(check(a));
  EXPECT_EQ(again.kind, RiotLookup::Kind::ReadSummoner);
  const Outbox done = pairing_->riot_answered({again, RiotLookupStatus::Ok, {}, seen.summoner, 0});
  ASSERT_TRUE(find<p::Verified>(done, a));
  EXPECT_TRUE(close_of(done, other));
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
  ConnId b = 0;
  EXPECT_TRUE(registered_later(key, 23 * 60, &b).lookups.empty());
  pairing_->disconnect(b);
  ConnId c = 0;
  const Outbox later = registered_later(key, 2 * 60, &c);
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

// A re-check whose answer the store refused for good is asked for again at the binding's next
// registration, not never.
TEST_F(VerifyCore, ARecheckGivenUpIsAskedAgainAtTheNextRegistration) {
  const KeyPair key = verified_and_gone();
  ConnId b = 0;
  const Outbox first = registered_later(key, 25 * 60, &b);
  ASSERT_EQ(first.lookups.size(), 1u);
  const RiotLookup recheck = first.lookups.front();
  EXPECT_TRUE(
      pairing_->riot_answer_lost({recheck, RiotLookupStatus::Ok, "puuid-Ahri#EUW", {}, 0}).empty());
  pairing_->disconnect(b);
  ConnId c = 0;
  const Outbox next = registered_later(key, 1, &c);
  ASSERT_EQ(next.lookups.size(), 1u);
  EXPECT_EQ(next.lookups.front().kind, RiotLookup::Kind::RecheckBinding);
}

TEST_F(VerifyCore, ARiotBindingWhoseRiotIdChangedHandsIsRemoved) {
  ConnId b = 0;
  const Outbox registered = registered_later(verified_and_gone(), 25 * 60, &b);
  ASSERT_EQ(registered.lookups.size(), 1u);
  ASSERT_EQ(registered.lookups.front().kind, RiotLookup::Kind::RecheckBinding);
  // Riot now resolves the Riot ID to another account: the binding goes, and its connection.
  const Outbox out = pairing_->riot_binding_rechecked(kAhri, RiotLookupStatus::Ok, "someone-else");
  const auto closed = close_of(out, b);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->close_code, 4001);
  EXPECT_TRUE(db_->bindings_of(protocol::fold_riot_id(kAhri)).empty());
}

}  // namespace
}  // namespace shotcall::core::verify_testing
