// identity-1 while the bindings database cannot be used (shared/protocol-identity.md): every
// registration gets `unavailable`, never a lower level, and a keyless one under policy none too,
// since its Riot ID may be bound and nobody may then take its seat. Players already in keep
// their seats. The real SQLite database, locked by another connection or switched off
// (outage_identity_store.hpp). No sockets.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <string>

#include "signaling/core/pairing.hpp"
#include "tests/core/identity_core.hpp"
#include "tests/core/outage_identity_store.hpp"

namespace shotcall::core {
namespace {

namespace p = shotcall::protocol;
using identity::KeyPair;
using testing::error_to;
using testing::find;
using testing::IdentityCore;

class IdentityOutage : public IdentityCore {
 protected:
  // Every core of the test reaches the database through the outage switch.
  PairingDeps identity_deps() override {
    PairingDeps deps = IdentityCore::identity_deps();
    if (!outage_) outage_ = std::make_unique<testing::OutageIdentityStore>(*db_);
    deps.identity = outage_.get();
    return deps;
  }
  void take_database_down() { outage_->down = true; }
  void bring_database_back() { outage_->down = false; }

  std::unique_ptr<testing::OutageIdentityStore> outage_;
};

TEST_F(IdentityOutage, ALockedDatabaseRefusesNewBindingsAndKeepsProvenPlayers) {
  const KeyPair key = new_key();
  const ConnId a = open();
  register_proven(a, key, "Ahri#EUW");
  pairing_->disconnect(a);

  // Another process holds the write lock past the busy timeout (WAL: reads still work).
  sqlite3* locker = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "identity.sqlite").c_str(), &locker), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(locker, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);

  const ConnId fresh = open();
  Outbox out = register_proven(fresh, new_key(), "Lux#EUW");
  ASSERT_NE(error_to(out, fresh), nullptr);
  EXPECT_EQ(error_to(out, fresh)->code, p::ErrorCode::Unavailable);

  const ConnId back = open();
  out = register_proven(back, key, "Ahri#EUW");
  ASSERT_NE(find<p::Connected>(out, back), nullptr);
  EXPECT_EQ(find<p::Connected>(out, back)->identity, p::IdentityLevel::Key);

  sqlite3_exec(locker, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(locker);
  EXPECT_TRUE(db_->bindings_of("lux#euw").empty());  // nothing half-written
  out = register_proven(fresh, new_key(), "Lux#EUW");
  ASSERT_NE(find<p::Connected>(out, fresh), nullptr);
  EXPECT_EQ(find<p::Connected>(out, fresh)->identity, p::IdentityLevel::Key);
}

TEST_F(IdentityOutage, EveryRegistrationIsUnavailableUnderEachPolicy) {
  take_database_down();
  for (const IdentityPolicy policy :
       {IdentityPolicy::None, IdentityPolicy::Key, IdentityPolicy::Riot}) {
    make_core(policy);
    const ConnId proven = open();
    Outbox out = register_proven(proven, new_key(), "Ahri#EUW");
    ASSERT_NE(error_to(out, proven), nullptr);
    EXPECT_EQ(error_to(out, proven)->code, p::ErrorCode::Unavailable);
    const ConnId keyless = open();
    out = register_plain(keyless, "Lux#EUW");
    ASSERT_NE(error_to(out, keyless), nullptr);
    // Under key the missing proof is refused first (the order of checks).
    EXPECT_EQ(error_to(out, keyless)->code, policy == IdentityPolicy::Key
                                                ? p::ErrorCode::ProofRequired
                                                : p::ErrorCode::Unavailable);
  }
}

// The enemy who registers a bound player's Riot ID without its key while the bindings cannot be
// read would take the seat the policy promises nobody can (and sit in the team's channel as the
// player): the answer is unavailable, and the owner gets in once the database answers.
TEST_F(IdentityOutage, ABoundRiotIdCannotBeTakenWithoutItsKeyWhileTheBindingsAreUnreadable) {
  const KeyPair owner = new_key();
  const ConnId first = open();
  ASSERT_NE(find<p::Connected>(register_proven(first, owner, "Ahri#EUW"), first), nullptr);
  pairing_->disconnect(first);

  take_database_down();
  const ConnId enemy = open("198.51.100.7");
  const Outbox refused = register_plain(enemy, "ahri#EUW");
  ASSERT_NE(error_to(refused, enemy), nullptr);
  EXPECT_EQ(error_to(refused, enemy)->code, p::ErrorCode::Unavailable);
  EXPECT_EQ(find<p::Connected>(refused, enemy), nullptr);

  bring_database_back();
  const ConnId back = open();
  const Outbox out = register_proven(back, owner, "Ahri#EUW");
  ASSERT_NE(find<p::Connected>(out, back), nullptr);
  EXPECT_EQ(find<p::Connected>(out, back)->identity, p::IdentityLevel::Key);
  EXPECT_EQ(error_to(register_plain(enemy, "ahri#EUW"), enemy)->code, p::ErrorCode::RiotIdBound);
}

}  // namespace
}  // namespace shotcall::core
