// The client's side of identity-1's registration (shared/protocol-identity.md): on each new
// connection, `hello` first; then a proven `register-user` when the server offers identity-1 (or
// first a `link-request`, waiting for approval), a plain one when the server is v1
// (`unknown-type`) or when proofs may not be sent (only over wss:// or to a loopback address).
// Pure: frames in, frames out; the WebSocket shell (signaling_client.cpp) sends them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "signaling/identity/ed25519.hpp"
#include "signaling/protocol/messages.hpp"

namespace shotcall::net {

// Whether this device's key, and so its proofs, may go to the server at `server_url`: only over
// wss://, or to this computer (localhost or a loopback address) where nothing is on the wire.
// The one rule the handshake and the connection test (server_probe.hpp) both apply.
bool key_proofs_allowed(const std::string& server_url);

struct HandshakeOptions {
  std::string url;  // ws://host:port/ws or wss://…: the host proofs name
  std::string riot_id;
  std::optional<std::string> puuid;
  std::optional<std::string> token;
  std::shared_ptr<const identity::KeyPair> key;  // null: register without proofs (v1)
  bool link_first = false;  // ask for a link code and wait for approval before registering
};

class IdentityHandshake {
 public:
  explicit IdentityHandshake(HandshakeOptions options);

  // The first frame of a new connection.
  protocol::ClientMessage start();
  // A server message that arrived before `connected`. Returns the frames to send next (often
  // none). `refusal` is set when retrying cannot help (the words say what to do); `retry_later`
  // when the server asked to try again later (`unavailable`).
  struct Step {
    std::vector<protocol::ClientMessage> send;
    std::optional<std::string> refusal;
    bool retry_later = false;
  };
  Step on_message(const protocol::ServerMessage& message);

  // Whether proofs go to this server at all: a key, and key_proofs_allowed(url).
  bool proofs_allowed() const { return proofs_allowed_; }
  // The `host` field proofs carry (protocol-identity.md "Keys and proofs").
  const std::string& host() const { return host_; }
  // What the server's hello said (empty before it, or from a v1 server).
  const std::optional<protocol::HelloReply>& server_hello() const { return hello_; }

 private:
  protocol::ClientMessage register_message(const std::optional<std::string>& challenge) const;

  HandshakeOptions options_;
  std::string host_;
  bool proofs_allowed_ = false;
  bool linked_ = false;
  bool awaiting_link_ = false;
  std::optional<protocol::HelloReply> hello_;
};

}  // namespace shotcall::net
