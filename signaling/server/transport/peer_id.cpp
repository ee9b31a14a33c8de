#include "signaling/server/transport/peer_id.hpp"

#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <cstdlib>

namespace shotcall::server {

std::vector<std::uint8_t> random_bytes(std::size_t count) {
  std::vector<std::uint8_t> bytes(count);
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    // Without a working CSPRNG every id would be guessable; serving on would be worse than dying.
    std::fputs("shotcall-signal: RAND_bytes failed; cannot make peer ids\n", stderr);
    std::abort();
  }
  return bytes;
}

std::string new_peer_id() {
  const std::vector<std::uint8_t> bytes = random_bytes(16);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

}  // namespace shotcall::server
