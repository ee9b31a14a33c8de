// Time-limited TURN credentials (issue 14) against the real shotcall-signal over a real
// WebSocket: the credential is checked from outside (the HMAC recomputed here with GLib, not the
// server's code), and the shared secret is looked for wherever an operator or another user of the
// machine could see it: the process's command line, /metrics, /healthz and the log.
#include <glib.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "signaling/identity/sign_proof.hpp"
#include "tests/server/server_test_helpers.hpp"
#include "tests/server/turn_credential_check.hpp"
#include "tests/support/http_get.hpp"

namespace shotcall::test {
namespace {

using protocol::Connected;
using protocol::IceServer;

constexpr const char* kSecretVar = "TURN_SHARED_SECRET";
constexpr const char* kSecret = "5b0e6f1d8c2a4973turnsharedsecret";
const std::vector<std::string> kStunUrls{"stun:127.0.0.1:3478", "stun:[::1]:3478"};
const std::vector<std::string> kTurnUrls{"turn:127.0.0.1:3478?transport=udp",
                                         "turn:127.0.0.1:3478?transport=tcp",
                                         "turns:127.0.0.1:5349?transport=tcp"};

std::vector<std::string> turn_args(std::vector<std::string> more = {}) {
  std::vector<std::string> args;
  for (const auto& url : kStunUrls) args.insert(args.end(), {"--stun", url});
  for (const auto& url : kTurnUrls) args.insert(args.end(), {"--turn", url});
  args.insert(args.end(), {"--turn-secret-env", kSecretVar, "--turn-ttl", "600"});
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Points into `f`: keep the frame alive while the pointer is used.
const Connected* connected_of(const std::optional<Frame>& f) {
  EXPECT_TRUE(f && f->type == "connected") << (f ? f->text : std::string{"no answer"});
  return f ? f->as<Connected>() : nullptr;
}

TEST(ServerTurn, ARegisteredClientGetsEveryServerAndItsOwnTimeLimitedCredential) {
  ServerProcess server(turn_args({"--log-format", "json"}), {{kSecretVar, kSecret}});
  auto ws = WsClient::connect(server.url());
  ws->send(msg::register_user("Alice#EUW", "reg-1"));
  const auto f = ws->wait_for_type("connected");
  const auto now_s = g_get_real_time() / G_USEC_PER_SEC;
  const Connected* c = connected_of(f);
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->ice_servers.size(), 2u) << f->text;
  EXPECT_EQ(c->ice_servers[0], (IceServer{kStunUrls, std::nullopt, std::nullopt}));
  const IceServer& turn = c->ice_servers[1];
  EXPECT_EQ(turn.urls, kTurnUrls);
  ASSERT_TRUE(turn.username && turn.credential) << f->text;

  // "<expiry>:<peerId>": the expiry about ttl after now, the peer id this connection's.
  const auto username = parse_turn_username(*turn.username);
  ASSERT_TRUE(username) << *turn.username;
  EXPECT_NEAR(static_cast<double>(username->expiry_s), static_cast<double>(now_s + 600), 5.0);
  EXPECT_EQ(username->opaque, c->peer_id);
  EXPECT_EQ(turn.username->find("Alice"), std::string::npos);
  EXPECT_EQ(*turn.credential, expected_turn_credential(kSecret, *turn.username));

  // Every URL reaches the client as sent, in the browser's field names.
  for (const auto& url : kTurnUrls) EXPECT_NE(f->text.find("\"" + url + "\""), std::string::npos);
  EXPECT_NE(f->text.find("\"iceServers\""), std::string::npos);

  // Another registration gets another credential, valid for its own peer id.
  auto other = registered(server, "Bob#EUW");
  EXPECT_NE(other.peer_id, c->peer_id);

  // The secret is nowhere to be seen; nor is a client's credential in the log.
  const std::string cmdline = file_text("/proc/" + std::to_string(server.pid()) + "/cmdline");
  ASSERT_NE(cmdline.find("--turn-secret-env"), std::string::npos) << "read the wrong process";
  EXPECT_EQ(cmdline.find(kSecret), std::string::npos);
  const auto metrics = http_get(server.http_url("/metrics"));
  ASSERT_EQ(metrics.status, 200u) << metrics.error;
  EXPECT_EQ(metrics.body.find(kSecret), std::string::npos);
  const auto health = http_get(server.http_url("/healthz"));
  ASSERT_EQ(health.status, 200u) << health.error;
  EXPECT_EQ(health.body.find(kSecret), std::string::npos);
  ws.reset();
  other.ws.reset();
  const auto exit = server.terminate();
  EXPECT_TRUE(exit.exited && exit.status == 0);
  const std::string log = server.stderr_text();
  // The log says where the secret comes from, so an operator can check the setting.
  EXPECT_NE(log.find("time-limited credentials, 600 s, secret from $TURN_SHARED_SECRET"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find(kSecret), std::string::npos) << log;
  EXPECT_EQ(log.find(*turn.credential), std::string::npos) << log;
}

TEST(ServerTurn, UnderPolicyRiotAConnectionNotVerifiedWithRiotGetsStunOnly) {
  ServerProcess server(turn_args({"--identity", "riot"}), {{kSecretVar, kSecret}});
  auto plain = WsClient::connect(server.url());
  plain->send(msg::register_user("Alice#EUW", "reg-plain"));
  const auto plain_reply = plain->wait_for_type("connected");
  const Connected* c = connected_of(plain_reply);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->identity, protocol::IdentityLevel::None);
  EXPECT_EQ(c->ice_servers, (std::vector<IceServer>{IceServer{kStunUrls, {}, {}}}));

  // Proven by a device key (level key) is not enough: this server lets only players verified
  // with Riot into channels, and a relay serves only calls.
  auto keyed = WsClient::connect(server.url());
  keyed->send(protocol::ClientMessage{"h", protocol::Hello{}});
  const auto hello = keyed->wait_for_type("hello");
  const auto* h = hello ? hello->as<protocol::HelloReply>() : nullptr;
  ASSERT_NE(h, nullptr);
  const auto key = identity::KeyPair::generate();
  ASSERT_TRUE(key);
  const auto signed_proof =
      identity::sign_proof(*key, identity::Purpose::Register,
                           "127.0.0.1:" + std::to_string(server.port()), h->challenge, "Bob#EUW");
  keyed->send(protocol::ClientMessage{
      "reg-key", protocol::RegisterUser{
                     "Bob#EUW", std::nullopt, std::nullopt,
                     protocol::Proof{signed_proof.key, signed_proof.proof, signed_proof.host}}});
  const auto keyed_reply = keyed->wait_for_type("connected");
  const Connected* k = connected_of(keyed_reply);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->identity, protocol::IdentityLevel::Key);
  EXPECT_EQ(k->ice_servers, (std::vector<IceServer>{IceServer{kStunUrls, {}, {}}}));
}

// refresh-ice-servers (extension): a connection that outlives --turn-ttl asks for fresh
// credentials and gets the same list with a newly minted one, its request id copied.
TEST(ServerTurn, RefreshIceServersMintsAFreshCredentialForARegisteredConnection) {
  ServerProcess server(turn_args(), {{kSecretVar, kSecret}});
  auto ws = WsClient::connect(server.url());

  // Before registration: refused like every request that needs one.
  ws->send(protocol::ClientMessage{"ice-0", protocol::RefreshIceServers{}});
  const auto early = ws->wait_for_type("error");
  ASSERT_TRUE(early && early->is_error("not-registered")) << (early ? early->text : "no answer");
  EXPECT_EQ(early->message->id, "ice-0");
  EXPECT_EQ(early->as<protocol::Error>()->re, "refresh-ice-servers");

  ws->send(msg::register_user("Alice#EUW", "reg-1"));
  const auto connected = ws->wait_for_type("connected");
  const Connected* c = connected_of(connected);
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->ice_servers.size(), 2u) << connected->text;
  const auto first = parse_turn_username(c->ice_servers[1].username.value_or(""));
  ASSERT_TRUE(first) << connected->text;
  // A client that never asks (any v1 client) is sent no ice-servers of the server's own accord.
  ASSERT_TRUE(ws->barrier());
  EXPECT_FALSE(ws->has([](const Frame& f) { return f.type == "ice-servers"; }));

  ws->send(protocol::ClientMessage{"ice-1", protocol::RefreshIceServers{}});
  const auto f = ws->wait_for_type("ice-servers");
  const auto now_s = g_get_real_time() / G_USEC_PER_SEC;
  ASSERT_TRUE(f && f->message) << (f ? f->text : std::string{"no answer"});
  EXPECT_EQ(f->message->id, "ice-1");
  const auto* reply = f->as<protocol::IceServersReply>();
  ASSERT_NE(reply, nullptr) << f->text;
  ASSERT_EQ(reply->ice_servers.size(), 2u) << f->text;
  EXPECT_EQ(reply->ice_servers[0], (IceServer{kStunUrls, std::nullopt, std::nullopt}));
  const IceServer& turn = reply->ice_servers[1];
  EXPECT_EQ(turn.urls, kTurnUrls);
  ASSERT_TRUE(turn.username && turn.credential) << f->text;
  const auto username = parse_turn_username(*turn.username);
  ASSERT_TRUE(username) << *turn.username;
  EXPECT_EQ(username->opaque, c->peer_id);
  EXPECT_GE(username->expiry_s, first->expiry_s);
  EXPECT_NEAR(static_cast<double>(username->expiry_s), static_cast<double>(now_s + 600), 5.0);
  EXPECT_EQ(*turn.credential, expected_turn_credential(kSecret, *turn.username));
}

TEST(ServerTurn, RefreshUnderPolicyRiotGivesAConnectionBelowLevelRiotStunOnly) {
  ServerProcess server(turn_args({"--identity", "riot"}), {{kSecretVar, kSecret}});
  auto ws = WsClient::connect(server.url());
  ws->send(msg::register_user("Alice#EUW", "reg-plain"));
  ASSERT_TRUE(ws->wait_for_type("connected"));
  ws->send(protocol::ClientMessage{"ice-1", protocol::RefreshIceServers{}});
  const auto f = ws->wait_for_type("ice-servers");
  ASSERT_TRUE(f && f->as<protocol::IceServersReply>()) << (f ? f->text : "no answer");
  EXPECT_EQ(f->as<protocol::IceServersReply>()->ice_servers,
            (std::vector<IceServer>{IceServer{kStunUrls, {}, {}}}));
}

TEST(ServerTurn, SecretFlagsAreListedAndMisuseIsRefusedWithoutEchoingTheSecret) {
  const RunResult help = run_signal_binary({"--help"});
  EXPECT_EQ(help.exit.status, 0);
  for (const char* flag : {"--turn-secret-env VAR", "--turn-ttl SECONDS"})
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;

  const std::map<std::string, std::string> env{{kSecretVar, kSecret}};
  const RunResult both =
      run_signal_binary(turn_args({"--turn-username", "u", "--turn-credential", "c"}), env);
  EXPECT_EQ(both.exit.status, 2);
  EXPECT_NE(both.err.find("cannot be combined"), std::string::npos) << both.err;
  EXPECT_EQ(both.err.find(kSecret), std::string::npos) << both.err;

  // The secret pasted where the variable's name belongs.
  const RunResult pasted =
      run_signal_binary({"--turn", "turn:127.0.0.1", "--turn-secret-env", kSecret}, env);
  EXPECT_EQ(pasted.exit.status, 2);
  EXPECT_EQ(pasted.err.find(kSecret), std::string::npos) << pasted.err;
  EXPECT_EQ(pasted.out.find(kSecret), std::string::npos) << pasted.out;
}

}  // namespace
}  // namespace shotcall::test
