// The client side of RFC 6455 for the load generator: the upgrade request, masked frames out,
// unmasked frames in. Pure (no sockets), so the framing can be checked on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shotcall::bench {

enum class Opcode : std::uint8_t {
  Continuation = 0x0,
  Text = 0x1,
  Binary = 0x2,
  Close = 0x8,
  Ping = 0x9,
  Pong = 0xA,
};

// "GET <path> HTTP/1.1" with the upgrade headers. `key` is the base64 Sec-WebSocket-Key.
std::string upgrade_request(std::string_view host_port, std::string_view path, std::string_view key);

// A fresh Sec-WebSocket-Key (16 random bytes, base64) and the Sec-WebSocket-Accept it expects.
std::string new_websocket_key(std::uint64_t random_a, std::uint64_t random_b);
std::string expected_accept(std::string_view key);

// The end of an HTTP response head in `in`: its length including the blank line, or 0 while
// incomplete. Fills `status` and the Sec-WebSocket-Accept value (empty when absent).
std::size_t parse_response_head(std::string_view in, int& status, std::string& accept);

// Appends one final, masked client frame to `out`.
void append_frame(std::string& out, Opcode op, std::string_view payload, std::uint32_t mask);

struct Frame {
  Opcode op = Opcode::Text;
  bool fin = true;
  std::string_view payload;  // points into the input
};

// Reads one server frame at the front of `in`. Returns the bytes it took, 0 while incomplete, or
// -1 when the frame is malformed (masked, reserved bits, oversized control frame) or larger than
// `max_payload`.
long parse_frame(std::string_view in, Frame& frame, std::size_t max_payload);

}  // namespace shotcall::bench
