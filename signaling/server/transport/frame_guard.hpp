// Enforces the incoming message-size limit on the raw WebSocket byte stream, before libsoup sees
// it. libsoup 2.74 on its own closes an over-limit frame abruptly (no 1009 close frame), tests
// `>=` rather than `>`, and never bounds a message sent as many fragments. FrameGuard scans the
// client's frame headers as bytes stream through: frames of messages within the limit pass
// unchanged; the first data frame that takes a message over the limit trips the guard, and from
// then on every data frame is dropped whole (never buffered) while control frames (close, ping,
// pong) still pass, so the close handshake that follows works.
//
// It also applies the RFC 6455 rules libsoup 2.74 leaves out, failing the connection with a
// protocol error (1002): a control frame longer than 125 bytes, a 64-bit length with its top bit
// set (§5.2), a close frame with a one-byte body or a status code §7.4 forbids on the wire
// (1004-1006, 1015, below 1000, 1016-2999, 5000 and above). After such a fault the stream can
// no longer be trusted (or even split into frames): every later byte is dropped.
//
// Pings and pongs are offered to `admit_control` (when given) with the frame's kind and payload
// size: one it refuses is dropped whole, so a ping flood costs no pong and counts against the
// sender's frame budget, and the pong an admitted ping owes can be counted. Pure: no IO.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace shotcall::server {

enum class GuardFault {
  None,
  TooBig,         // a message over the limit: close with 1009
  ProtocolError,  // RFC 6455 violated: close with 1002
};

class FrameGuard {
 public:
  // admit_control(is_ping, payload_bytes): whether the ping (or pong) goes on.
  using AdmitControl = std::function<bool(bool, std::uint64_t)>;
  explicit FrameGuard(std::uint64_t max_message_bytes, AdmitControl admit_control = {})
      : max_(max_message_bytes), admit_control_(std::move(admit_control)) {}

  // Scans `in` and appends to `out` the bytes to hand on. Returns true exactly once: on the call
  // during which the guard trips (fault() then says why).
  bool feed(std::string_view in, std::string& out);
  bool tripped() const { return fault_ != GuardFault::None; }
  GuardFault fault() const { return fault_; }

 private:
  void decide(std::string& out);
  void finish_close_frame(std::string& out);
  void fail(GuardFault why);

  std::uint64_t max_;
  std::string header_;            // bytes of a frame header not yet complete
  std::uint64_t remaining_ = 0;   // payload bytes left in the current frame
  bool in_payload_ = false;
  bool passing_ = true;           // the current frame's bytes go on
  std::uint64_t message_ = 0;     // payload bytes so far of the current data message
  GuardFault fault_ = GuardFault::None;
  bool failed_ = false;           // a protocol error: nothing more passes
  bool holding_close_ = false;    // a close frame's payload is collected before it goes on
  std::string close_frame_;       // its header and (masked) payload so far
  AdmitControl admit_control_;
};

// Whether a close frame from a peer may carry `code` (RFC 6455 §7.4; IANA's 1012-1014 pass).
bool close_code_allowed_on_wire(unsigned code);

// Bytes in a complete header given its first two bytes.
std::size_t websocket_header_size(unsigned char b0, unsigned char b1);

}  // namespace shotcall::server
