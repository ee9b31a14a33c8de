// Enforces the incoming message-size limit on the raw WebSocket byte stream, before libsoup sees
// it. libsoup 2.74 on its own closes an over-limit frame abruptly (no 1009 close frame), tests
// `>=` rather than `>`, and never bounds a message sent as many fragments. FrameGuard scans the
// client's frame headers as bytes stream through: frames of messages within the limit pass
// unchanged; the first data frame that takes a message over the limit trips the guard, and from
// then on every data frame is dropped whole (never buffered) while control frames (close, ping,
// pong) still pass, so the close handshake that follows works. Pure: no IO.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace shotcall::server {

class FrameGuard {
 public:
  explicit FrameGuard(std::uint64_t max_message_bytes) : max_(max_message_bytes) {}

  // Scans `in` and appends to `out` the bytes to hand on. Returns true exactly once: on the call
  // during which the guard trips.
  bool feed(std::string_view in, std::string& out);
  bool tripped() const { return tripped_; }

 private:
  void decide(std::string& out);

  std::uint64_t max_;
  std::string header_;            // bytes of a frame header not yet complete
  std::uint64_t remaining_ = 0;   // payload bytes left in the current frame
  bool in_payload_ = false;
  bool passing_ = true;           // the current frame's bytes go on
  std::uint64_t message_ = 0;     // payload bytes so far of the current data message
  bool tripped_ = false;
};

// Bytes in a complete header given its first two bytes.
std::size_t websocket_header_size(unsigned char b0, unsigned char b1);

}  // namespace shotcall::server
