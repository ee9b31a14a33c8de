// The PROXY protocol header (HAProxy's "proxy-protocol.txt", versions 1 and 2) that a trusted
// load balancer puts before the client's bytes, naming the client it relays. Pure: bytes in,
// verdict out, so every case (truncated, oversized, wrong signature, TLVs, IPv6, garbage) is
// unit-tested and fuzzed without sockets. The listener feeds it what MSG_PEEK shows and, once
// the verdict is Done, consumes exactly `length` bytes so libsoup never sees the header.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace shotcall::server {

// v1 is one text line of at most 107 bytes (CRLF included). v2 is 16 bytes and a body whose
// length the header states: HAProxy sends 12 (TCP4) or 36 (TCP6) address bytes and, only when
// told to (proxy-v2-options), a few TLVs of well under 1 KiB. More than this is not a proxy.
constexpr std::size_t kMaxProxyV1Header = 107;
constexpr std::size_t kMaxProxyV2Header = 4096;
// Enough bytes to peek for any header this parser accepts.
constexpr std::size_t kMaxProxyHeader = kMaxProxyV2Header;

enum class ProxyVerdict {
  NeedMore,  // the bytes so far are the start of a header (or of its signature): wait
  Absent,    // the stream does not start with either signature: no header, plain HTTP follows
  Invalid,   // a header signature, then something a proxy does not send (or a header too long)
  Done,      // a whole header of `length` bytes
};

struct ProxyHeader {
  ProxyVerdict verdict = ProxyVerdict::NeedMore;
  std::size_t length = 0;  // Done: the bytes the header takes at the start of the stream
  // Done: the client's address as inet_ntop writes it ("192.0.2.7", "2001:db8::1"), for a
  // PROXY command over TCP4/TCP6. Empty for LOCAL (the proxy's own connection, a health check),
  // v1's UNKNOWN and v2's other families: the connection keeps the proxy's address.
  std::optional<std::string> source;
};

// `bytes` is everything the peer has sent so far, from the first byte of the connection.
ProxyHeader parse_proxy_header(std::string_view bytes);

}  // namespace shotcall::server
