#include "signaling/server/transport/client_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace shotcall::server {
namespace {

// `text` as 16 bytes (IPv4 mapped into IPv6), or nullopt.
std::optional<std::array<std::uint8_t, 16>> to_bytes(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char in[INET6_ADDRSTRLEN];
  std::memcpy(in, text.data(), text.size());
  in[text.size()] = '\0';
  std::array<std::uint8_t, 16> out{};
  if (inet_pton(AF_INET6, in, out.data()) == 1) return out;
  std::uint8_t v4[4];
  if (inet_pton(AF_INET, in, v4) != 1) return std::nullopt;
  out[10] = out[11] = 0xff;
  std::memcpy(out.data() + 12, v4, 4);
  return out;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One X-Forwarded-For entry: an address, or (as some proxies write it) "[v6]", "[v6]:port",
// "v4:port". nullopt when it is none of these.
std::optional<std::string> entry_address(std::string_view entry) {
  entry = trimmed(entry);
  if (!entry.empty() && entry.front() == '[') {
    const std::size_t close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = entry.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || rest.size() < 2 ||
                          rest.find_first_not_of("0123456789", 1) != std::string_view::npos))
      return std::nullopt;
    entry = entry.substr(1, close - 1);
    if (entry.find(':') == std::string_view::npos) return std::nullopt;  // [v6] only
  } else if (const std::size_t colon = entry.find(':');
             colon != std::string_view::npos &&
             entry.find(':', colon + 1) == std::string_view::npos) {
    const std::string_view port = entry.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos)
      return std::nullopt;
    entry = entry.substr(0, colon);
    if (entry.find('.') == std::string_view::npos) return std::nullopt;  // v4:port only
  }
  return canonical_address(entry);
}

// ::ffff:a.b.c.d, an IPv4 address in IPv6 form.
bool v4_mapped(const std::array<std::uint8_t, 16>& bytes) {
  return std::all_of(bytes.begin(), bytes.begin() + 10, [](auto b) { return b == 0; }) &&
         bytes[10] == 0xff && bytes[11] == 0xff;
}

}  // namespace

std::optional<std::string> canonical_address(std::string_view text) {
  auto bytes = to_bytes(text);
  if (!bytes) return std::nullopt;
  char out[INET6_ADDRSTRLEN];
  // IPv4 text for an IPv4 address however it came (a dual-stack socket's peer, a TCP6 PROXY
  // header or an X-Forwarded-For entry may write it ::ffff:a.b.c.d): one client, one spelling,
  // or its per-address limits would count it twice.
  const bool v4 = v4_mapped(*bytes);
  if (!inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? bytes->data() + 12 : bytes->data(), out, sizeof out))
    return std::nullopt;
  return std::string{out};
}

std::string address_group(std::string_view address) {
  if (address.find(':') == std::string_view::npos) return std::string{address};  // IPv4, or none
  auto bytes = to_bytes(address);
  if (!bytes) return std::string{address};
  if (v4_mapped(*bytes)) return canonical_address(address).value_or(std::string{address});
  std::fill(bytes->begin() + 8, bytes->end(), std::uint8_t{0});
  char out[INET6_ADDRSTRLEN];
  if (!inet_ntop(AF_INET6, bytes->data(), out, sizeof out)) return std::string{address};
  return std::string{out} + "/64";
}

std::optional<Cidr> parse_cidr(std::string_view text) {
  const std::size_t slash = text.find('/');
  const std::string_view host = text.substr(0, slash);
  auto bytes = to_bytes(host);
  if (!bytes) return std::nullopt;
  const bool v4 = host.find(':') == std::string_view::npos;
  unsigned prefix = v4 ? 32 : 128;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos)
      return std::nullopt;
    prefix = 0;
    for (char c : digits) prefix = prefix * 10 + static_cast<unsigned>(c - '0');
    if (prefix > (v4 ? 32u : 128u)) return std::nullopt;
  }
  if (v4) prefix += 96;
  for (unsigned bit = prefix; bit < 128; ++bit)
    if ((*bytes)[bit / 8] & (0x80u >> (bit % 8))) return std::nullopt;  // host bits set
  return Cidr{*bytes, prefix};
}

bool TrustedProxies::contains(std::string_view address) const {
  auto bytes = to_bytes(address);
  if (!bytes) return false;
  for (const Cidr& c : networks_) {
    bool match = true;
    for (unsigned bit = 0; bit < c.prefix && match; bit += 8) {
      const unsigned bits = std::min(8u, c.prefix - bit);
      const std::uint8_t mask = static_cast<std::uint8_t>(0xff00u >> bits);
      match = ((*bytes)[bit / 8] & mask) == (c.network[bit / 8] & mask);
    }
    if (match) return true;
  }
  return false;
}

std::string forwarded_client(const std::string& peer, std::optional<std::string_view> forwarded_for,
                             const TrustedProxies& trusted) {
  if (!forwarded_for || !trusted.contains(peer)) return peer;
  std::string_view rest = *forwarded_for;
  std::optional<std::string> leftmost;
  while (!rest.empty()) {
    const std::size_t comma = rest.rfind(',');
    const std::string_view entry = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
    auto address = entry_address(entry);
    if (!address) return peer;  // malformed: the header proves nothing
    if (!trusted.contains(*address)) return *address;
    leftmost = std::move(address);
  }
  // Every entry is a trusted proxy: the furthest one is the nearest thing to a client.
  return leftmost ? *leftmost : peer;
}

}  // namespace shotcall::server
