#include "signaling/server/frame_guard.hpp"

#include <algorithm>
#include <limits>

namespace shotcall::server {

std::size_t websocket_header_size(unsigned char, unsigned char b1) {
  const unsigned len7 = b1 & 0x7f;
  const std::size_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
  const std::size_t mask = (b1 & 0x80) ? 4 : 0;
  return 2 + ext + mask;
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
    len = 0;
    for (int i = 2; i < 10; ++i) len = (len << 8) | static_cast<unsigned char>(header_[i]);
  }
  const bool fin = b0 & 0x80;
  const unsigned opcode = b0 & 0x0f;
  const bool control = opcode & 0x08;

  if (control) {
    // RFC 6455 caps control payloads at 125 bytes; anything longer is not buffered either.
    passing_ = len <= 125;
    if (!passing_) tripped_ = true;
  } else if (tripped_) {
    passing_ = false;
  } else {
    if (opcode != 0) message_ = 0;  // a new message starts (libsoup rejects a misplaced one)
    message_ = len > std::numeric_limits<std::uint64_t>::max() - message_
                   ? std::numeric_limits<std::uint64_t>::max()
                   : message_ + len;
    passing_ = message_ <= max_;
    if (!passing_) tripped_ = true;
    if (fin) message_ = 0;
  }
  if (passing_) out += header_;
  header_.clear();
  remaining_ = len;
  in_payload_ = remaining_ > 0;
}

bool FrameGuard::feed(std::string_view in, std::string& out) {
  const bool was_tripped = tripped_;
  std::size_t i = 0;
  while (i < in.size()) {
    if (in_payload_) {
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size() - i));
      if (passing_) out.append(in.substr(i, n));
      i += n;
      remaining_ -= n;
      if (remaining_ == 0) in_payload_ = false;
      continue;
    }
    header_ += in[i++];
    if (header_.size() >= 2 &&
        header_.size() == websocket_header_size(static_cast<unsigned char>(header_[0]),
                                                static_cast<unsigned char>(header_[1])))
      decide(out);
  }
  return tripped_ && !was_tripped;
}

}  // namespace shotcall::server
