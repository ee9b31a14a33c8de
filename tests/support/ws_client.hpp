// A WebSocket client for tests (libsoup 2.4, on the default GMainContext): connect, send JSON,
// collect what the server sends as decoded frames, wait for the one you expect.
//
//   auto alice = WsClient::connect(server.url());
//   alice->send(msg::register_user("Alice#EUW", "r1"));
//   auto f = alice->wait_for_type("connected");      // nullopt after the deadline
//   ASSERT_TRUE(f); EXPECT_EQ(f->message->id, "r1");
//
// Received frames queue up in arrival order. wait_for() returns (and removes) the first queued
// frame that matches, iterating the main loop until one arrives or the deadline passes; frames it
// skips stay queued. barrier() proves the server has processed everything sent before it.
#pragma once

#include <libsoup/soup.h>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "signaling/protocol/messages.hpp"

namespace shotcall::test {

using namespace std::chrono_literals;

struct Frame {
  std::string text;                                // the frame as received
  std::optional<protocol::ServerMessage> message;  // decoded (protocol::decode_server)
  std::string decode_error;                        // why it did not decode, if it did not
  std::string type;                                // the message's `type`, "" if undecoded

  // The body as T, or nullptr: f.as<protocol::Error>()->code.
  template <typename T>
  const T* as() const {
    return message ? std::get_if<T>(&message->body) : nullptr;
  }
  // An `error` frame with this wire code ("not-on-roster").
  bool is_error(std::string_view code) const;
};

using FramePredicate = std::function<bool(const Frame&)>;

struct WsClientOptions {
  bool accept_invalid_certificates = false;  // for wss:// with a self-signed test certificate
  std::chrono::milliseconds connect_timeout = 10s;
};

class WsClient {
 public:
  // Connects or throws std::runtime_error saying why.
  static std::unique_ptr<WsClient> connect(const std::string& url, WsClientOptions options = {});

  // Connects or reports why not, with the HTTP status of a refused handshake (e.g. 429, 503).
  struct Attempt {
    std::unique_ptr<WsClient> client;
    std::string error;
    unsigned http_status = 0;
  };
  static Attempt try_connect(const std::string& url, WsClientOptions options = {});

  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void send_text(const std::string& text);
  void send(const protocol::ClientMessage& message);  // encoded with protocol::encode
  void send_binary(const std::string& bytes);

  std::optional<Frame> wait_for(const FramePredicate& match, std::chrono::milliseconds timeout = 10s);
  std::optional<Frame> wait_for_type(std::string_view type, std::chrono::milliseconds timeout = 10s);
  std::optional<Frame> wait_for_error(std::string_view code, std::chrono::milliseconds timeout = 10s);

  // Sends a frame the server must answer at once (an unknown type with a fresh id) and waits for
  // that answer, which it removes. Every frame the server sent this client because of earlier
  // frames — from any client — is queued by then. False on timeout or close.
  bool barrier(std::chrono::milliseconds timeout = 10s);

  // Removes and returns the first queued frame that matches, without waiting.
  std::optional<Frame> take(const FramePredicate& match);

  const std::deque<Frame>& queued() const { return frames_; }
  bool has(const FramePredicate& match) const;
  void clear() { frames_.clear(); }
  std::size_t received_total() const { return received_total_; }

  // A clean close (sends a close frame) and waiting for the server's side of it.
  void close(unsigned short code = 1000, const std::string& reason = {});
  bool wait_closed(std::chrono::milliseconds timeout = 10s);
  bool closed() const { return closed_; }
  // The close code the server sent (0 if none arrived) and its reason.
  unsigned short close_code() const;
  std::string close_reason() const;

  SoupWebsocketConnection* connection() const { return conn_; }

 private:
  WsClient() = default;
  static void on_message(SoupWebsocketConnection*, gint type, GBytes* data, gpointer self);
  static void on_closed(SoupWebsocketConnection*, gpointer self);

  SoupSession* session_ = nullptr;
  SoupWebsocketConnection* conn_ = nullptr;
  std::deque<Frame> frames_;
  std::size_t received_total_ = 0;
  bool closed_ = false;
  unsigned barrier_seq_ = 0;
};

// Builders for client messages, so tests read like the protocol table.
namespace msg {
protocol::ClientMessage register_user(std::string riot_id, std::optional<std::string> id = {},
                                      std::optional<std::string> token = {});
protocol::ClientMessage find_or_create(std::string game_id, std::string team_id,
                                       std::vector<std::string> teammates,
                                       std::optional<std::string> id = {});
protocol::ClientMessage join(std::string channel_id, std::optional<std::string> id = {});
protocol::ClientMessage leave(std::string channel_id, std::optional<std::string> id = {});
protocol::ClientMessage signal(std::string to, std::string data_json,
                               std::optional<std::string> id = {});
protocol::ClientMessage chat(std::string channel_id, std::string text,
                             std::optional<std::string> id = {});
}  // namespace msg

}  // namespace shotcall::test
