// identity-1 from the client's side (app/net/identity_handshake.hpp): hello first, a proof the
// server's own rules accept, v1 servers get v1, and refusals in words. Proofs are checked with
// the server's check_proof, so client and server agree on every byte of the signed text.
#include "app/net/identity_handshake.hpp"

#include <gtest/gtest.h>

#include "signaling/core/identity_rules.hpp"

namespace shotcall::net {
namespace {

namespace p = shotcall::protocol;

std::shared_ptr<const identity::KeyPair> a_key() {
  return std::make_shared<const identity::KeyPair>(*identity::KeyPair::generate());
}

p::ServerMessage hello_reply(std::string policy = "none") {
  return {std::string{"hello"}, p::HelloReply{"c-1", {"identity-1"}, std::move(policy)}};
}

const p::RegisterUser* registration(const IdentityHandshake::Step& step) {
  if (step.send.size() != 1) return nullptr;
  return std::get_if<p::RegisterUser>(&step.send[0].body);
}

TEST(IdentityHandshake, StartsWithHello) {
  IdentityHandshake h({"ws://127.0.0.1:7800/ws", "Ahri#EUW", {}, {}, a_key(), false});
  EXPECT_TRUE(std::holds_alternative<p::Hello>(h.start().body));
}

TEST(IdentityHandshake, SignsWhatTheServerChecks) {
  IdentityHandshake h({"ws://127.0.0.1:7800/ws", "Ahri#EUW", {}, {}, a_key(), false});
  h.start();
  const auto step = h.on_message(hello_reply());
  const auto* reg = registration(step);
  ASSERT_NE(reg, nullptr);
  ASSERT_TRUE(reg->proof);
  EXPECT_EQ(reg->proof->host, "127.0.0.1:7800");
  core::IdentityConfig server;
  server.accepted_hosts = {"127.0.0.1:7800"};
  EXPECT_EQ(core::check_proof(identity::Purpose::Register, *reg->proof, "Ahri#EUW",
                              core::Challenge{"c-1", 1000}, 1000, server),
            core::ProofVerdict::Ok);
}

TEST(IdentityHandshake, DefaultPortsAreLeftOutOfTheHost) {
  IdentityHandshake secure({"wss://Voice.Example.org/ws", "A#1", {}, {}, a_key(), false});
  EXPECT_EQ(secure.host(), "voice.example.org");
  EXPECT_TRUE(secure.proofs_allowed());
  IdentityHandshake six({"ws://[::1]:7800/ws", "A#1", {}, {}, a_key(), false});
  EXPECT_EQ(six.host(), "[::1]:7800");
  EXPECT_TRUE(six.proofs_allowed());
}

TEST(IdentityHandshake, NoProofsOverPlainWebSocketsToAnotherComputer) {
  IdentityHandshake h({"ws://voice.example.org:7800/ws", "Ahri#EUW", {}, {}, a_key(), false});
  EXPECT_FALSE(h.proofs_allowed());
  const auto plain = h.on_message(hello_reply());
  const auto* reg = registration(plain);
  ASSERT_NE(reg, nullptr);
  EXPECT_FALSE(reg->proof);
  // A server that needs a key cannot be satisfied: say so instead of trying.
  const auto step = h.on_message(hello_reply("key"));
  EXPECT_TRUE(step.send.empty());
  ASSERT_TRUE(step.refusal);
  EXPECT_NE(step.refusal->find("wss://"), std::string::npos);
}

// The one rule the handshake and the connection test share: keys only over wss:// or to this
// computer.
TEST(KeyProofsAllowed, OnlyOverWssOrToThisComputer) {
  for (const char* url :
       {"wss://voice.example.org/ws", "wss://192.0.2.10:8443/ws", "ws://127.0.0.1:7800/ws",
        "ws://127.0.0.9:7800/ws", "ws://[::1]:7800/ws", "ws://localhost:7800/ws"}) {
    EXPECT_TRUE(key_proofs_allowed(url)) << url;
  }
  for (const char* url :
       {"ws://voice.example.org:7800/ws", "ws://192.168.1.20:7800/ws", "ws://[fd00::5]:7800/ws",
        "ws://localhost.example.org/ws", "not a url", ""}) {
    EXPECT_FALSE(key_proofs_allowed(url)) << url;
  }
  // The handshake also needs a key to prove anything with.
  EXPECT_FALSE(IdentityHandshake({"wss://voice.example.org/ws", "A#1", {}, {}, nullptr, false})
                   .proofs_allowed());
}

TEST(IdentityHandshake, AVersionOneServerGetsAPlainRegistration) {
  IdentityHandshake h({"ws://127.0.0.1:7800/ws", "Ahri#EUW", {}, std::string{"t"}, a_key(), false});
  const auto step = h.on_message(
      {std::string{"hello"}, p::Error{p::ErrorCode::UnknownType, "unknown type", "hello"}});
  const auto* reg = registration(step);
  ASSERT_NE(reg, nullptr);
  EXPECT_FALSE(reg->proof);
  EXPECT_EQ(reg->token, "t");
}

TEST(IdentityHandshake, LinkingAsksForACodeAndRegistersOnceApproved) {
  IdentityHandshake h({"ws://127.0.0.1:7800/ws", "Ahri#EUW", {}, {}, a_key(), true});
  auto step = h.on_message(hello_reply());
  ASSERT_EQ(step.send.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<p::LinkRequest>(step.send[0].body));
  step = h.on_message({std::nullopt, p::LinkApproved{"k"}});
  ASSERT_EQ(step.send.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<p::Hello>(step.send[0].body));
  const auto registering = h.on_message(hello_reply());
  const auto* reg = registration(registering);
  ASSERT_NE(reg, nullptr);
  EXPECT_TRUE(reg->proof);
}

TEST(IdentityHandshake, RefusalsSayWhatToDoAndUnavailableIsRetried) {
  IdentityHandshake h({"ws://127.0.0.1:7800/ws", "Ahri#EUW", {}, {}, a_key(), false});
  auto step =
      h.on_message({std::string{"register"},
                    p::Error{p::ErrorCode::RiotIdBound, "Ahri#EUW is bound", "register-user"}});
  ASSERT_TRUE(step.refusal);
  EXPECT_NE(step.refusal->find("Link this device"), std::string::npos);
  step = h.on_message(
      {std::string{"register"}, p::Error{p::ErrorCode::Unavailable, "later", "register-user"}});
  EXPECT_FALSE(step.refusal);
  EXPECT_TRUE(step.retry_later);
}

}  // namespace
}  // namespace shotcall::net
