// Every error code the server can produce, each with its `re` and the request id copied, and the
// connection staying open afterwards.
#include <gtest/gtest.h>

#include "tests/server/server_test_helpers.hpp"

namespace shotcall::test {
namespace {

// Waits for an error `code`; checks `re` and `id` and that the connection still works.
void expect_error(WsClient& ws, const std::string& code, std::optional<std::string> re,
                  std::optional<std::string> id) {
  auto f = ws.wait_for([](const Frame& f) { return f.type == "error"; });
  ASSERT_TRUE(f) << "no error " << code;
  const auto* e = f->as<protocol::Error>();
  EXPECT_EQ(protocol::to_wire(e->code), code) << f->text;
  EXPECT_FALSE(e->message.empty());
  if (re) {
    EXPECT_EQ(e->re, re) << f->text;
  }
  EXPECT_EQ(f->message->id, id) << f->text;
  EXPECT_FALSE(ws.closed());
  EXPECT_TRUE(ws.barrier()) << "connection unusable after " << code;
}

class ServerErrors : public ::testing::Test {
 protected:
  ServerProcess server;
};

TEST_F(ServerErrors, BadJson) {
  auto ws = WsClient::connect(server.url());
  ws->send_text("{\"type\": \"register-user\", ");
  expect_error(*ws, "bad-json", std::nullopt, std::nullopt);
  ws->send_text("[1,2,3]");
  auto f = ws->wait_for([](const Frame& f) { return f.type == "error"; });
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->is_error("bad-json") || f->is_error("bad-message")) << f->text;
}

TEST_F(ServerErrors, BinaryFramesAreBadJson) {
  auto ws = WsClient::connect(server.url());
  ws->send_binary(std::string("\x00\x01{\"type\":\"register-user\"}", 26));
  expect_error(*ws, "bad-json", std::nullopt, std::nullopt);
}

TEST_F(ServerErrors, BadMessageNamesTheTypeAndKeepsTheId) {
  auto ws = WsClient::connect(server.url());
  ws->send_text(R"({"type":"join-channel","id":"bm-1"})");
  expect_error(*ws, "bad-message", "join-channel", "bm-1");
  ws->send_text(R"({"type":"register-user","riotId":42,"id":"bm-2"})");
  expect_error(*ws, "bad-message", "register-user", "bm-2");
}

TEST_F(ServerErrors, UnknownType) {
  auto ws = WsClient::connect(server.url());
  ws->send_text(R"({"type":"dance","id":"ut-1"})");
  expect_error(*ws, "unknown-type", "dance", "ut-1");
}

TEST_F(ServerErrors, NotRegistered) {
  auto ws = WsClient::connect(server.url());
  ws->send(msg::join("1_100_1", "nr-1"));
  expect_error(*ws, "not-registered", "join-channel", "nr-1");
  ws->send(msg::chat("1_100_1", "hi", "nr-2"));
  expect_error(*ws, "not-registered", "chat", "nr-2");
}

TEST_F(ServerErrors, AlreadyRegistered) {
  auto p = registered(server, "Twice#EUW");
  p->send(msg::register_user("Other#EUW", "ar-1"));
  expect_error(*p.ws, "already-registered", "register-user", "ar-1");
}

TEST_F(ServerErrors, RiotIdInUseWarnsTheHolder) {
  auto team = form_team(server, "Holder", "6", "100", 2);
  auto& holder = team.players[0];
  auto impostor = WsClient::connect(server.url());
  impostor->send(msg::register_user("HOLDER0#t100", "riu-1"));  // another case, same player
  expect_error(*impostor, "riot-id-in-use", "register-user", "riu-1");
  auto notice = holder->wait_for_type("notice");
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->as<protocol::Notice>()->level, protocol::NoticeLevel::Warning);
  EXPECT_FALSE(notice->as<protocol::Notice>()->text.empty());
  // Once the holder is gone (its teammate has been told) the Riot ID is free again.
  holder->close();
  ASSERT_TRUE(team.players[1]->wait_for_type("user-left-channel"));
  impostor->send(msg::register_user("HOLDER0#t100", "again"));
  auto f = impostor->wait_for([](const Frame& f) { return f.message && f.message->id == "again"; });
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, "connected") << f->text;
}

TEST_F(ServerErrors, NotOnRoster) {
  auto p = registered(server, "Outsider#EUW");
  p->send(msg::find_or_create("1", "100", {"A#EUW", "B#EUW"}, "nor-1"));
  expect_error(*p.ws, "not-on-roster", "find-or-create-channel", "nor-1");
}

TEST_F(ServerErrors, NoSuchChannel) {
  auto p = registered(server, "Lost#EUW");
  p->send(msg::join("123_100_1700000000000", "nsc-1"));
  expect_error(*p.ws, "no-such-channel", "join-channel", "nsc-1");
  p->send(msg::leave("123_100_1700000000000", "nsc-2"));
  expect_error(*p.ws, "no-such-channel", "leave-channel", "nsc-2");
}

// A team has five seats: a roster naming more distinct Riot IDs (a client that counted wrong, or
// one padding the roster to let an extra listener in) is refused before any channel exists.
// With one connection per Riot ID and at most five on a roster, `channel-full` cannot be
// reached any more; this rule is what keeps a sixth player out.
TEST_F(ServerErrors, RosterLongerThanTheSeatsIsBadMessage) {
  std::vector<std::string> roster;
  for (int i = 0; i < 6; ++i) roster.push_back("Big" + std::to_string(i) + "#EUW");
  auto p = registered(server, roster[0]);
  p->send(msg::find_or_create("4", "100", roster, "cf-1"));
  expect_error(*p.ws, "bad-message", "find-or-create-channel", "cf-1");
  // Six entries naming five players (case folds: one Riot ID twice) fit the five seats.
  std::vector<std::string> five(roster.begin(), roster.begin() + 5);
  std::vector<std::string> padded = five;
  padded.push_back("BIG4#euw");
  const auto channel = find_or_create(p, "4", "100", padded);
  ASSERT_FALSE(channel.empty());
  // And five players on a roster of five all get a seat.
  std::vector<Player> players;
  players.push_back(std::move(p));
  for (int i = 1; i < 5; ++i) players.push_back(registered(server, five[i]));
  // (joined-channel lists the members already there.)
  for (int i = 0; i < 5; ++i) EXPECT_EQ(join(players[i], channel).size(), std::size_t(i));
}

TEST(ServerMaxMembers, TheFlagSetsTheRosterCap) {
  ServerProcess server({"--max-members", "2"});
  const std::vector<std::string> roster{"M0#1", "M1#1", "M2#1"};
  auto a = registered(server, roster[0]);
  a->send(msg::find_or_create("4", "100", roster, "cf-2"));
  expect_error(*a.ws, "bad-message", "find-or-create-channel", "cf-2");
  // Two seats, a roster of two: both join.
  auto b = registered(server, roster[1]);
  const auto channel = find_or_create(a, "4", "100", {roster[0], roster[1]});
  ASSERT_FALSE(channel.empty());
  EXPECT_TRUE(join(a, channel).empty());
  EXPECT_EQ(join(b, channel), (std::vector<std::string>{a.peer_id}));
}

TEST_F(ServerErrors, NotInChannel) {
  auto team = form_team(server, "Nic", "8", "100", 2);
  auto& a = team.players[0];
  a->send(msg::leave(team.channel_id, "l"));
  ASSERT_TRUE(a->wait_for_type("left-channel"));
  a->send(msg::leave(team.channel_id, "nic-1"));
  expect_error(*a.ws, "not-in-channel", "leave-channel", "nic-1");
  a->send(msg::chat(team.channel_id, "hello?", "nic-2"));
  expect_error(*a.ws, "not-in-channel", "chat", "nic-2");
  a->send(msg::signal(team.players[1].peer_id, R"({"ice":{"candidate":"","sdpMLineIndex":0}})", "nic-3"));
  expect_error(*a.ws, "not-in-channel", "signal", "nic-3");
}

TEST_F(ServerErrors, NoSuchPeer) {
  auto team = form_team(server, "Nsp", "8", "200", 2);
  auto& a = team.players[0];
  a->send(msg::signal("00000000000000000000000000000000", R"({"sdp":{"type":"offer","sdp":"x"}})", "nsp-1"));
  expect_error(*a.ws, "no-such-peer", "signal", "nsp-1");
  a->send(msg::signal(a.peer_id, R"({"sdp":{"type":"offer","sdp":"x"}})", "nsp-2"));
  expect_error(*a.ws, "no-such-peer", "signal", "nsp-2");
}

TEST(ServerAccessToken, UnauthorizedWithoutTheRightToken) {
  ServerProcess server({"--access-token", "tok-123"});
  auto ws = WsClient::connect(server.url());
  ws->send(msg::register_user("A#1", "u-1"));
  expect_error(*ws, "unauthorized", "register-user", "u-1");
  ws->send(msg::register_user("A#1", "u-2", "tok-124"));
  expect_error(*ws, "unauthorized", "register-user", "u-2");
  ws->send(msg::register_user("A#1", "u-3", "tok-123"));
  auto ok = ws->wait_for_type("connected");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->message->id, "u-3");
  // The token never reaches the log.
  EXPECT_EQ(server.stderr_text().find("tok-12"), std::string::npos);
}

TEST(ServerAccessToken, TakenFromTheEnvironmentToo) {
  ServerProcess server({}, {{"SHOTCALL_ACCESS_TOKEN", "env-tok"}});
  auto ws = WsClient::connect(server.url());
  ws->send(msg::register_user("A#1", "e-1"));
  expect_error(*ws, "unauthorized", "register-user", "e-1");
  ws->send(msg::register_user("A#1", "e-2", "env-tok"));
  EXPECT_TRUE(ws->wait_for_type("connected"));
}

}  // namespace
}  // namespace shotcall::test
