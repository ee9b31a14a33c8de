// Crockford base32 (https://www.crockford.com/base32.html): link codes and key fingerprints, the
// strings people read aloud or type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace shotcall::identity {

// Characters in a link code: 8 symbols carry 40 random bits.
inline constexpr std::size_t kLinkCodeLength = 8;

// Upper case, no check symbol. Bits are taken most significant first, 5 at a time; the last
// group is padded with zero bits. "foobar" -> "CSQPYRK1E8".
std::string crockford_encode(std::span<const std::uint8_t> bytes);

// Reads a code as a person typed it: case-insensitive, '-' and ' ' ignored, O/o read as 0 and
// I/i/L/l as 1. U/u and every other character are refused. Returns the canonical 8 upper-case
// characters, or nullopt when the input is not exactly 8 symbols.
std::optional<std::string> normalize_link_code(std::string_view typed);

// 8 symbols from 5 bytes of RAND_bytes. Throws std::runtime_error if the random generator fails
// (OpenSSL could not seed itself); a predictable code must never be handed out.
std::string new_link_code();

}  // namespace shotcall::identity
