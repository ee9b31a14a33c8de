#include "signaling/identity/fingerprint.hpp"

#include <openssl/sha.h>

#include <array>

#include "signaling/identity/crockford.hpp"

namespace shotcall::identity {

std::string key_fingerprint(std::span<const std::uint8_t, 32> raw_key) {
  std::array<std::uint8_t, SHA256_DIGEST_LENGTH> digest{};
  // The one-shot SHA256() is not among OpenSSL 3's deprecated low-level calls and cannot fail.
  SHA256(raw_key.data(), raw_key.size(), digest.data());
  return crockford_encode(digest).substr(0, 8);
}

}  // namespace shotcall::identity
