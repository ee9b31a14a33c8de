// The PROXY protocol parser (signaling/server/transport/proxy_header.hpp) on arbitrary bytes: what a
// trusted load balancer (or something at its address) sends first. Input: the bytes, as the
// listener would peek them. Checks: a header is never longer than the input nor than the
// bounds; a named client is an address in canonical form; only NeedMore depends on bytes not
// yet here (any other verdict, and a header's length and client, stay the same when more bytes
// follow); a whole header is not whole one byte shorter.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "signaling/server/transport/client_address.hpp"
#include "signaling/server/transport/proxy_header.hpp"

namespace {

using shotcall::server::ProxyHeader;
using shotcall::server::ProxyVerdict;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "proxy_header invariant broken: %s\n", what);
    std::abort();
  }
}

bool same(const ProxyHeader& a, const ProxyHeader& b) {
  return a.verdict == b.verdict && a.length == b.length && a.source == b.source;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in{reinterpret_cast<const char*>(data), size};
  const ProxyHeader h = shotcall::server::parse_proxy_header(in);
  if (h.verdict != ProxyVerdict::Done) {
    check(h.length == 0 && !h.source, "a length or client without a whole header");
  } else {
    check(h.length > 0 && h.length <= size, "a header longer than the input");
    check(h.length <= shotcall::server::kMaxProxyHeader, "a header over the bound");
    if (in[0] == 'P') check(h.length <= shotcall::server::kMaxProxyV1Header, "a long v1 line");
    if (h.source)
      check(shotcall::server::canonical_address(*h.source) == *h.source,
            "a client that is not a canonical address");
    check(same(shotcall::server::parse_proxy_header(in.substr(0, h.length)), h),
          "the header alone reads differently");
    check(shotcall::server::parse_proxy_header(in.substr(0, h.length - 1)).verdict ==
              ProxyVerdict::NeedMore,
          "a header one byte short is not waiting for more");
  }
  if (h.verdict != ProxyVerdict::NeedMore) {
    for (char more : {'\0', '\n', 'X'}) {
      std::string longer{in};
      longer += more;
      check(same(shotcall::server::parse_proxy_header(longer), h),
            "a verdict changed when more bytes followed");
    }
  }
  return 0;
}
