#include "signaling/server/transport/proxy_header.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <cstring>

#include "signaling/server/transport/client_address.hpp"

namespace shotcall::server {
namespace {

constexpr std::string_view kV1Signature = "PROXY ";
constexpr std::string_view kV2Signature{"\r\n\r\n\0\r\nQUIT\n", 12};
constexpr std::size_t kV2Fixed = 16;  // signature, version/command, family, length

ProxyHeader verdict(ProxyVerdict v) { return ProxyHeader{v, 0, std::nullopt}; }

bool starts_as(std::string_view bytes, std::string_view signature) {
  const std::size_t n = std::min(bytes.size(), signature.size());
  return bytes.substr(0, n) == signature.substr(0, n);
}

// The canonical text of an address given as text (v1), or nothing if it is not one of `family`.
std::optional<std::string> canonical(int family, std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char in[INET6_ADDRSTRLEN];
  std::memcpy(in, text.data(), text.size());
  in[text.size()] = '\0';
  std::array<unsigned char, 16> raw{};
  if (inet_pton(family, in, raw.data()) != 1) return std::nullopt;
  char out[INET6_ADDRSTRLEN];
  if (!inet_ntop(family, raw.data(), out, sizeof out)) return std::nullopt;
  return std::string{out};
}

std::string address_text(int family, const unsigned char* raw) {
  char out[INET6_ADDRSTRLEN];
  return inet_ntop(family, raw, out, sizeof out) ? std::string{out} : std::string{};
}

bool is_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return false;
  unsigned v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v <= 65535;
}

// "PROXY TCP4 SRC DST SPORT DPORT\r\n", "PROXY TCP6 …" or "PROXY UNKNOWN[ anything]\r\n".
ProxyHeader parse_v1(std::string_view bytes) {
  const std::size_t window = std::min(bytes.size(), kMaxProxyV1Header);
  std::size_t end = std::string_view::npos;
  for (std::size_t i = 0; i < window; ++i) {
    if (bytes[i] == '\n') {
      if (i == 0 || bytes[i - 1] != '\r') return verdict(ProxyVerdict::Invalid);
      end = i - 1;
      break;
    }
  }
  if (end == std::string_view::npos)
    return verdict(bytes.size() >= kMaxProxyV1Header ? ProxyVerdict::Invalid
                                                     : ProxyVerdict::NeedMore);
  const std::size_t length = end + 2;
  std::string_view line = bytes.substr(kV1Signature.size(), end - kV1Signature.size());
  if (line == "UNKNOWN" || line.rfind("UNKNOWN ", 0) == 0)
    return ProxyHeader{ProxyVerdict::Done, length, std::nullopt};
  std::array<std::string_view, 5> fields;
  std::size_t n = 0;
  while (n < fields.size()) {
    const std::size_t space = line.find(' ');
    fields[n++] = line.substr(0, space);
    if (space == std::string_view::npos) {
      line = {};
      break;
    }
    line.remove_prefix(space + 1);
  }
  if (n != fields.size() || !line.empty()) return verdict(ProxyVerdict::Invalid);
  int family;
  if (fields[0] == "TCP4")
    family = AF_INET;
  else if (fields[0] == "TCP6")
    family = AF_INET6;
  else
    return verdict(ProxyVerdict::Invalid);
  auto source = canonical(family, fields[1]);
  if (!source || !canonical(family, fields[2]) || !is_port(fields[3]) || !is_port(fields[4]))
    return verdict(ProxyVerdict::Invalid);
  // A TCP6 line may name an IPv4 client as ::ffff:a.b.c.d: one client, one spelling.
  return ProxyHeader{ProxyVerdict::Done, length, canonical_address(*source)};
}

ProxyHeader parse_v2(std::string_view bytes) {
  if (bytes.size() < kV2Fixed) return verdict(ProxyVerdict::NeedMore);
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned version = b[12] >> 4, command = b[12] & 0x0f;
  if (version != 2 || command > 1) return verdict(ProxyVerdict::Invalid);
  const std::size_t body = (std::size_t{b[14]} << 8) | b[15];
  const std::size_t length = kV2Fixed + body;
  if (length > kMaxProxyV2Header) return verdict(ProxyVerdict::Invalid);
  const unsigned family = b[13] >> 4, transport = b[13] & 0x0f;
  if (family > 3 || transport > 2) return verdict(ProxyVerdict::Invalid);
  // The addresses' size by family (UNSPEC, INET, INET6, UNIX); TLVs follow them.
  constexpr std::size_t kAddressBytes[] = {0, 12, 36, 216};
  if (body < kAddressBytes[family]) return verdict(ProxyVerdict::Invalid);
  if (bytes.size() < length) return verdict(ProxyVerdict::NeedMore);
  // Each TLV: a type, a 16-bit length, that many bytes; together they fill the body exactly.
  for (std::size_t at = kV2Fixed + kAddressBytes[family]; at < length;) {
    if (length - at < 3) return verdict(ProxyVerdict::Invalid);
    const std::size_t value = (std::size_t{b[at + 1]} << 8) | b[at + 2];
    if (length - at - 3 < value) return verdict(ProxyVerdict::Invalid);
    at += 3 + value;
  }
  ProxyHeader h{ProxyVerdict::Done, length, std::nullopt};
  // LOCAL: the proxy speaks for itself (health checks); the addresses, if any, are ignored.
  // Only a relayed TCP connection names a client the limits can use.
  if (command == 1 && transport == 1 && family == 1) h.source = address_text(AF_INET, b + 16);
  if (command == 1 && transport == 1 && family == 2)
    h.source = canonical_address(address_text(AF_INET6, b + 16));  // ::ffff:a.b.c.d as IPv4
  return h;
}

}  // namespace

ProxyHeader parse_proxy_header(std::string_view bytes) {
  if (bytes.empty()) return verdict(ProxyVerdict::NeedMore);
  if (starts_as(bytes, kV2Signature)) {
    if (bytes.size() < kV2Signature.size()) return verdict(ProxyVerdict::NeedMore);
    return parse_v2(bytes);
  }
  if (starts_as(bytes, kV1Signature)) {
    if (bytes.size() < kV1Signature.size()) return verdict(ProxyVerdict::NeedMore);
    return parse_v1(bytes);
  }
  return verdict(ProxyVerdict::Absent);
}

}  // namespace shotcall::server
