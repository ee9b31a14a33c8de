#include "signaling/identity/base64url.hpp"

#include <gtest/gtest.h>

#include "tests/identity/hex.hpp"

namespace shotcall::identity {
namespace {

using test::bytes_of;
using test::from_hex;

// RFC 4648 §10 vectors, '=' padding removed (base64 and base64url agree on these).
TEST(Base64Url, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(base64url_encode(bytes_of("")), "");
  EXPECT_EQ(base64url_encode(bytes_of("f")), "Zg");
  EXPECT_EQ(base64url_encode(bytes_of("fo")), "Zm8");
  EXPECT_EQ(base64url_encode(bytes_of("foo")), "Zm9v");
  EXPECT_EQ(base64url_encode(bytes_of("foob")), "Zm9vYg");
  EXPECT_EQ(base64url_encode(bytes_of("fooba")), "Zm9vYmE");
  EXPECT_EQ(base64url_encode(bytes_of("foobar")), "Zm9vYmFy");
}

TEST(Base64Url, UsesDashAndUnderscore) {
  // python3: base64.urlsafe_b64encode(bytes.fromhex("fbff")) == b"-_8="
  EXPECT_EQ(base64url_encode(from_hex("fbff")), "-_8");
  EXPECT_EQ(base64url_encode(from_hex("fffefd")), "__79");
}

TEST(Base64Url, EncodesA32ByteKey) {
  // RFC 8032 TEST 1 public key; python3 base64.urlsafe_b64encode(...).rstrip(b"=").
  const auto key = from_hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  EXPECT_EQ(base64url_encode(key), "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  EXPECT_EQ(base64url_decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"), key);
}

TEST(Base64Url, RoundTripsEveryLengthAndByteValue) {
  std::vector<std::uint8_t> bytes;
  for (int n = 0; n < 300; ++n) {
    const auto decoded = base64url_decode(base64url_encode(bytes));
    ASSERT_TRUE(decoded.has_value()) << "length " << n;
    EXPECT_EQ(*decoded, bytes) << "length " << n;
    bytes.push_back(static_cast<std::uint8_t>(n * 37 + 11));
  }
}

TEST(Base64Url, DecodesEmptyText) { EXPECT_EQ(base64url_decode(""), std::vector<std::uint8_t>{}); }

TEST(Base64Url, RefusesPadding) {
  EXPECT_FALSE(base64url_decode("Zg=="));
  EXPECT_FALSE(base64url_decode("Zm8="));
  EXPECT_FALSE(base64url_decode("===="));
}

TEST(Base64Url, RefusesTheStandardAlphabetsPlusAndSlash) {
  EXPECT_FALSE(base64url_decode("+_8"));
  EXPECT_FALSE(base64url_decode("-/8"));
}

TEST(Base64Url, RefusesWhitespaceAnywhere) {
  EXPECT_FALSE(base64url_decode(" Zm9v"));
  EXPECT_FALSE(base64url_decode("Zm9v "));
  EXPECT_FALSE(base64url_decode("Zm\n9v"));
  EXPECT_FALSE(base64url_decode("Zm9v\r"));
  EXPECT_FALSE(base64url_decode("Zm\t9v"));
}

TEST(Base64Url, RefusesOtherCharacters) {
  EXPECT_FALSE(base64url_decode("Zm9v."));
  EXPECT_FALSE(base64url_decode(std::string_view("Zm\0v", 4)));
  EXPECT_FALSE(base64url_decode("Zm9\xC3\xA9"));
}

TEST(Base64Url, RefusesALengthOfOneModFour) {
  EXPECT_FALSE(base64url_decode("Z"));
  EXPECT_FALSE(base64url_decode("Zm9vY"));
  EXPECT_TRUE(base64url_decode("Zm9vYg"));  // 2 mod 4 and 3 mod 4 are fine
  EXPECT_TRUE(base64url_decode("Zm9vYmE"));
}

TEST(Base64Url, RefusesNonZeroTrailingBits) {
  // "Zg" is 'f' (0x66); "Zh".."Zv" set some of the 4 unused bits and would decode to 'f' too.
  EXPECT_TRUE(base64url_decode("Zg"));
  for (const char* text : {"Zh", "Zi", "Zj", "Zk", "Zp", "Zv"}) {
    EXPECT_FALSE(base64url_decode(text)) << text;
  }
  // "Zm8" is "fo"; the last character's 2 unused bits must be zero.
  EXPECT_TRUE(base64url_decode("Zm8"));
  for (const char* text : {"Zm9", "Zm-", "Zm_"}) EXPECT_FALSE(base64url_decode(text)) << text;
}

}  // namespace
}  // namespace shotcall::identity
