// Two pairing cores sharing one store: two server instances, as the Redis deployment runs them,
// without Redis. What one core addresses to a peer of the other comes out as a remote Outgoing,
// and the other core decides whether it reaches a connection (resolve_remote).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "signaling/core/pairing.hpp"
#include "signaling/protocol/riot_id.hpp"
#include "signaling/store/memory_store.hpp"
#include "tests/core/pairing_harness.hpp"

namespace shotcall::core::testing {
namespace {

// The harness's Outbox helpers, without its single core.
struct Inspect : PairingHarness {
  void TestBody() override {}
  using PairingHarness::error_to;
  using PairingHarness::first;
};

class TwoInstances : public ::testing::Test {
 protected:
  struct Instance {
    Instance(std::string name, MemoryStore& store, std::int64_t& now)
        : pairing(PairingConfig{}, store,
                  PairingDeps{[&now] { return now; },
                              [this, name] { return name + "." + std::to_string(++ids); }}) {}
    int ids = 0;
    Pairing pairing;
  };

  ConnId user(Instance& at, const std::string& riot_id) {
    const ConnId conn = ++next_conn_;
    at.pairing.connect(conn);
    const Outbox out = at.pairing.handle(conn, msg(p::RegisterUser{riot_id, {}, {}}));
    EXPECT_TRUE(!out.empty() && std::holds_alternative<p::Connected>(out.front().message.body));
    return conn;
  }
  static std::string peer(const Instance& at, ConnId conn) {
    return at.pairing.peer_id_of(conn).value_or("");
  }
  static std::vector<Outgoing> remote(const Outbox& out) {
    std::vector<Outgoing> r;
    for (const auto& o : out)
      if (o.to == kRemote) r.push_back(o);
    return r;
  }
  std::string create_and_join(Instance& at, ConnId conn, const std::vector<std::string>& roster) {
    const Outbox out = at.pairing.handle(conn, msg(team("g1", "100", roster)));
    const auto* created = Inspect::first<p::ChannelCreated>(out, conn);
    EXPECT_NE(created, nullptr);
    const std::string id = created ? created->channel.channel_id : "";
    at.pairing.handle(conn, msg(p::JoinChannel{id}));
    return id;
  }

  std::int64_t now_ = 1'700'000'000'000;
  MemoryStore store_;
  Instance a_{"a", store_, now_};
  Instance b_{"b", store_, now_};
  ConnId next_conn_ = 0;
  const std::vector<std::string> roster_{"Alice#EUW", "Bob#EUW", "Cat#EUW"};
};

TEST_F(TwoInstances, OfferGoesToTheTeammateOnTheOtherInstanceOnlyWhileItIsInNoChannel) {
  const ConnId alice = user(a_, "Alice#EUW");
  const ConnId bob = user(b_, "Bob#EUW");
  const Outbox out = a_.pairing.handle(alice, msg(team("g1", "100", roster_)));
  const auto r = remote(out);
  ASSERT_EQ(r.size(), 1u);  // Cat is not connected anywhere: nobody else to tell
  EXPECT_EQ(r[0].to_peer, peer(b_, bob));
  EXPECT_EQ(r[0].only, OnlyIf::InNoChannel);
  EXPECT_TRUE(std::holds_alternative<p::ChannelAvailable>(r[0].message.body));
  EXPECT_EQ(b_.pairing.resolve_remote(r[0].to_peer, r[0].only, r[0].only_channel), bob);
  // The core of the instance that does not hold the peer never delivers it.
  EXPECT_FALSE(a_.pairing.resolve_remote(r[0].to_peer, r[0].only, r[0].only_channel));

  // Once Bob is in a channel, the same offer is dropped where he lives.
  const auto* created = Inspect::first<p::ChannelCreated>(out, alice);
  ASSERT_NE(created, nullptr);
  b_.pairing.handle(bob, msg(p::JoinChannel{created->channel.channel_id}));
  EXPECT_FALSE(b_.pairing.resolve_remote(r[0].to_peer, r[0].only, r[0].only_channel));
}

TEST_F(TwoInstances, JoiningListsAndAnnouncesMembersOfBothInstances) {
  const ConnId alice = user(a_, "Alice#EUW");
  const ConnId bob = user(b_, "Bob#EUW");
  const std::string channel = create_and_join(a_, alice, roster_);
  const Outbox out = b_.pairing.handle(bob, msg(p::JoinChannel{channel}));
  const auto* joined = Inspect::first<p::JoinedChannel>(out, bob);
  ASSERT_NE(joined, nullptr);
  ASSERT_EQ(joined->members.size(), 1u);
  EXPECT_EQ(joined->members[0].peer_id, peer(a_, alice));
  const auto r = remote(out);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].to_peer, peer(a_, alice));
  EXPECT_TRUE(std::holds_alternative<p::UserJoinedChannel>(r[0].message.body));
  EXPECT_EQ(a_.pairing.resolve_remote(r[0].to_peer, r[0].only, r[0].only_channel), alice);
}

TEST_F(TwoInstances, SignalsCrossInstancesOnlyBetweenMembersOfOneChannel) {
  const ConnId alice = user(a_, "Alice#EUW");
  const ConnId bob = user(b_, "Bob#EUW");
  const ConnId cat = user(b_, "Cat#EUW");
  const std::string channel = create_and_join(a_, alice, roster_);
  b_.pairing.handle(bob, msg(p::JoinChannel{channel}));

  const Outbox relayed =
      b_.pairing.handle(bob, msg(p::SignalTo{peer(a_, alice), R"({"sdp":{"type":"offer","sdp":"v=0"}})"}));
  ASSERT_EQ(relayed.size(), 1u);
  EXPECT_EQ(relayed[0].to, kRemote);
  EXPECT_EQ(relayed[0].only, OnlyIf::InChannel);
  EXPECT_EQ(relayed[0].only_channel, channel);
  const auto* signal = std::get_if<p::SignalFrom>(&relayed[0].message.body);
  ASSERT_NE(signal, nullptr);
  EXPECT_EQ(signal->from, peer(b_, bob));
  EXPECT_EQ(a_.pairing.resolve_remote(relayed[0].to_peer, relayed[0].only, relayed[0].only_channel),
            alice);

  // Cat is in no channel: a signal from her is refused at once, one from Bob to her too.
  EXPECT_EQ(Inspect::error_to(
                b_.pairing.handle(cat, msg(p::SignalTo{peer(a_, alice), "{}"})), cat),
            p::ErrorCode::NotInChannel);
  EXPECT_EQ(Inspect::error_to(a_.pairing.handle(alice, msg(p::SignalTo{peer(b_, cat), "{}"})),
                                     alice),
            p::ErrorCode::NoSuchPeer);
  // A peer id nobody has.
  EXPECT_EQ(Inspect::error_to(a_.pairing.handle(alice, msg(p::SignalTo{"b.999", "{}"})), alice),
            p::ErrorCode::NoSuchPeer);
  // Alice leaves between the send and the delivery: her instance drops the relay.
  a_.pairing.handle(alice, msg(p::LeaveChannel{channel}));
  EXPECT_FALSE(a_.pairing.resolve_remote(relayed[0].to_peer, relayed[0].only, relayed[0].only_channel));
}

TEST_F(TwoInstances, ASecondRegistrationWarnsTheHolderOnTheOtherInstance) {
  const ConnId alice = user(a_, "Alice#EUW");
  const ConnId thief = ++next_conn_;
  b_.pairing.connect(thief);
  const Outbox out = b_.pairing.handle(thief, msg(p::RegisterUser{"ALICE#euw", {}, {}}));
  EXPECT_EQ(Inspect::error_to(out, thief), p::ErrorCode::RiotIdInUse);
  const auto r = remote(out);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].to_peer, peer(a_, alice));
  EXPECT_TRUE(std::holds_alternative<p::Notice>(r[0].message.body));
}

TEST_F(TwoInstances, EvictingADeadInstancesMembersTellsTheOthersAndKeepsLocalOnes) {
  const ConnId alice = user(a_, "Alice#EUW");
  const ConnId bob = user(b_, "Bob#EUW");
  const std::string channel = create_and_join(a_, alice, roster_);
  b_.pairing.handle(bob, msg(p::JoinChannel{channel}));
  const std::string bob_peer = peer(b_, bob);

  // Instance b died: a evicts Bob. Alice hears that he left.
  Outbox out = a_.pairing.evict(channel, {bob_peer, peer(a_, alice)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, alice);
  const auto* left = std::get_if<p::UserLeftChannel>(&out[0].message.body);
  ASSERT_NE(left, nullptr);
  EXPECT_EQ(left->peer_id, bob_peer);
  ASSERT_TRUE(store_.find(channel));
  ASSERT_EQ(store_.find(channel)->members.size(), 1u);  // Alice, local, stayed
  EXPECT_EQ(store_.find(channel)->members[0].peer_id, peer(a_, alice));
  // Evicting again changes nothing.
  EXPECT_TRUE(a_.pairing.evict(channel, {bob_peer}).empty());
}

// What an instance remembers of server-made channels outlives them when they go elsewhere: the
// last member leaves on another instance, or the store lets an unjoined one expire. Sharing a
// store, the instance reads those channels (needs_forget_stale) and forgets the ones gone; the
// live one stays. Never forgotten, the list grew with every game for the server's life, and was
// copied at every store call (checkpoint).
TEST_F(TwoInstances, ForgettingStaleStateDropsServerChannelsThatWentElsewhere) {
  const ConnId bob = user(b_, "Bob#EUW");
  const p::IdValue team{"100", true};
  const auto only_new = [&](const std::vector<std::string>& before) {
    std::vector<std::string> ids = a_.pairing.needs_forget_stale().channel_ids;
    std::erase_if(ids, [&](const auto& id) { return std::ranges::count(before, id) > 0; });
    EXPECT_EQ(ids.size(), 1u);
    return ids.empty() ? std::string{} : ids[0];
  };
  a_.pairing.open_server_channel({"EUW1_1", false}, team, {"Alice#EUW", "Bob#EUW"});
  const std::string played = only_new({});
  a_.pairing.open_server_channel({"EUW1_2", false}, team, {"Alice#EUW", "Cat#EUW"});
  const std::string unjoined = only_new({played});
  a_.pairing.open_server_channel({"EUW1_3", false}, team, {"Alice#EUW", "Dan#EUW"});
  const std::string live = only_new({played, unjoined});

  b_.pairing.handle(bob, msg(p::JoinChannel{played}));
  a_.pairing.close_server_game("EUW1_1");                // Bob is still in it: retired, kept
  b_.pairing.handle(bob, msg(p::LeaveChannel{played}));  // the last member leaves, on b
  ASSERT_FALSE(store_.find(played));
  ASSERT_TRUE(store_.delete_if_empty(unjoined));  // its keys expired in the store
  EXPECT_EQ(a_.pairing.needs_forget_stale().channel_ids.size(), 3u);
  EXPECT_EQ(a_.pairing.server_game_count(), 2u);

  a_.pairing.forget_stale();
  EXPECT_EQ(a_.pairing.needs_forget_stale().channel_ids, std::vector<std::string>{live});
  EXPECT_EQ(a_.pairing.server_game_count(), 1u);
}

TEST_F(TwoInstances, RestoringACheckpointUndoesACall) {
  const ConnId alice = user(a_, "Alice#EUW");
  const ConnId late = ++next_conn_;
  a_.pairing.connect(late);
  const auto before_register = a_.pairing.checkpoint(late);
  a_.pairing.handle(late, msg(p::RegisterUser{"Dan#EUW", {}, {}}));
  EXPECT_EQ(a_.pairing.registered_count(), 2u);
  a_.pairing.restore(*before_register);
  EXPECT_EQ(a_.pairing.registered_count(), 1u);
  store_.release_riot_id(protocol::fold_riot_id("Dan#EUW"), peer(a_, late));  // the store's half
  // Undone, the same registration runs again as if for the first time.
  const Outbox again = a_.pairing.handle(late, msg(p::RegisterUser{"Dan#EUW", {}, {}}));
  EXPECT_NE(Inspect::first<p::Connected>(again, late), nullptr);

  const std::string channel = create_and_join(a_, alice, roster_);
  const auto before_leave = a_.pairing.checkpoint(alice);
  a_.pairing.handle(alice, msg(p::LeaveChannel{channel}));
  EXPECT_TRUE(a_.pairing.local_channels().empty());
  a_.pairing.restore(*before_leave);
  EXPECT_EQ(a_.pairing.local_channels(), std::vector<std::string>{channel});
}

TEST_F(TwoInstances, NeedsNameWhatACallReads) {
  const ConnId alice = user(a_, "Alice#EUW");
  const ConnId dan = ++next_conn_;
  a_.pairing.connect(dan);
  StoreNeeds reg = a_.pairing.needs(dan, msg(p::RegisterUser{"Dan#EUW", {}, {}}));
  EXPECT_EQ(reg.riot_keys, std::vector<std::string>{"dan#euw"});
  EXPECT_EQ(reg.player_keys, std::vector<std::string>{"dan#euw"});
  // Unregistered: answered without the store.
  EXPECT_TRUE(a_.pairing.needs(dan, msg(p::JoinChannel{"x"})).empty());

  const StoreNeeds create = a_.pairing.needs(alice, msg(team("g1", "100", roster_)));
  ASSERT_EQ(create.pairing_keys.size(), 1u);
  EXPECT_EQ(create.pairing_keys[0], "100\nalice#euw\nbob#euw\ncat#euw");
  ASSERT_FALSE(create.channel_ids.empty());
  EXPECT_EQ(create.channel_ids[0], "g1_100_" + std::to_string(now_));
  EXPECT_EQ(create.riot_keys.size(), 3u);
  // Not on the roster: refused without the store.
  EXPECT_TRUE(a_.pairing.needs(alice, msg(team("g1", "100", {"Bob#EUW"}))).empty());

  const std::string channel = create_and_join(a_, alice, roster_);
  const ConnId bob = user(a_, "Bob#EUW");
  a_.pairing.handle(bob, msg(p::JoinChannel{channel}));
  // A relay to a local peer needs nothing; to anyone else, the channel.
  EXPECT_TRUE(a_.pairing.needs(alice, msg(p::SignalTo{peer(a_, bob), "{}"})).empty());
  EXPECT_EQ(a_.pairing.needs(alice, msg(p::SignalTo{"b.1", "{}"})).channel_ids,
            std::vector<std::string>{channel});
  EXPECT_EQ(a_.pairing.needs_disconnect(alice).channel_ids, std::vector<std::string>{channel});
}

TEST_F(TwoInstances, ARelayElsewhereIsDecidedWithoutTheStoreAndCheckedWhereItArrives) {
  const ConnId alice = user(a_, "Alice#EUW");
  const ConnId bob = user(b_, "Bob#EUW");
  const ConnId cat = user(b_, "Cat#EUW");
  const std::string channel = create_and_join(a_, alice, roster_);
  b_.pairing.handle(bob, msg(p::JoinChannel{channel}));
  const std::string data = R"({"sdp":{"type":"offer","sdp":"v=0"}})";

  // Bob's instance relays to Alice's without reading the store: the sender's own facts only.
  const auto relay = b_.pairing.relay_elsewhere(bob, msg(p::SignalTo{peer(a_, alice), data}, "s1"));
  ASSERT_TRUE(relay);
  EXPECT_TRUE(relay->refused.empty());
  EXPECT_EQ(relay->relay.to, kRemote);
  EXPECT_EQ(relay->relay.to_peer, peer(a_, alice));
  EXPECT_EQ(relay->relay.only, OnlyIf::InChannel);
  EXPECT_EQ(relay->relay.only_channel, channel);
  EXPECT_EQ(relay->sender_peer, peer(b_, bob));
  EXPECT_EQ(relay->sender_key, protocol::fold_riot_id("Bob#EUW"));
  const auto* signal = std::get_if<p::SignalFrom>(&relay->relay.message.body);
  ASSERT_NE(signal, nullptr);
  EXPECT_EQ(signal->from, peer(b_, bob));
  EXPECT_EQ(signal->data_json, data);
  // Should Alice's instance refuse, Bob hears what on_signal says of a peer outside his channel.
  const auto* refusal = std::get_if<p::Error>(&relay->no_such_peer.body);
  ASSERT_NE(refusal, nullptr);
  EXPECT_EQ(refusal->code, p::ErrorCode::NoSuchPeer);
  EXPECT_EQ(relay->no_such_peer.id, std::optional<std::string>{"s1"});
  EXPECT_EQ(
      a_.pairing.resolve_remote(relay->relay.to_peer, relay->relay.only, relay->relay.only_channel),
      alice);

  // A target in another channel (here: none) is refused where it lives, never delivered.
  const auto forged = a_.pairing.relay_elsewhere(alice, msg(p::SignalTo{peer(b_, cat), "{}"}));
  ASSERT_TRUE(forged);
  EXPECT_FALSE(b_.pairing.resolve_remote(forged->relay.to_peer, forged->relay.only,
                                         forged->relay.only_channel));
  // The sender's own refusals are answered at once: not in a channel.
  const auto lonely = b_.pairing.relay_elsewhere(cat, msg(p::SignalTo{peer(a_, alice), "{}"}));
  ASSERT_TRUE(lonely);
  EXPECT_EQ(Inspect::error_to(lonely->refused, cat), p::ErrorCode::NotInChannel);
  // Not a relay elsewhere: a local target, another message, an unknown connection.
  EXPECT_FALSE(b_.pairing.relay_elsewhere(bob, msg(p::SignalTo{peer(b_, cat), "{}"})));
  EXPECT_FALSE(b_.pairing.relay_elsewhere(bob, msg(p::LeaveChannel{channel})));
  EXPECT_FALSE(b_.pairing.relay_elsewhere(999, msg(p::SignalTo{peer(a_, alice), "{}"})));
}

}  // namespace
}  // namespace shotcall::core::testing
