// base64url (RFC 4648 §5) without padding: how identity-1 carries keys, signatures, challenges.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shotcall::identity {

// Alphabet A-Z a-z 0-9 - _, no '=' padding.
std::string base64url_encode(std::span<const std::uint8_t> bytes);

// Strict: one encoding per byte string. nullopt for any character outside the alphabet (padding
// and whitespace included), a length that is 1 mod 4, or non-zero unused bits in the last
// character — so a signature or key has exactly one accepted spelling.
std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text);

}  // namespace shotcall::identity
