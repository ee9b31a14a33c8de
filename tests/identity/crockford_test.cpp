#include "signaling/identity/crockford.hpp"

#include <gtest/gtest.h>

#include <set>

#include "tests/identity/hex.hpp"

namespace shotcall::identity {
namespace {

using test::bytes_of;
using test::from_hex;

// Expected strings computed independently: Python's RFC 4648 base32 with its alphabet mapped onto
// Crockford's, padding removed:
//   std, cro = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
//   base64.b32encode(b).decode().rstrip("=").translate(str.maketrans(std, cro))
TEST(Crockford, EncodesFoobar) { EXPECT_EQ(crockford_encode(bytes_of("foobar")), "CSQPYRK1E8"); }

TEST(Crockford, PadsTheLastGroupWithZeroBits) {
  EXPECT_EQ(crockford_encode(bytes_of("")), "");
  EXPECT_EQ(crockford_encode(bytes_of("f")), "CR");     // 01100 110(00)
  EXPECT_EQ(crockford_encode(bytes_of("fo")), "CSQG");  // 16 bits -> 4 symbols
}

TEST(Crockford, UsesTheWholeAlphabetAndNoOther) {
  EXPECT_EQ(crockford_encode(from_hex("0000000000")), "00000000");
  EXPECT_EQ(crockford_encode(from_hex("ffffffffff")), "ZZZZZZZZ");
  // 0x00443214c74254b635cf84653a56d7c675be77df: the 32 values 0..31 in 5-bit groups.
  EXPECT_EQ(crockford_encode(from_hex("00443214c74254b635cf84653a56d7c675be77df")),
            "0123456789ABCDEFGHJKMNPQRSTVWXYZ");
}

TEST(LinkCode, NormalizesWhatPeopleType) {
  EXPECT_EQ(normalize_link_code("ABCD1234"), "ABCD1234");
  EXPECT_EQ(normalize_link_code("abcd1234"), "ABCD1234");
  EXPECT_EQ(normalize_link_code("abcd-1234"), "ABCD1234");
  EXPECT_EQ(normalize_link_code(" AB CD-12 34 "), "ABCD1234");
  EXPECT_EQ(normalize_link_code("xyzw-qrst"), "XYZWQRST");
}

TEST(LinkCode, ReadsLookAlikesAsDigits) {
  EXPECT_EQ(normalize_link_code("OoIiLl00"), "00111100");
  EXPECT_EQ(normalize_link_code("hold-only"), "H01D0N1Y");
}

TEST(LinkCode, RefusesUAndForeignCharacters) {
  EXPECT_EQ(normalize_link_code("ABCDU234"), std::nullopt);
  EXPECT_EQ(normalize_link_code("abcdu234"), std::nullopt);
  EXPECT_EQ(normalize_link_code("ABCD_234"), std::nullopt);
  EXPECT_EQ(normalize_link_code("ABCD.234"), std::nullopt);
  EXPECT_EQ(normalize_link_code("ABCD\t1234"), std::nullopt);
  EXPECT_EQ(normalize_link_code("ABCD\xC3\x89" "1234"), std::nullopt);
  EXPECT_EQ(normalize_link_code("ABCD123*"), std::nullopt);  // no check symbols either
}

TEST(LinkCode, RefusesOtherLengths) {
  EXPECT_EQ(normalize_link_code(""), std::nullopt);
  EXPECT_EQ(normalize_link_code("--------"), std::nullopt);
  EXPECT_EQ(normalize_link_code("ABCD123"), std::nullopt);
  EXPECT_EQ(normalize_link_code("ABCD12345"), std::nullopt);
}

TEST(LinkCode, NewCodesAreCanonicalAndVary) {
  std::set<std::string> seen;
  for (int i = 0; i < 64; ++i) {
    const std::string code = new_link_code();
    ASSERT_EQ(code.size(), kLinkCodeLength);
    EXPECT_EQ(normalize_link_code(code), code);
    seen.insert(code);
  }
  // 64 draws of 40 random bits: a repeat has probability about 2^-29.
  EXPECT_EQ(seen.size(), 64u);
}

}  // namespace
}  // namespace shotcall::identity
