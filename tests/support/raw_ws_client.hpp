// A bare-TCP WebSocket client for misbehaving-peer tests: it does the opening handshake and can
// send text frames, but never reads after the handshake (so never answers a ping) and can vanish
// without a close frame. Blocking socket calls: the server is another process.
#pragma once

#include <gio/gio.h>

#include <chrono>
#include <string>

namespace shotcall::test {

class RawWsClient {
 public:
  // Connects to ws://HOST:PORT/ws and completes the handshake; throws std::runtime_error if the
  // server does not answer 101.
  explicit RawWsClient(const std::string& ws_url, const std::string& extra_headers = {});
  ~RawWsClient();
  RawWsClient(const RawWsClient&) = delete;
  RawWsClient& operator=(const RawWsClient&) = delete;

  // One masked text frame, as a client must send it.
  void send_text(const std::string& text);
  // Raw bytes onto the socket (for malformed or oversized frames).
  void send_raw(const std::string& bytes);
  // Closes the TCP connection at once: no close frame (a crashed or unplugged peer).
  void drop();

  // Reads what the server sends until it ends the connection or `timeout` passes; `ended` says
  // which. (For tests that check how the server closes: its close frame, then end of stream.)
  std::string read_until_end(std::chrono::milliseconds timeout, bool* ended);
  // The status code of the first close frame in `server_bytes` (unmasked server frames), 0 for
  // a close frame without one, -1 if there is none.
  static int close_code_in(const std::string& server_bytes);

  // The server's handshake response headers ("HTTP/1.1 101 …\r\n…\r\n\r\n").
  const std::string& handshake_response() const { return response_; }

  // The frame bytes send_text() writes, exposed for tests of framing.
  static std::string encode_text_frame(const std::string& payload);
  // Any frame: `opcode` 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong.
  static std::string encode_frame(unsigned opcode, bool fin, const std::string& payload);

 private:
  GSocketConnection* conn_ = nullptr;
  std::string response_;
};

}  // namespace shotcall::test
