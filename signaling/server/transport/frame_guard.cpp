#include "signaling/server/transport/frame_guard.hpp"

#include <algorithm>
#include <limits>

namespace shotcall::server {

std::size_t websocket_header_size(unsigned char, unsigned char b1) {
  const unsigned len7 = b1 & 0x7f;
  const std::size_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
  const std::size_t mask = (b1 & 0x80) ? 4 : 0;
  return 2 + ext + mask;
}

bool close_code_allowed_on_wire(unsigned code) {
  if (code >= 1000 && code <= 1003) return true;      // normal, going away, protocol, data
  if (code >= 1007 && code <= 1014) return true;      // 1007-1011 in RFC 6455, 1012-1014 IANA
  return code >= 3000 && code <= 4999;                // registered and private use
}

void FrameGuard::fail(GuardFault why) {
  if (fault_ == GuardFault::None) fault_ = why;
  if (why == GuardFault::ProtocolError) failed_ = true;
}

void FrameGuard::decide(std::string& out) {
  const auto b0 = static_cast<unsigned char>(header_[0]);
  const auto b1 = static_cast<unsigned char>(header_[1]);
  const unsigned len7 = b1 & 0x7f;
  std::uint64_t len = len7;
  if (len7 == 126) {
    len = (static_cast<std::uint64_t>(static_cast<unsigned char>(header_[2])) << 8) |
          static_cast<unsigned char>(header_[3]);
  } else if (len7 == 127) {
    if (static_cast<unsigned char>(header_[2]) & 0x80) {  // §5.2: the top bit MUST be 0
      header_.clear();
      return fail(GuardFault::ProtocolError);
    }
    len = 0;
    for (int i = 2; i < 10; ++i) len = (len << 8) | static_cast<unsigned char>(header_[i]);
  }
  const bool fin = b0 & 0x80;
  const unsigned opcode = b0 & 0x0f;
  const bool control = opcode & 0x08;

  if (control) {
    // RFC 6455 §5.5: control payloads are at most 125 bytes. Longer is a protocol error, and
    // after it the byte count cannot be trusted either.
    if (len > 125) {
      header_.clear();
      return fail(GuardFault::ProtocolError);
    }
    if (opcode == 0x8 && len > 0) {
      // Its status code is checked before libsoup sees it (libsoup accepts any).
      holding_close_ = true;
      close_frame_ = header_;
      passing_ = false;
    } else if ((opcode == 0x9 || opcode == 0xA) && admit_control_) {
      passing_ = admit_control_(opcode == 0x9, len);
    } else {
      passing_ = true;
    }
  } else if (tripped()) {
    passing_ = false;
  } else {
    if (opcode != 0) message_ = 0;  // a new message starts (libsoup rejects a misplaced one)
    message_ = len > std::numeric_limits<std::uint64_t>::max() - message_
                   ? std::numeric_limits<std::uint64_t>::max()
                   : message_ + len;
    passing_ = message_ <= max_;
    if (!passing_) fail(GuardFault::TooBig);
    if (fin) message_ = 0;
  }
  if (passing_) out += header_;
  header_.clear();
  remaining_ = len;
  in_payload_ = remaining_ > 0;
}

void FrameGuard::finish_close_frame(std::string& out) {
  holding_close_ = false;
  const auto b1 = static_cast<unsigned char>(close_frame_[1]);
  const std::size_t header = websocket_header_size(0, b1);
  std::string body = close_frame_.substr(header);
  if (b1 & 0x80)
    for (std::size_t i = 0; i < body.size(); ++i) body[i] ^= close_frame_[header - 4 + i % 4];
  bool valid = body.size() >= 2;
  if (valid) {
    const unsigned code = (static_cast<unsigned>(static_cast<unsigned char>(body[0])) << 8) |
                          static_cast<unsigned char>(body[1]);
    valid = close_code_allowed_on_wire(code);
  }
  if (valid)
    out += close_frame_;
  else
    fail(GuardFault::ProtocolError);  // a one-byte body, or a code §7.4 forbids on the wire
  close_frame_.clear();
}

bool FrameGuard::feed(std::string_view in, std::string& out) {
  const bool was_tripped = tripped();
  std::size_t i = 0;
  while (i < in.size() && !failed_) {
    if (in_payload_) {
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size() - i));
      if (holding_close_)
        close_frame_.append(in.substr(i, n));
      else if (passing_)
        out.append(in.substr(i, n));
      i += n;
      remaining_ -= n;
      if (remaining_ == 0) {
        in_payload_ = false;
        if (holding_close_) finish_close_frame(out);
      }
      continue;
    }
    header_ += in[i++];
    if (header_.size() >= 2 &&
        header_.size() == websocket_header_size(static_cast<unsigned char>(header_[0]),
                                                static_cast<unsigned char>(header_[1])))
      decide(out);
  }
  return tripped() && !was_tripped;
}

}  // namespace shotcall::server
