#include "signaling/identity/fingerprint.hpp"

#include <gtest/gtest.h>

#include <array>

#include "signaling/identity/crockford.hpp"
#include "tests/identity/hex.hpp"

namespace shotcall::identity {
namespace {

std::array<std::uint8_t, 32> key_of(std::string_view hex) {
  const auto bytes = test::from_hex(hex);
  std::array<std::uint8_t, 32> key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

// Computed independently with Python:
//   h = hashlib.sha256(bytes.fromhex(KEY)).digest()
//   base64.b32encode(h).decode().translate(str.maketrans(
//       "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ"))[:8]
// RFC 8032 TEST 1 key: sha256 = 21fe31dfa154a261..., fingerprint "47Z33QX1".
TEST(Fingerprint, OfRfc8032Test1Key) {
  EXPECT_EQ(
      key_fingerprint(key_of("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")),
      "47Z33QX1");
}

// RFC 8032 TEST 2 key: sha256 = 39f713d0a644253f..., fingerprint "77VH7M56".
TEST(Fingerprint, OfRfc8032Test2Key) {
  EXPECT_EQ(
      key_fingerprint(key_of("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")),
      "77VH7M56");
}

TEST(Fingerprint, IsAValidLinkCodeShapedString) {
  const std::string fp = key_fingerprint(key_of(std::string(64, '0')));
  EXPECT_EQ(fp.size(), 8u);
  EXPECT_EQ(normalize_link_code(fp), fp);
}

}  // namespace
}  // namespace shotcall::identity
