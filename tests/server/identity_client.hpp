// The client side of identity-1 for the server's integration tests: keys, hello, proofs signed as
// a client signs them (identity::sign_proof) for the host it dialed, register-user and what came
// back. Include after server_test_helpers.hpp (ServerProcess may be the cluster there).
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>

#include "signaling/identity/sign_proof.hpp"
#include "tests/server/server_test_helpers.hpp"

namespace shotcall::test {

inline identity::KeyPair new_key() {
  auto key = identity::KeyPair::generate();
  if (!key) throw std::runtime_error("OpenSSL could not make a key pair");
  return std::move(*key);
}

// The host a client that dialed the default ServerProcess (bind 127.0.0.1) signs for.
inline std::string dialed(const ServerProcess& server) {
  return "127.0.0.1:" + std::to_string(server.port());
}

inline std::optional<Frame> answer(WsClient& ws, const std::string& id) {
  return ws.wait_for([&](const Frame& f) { return f.message && f.message->id == id; });
}

// Sends `hello` and returns the challenge ("" after a failed expectation).
inline std::string hello(WsClient& ws) {
  static int seq = 0;
  const std::string id = "hello-" + std::to_string(++seq);
  ws.send(protocol::ClientMessage{id, protocol::Hello{}});
  const auto f = answer(ws, id);
  EXPECT_TRUE(f && f->type == "hello") << (f ? f->text : std::string{"no answer to hello"});
  const auto* h = f ? f->as<protocol::HelloReply>() : nullptr;
  return h ? h->challenge : std::string{};
}

inline protocol::Proof proof(const identity::KeyPair& key, identity::Purpose purpose,
                             const std::string& host, const std::string& challenge,
                             const std::string& riot_id) {
  const auto signed_proof = identity::sign_proof(key, purpose, host, challenge, riot_id);
  return protocol::Proof{signed_proof.key, signed_proof.proof, signed_proof.host};
}

inline protocol::ClientMessage register_with(const std::string& riot_id, const std::string& id,
                                             std::optional<protocol::Proof> p) {
  return protocol::ClientMessage{
      id, protocol::RegisterUser{riot_id, std::nullopt, std::nullopt, std::move(p)}};
}

// hello, then register-user proven by `key` for `host`; returns the answer.
inline std::optional<Frame> register_proven(WsClient& ws, const identity::KeyPair& key,
                                            const std::string& riot_id, const std::string& host,
                                            const std::string& id = "reg") {
  const std::string challenge = hello(ws);
  ws.send(register_with(riot_id, id,
                        proof(key, identity::Purpose::Register, host, challenge, riot_id)));
  return answer(ws, id);
}

// The `connected` level, or a failed expectation naming what came instead.
inline std::optional<protocol::IdentityLevel> level_of(const std::optional<Frame>& f) {
  EXPECT_TRUE(f && f->type == "connected") << (f ? f->text : std::string{"no answer"});
  const auto* c = f ? f->as<protocol::Connected>() : nullptr;
  return c ? std::optional{c->identity} : std::nullopt;
}

inline std::string error_code_of(const std::optional<Frame>& f) {
  const auto* e = f ? f->as<protocol::Error>() : nullptr;
  return e ? std::string{protocol::to_wire(e->code)} : "(" + (f ? f->text : "nothing") + ")";
}

}  // namespace shotcall::test
