// Every client message of protocol v1 against the real server: replies, ids, broadcasts.
#include <gtest/gtest.h>
#include <glib.h>


#include "tests/server/server_test_helpers.hpp"

namespace shotcall::test {
namespace {

using protocol::ChannelAvailable;
using protocol::ChannelCreated;
using protocol::ChatMessage;
using protocol::Connected;
using protocol::JoinedChannel;
using protocol::LeftChannel;
using protocol::SignalFrom;
using protocol::UserJoinedChannel;
using protocol::UserLeftChannel;

TEST(ServerProtocol, RegisterRepliesConnectedWithPeerIdIceServersAndServer) {
  ServerProcess server({"--stun", "stun:stun.example:3478", "--turn", "turn:turn.example:3478",
                        "--turn-username", "u1", "--turn-credential", "c1"});
  auto ws = WsClient::connect(server.url());
  ws->send(msg::register_user("Alice#EUW", "reg-1"));
  auto f = ws->wait_for_type("connected");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->message->id, "reg-1");
  const auto* c = f->as<Connected>();
  // 128 random bits in hex; instances sharing Redis put their name and a dot in front.
  const auto dot = c->peer_id.find('.');
  const std::string random = dot == std::string::npos ? c->peer_id : c->peer_id.substr(dot + 1);
  EXPECT_EQ(random.size(), 32u);
  EXPECT_EQ(random.find_first_not_of("0123456789abcdef"), std::string::npos) << c->peer_id;
  ASSERT_EQ(c->ice_servers.size(), 2u);
  EXPECT_EQ(c->ice_servers[0].urls, std::vector<std::string>{"stun:stun.example:3478"});
  EXPECT_FALSE(c->ice_servers[0].username);
  EXPECT_EQ(c->ice_servers[1].urls, std::vector<std::string>{"turn:turn.example:3478"});
  EXPECT_EQ(c->ice_servers[1].username, "u1");
  EXPECT_EQ(c->ice_servers[1].credential, "c1");
  EXPECT_EQ(c->server.name, "shotcall-signal");
  EXPECT_FALSE(c->server.version.empty());
  // The raw frame carries the browser's field names.
  EXPECT_NE(f->text.find("\"iceServers\""), std::string::npos);
}

TEST(ServerProtocol, PeerIdsDifferPerConnection) {
  ServerProcess server;
  auto a = registered(server, "A#1");
  auto b = registered(server, "B#1");
  EXPECT_NE(a.peer_id, b.peer_id);
}

TEST(ServerProtocol, FindOrCreateRepliesAndOffersTheChannelToRegisteredTeammates) {
  ServerProcess server;
  const std::vector<std::string> roster{"Alice#EUW", "Bob#EUW", "Carol#EUW"};
  auto alice = registered(server, "Alice#EUW");
  auto bob = registered(server, "Bob#EUW");
  const gint64 before_ms = g_get_real_time() / 1000;
  alice->send(msg::find_or_create("4242", "100", roster, "foc-1"));
  auto created = alice->wait_for_type("channel-created");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->message->id, "foc-1");
  const auto& ch = created->as<ChannelCreated>()->channel;
  EXPECT_EQ(ch.game_id.text, "4242");
  EXPECT_TRUE(ch.game_id.number);
  EXPECT_EQ(ch.team_id.text, "100");
  EXPECT_EQ(ch.roster, roster);
  const std::string prefix = "4242_100_";
  ASSERT_EQ(ch.channel_id.rfind(prefix, 0), 0u) << ch.channel_id;
  const std::string ms = ch.channel_id.substr(prefix.size());
  ASSERT_FALSE(ms.empty());
  ASSERT_EQ(ms.find_first_not_of("0123456789"), std::string::npos) << ch.channel_id;
  const gint64 created_ms = std::stoll(ms);
  EXPECT_GE(created_ms, before_ms);
  EXPECT_LE(created_ms, g_get_real_time() / 1000);

  auto offered = bob->wait_for_type("channel-available");
  ASSERT_TRUE(offered);
  EXPECT_FALSE(offered->message->id);  // not a direct reply
  EXPECT_EQ(offered->as<ChannelAvailable>()->channel.channel_id, ch.channel_id);
  EXPECT_EQ(offered->as<ChannelAvailable>()->channel.roster, roster);

  // A teammate who comes online later is offered the channel on registering.
  auto carol = registered(server, "Carol#EUW");
  auto late = carol->wait_for_type("channel-available");
  ASSERT_TRUE(late);
  EXPECT_EQ(late->as<ChannelAvailable>()->channel.channel_id, ch.channel_id);
}

TEST(ServerProtocol, JoinRepliesWithMembersAndAnnouncesTheJoiner) {
  ServerProcess server;
  const std::vector<std::string> roster{"Alice#EUW", "Bob#EUW"};
  auto alice = registered(server, "Alice#EUW");
  auto bob = registered(server, "Bob#EUW");
  const auto channel = find_or_create(alice, "lcd-00112233aabbccdd", "200", roster);
  ASSERT_FALSE(channel.empty());

  alice->send(msg::join(channel, "j-a"));
  auto ja = alice->wait_for_type("joined-channel");
  ASSERT_TRUE(ja);
  EXPECT_EQ(ja->message->id, "j-a");
  EXPECT_EQ(ja->as<JoinedChannel>()->channel_id, channel);
  EXPECT_TRUE(ja->as<JoinedChannel>()->members.empty());

  bob->send(msg::join(channel, "j-b"));
  auto jb = bob->wait_for_type("joined-channel");
  ASSERT_TRUE(jb);
  EXPECT_EQ(jb->message->id, "j-b");
  ASSERT_EQ(jb->as<JoinedChannel>()->members.size(), 1u);
  EXPECT_EQ(jb->as<JoinedChannel>()->members[0].peer_id, alice.peer_id);
  EXPECT_EQ(jb->as<JoinedChannel>()->members[0].riot_id, "Alice#EUW");

  auto announced = alice->wait_for_type("user-joined-channel");
  ASSERT_TRUE(announced);
  EXPECT_FALSE(announced->message->id);
  EXPECT_EQ(announced->as<UserJoinedChannel>()->channel_id, channel);
  EXPECT_EQ(announced->as<UserJoinedChannel>()->member.peer_id, bob.peer_id);
  EXPECT_EQ(announced->as<UserJoinedChannel>()->member.riot_id, "Bob#EUW");
}

TEST(ServerProtocol, LeaveRepliesAnnouncesAndTheLastOneOutDeletesTheChannel) {
  ServerProcess server;
  auto team = form_team(server, "Leaver", "77", "100", 3);
  auto& a = team.players[0];
  auto& b = team.players[1];
  auto& c = team.players[2];
  b->send(msg::leave(team.channel_id, "l-b"));
  auto left = b->wait_for_type("left-channel");
  ASSERT_TRUE(left);
  EXPECT_EQ(left->message->id, "l-b");
  EXPECT_EQ(left->as<LeftChannel>()->channel_id, team.channel_id);
  for (auto* other : {&a, &c}) {
    auto ul = (*other)->wait_for_type("user-left-channel");
    ASSERT_TRUE(ul);
    EXPECT_EQ(ul->as<UserLeftChannel>()->channel_id, team.channel_id);
    EXPECT_EQ(ul->as<UserLeftChannel>()->peer_id, b.peer_id);
  }
  a->send(msg::leave(team.channel_id));
  ASSERT_TRUE(a->wait_for_type("left-channel"));
  c->send(msg::leave(team.channel_id));
  ASSERT_TRUE(c->wait_for_type("left-channel"));
  // Empty now: gone.
  b->send(msg::join(team.channel_id, "rejoin"));
  auto err = b->wait_for_error("no-such-channel");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->message->id, "rejoin");
}

TEST(ServerProtocol, SignalIsRelayedToThePeerWithFromAndDataUntouched) {
  ServerProcess server;
  auto team = form_team(server, "Sig", "9", "100", 2);
  auto& a = team.players[0];
  auto& b = team.players[1];
  const std::string offer =
      R"({"sdp":{"type":"offer","sdp":"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n"}})";
  b->send(msg::signal(a.peer_id, offer));
  auto got = a->wait_for_type("signal");
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->message->id);
  EXPECT_EQ(got->as<SignalFrom>()->from, b.peer_id);
  EXPECT_EQ(got->as<SignalFrom>()->data_json, offer);

  const std::string ice = R"({"ice":{"candidate":"candidate:1 1 udp 1 127.0.0.1 5000 typ host","sdpMLineIndex":0}})";
  a->send(msg::signal(b.peer_id, ice));
  auto back = b->wait_for_type("signal");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->as<SignalFrom>()->from, a.peer_id);
  EXPECT_EQ(back->as<SignalFrom>()->data_json, ice);
}

TEST(ServerProtocol, ChatGoesToEveryMemberTheSenderIncluded) {
  ServerProcess server;
  auto team = form_team(server, "Chat", "5", "200", 3);
  const gint64 before = g_get_real_time() / 1000;
  team.players[1]->send(msg::chat(team.channel_id, "gank mid ÷ now"));
  for (auto& p : team.players) {
    auto f = p->wait_for_type("chat");
    ASSERT_TRUE(f) << p.riot_id;
    const auto* c = f->as<ChatMessage>();
    EXPECT_EQ(c->channel_id, team.channel_id);
    EXPECT_EQ(c->from, team.players[1].peer_id);
    EXPECT_EQ(c->riot_id, team.roster[1]);
    EXPECT_EQ(c->text, "gank mid ÷ now");
    EXPECT_GE(c->ts, before);
    EXPECT_LE(c->ts, g_get_real_time() / 1000);
  }
}

TEST(ServerProtocol, RiotIdsMeetCaseInsensitivelyAndKeepTheirDisplayCase) {
  ServerProcess server;
  auto alice = registered(server, "ÀLICE#EuW");
  auto bob = registered(server, "bob#euw");
  // Each spells the other differently from how they registered.
  const auto c1 = find_or_create(alice, "1", "100", {"àlice#euw", "BOB#EUW"});
  const auto c2 = find_or_create(bob, "1", "100", {"Bob#Euw", "Àlice#EUW"});
  ASSERT_FALSE(c1.empty());
  EXPECT_EQ(c1, c2);
  join(alice, c1);
  bob->send(msg::join(c1));
  auto j = bob->wait_for_type("joined-channel");
  ASSERT_TRUE(j);
  ASSERT_EQ(j->as<JoinedChannel>()->members.size(), 1u);
  EXPECT_EQ(j->as<JoinedChannel>()->members[0].riot_id, "ÀLICE#EuW");
}

TEST(ServerProtocol, DifferentGameIdsWithEqualRosterAndTeamMeet) {
  ServerProcess server;
  auto alice = registered(server, "Alice#NA1");
  auto bob = registered(server, "Bob#NA1");
  const std::vector<std::string> roster{"Alice#NA1", "Bob#NA1"};
  const auto c1 = find_or_create(alice, "5012345678", "100", roster);
  const auto c2 = find_or_create(bob, "lcd-0123456789abcdef", "100", {"Bob#NA1", "Alice#NA1"});
  ASSERT_FALSE(c1.empty());
  EXPECT_EQ(c1, c2);
  // The other team of the same game (teamId 200) is another channel.
  auto carol = registered(server, "Carol#NA1");
  const auto c3 = find_or_create(carol, "5012345678", "200", {"Carol#NA1"});
  EXPECT_NE(c3, c1);
}

}  // namespace
}  // namespace shotcall::test
