// Which address the per-address limits, the logs and the metrics call a client when the server
// sits behind proxies it trusts (--trusted-proxy CIDR). Pure: addresses in, address out, so the
// rules are unit-tested without sockets.
//
// - A connection from an untrusted peer is that peer: a PROXY header or an X-Forwarded-For it
//   sends changes nothing (the listener never looks for the header on such a connection).
// - A trusted peer's PROXY header (proxy_header.hpp) names the client; LOCAL keeps the peer.
// - Otherwise, if the peer (or the client the header named) is trusted, X-Forwarded-For is read
//   from the right, skipping trusted addresses: the first untrusted one is the client. Entries
//   left of it were written by whoever the client is and prove nothing. A malformed entry met
//   on the way makes the whole header worthless: the peer stays.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shotcall::server {

// An IPv4 or IPv6 network. IPv4 is held as IPv4-mapped IPv6 (::ffff:a.b.c.d/96+n), so an IPv4
// range also matches a peer that a dual-stack socket reports as ::ffff:a.b.c.d.
struct Cidr {
  std::array<std::uint8_t, 16> network{};
  unsigned prefix = 0;  // 0..128, counted on the mapped form
};

// "10.0.0.0/8", "2001:db8::/32", or one address ("127.0.0.1" is /32, "::1" is /128). Host
// bits set below the prefix are refused (a typo such as 10.0.0.1/8 is likely not what was
// meant). nullopt for anything else.
std::optional<Cidr> parse_cidr(std::string_view text);

// An address's canonical text (inet_ntop's; an IPv4-mapped IPv6 address is written as IPv4), or
// nullopt if `text` is not an IP address.
std::optional<std::string> canonical_address(std::string_view text);

// What the per-address limits count a client by: an IPv4 address itself, an IPv6 address's /64
// network ("2001:db8:1:2::/64"). One IPv6 subscriber or rented server gets a /64, as many
// addresses as it likes; counted one by one, each would get the limits anew. Anything that is
// not an address comes back unchanged.
std::string address_group(std::string_view address);

class TrustedProxies {
 public:
  TrustedProxies() = default;
  explicit TrustedProxies(std::vector<Cidr> networks) : networks_(std::move(networks)) {}
  bool empty() const { return networks_.empty(); }
  // Whether `address` (an IP address's text) is in one of the networks.
  bool contains(std::string_view address) const;

 private:
  std::vector<Cidr> networks_;
};

// The client behind `peer` (the connection's address, or the client a PROXY header named),
// given the request's X-Forwarded-For (every such header, comma-joined; nullopt: none).
std::string forwarded_client(const std::string& peer, std::optional<std::string_view> forwarded_for,
                             const TrustedProxies& trusted);

}  // namespace shotcall::server
