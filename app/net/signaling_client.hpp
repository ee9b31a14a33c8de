// The app's side of the signaling protocol: a libsoup 3 WebSocket (libsoup 3 because the voice
// engine's libnice loads it, and one process cannot hold both libsoups) that registers the player,
// hands every server message to the caller, and reconnects with capped exponential backoff when
// the server goes away. Everything runs on the GMainContext that was current at construction;
// nothing blocks it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "signaling/identity/ed25519.hpp"
#include "signaling/protocol/messages.hpp"

namespace shotcall::net {

struct SignalingOptions {
  std::string url;  // ws://host:port/ws or wss://…
  std::string riot_id;
  std::optional<std::string> puuid;
  std::optional<std::string> token;
  // identity-1: the device key for this server (null: no proofs, as a v1 client), and whether
  // to ask for a link code and wait for another device's approval before registering.
  std::shared_ptr<const identity::KeyPair> key;
  bool link_first = false;
  std::uint32_t first_retry_ms = 500;
  std::uint32_t max_retry_ms = 10'000;
  std::uint32_t keepalive_s = 15;  // pings; no answer for three intervals drops the link
  // How many failed attempts in a row before the state says Failed (retries go on regardless).
  std::uint32_t attempts_before_failed = 5;
  // The wall clock (unix ms) that decides when time-limited TURN credentials are renewed
  // (ice_refresh.hpp); null: the system's. Tests move it to reach an expiry without waiting.
  std::function<std::int64_t()> wall_clock_ms;
};

enum class LinkState {
  Connecting,   // opening the socket or waiting to retry
  Registered,   // `connected` received: requests may be sent
  Refused,      // the server refused us for good (riot-id-in-use, riot-id-bound, unauthorized,
                // replaced by another session of this device); no retries
  Failed,       // several attempts in a row failed; still retrying
  Stopped,
};

const char* to_string(LinkState state);

class SignalingClient {
 public:
  struct Events {
    std::function<void(LinkState, const std::string& detail)> on_state;
    // Every server message after registration, `connected` included, and the identity messages
    // before it (hello, link-code, link-approved, errors). The client renews time-limited TURN
    // credentials by itself (refresh-ice-servers, before they expire): their `ice-servers`
    // replies arrive here too, to be used like `connected.iceServers`; errors about those
    // requests do not.
    std::function<void(const protocol::ServerMessage&)> on_message;
  };

  SignalingClient(SignalingOptions options, Events events);
  ~SignalingClient();
  SignalingClient(const SignalingClient&) = delete;
  SignalingClient& operator=(const SignalingClient&) = delete;

  void start();
  // Closes with 1000 and stops retrying.
  void stop();
  // Sends when registered; false (and nothing queued) otherwise, because a request from before a
  // reconnect names peer ids the server has forgotten.
  bool send(const protocol::ClientMessage& message);

  LinkState state() const;
  // Our peerId on the current connection (changes on every reconnect).
  const std::string& peer_id() const;
  std::uint32_t reconnects() const;

  // True while a stopped client's closing handshake is still under way; a program that is about
  // to exit runs its main loop until this is false (or a deadline), so its last frames go out.
  static bool goodbyes_pending();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shotcall::net
