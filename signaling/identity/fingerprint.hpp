// The key fingerprint two screens show while a new device is linked (protocol-identity.md,
// `link-approve`).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace shotcall::identity {

// The first 8 characters of crockford_encode(SHA-256(raw_key)): 40 bits of the hash.
std::string key_fingerprint(std::span<const std::uint8_t, 32> raw_key);

}  // namespace shotcall::identity
