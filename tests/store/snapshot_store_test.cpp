// The shared-state store without Redis: value encodings, SnapshotStore's reads, writes, misses and
// dead instances, and whole transactions of two pairing cores over one key-value map, including
// the lost race that Redis's compare-and-set turns into a retry.
#include <gtest/gtest.h>

#include <map>

#include "signaling/core/pairing.hpp"
#include "signaling/store/snapshot_store.hpp"
#include "signaling/store/store_records.hpp"

namespace shotcall::store {
namespace {

namespace p = shotcall::protocol;
using core::Channel;
using core::MemberRecord;

Channel sample_channel() {
  Channel c;
  c.id = "lcd-0123456789abcdef_200_1700000000000";
  c.game_id = {"lcd-0123456789abcdef", false};
  c.team_id = {"200", true};
  c.roster = {"Ärger#EUW", "하늘#KR1", "Bob \"B\"#NA1"};
  c.roster_keys = {"bob \"b\"#na1", "ärger#euw", "하늘#kr1"};
  c.pairing_key = "200\nbob \"b\"#na1\närger#euw\n하늘#kr1";
  c.members = {{"a.01", "Ärger#EUW", "ärger#euw"}, {"b.02", "하늘#KR1", "하늘#kr1"}};
  c.created_ms = 1'700'000'000'000;
  return c;
}

TEST(StoreRecords, ChannelsAndIdListsRoundTrip) {
  const Channel c = sample_channel();
  const auto back = decode_channel(encode_channel(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, c.id);
  EXPECT_EQ(back->game_id, c.game_id);
  EXPECT_EQ(back->team_id, c.team_id);
  EXPECT_EQ(back->roster, c.roster);
  EXPECT_EQ(back->roster_keys, c.roster_keys);
  EXPECT_EQ(back->pairing_key, c.pairing_key);
  EXPECT_EQ(back->members, c.members);
  EXPECT_EQ(back->created_ms, c.created_ms);
  EXPECT_EQ(decode_ids(encode_ids({"x", "y\"z"})), (std::vector<std::string>{"x", "y\"z"}));
  EXPECT_EQ(decode_ids(encode_ids({})), std::vector<std::string>{});
}

TEST(StoreRecords, BrokenValuesDecodeToNothing) {
  EXPECT_FALSE(decode_channel(""));
  EXPECT_FALSE(decode_channel("[]"));
  EXPECT_FALSE(decode_channel(R"({"id":"x"})"));
  EXPECT_FALSE(decode_channel(R"({"id":"x","g":"1","t":"1","roster":[],"keys":[],"pk":"p","m":{}})"));
  EXPECT_FALSE(decode_ids("{}"));
  EXPECT_FALSE(decode_ids("[1]"));
}

TEST(StoreRecords, PeerIdsNameTheirInstance) {
  EXPECT_EQ(instance_of_peer("node-2.0123abcd"), "node-2");
  EXPECT_EQ(instance_of_peer("0123abcd"), "");
  EXPECT_TRUE(is_valid_instance_id("node_2-B"));
  EXPECT_FALSE(is_valid_instance_id(""));
  EXPECT_FALSE(is_valid_instance_id("a.b"));
  EXPECT_FALSE(is_valid_instance_id(std::string(25, 'a')));
}

// ---- SnapshotStore ----------------------------------------------------------------------------

using Kv = std::map<std::string, std::string>;

Lookup lookup_in(const Kv& kv) {
  return [&kv](const std::string& key) -> std::optional<std::string> {
    const auto it = kv.find(key);
    if (it == kv.end()) return std::nullopt;
    return it->second;
  };
}

// The twin of the Redis commit script: all checks hold, then every write; else nothing.
bool commit(Kv& kv, const SnapshotStore& store) {
  for (const auto& c : store.checks()) {
    const auto it = kv.find(c.key);
    const std::optional<std::string> now =
        it == kv.end() ? std::nullopt : std::optional<std::string>{it->second};
    if (now != c.expected) return false;
  }
  for (const auto& w : store.writes()) {
    if (w.value)
      kv[w.key] = *w.value;
    else
      kv.erase(w.key);
  }
  return true;
}

TEST(SnapshotStore, ReadingWhatWasNotFetchedIsAMissNamingIt) {
  SnapshotStore store;
  store.load({});
  EXPECT_FALSE(store.find("c1"));
  EXPECT_FALSE(store.riot_id_holder("alice#euw"));
  EXPECT_TRUE(store.channels_for("bob#euw").empty());
  ASSERT_TRUE(store.missed());
  EXPECT_EQ(store.missing().channel_ids, std::vector<std::string>{"c1"});
  EXPECT_EQ(store.missing().riot_keys, std::vector<std::string>{"alice#euw"});
  EXPECT_EQ(store.missing().player_keys, std::vector<std::string>{"bob#euw"});
  EXPECT_FALSE(store.claim_riot_id("alice#euw", "a.1"));  // never claims blind
}

TEST(SnapshotStore, ClaimsOfDeadInstancesAreFreeAndTheirMembersAreNamed) {
  Kv kv{{claim_key("alice#euw"), "dead.1"}, {claim_key("bob#euw"), "live.2"},
        {channel_key(sample_channel().id), encode_channel(sample_channel())}};
  core::StoreNeeds needs;
  needs.riot_keys = {"alice#euw", "bob#euw"};
  needs.channel_ids = {sample_channel().id};
  Snapshot snap = fetch_snapshot(needs, lookup_in(kv));
  snap.dead_instances = {"dead", "b"};
  SnapshotStore store;
  store.load(std::move(snap));
  EXPECT_FALSE(store.riot_id_holder("alice#euw"));
  EXPECT_EQ(store.riot_id_holder("bob#euw"), "live.2");
  EXPECT_TRUE(store.claim_riot_id("alice#euw", "live.3"));
  EXPECT_FALSE(store.claim_riot_id("bob#euw", "live.3"));
  const auto dead = store.dead_members();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead.at(sample_channel().id), std::vector<std::string>{"b.02"});
  EXPECT_FALSE(store.missed());
  const auto writes = store.writes();
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0], (KeyWrite{claim_key("alice#euw"), "live.3"}));
}

TEST(SnapshotStore, AMembersNewLevelIsWrittenWithItsChannel) {
  Kv kv{{channel_key(sample_channel().id), encode_channel(sample_channel())}};
  core::StoreNeeds needs;
  needs.channel_ids = {sample_channel().id, "gone"};
  SnapshotStore store;
  store.load(fetch_snapshot(needs, lookup_in(kv)));
  EXPECT_FALSE(store.set_member_level(sample_channel().id, "z.09", p::IdentityLevel::Riot));
  EXPECT_FALSE(store.set_member_level("gone", "a.01", p::IdentityLevel::Riot));
  EXPECT_TRUE(store.writes().empty());  // nothing changed yet
  ASSERT_TRUE(store.set_member_level(sample_channel().id, "b.02", p::IdentityLevel::Riot));
  const auto writes = store.writes();
  ASSERT_EQ(writes.size(), 1u);
  ASSERT_EQ(writes[0].key, channel_key(sample_channel().id));
  ASSERT_TRUE(writes[0].value);
  const auto written = decode_channel(*writes[0].value);
  ASSERT_TRUE(written);
  ASSERT_EQ(written->members.size(), 2u);
  EXPECT_EQ(written->members[0].level, p::IdentityLevel::None);
  EXPECT_EQ(written->members[1].level, p::IdentityLevel::Riot);
}

// Two instances' cores, each running calls as transactions over one key-value map.
class SharedKv : public ::testing::Test {
 protected:
  struct Instance {
    Instance(std::string name, std::int64_t& now)
        : pairing(core::PairingConfig{}, store,
                  core::PairingDeps{[&now] { return now; },
                                    [this, name] { return name + "." + std::to_string(++ids); }}) {}
    int ids = 0;
    SnapshotStore store;
    core::Pairing pairing;
  };

  // Fetches, runs, and commits one call; a miss refetches. Returns the outbox.
  core::Outbox call(Instance& at, core::ConnId conn, const p::ClientMessage& m) {
    core::StoreNeeds extra;
    for (int attempt = 0; attempt < 5; ++attempt) {
      core::StoreNeeds needs = at.pairing.needs(conn, m);
      needs.merge(extra);
      at.store.load(fetch_snapshot(needs, lookup_in(kv_)));
      const auto saved = at.pairing.checkpoint(conn);
      core::Outbox out = at.pairing.handle(conn, m);
      if (at.store.missed()) {
        at.pairing.restore(*saved);
        extra.merge(at.store.missing());
        continue;
      }
      EXPECT_TRUE(commit(kv_, at.store));
      return out;
    }
    ADD_FAILURE() << "the call kept missing keys";
    return {};
  }
  core::ConnId user(Instance& at, const std::string& riot_id) {
    const core::ConnId conn = ++next_conn_;
    at.pairing.connect(conn);
    call(at, conn, {std::nullopt, p::RegisterUser{riot_id, {}, {}}});
    return conn;
  }
  static p::ClientMessage team_request() {
    return {std::nullopt,
            p::FindOrCreateChannel{{"g1", false}, {"100", true}, {"Alice#EUW", "Bob#EUW"}}};
  }
  static std::string created_id(const core::Outbox& out) {
    for (const auto& o : out)
      if (const auto* c = std::get_if<p::ChannelCreated>(&o.message.body)) return c->channel.channel_id;
    return {};
  }

  std::int64_t now_ = 1'700'000'000'000;
  Kv kv_;
  Instance a_{"a", now_};
  Instance b_{"b", now_};
  core::ConnId next_conn_ = 0;
};

TEST_F(SharedKv, TeammatesOnTwoInstancesMeetInOneChannelAndLeaveNothingBehind) {
  const core::ConnId alice = user(a_, "Alice#EUW");
  const core::ConnId bob = user(b_, "Bob#EUW");
  EXPECT_EQ(kv_.at(claim_key("alice#euw")), "a.1");
  EXPECT_EQ(kv_.at(claim_key("bob#euw")), "b.1");

  const std::string from_a = created_id(call(a_, alice, team_request()));
  now_ += 5;  // Bob's client asks a little later, with another clock reading
  const std::string from_b = created_id(call(b_, bob, team_request()));
  EXPECT_FALSE(from_a.empty());
  EXPECT_EQ(from_a, from_b);

  call(a_, alice, {std::nullopt, p::JoinChannel{from_a}});
  const core::Outbox joined = call(b_, bob, {std::nullopt, p::JoinChannel{from_a}});
  const auto channel = decode_channel(kv_.at(channel_key(from_a)));
  ASSERT_TRUE(channel);
  EXPECT_EQ(channel->members.size(), 2u);

  // Both leave by closing: the channel, its index and the claims go.
  call(a_, alice, {std::nullopt, p::LeaveChannel{from_a}});
  for (auto [at, conn] : {std::pair{&a_, alice}, std::pair{&b_, bob}}) {
    const auto needs = at->pairing.needs_disconnect(conn);
    at->store.load(fetch_snapshot(needs, lookup_in(kv_)));
    at->pairing.disconnect(conn);
    ASSERT_FALSE(at->store.missed());
    ASSERT_TRUE(commit(kv_, at->store));
  }
  EXPECT_TRUE(kv_.empty()) << kv_.begin()->first;
}

TEST_F(SharedKv, TheLoserOfARaceRollsBackAndFindsTheWinnersChannel) {
  const core::ConnId alice = user(a_, "Alice#EUW");
  const core::ConnId bob = user(b_, "Bob#EUW");
  // Both fetch before either commits: each would create its own channel for the one roster.
  const auto ma = team_request();
  const auto mb = team_request();
  a_.store.load(fetch_snapshot(a_.pairing.needs(alice, ma), lookup_in(kv_)));
  const std::string id_a = created_id(a_.pairing.handle(alice, ma));
  now_ += 1;
  b_.store.load(fetch_snapshot(b_.pairing.needs(bob, mb), lookup_in(kv_)));
  const auto saved_b = b_.pairing.checkpoint(bob);
  const std::string id_b = created_id(b_.pairing.handle(bob, mb));
  ASSERT_FALSE(a_.store.missed() || b_.store.missed());
  EXPECT_NE(id_a, id_b);
  ASSERT_TRUE(commit(kv_, a_.store));
  EXPECT_FALSE(commit(kv_, b_.store));  // the pairing key changed under b
  b_.pairing.restore(*saved_b);
  EXPECT_EQ(created_id(call(b_, bob, mb)), id_a);
}

TEST_F(SharedKv, FiveSeatsHoldAcrossInstances) {
  std::vector<std::string> roster;
  for (int i = 0; i < 5; ++i) roster.push_back("P" + std::to_string(i) + "#EUW");
  std::vector<std::pair<Instance*, core::ConnId>> players;
  for (int i = 0; i < 5; ++i) {
    Instance& at = i % 2 ? b_ : a_;
    players.emplace_back(&at, user(at, roster[i]));
  }
  // identity-1: a roster longer than the seats is refused outright, on either instance, so one
  // connection per Riot ID is what keeps a channel within five.
  auto seven = roster;
  seven.insert(seven.end(), {"P5#EUW", "P6#EUW"});
  const auto refused =
      call(b_, players[1].second,
           {std::nullopt, p::FindOrCreateChannel{{"g", false}, {"100", true}, seven}});
  ASSERT_EQ(refused.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<p::Error>(refused[0].message.body));
  EXPECT_EQ(std::get<p::Error>(refused[0].message.body).code, p::ErrorCode::BadMessage);

  const p::ClientMessage create{std::nullopt,
                                p::FindOrCreateChannel{{"g", false}, {"100", true}, roster}};
  const std::string id = created_id(call(*players[0].first, players[0].second, create));
  for (auto [at, conn] : players) {
    const auto out = call(*at, conn, {std::nullopt, p::JoinChannel{id}});
    for (const auto& o : out)
      EXPECT_FALSE(std::holds_alternative<p::Error>(o.message.body));
  }
  EXPECT_EQ(decode_channel(kv_.at(channel_key(id)))->members.size(), 5u);
}

}  // namespace
}  // namespace shotcall::store
