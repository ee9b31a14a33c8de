// The contract every IdentityStore keeps (signaling/store/identity_store.hpp), written once and
// run against each implementation: a typed test suite over a Backend that gives each test a
// fresh, empty database.
//
// A Backend has:
//   std::unique_ptr<IdentityStore> open();            // a store on this test's database (again:
//                                                     // another instance, or after a restart)
//   std::unique_ptr<IdentityStore> open_impatient();  // the same, giving up on a locked or
//                                                     // stopped database quickly
//   void make_unavailable();  // the database cannot be used (locked, server stopped) …
//   void make_available();    // … until this
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <barrier>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "signaling/store/identity_store.hpp"

namespace shotcall::store::contract {

inline KeyBinding binding(const std::string& riot_key, const std::string& key,
                          std::int64_t bound_at_ms, BindingLevel level = BindingLevel::Key) {
  KeyBinding b;
  b.riot_key = riot_key;
  b.riot_display = riot_key == "foo#euw" ? "Foo#EUW" : riot_key;
  b.key = key;
  b.level = level;
  if (level == BindingLevel::Riot) {
    b.puuid = "puuid-of-" + riot_key;
    b.puuid_checked_ms = bound_at_ms;
  }
  b.bound_at_ms = bound_at_ms;
  b.last_used_ms = bound_at_ms;
  return b;
}

inline std::vector<std::string> keys_of(const std::vector<KeyBinding>& bindings) {
  std::vector<std::string> keys;
  for (const auto& b : bindings) keys.push_back(b.key);
  return keys;
}

template <typename Backend>
class IdentityStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    store = backend.open();
    ASSERT_NE(store, nullptr);
  }

  Backend backend;
  std::unique_ptr<IdentityStore> store;
};

TYPED_TEST_SUITE_P(IdentityStoreContract);

TYPED_TEST_P(IdentityStoreContract, BindFirstInsertsOnlyWhenTheRiotIdHasNoBinding) {
  auto& s = *this->store;
  const KeyBinding first = binding("foo#euw", "KEY-A", 1000);
  EXPECT_TRUE(s.bind_first(first));
  EXPECT_FALSE(s.bind_first(binding("foo#euw", "KEY-B", 2000)));
  EXPECT_FALSE(s.bind_first(binding("foo#euw", "KEY-A", 3000)));
  EXPECT_EQ(s.bindings_of("foo#euw"), std::vector<KeyBinding>{first});
  EXPECT_TRUE(s.bindings_of_key("KEY-B").empty());
  // Another Riot ID is another seat.
  EXPECT_TRUE(s.bind_first(binding("bar#na1", "KEY-B", 4000)));
  EXPECT_EQ(keys_of(s.bindings_of_key("KEY-B")), std::vector<std::string>{"KEY-B"});
}

TYPED_TEST_P(IdentityStoreContract, AddBindingRaisesALevelButNeverLowersIt) {
  auto& s = *this->store;
  ASSERT_TRUE(s.bind_first(binding("foo#euw", "KEY-A", 1000)));
  s.add_binding(binding("foo#euw", "KEY-B", 2000));  // an approved link
  EXPECT_EQ(keys_of(s.bindings_of("foo#euw")), (std::vector<std::string>{"KEY-A", "KEY-B"}));

  s.add_binding(binding("foo#euw", "KEY-A", 5000, BindingLevel::Riot));
  auto a = s.bindings_of("foo#euw").at(0);
  EXPECT_EQ(a.level, BindingLevel::Riot);
  EXPECT_EQ(a.puuid, std::optional<std::string>("puuid-of-foo#euw"));
  EXPECT_EQ(a.bound_at_ms, 1000) << "raising a level is not a new binding";

  s.add_binding(binding("foo#euw", "KEY-A", 6000, BindingLevel::Key));
  a = s.bindings_of("foo#euw").at(0);
  EXPECT_EQ(a.level, BindingLevel::Riot);
  EXPECT_EQ(a.puuid, std::optional<std::string>("puuid-of-foo#euw"));
  EXPECT_EQ(s.bindings_of("foo#euw").size(), 2u);
}

TYPED_TEST_P(IdentityStoreContract, RemoveBindingRemovesOneKey) {
  auto& s = *this->store;
  ASSERT_TRUE(s.bind_first(binding("foo#euw", "KEY-A", 1000)));
  s.add_binding(binding("foo#euw", "KEY-B", 2000));
  ASSERT_TRUE(s.bind_first(binding("bar#na1", "KEY-A", 3000)));
  EXPECT_TRUE(s.remove_binding("foo#euw", "KEY-A"));
  EXPECT_FALSE(s.remove_binding("foo#euw", "KEY-A"));
  EXPECT_FALSE(s.remove_binding("nobody#x", "KEY-A"));
  EXPECT_EQ(keys_of(s.bindings_of("foo#euw")), std::vector<std::string>{"KEY-B"});
  EXPECT_EQ(keys_of(s.bindings_of("bar#na1")), std::vector<std::string>{"KEY-A"});
}

TYPED_TEST_P(IdentityStoreContract, RemoveRiotIdRemovesEveryKeyOfIt) {
  auto& s = *this->store;
  ASSERT_TRUE(s.bind_first(binding("foo#euw", "KEY-A", 1000)));
  s.add_binding(binding("foo#euw", "KEY-B", 2000));
  ASSERT_TRUE(s.bind_first(binding("bar#na1", "KEY-A", 3000)));
  EXPECT_EQ(s.remove_riot_id("foo#euw"), 2u);
  EXPECT_EQ(s.remove_riot_id("foo#euw"), 0u);
  EXPECT_TRUE(s.bindings_of("foo#euw").empty());
  EXPECT_EQ(s.bindings_of("bar#na1").size(), 1u);
  // With no keys left, the Riot ID can be bound afresh.
  EXPECT_TRUE(s.bind_first(binding("foo#euw", "KEY-C", 4000)));
}

TYPED_TEST_P(IdentityStoreContract, MakeOnlyBindingKeepsTheVerifiedKeyAndReturnsTheOthers) {
  auto& s = *this->store;
  ASSERT_TRUE(s.bind_first(binding("foo#euw", "KEY-A", 1000)));
  s.add_binding(binding("foo#euw", "KEY-B", 2000));
  s.add_binding(binding("foo#euw", "KEY-C", 3000));
  ASSERT_TRUE(s.bind_first(binding("bar#na1", "KEY-A", 3500)));

  const KeyBinding verified = binding("foo#euw", "KEY-B", 9000, BindingLevel::Riot);
  EXPECT_EQ(s.make_only_binding(verified), (std::vector<std::string>{"KEY-A", "KEY-C"}));
  const auto left = s.bindings_of("foo#euw");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].key, "KEY-B");
  EXPECT_EQ(left[0].level, BindingLevel::Riot);
  EXPECT_EQ(left[0].puuid, verified.puuid);
  EXPECT_EQ(left[0].puuid_checked_ms, 9000);
  EXPECT_EQ(keys_of(s.bindings_of("bar#na1")), std::vector<std::string>{"KEY-A"});

  // A key verified without being bound before is bound, alone.
  EXPECT_EQ(s.make_only_binding(binding("foo#euw", "KEY-D", 10000, BindingLevel::Riot)),
            std::vector<std::string>{"KEY-B"});
  EXPECT_EQ(s.bindings_of("foo#euw"),
            std::vector<KeyBinding>{binding("foo#euw", "KEY-D", 10000, BindingLevel::Riot)});
}

TYPED_TEST_P(IdentityStoreContract, TouchAndMarkPuuidCheckedUpdateOneBinding) {
  auto& s = *this->store;
  ASSERT_TRUE(s.bind_first(binding("foo#euw", "KEY-A", 1000, BindingLevel::Riot)));
  s.add_binding(binding("foo#euw", "KEY-B", 2000));
  s.touch("foo#euw", "KEY-A", 5000);
  s.mark_puuid_checked("foo#euw", "KEY-A", 6000);
  s.touch("foo#euw", "KEY-Z", 7000);  // not bound: nothing to do
  const auto all = s.bindings_of("foo#euw");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].last_used_ms, 5000);
  EXPECT_EQ(all[0].puuid_checked_ms, 6000);
  EXPECT_EQ(all[0].bound_at_ms, 1000);
  EXPECT_EQ(all[1], binding("foo#euw", "KEY-B", 2000));
}

TYPED_TEST_P(IdentityStoreContract, ExpireBindingsUsesEachLevelsCutOff) {
  auto& s = *this->store;
  ASSERT_TRUE(s.bind_first(binding("old-key#1", "KEY-A", 100)));
  ASSERT_TRUE(s.bind_first(binding("old-riot#1", "KEY-B", 100, BindingLevel::Riot)));
  ASSERT_TRUE(s.bind_first(binding("fresh-key#1", "KEY-C", 100)));
  s.touch("fresh-key#1", "KEY-C", 500);
  // Keys unused before 200 lapse; riot bindings only when unused before 50.
  EXPECT_EQ(s.expire_bindings(200, 50), 1u);
  EXPECT_TRUE(s.bindings_of("old-key#1").empty());
  EXPECT_EQ(s.bindings_of("old-riot#1").size(), 1u);
  EXPECT_EQ(s.expire_bindings(200, 200), 1u);
  EXPECT_TRUE(s.bindings_of("old-riot#1").empty());
  EXPECT_EQ(s.bindings_of("fresh-key#1").size(), 1u);
  EXPECT_EQ(s.expire_bindings(200, 200), 0u);
}

TYPED_TEST_P(IdentityStoreContract, AllBindingsAreOrderedByRiotIdThenBoundTime) {
  auto& s = *this->store;
  ASSERT_TRUE(s.bind_first(binding("zed#euw", "KEY-A", 1000)));
  ASSERT_TRUE(s.bind_first(binding("abe#euw", "KEY-B", 3000)));
  s.add_binding(binding("abe#euw", "KEY-C", 2000));
  s.add_binding(binding("zed#euw", "KEY-D", 500));
  std::vector<std::pair<std::string, std::string>> order;
  for (const auto& b : s.all_bindings()) order.emplace_back(b.riot_key, b.key);
  EXPECT_EQ(
      order,
      (std::vector<std::pair<std::string, std::string>>{
          {"abe#euw", "KEY-C"}, {"abe#euw", "KEY-B"}, {"zed#euw", "KEY-D"}, {"zed#euw", "KEY-A"}}));
}

TYPED_TEST_P(IdentityStoreContract, LinkCodeIsTakenOnceAndOnlyBeforeItExpires) {
  auto& s = *this->store;
  const LinkCodeRecord code{"ABCD2345", "foo#euw", "Foo#EUW", "KEY-NEW", 10000};
  s.put_link_code(code);
  EXPECT_EQ(s.take_link_code("ABCD2345", 9999), code);
  EXPECT_EQ(s.take_link_code("ABCD2345", 9999), std::nullopt) << "a code is used once";

  s.put_link_code({"EXPIRED1", "foo#euw", "Foo#EUW", "KEY-NEW", 10000});
  EXPECT_EQ(s.take_link_code("EXPIRED1", 10000), std::nullopt);
  EXPECT_EQ(s.take_link_code("EXPIRED1", 5000), std::nullopt) << "an expired code is gone";
  EXPECT_EQ(s.take_link_code("NEVERPUT", 0), std::nullopt);
}

TYPED_TEST_P(IdentityStoreContract, CancelLinkCodesCancelsOnlyThatRiotIdsCodes) {
  auto& s = *this->store;
  s.put_link_code({"AAAA1111", "foo#euw", "Foo#EUW", "KEY-1", 10000});
  s.put_link_code({"BBBB2222", "foo#euw", "Foo#EUW", "KEY-2", 10000});
  const LinkCodeRecord other{"CCCC3333", "bar#na1", "bar#na1", "KEY-3", 10000};
  s.put_link_code(other);
  EXPECT_EQ(s.cancel_link_codes("foo#euw"), 2u);
  EXPECT_EQ(s.cancel_link_codes("foo#euw"), 0u);
  EXPECT_EQ(s.take_link_code("AAAA1111", 0), std::nullopt);
  EXPECT_EQ(s.take_link_code("BBBB2222", 0), std::nullopt);
  EXPECT_EQ(s.take_link_code("CCCC3333", 0), other);
}

TYPED_TEST_P(IdentityStoreContract, EventsAreCountedByKindSubjectAndWindow) {
  auto& s = *this->store;
  for (std::int64_t at : {1000, 2000, 3000})
    s.record_event(EventKind::BindingByAddress, "192.0.2.1", at);
  s.record_event(EventKind::BindingByAddress, "192.0.2.2", 2500);
  s.record_event(EventKind::VerificationByAddress, "192.0.2.1", 2500);
  EXPECT_EQ(s.count_events(EventKind::BindingByAddress, "192.0.2.1", 0), 3u);
  EXPECT_EQ(s.count_events(EventKind::BindingByAddress, "192.0.2.1", 2000), 2u);
  EXPECT_EQ(s.count_events(EventKind::BindingByAddress, "192.0.2.1", 3001), 0u);
  EXPECT_EQ(s.count_events(EventKind::BindingByAddress, "192.0.2.2", 0), 1u);
  EXPECT_EQ(s.count_events(EventKind::VerificationByAddress, "192.0.2.1", 0), 1u);
  EXPECT_EQ(s.count_events(EventKind::BadLinkCode, "192.0.2.1", 0), 0u);
}

TYPED_TEST_P(IdentityStoreContract, ReopeningKeepsEverything) {
  ASSERT_TRUE(this->store->bind_first(binding("foo#euw", "KEY-A", 1000, BindingLevel::Riot)));
  const LinkCodeRecord code{"ABCD2345", "foo#euw", "Foo#EUW", "KEY-NEW", 10000};
  this->store->put_link_code(code);
  this->store->record_event(EventKind::BadLinkCode, "foo#euw", 1000);
  this->store.reset();  // the process restarts

  auto reopened = this->backend.open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->all_bindings(),
            std::vector<KeyBinding>{binding("foo#euw", "KEY-A", 1000, BindingLevel::Riot)});
  EXPECT_EQ(reopened->take_link_code("ABCD2345", 0), code);
  EXPECT_EQ(reopened->count_events(EventKind::BadLinkCode, "foo#euw", 0), 1u);
  EXPECT_FALSE(reopened->bind_first(binding("foo#euw", "KEY-B", 2000)));
}

TYPED_TEST_P(IdentityStoreContract, OfTwoInstancesRacingBindFirstExactlyOneWins) {
  auto other = this->backend.open();
  ASSERT_NE(other, nullptr);
  IdentityStore* stores[2] = {this->store.get(), other.get()};
  constexpr int kRounds = 25;
  bool won[2][kRounds] = {};
  std::string failures[2];  // a racer that failed is a failed test, not a crash
  std::barrier start(2);
  auto racer = [&](int who) {
    for (int round = 0; round < kRounds; ++round) {
      start.arrive_and_wait();  // both call bind_first for this round's Riot ID together
      try {
        won[who][round] = stores[who]->bind_first(
            binding("race#" + std::to_string(round), "KEY-" + std::to_string(who), 1000 + who));
      } catch (const StoreUnavailable& e) {
        failures[who] += e.what() + std::string("\n");
      }
    }
  };
  std::thread a(racer, 0), b(racer, 1);
  a.join();
  b.join();
  EXPECT_EQ(failures[0] + failures[1], "");
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    EXPECT_NE(won[0][round], won[1][round]) << "exactly one of the two must win";
    const auto bound = this->store->bindings_of("race#" + std::to_string(round));
    ASSERT_EQ(bound.size(), 1u);
    EXPECT_EQ(bound[0].key, won[0][round] ? "KEY-0" : "KEY-1");
  }
}

TYPED_TEST_P(IdentityStoreContract, AnUnavailableDatabaseThrowsAndNothingIsHalfWritten) {
  auto impatient = this->backend.open_impatient();
  ASSERT_NE(impatient, nullptr);
  ASSERT_TRUE(impatient->bind_first(binding("foo#euw", "KEY-A", 1000)));
  impatient->add_binding(binding("foo#euw", "KEY-B", 2000));
  const auto before = impatient->all_bindings();

  this->backend.make_unavailable();
  EXPECT_THROW(impatient->bind_first(binding("new#euw", "KEY-C", 3000)), StoreUnavailable);
  EXPECT_THROW(impatient->make_only_binding(binding("foo#euw", "KEY-C", 3000, BindingLevel::Riot)),
               StoreUnavailable);
  EXPECT_THROW(impatient->record_event(EventKind::BadLinkCode, "foo#euw", 3000), StoreUnavailable);
  this->backend.make_available();

  // Nothing of the failed calls is there, and the same store works again.
  EXPECT_EQ(impatient->all_bindings(), before);
  EXPECT_EQ(impatient->count_events(EventKind::BadLinkCode, "foo#euw", 0), 0u);
  EXPECT_NO_THROW(impatient->ping());
  EXPECT_TRUE(impatient->bind_first(binding("new#euw", "KEY-C", 4000)));
  EXPECT_EQ(impatient->make_only_binding(binding("foo#euw", "KEY-C", 4000, BindingLevel::Riot)),
            (std::vector<std::string>{"KEY-A", "KEY-B"}));
}

REGISTER_TYPED_TEST_SUITE_P(
    IdentityStoreContract, BindFirstInsertsOnlyWhenTheRiotIdHasNoBinding,
    AddBindingRaisesALevelButNeverLowersIt, RemoveBindingRemovesOneKey,
    RemoveRiotIdRemovesEveryKeyOfIt, MakeOnlyBindingKeepsTheVerifiedKeyAndReturnsTheOthers,
    TouchAndMarkPuuidCheckedUpdateOneBinding, ExpireBindingsUsesEachLevelsCutOff,
    AllBindingsAreOrderedByRiotIdThenBoundTime, LinkCodeIsTakenOnceAndOnlyBeforeItExpires,
    CancelLinkCodesCancelsOnlyThatRiotIdsCodes, EventsAreCountedByKindSubjectAndWindow,
    ReopeningKeepsEverything, OfTwoInstancesRacingBindFirstExactlyOneWins,
    AnUnavailableDatabaseThrowsAndNothingIsHalfWritten);

}  // namespace shotcall::store::contract
