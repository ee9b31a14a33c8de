// The Riot verification core tests' fixture (pairing_verify_test.cpp: the rounds and limits;
// pairing_verify_success_test.cpp: what success and the re-check do): a pairing core on the real
// SQLite bindings database, Riot's answers fed in by hand as the server's VerificationBridge feeds
// them, and the icon draws scripted.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "signaling/core/pairing.hpp"
#include "signaling/identity/sign_proof.hpp"
#include "signaling/protocol/codec.hpp"
#include "signaling/protocol/riot_id.hpp"
#include "signaling/store/memory_store.hpp"
#include "signaling/store/sqlite_identity_store.hpp"
#include "tests/core/identity_harness.hpp"

namespace shotcall::core::verify_testing {

namespace p = shotcall::protocol;
using identity::KeyPair;
using identity::Purpose;
using testing::kHost;
using testing::msg;
// Copies, so that a reply found in a temporary Outbox outlives it.
using testing::copied::close_of;
using testing::copied::error_to;
using testing::copied::find;

inline constexpr const char* kAhri = "Ahri#EUW";
inline constexpr std::int64_t kMinute = 60 * 1000;

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
  // `other` registered as Ahri with a key of its own, and Ahri verifying with a new key on a new
  // connection up to the second icon: that connection, and Riot's answer that the icon is seen
  // (not fed in yet). Nothing after a failed assertion.
  struct SecondIconSeen {
    ConnId verifier = 0;
    RiotAnswer answer;
  };
  std::optional<SecondIconSeen> second_icon_seen(ConnId other) {
    EXPECT_TRUE(find<p::Connected>(register_proven(other, new_key(), kAhri), other));
    const ConnId a = open();
    const auto first = start(a, new_key());
    const auto second =
        find<p::VerifyRiotChallenge>(check_reading(a, first.icon_id, now_ms_ + 5000), a);
    EXPECT_TRUE(second);
    if (!second) return std::nullopt;
    now_ms_ += 10'000;
    const RiotLookup read = asks_once(check(a));
    return SecondIconSeen{a,
                          {read, RiotLookupStatus::Ok, {}, {second->icon_id, now_ms_ + 5000}, 0}};
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
  // `minutes` later, Ahri registers on a new connection proven by `key`, after checking that it
  // got in; *conn is that connection.
  Outbox registered_later(const KeyPair& key, std::int64_t minutes, ConnId* conn) {
    now_ms_ += minutes * kMinute;
    *conn = open();
    Outbox out = register_proven(*conn, key, kAhri);
    EXPECT_TRUE(find<p::Connected>(out, *conn));
    return out;
  }
  std::deque<std::uint32_t> picks_;
  std::vector<std::uint32_t> drawn_from_;
};

}  // namespace shotcall::core::verify_testing
