#include "bench/signal/ws_wire.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

namespace shotcall::bench {
namespace {

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                                static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string upgrade_request(std::string_view host_port, std::string_view path, std::string_view key) {
  std::string r;
  r.reserve(200);
  r.append("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host_port);
  r.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ").append(key);
  r.append("\r\nSec-WebSocket-Version: 13\r\n\r\n");
  return r;
}

std::string new_websocket_key(std::uint64_t random_a, std::uint64_t random_b) {
  std::array<unsigned char, 16> raw{};
  std::memcpy(raw.data(), &random_a, 8);
  std::memcpy(raw.data() + 8, &random_b, 8);
  return base64(raw.data(), raw.size());
}

std::string expected_accept(std::string_view key) {
  std::string text{key};
  text += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";  // RFC 6455's fixed GUID
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return base64(digest, sizeof digest);
}

std::size_t parse_response_head(std::string_view in, int& status, std::string& accept) {
  const std::size_t end = in.find("\r\n\r\n");
  if (end == std::string_view::npos) return 0;
  const std::string_view head = in.substr(0, end + 2);
  status = 0;
  accept.clear();
  std::size_t line_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, line_end);
  // "HTTP/1.1 101 Switching Protocols"
  if (status_line.size() >= 12 && status_line.substr(0, 5) == "HTTP/") {
    const std::size_t sp = status_line.find(' ');
    if (sp != std::string_view::npos && sp + 4 <= status_line.size()) {
      int code = 0;
      for (std::size_t i = sp + 1; i < sp + 4; ++i) {
        const char c = status_line[i];
        if (c < '0' || c > '9') {
          code = 0;
          break;
        }
        code = code * 10 + (c - '0');
      }
      status = code;
    }
  }
  std::size_t pos = line_end + 2;
  while (pos < head.size()) {
    const std::size_t next = head.find("\r\n", pos);
    const std::string_view line = head.substr(pos, next - pos);
    pos = next + 2;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (iequals(trim(line.substr(0, colon)), "Sec-WebSocket-Accept"))
      accept = std::string{trim(line.substr(colon + 1))};
  }
  return end + 4;
}

void append_frame(std::string& out, Opcode op, std::string_view payload, std::uint32_t mask) {
  const std::size_t n = payload.size();
  out.push_back(static_cast<char>(0x80 | static_cast<std::uint8_t>(op)));
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>((n >> 8) & 0xFF));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xFF));
  }
  unsigned char key[4];
  std::memcpy(key, &mask, 4);
  out.append(reinterpret_cast<const char*>(key), 4);
  const std::size_t start = out.size();
  out.append(payload);
  for (std::size_t i = 0; i < n; ++i) out[start + i] = static_cast<char>(out[start + i] ^ key[i & 3]);
}

long parse_frame(std::string_view in, Frame& frame, std::size_t max_payload) {
  if (in.size() < 2) return 0;
  const auto b0 = static_cast<std::uint8_t>(in[0]);
  const auto b1 = static_cast<std::uint8_t>(in[1]);
  if (b0 & 0x70) return -1;  // no extension was negotiated
  if (b1 & 0x80) return -1;  // a server never masks
  frame.fin = (b0 & 0x80) != 0;
  frame.op = static_cast<Opcode>(b0 & 0x0F);
  std::uint64_t len = b1 & 0x7F;
  std::size_t header = 2;
  if (len == 126) {
    if (in.size() < 4) return 0;
    len = (static_cast<std::uint64_t>(static_cast<std::uint8_t>(in[2])) << 8) |
          static_cast<std::uint8_t>(in[3]);
    header = 4;
  } else if (len == 127) {
    if (in.size() < 10) return 0;
    len = 0;
    for (int i = 2; i < 10; ++i) len = (len << 8) | static_cast<std::uint8_t>(in[i]);
    header = 10;
  }
  const bool control = (b0 & 0x08) != 0;
  if (control && (len > 125 || !frame.fin)) return -1;
  if (len > max_payload) return -1;
  if (in.size() < header + len) return 0;
  frame.payload = in.substr(header, static_cast<std::size_t>(len));
  return static_cast<long>(header + len);
}

}  // namespace shotcall::bench
