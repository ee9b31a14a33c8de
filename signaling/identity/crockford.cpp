#include "signaling/identity/crockford.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace shotcall::identity {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// The canonical symbol a typed character stands for, or '\0' when it stands for none.
char canonical_symbol(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  switch (c) {
    case 'O':
      return '0';
    case 'I':
    case 'L':
      return '1';
    case 'U':
      return '\0';  // left out of the alphabet so codes cannot spell obscenities
    default:
      break;
  }
  for (const char* p = kAlphabet; *p != '\0'; ++p) {
    if (*p == c) return c;
  }
  return '\0';
}

}  // namespace

std::string crockford_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  std::uint32_t acc = 0;  // bits not yet emitted, right-aligned
  int bits = 0;
  for (const std::uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += kAlphabet[(acc >> bits) & 31];
    }
    acc &= (1u << bits) - 1;
  }
  if (bits > 0) out += kAlphabet[(acc << (5 - bits)) & 31];
  return out;
}

std::optional<std::string> normalize_link_code(std::string_view typed) {
  std::string code;
  for (const char c : typed) {
    if (c == '-' || c == ' ') continue;
    const char symbol = canonical_symbol(c);
    if (symbol == '\0' || code.size() == kLinkCodeLength) return std::nullopt;
    code += symbol;
  }
  if (code.size() != kLinkCodeLength) return std::nullopt;
  return code;
}

std::string new_link_code() {
  std::array<std::uint8_t, kLinkCodeLength * 5 / 8> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed: no link code can be made");
  }
  return crockford_encode(random);
}

}  // namespace shotcall::identity
