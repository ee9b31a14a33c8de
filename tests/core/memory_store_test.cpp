#include <gtest/gtest.h>

#include "signaling/store/memory_store.hpp"

namespace shotcall::core {
namespace {

Channel channel(std::string id, std::string pairing_key, std::vector<std::string> keys,
                std::int64_t created = 0) {
  Channel c;
  c.id = std::move(id);
  c.pairing_key = std::move(pairing_key);
  c.roster_keys = std::move(keys);
  c.created_ms = created;
  return c;
}

TEST(MemoryStore, RiotIdClaimsAreExclusiveAndReleasedOnlyByTheHolder) {
  MemoryStore s;
  EXPECT_TRUE(s.claim_riot_id("a#1", "p1"));
  EXPECT_FALSE(s.claim_riot_id("a#1", "p2"));
  s.release_riot_id("a#1", "p2");
  EXPECT_EQ(s.riot_id_holder("a#1"), "p1");
  s.release_riot_id("a#1", "p1");
  EXPECT_FALSE(s.riot_id_holder("a#1"));
  EXPECT_EQ(s.riot_id_count(), 0u);
}

TEST(MemoryStore, FindOrCreateReturnsTheExistingChannelForAPairingKey) {
  MemoryStore s;
  auto [first, created] = s.find_or_create(channel("c1", "k", {"a"}));
  EXPECT_TRUE(created);
  auto [second, created_again] = s.find_or_create(channel("c2", "k", {"a"}));
  EXPECT_FALSE(created_again);
  EXPECT_EQ(second.id, "c1");
  EXPECT_EQ(s.channel_count(), 1u);
}

TEST(MemoryStore, MembershipLimitsAndDeletionOfTheEmptyChannel) {
  MemoryStore s;
  s.find_or_create(channel("c1", "k", {"a", "b", "c"}));
  EXPECT_EQ(s.add_member("c1", {"p1", "A", "a"}, 2), JoinOutcome::Joined);
  EXPECT_EQ(s.add_member("c1", {"p1", "A", "a"}, 2), JoinOutcome::AlreadyMember);
  EXPECT_EQ(s.add_member("c1", {"p2", "B", "b"}, 2), JoinOutcome::Joined);
  EXPECT_EQ(s.add_member("c1", {"p3", "C", "c"}, 2), JoinOutcome::Full);
  EXPECT_EQ(s.add_member("nope", {"p3", "C", "c"}, 2), JoinOutcome::NoSuchChannel);
  EXPECT_EQ(s.remove_member("c1", "p9"), LeaveOutcome::NotMember);
  EXPECT_EQ(s.remove_member("c1", "p1"), LeaveOutcome::Left);
  EXPECT_EQ(s.remove_member("c1", "p2"), LeaveOutcome::LeftAndDeleted);
  EXPECT_EQ(s.remove_member("c1", "p2"), LeaveOutcome::NoSuchChannel);
  // The pairing key and player index went with it.
  EXPECT_TRUE(s.find_or_create(channel("c3", "k", {"a"})).second);
  EXPECT_EQ(s.channels_for("b").size(), 0u);
}

TEST(MemoryStore, ChannelsForAPlayerAndTheEmptyOnes) {
  MemoryStore s;
  s.find_or_create(channel("c1", "k1", {"a", "b"}, 10));
  s.find_or_create(channel("c2", "k2", {"a"}, 20));
  s.add_member("c2", {"p1", "A", "a"}, 5);
  EXPECT_EQ(s.channels_for("a").size(), 2u);
  EXPECT_EQ(s.channels_for("b").size(), 1u);
  EXPECT_EQ(s.empty_channels_created_before(100), std::vector<std::string>{"c1"});
  EXPECT_EQ(s.empty_channels_created_before(5), std::vector<std::string>{});
  EXPECT_FALSE(s.delete_if_empty("c2"));
  EXPECT_TRUE(s.delete_if_empty("c1"));
  EXPECT_EQ(s.channels_for("a").size(), 1u);
}

TEST(MemoryStore, RetiredChannelLeavesTheIndexesAndGoesWhenEmpty) {
  MemoryStore s;
  s.find_or_create(channel("c1", "k", {"a", "b"}));
  s.add_member("c1", {"p1", "A", "a"}, 5);
  s.add_member("c1", {"p2", "B", "b"}, 5);
  EXPECT_TRUE(s.retire("c1"));
  EXPECT_FALSE(s.retire("nope"));
  // Members stay; the roster's next game gets a new channel; nobody is offered the old one.
  ASSERT_TRUE(s.find("c1"));
  EXPECT_EQ(s.find("c1")->members.size(), 2u);
  EXPECT_EQ(s.channels_for("a").size(), 0u);
  auto [next, created] = s.find_or_create(channel("c2", "k", {"a", "b"}));
  EXPECT_TRUE(created);
  EXPECT_EQ(next.id, "c2");
  // The old one goes with its last member, and its successor keeps the pairing key.
  EXPECT_EQ(s.remove_member("c1", "p1"), LeaveOutcome::Left);
  EXPECT_EQ(s.remove_member("c1", "p2"), LeaveOutcome::LeftAndDeleted);
  EXPECT_FALSE(s.find("c1"));
  EXPECT_EQ(s.find_or_create(channel("c3", "k", {"a", "b"})).first.id, "c2");
  EXPECT_EQ(s.channels_for("a").size(), 1u);
}

TEST(MemoryStore, RetiringAnEmptyChannelDeletesIt) {
  MemoryStore s;
  s.find_or_create(channel("c1", "k", {"a"}));
  EXPECT_TRUE(s.retire("c1"));
  EXPECT_FALSE(s.find("c1"));
  EXPECT_EQ(s.channel_count(), 0u);
}

}  // namespace
}  // namespace shotcall::core
