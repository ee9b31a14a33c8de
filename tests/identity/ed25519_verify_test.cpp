// ed25519_verify's own checks: sizes, canonical key encoding, small-order keys, S < L.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>

#include "signaling/identity/ed25519.hpp"
#include "tests/identity/hex.hpp"

namespace shotcall::identity {
namespace {

using test::from_hex;

// RFC 8032 TEST 2: a valid key, message and signature to start each mutation from.
const auto kKey = from_hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
const auto kMessage = from_hex("72");
const auto kSignature = from_hex(
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");

// L, the group order, little endian.
const auto kL = from_hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

// The identity point's encoding and the signature (R = identity, S = 0) that satisfies
// [S]B = R + [k]A for A = identity and every message.
const auto kIdentity = from_hex("0100000000000000000000000000000000000000000000000000000000000000");
std::vector<std::uint8_t> identity_forgery() {
  auto signature = kIdentity;
  signature.resize(64, 0);
  return signature;
}

// Plain OpenSSL verification, none of our checks: shows which of ours OpenSSL would miss.
bool openssl_alone_verifies(const std::vector<std::uint8_t>& key,
                            const std::vector<std::uint8_t>& message,
                            const std::vector<std::uint8_t>& signature) {
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = pkey != nullptr && ctx != nullptr &&
                  EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pkey) == 1 &&
                  EVP_DigestVerify(ctx, signature.data(), signature.size(), message.data(),
                                   message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  ERR_clear_error();
  return ok;
}

TEST(Ed25519Verify, TheStartingPointVerifies) {
  EXPECT_EQ(ed25519_verify(kKey, kMessage, kSignature), VerifyResult::Ok);
}

TEST(Ed25519Verify, RefusesKeysThatAreNot32Bytes) {
  for (const std::size_t size :
       {std::size_t{0}, std::size_t{31}, std::size_t{33}, std::size_t{64}}) {
    auto key = kKey;
    key.resize(size, 0);
    EXPECT_EQ(ed25519_verify(key, kMessage, kSignature), VerifyResult::BadKeyEncoding) << size;
  }
}

TEST(Ed25519Verify, RefusesSignaturesThatAreNot64Bytes) {
  for (const std::size_t size : {std::size_t{0}, std::size_t{63}, std::size_t{65}}) {
    auto signature = kSignature;
    signature.resize(size, 0);
    EXPECT_EQ(ed25519_verify(kKey, kMessage, signature), VerifyResult::BadSignatureEncoding)
        << size;
  }
}

// S + L is the classic malleated copy: [S + L]B = [S]B, so only the range check refuses it.
TEST(Ed25519Verify, RefusesSPlusL) {
  auto signature = kSignature;
  unsigned carry = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const unsigned sum = signature[32 + i] + kL[i] + carry;
    signature[32 + i] = static_cast<std::uint8_t>(sum);
    carry = sum >> 8;
  }
  ASSERT_EQ(carry, 0u);  // S + L still fits in 32 bytes (S < 2^253)
  EXPECT_EQ(ed25519_verify(kKey, kMessage, signature), VerifyResult::NonCanonicalS);
}

TEST(Ed25519Verify, RefusesSEqualToLAndAbove) {
  auto signature = kSignature;
  std::copy(kL.begin(), kL.end(), signature.begin() + 32);
  EXPECT_EQ(ed25519_verify(kKey, kMessage, signature), VerifyResult::NonCanonicalS);
  signature[63] = 0xFF;
  EXPECT_EQ(ed25519_verify(kKey, kMessage, signature), VerifyResult::NonCanonicalS);
  // L - 1 is in range: the signature no longer matches, but S is not the reason.
  std::copy(kL.begin(), kL.end(), signature.begin() + 32);
  signature[32] -= 1;
  EXPECT_EQ(ed25519_verify(kKey, kMessage, signature), VerifyResult::Mismatch);
}

// Every encoding of the 8 points of small order. The list is libsodium's blocklist
// (crypto_sign/ed25519/ref10/open.c) with the sign bit both clear and set; each entry was checked
// independently in Python (affine Edwards arithmetic, [8]P == (0, 1)). Canonical encodings are
// SmallOrderKey; the non-canonical ones (y >= p, or x = 0 with the sign bit) are BadKeyEncoding.
struct KeyCase {
  const char* hex;
  VerifyResult expected;
};
const KeyCase kSmallOrderEncodings[] = {
    // y = 0: (±sqrt(-1), 0), order 4; both signs are real points.
    {"0000000000000000000000000000000000000000000000000000000000000000",
     VerifyResult::SmallOrderKey},
    {"0000000000000000000000000000000000000000000000000000000000000080",
     VerifyResult::SmallOrderKey},
    // y = 1: the identity, order 1; x = 0 so the sign bit may not be set.
    {"0100000000000000000000000000000000000000000000000000000000000000",
     VerifyResult::SmallOrderKey},
    {"0100000000000000000000000000000000000000000000000000000000000080",
     VerifyResult::BadKeyEncoding},
    // The two y of the four points of order 8.
    {"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
     VerifyResult::SmallOrderKey},
    {"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
     VerifyResult::SmallOrderKey},
    {"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
     VerifyResult::SmallOrderKey},
    {"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
     VerifyResult::SmallOrderKey},
    // y = p - 1: (0, -1), order 2.
    {"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
     VerifyResult::SmallOrderKey},
    {"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     VerifyResult::BadKeyEncoding},
    // y = p (0 again) and y = p + 1 (1 again): non-canonical.
    {"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
     VerifyResult::BadKeyEncoding},
    {"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     VerifyResult::BadKeyEncoding},
    {"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
     VerifyResult::BadKeyEncoding},
    {"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     VerifyResult::BadKeyEncoding},
};

TEST(Ed25519Verify, RefusesEveryEncodingOfTheSmallOrderPoints) {
  int small = 0;
  for (const KeyCase& c : kSmallOrderEncodings) {
    EXPECT_EQ(ed25519_verify(from_hex(c.hex), kMessage, kSignature), c.expected) << c.hex;
    EXPECT_EQ(ed25519_verify(from_hex(c.hex), kMessage, identity_forgery()), c.expected) << c.hex;
    if (c.expected == VerifyResult::SmallOrderKey) ++small;
  }
  EXPECT_EQ(small, 8);  // the torsion subgroup has 8 points, each with one canonical encoding
}

TEST(Ed25519Verify, RefusesTheIdentityKeyThatOpenSslAloneAccepts) {
  // Why the small-order check is ours: OpenSSL 3.0 accepts (R = identity, S = 0) under the
  // identity key for any message, and also under two other spellings of that key.
  const auto message = test::bytes_of("shotcall-identity-1\nregister\nh\nc\nk\nvictim#EUW");
  EXPECT_TRUE(openssl_alone_verifies(kIdentity, message, identity_forgery()));
  EXPECT_EQ(ed25519_verify(kIdentity, message, identity_forgery()), VerifyResult::SmallOrderKey);

  const auto p_plus_one =
      from_hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
  EXPECT_TRUE(openssl_alone_verifies(p_plus_one, message, identity_forgery()));
  EXPECT_EQ(ed25519_verify(p_plus_one, message, identity_forgery()), VerifyResult::BadKeyEncoding);

  const auto signed_zero_x =
      from_hex("0100000000000000000000000000000000000000000000000000000000000080");
  EXPECT_TRUE(openssl_alone_verifies(signed_zero_x, message, identity_forgery()));
  EXPECT_EQ(ed25519_verify(signed_zero_x, message, identity_forgery()),
            VerifyResult::BadKeyEncoding);
}

TEST(Ed25519Verify, RefusesNonCanonicalY) {
  for (const char* hex : {
           // p itself, and 2^255 - 1 (the largest 255-bit y).
           "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
           "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
           "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
           // p + 3: y = 3 is on the curve (and not of small order), spelled with p added.
           "f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
       }) {
    EXPECT_EQ(ed25519_verify(from_hex(hex), kMessage, kSignature), VerifyResult::BadKeyEncoding)
        << hex;
  }
}

TEST(Ed25519Verify, AcceptsTheCanonicalSpellingOfAPointWhoseNonCanonicalOneIsRefused) {
  // y = 3 spelled canonically decodes to a point of large order: the key is fine, the signature
  // (made for another key) is not.
  const auto y3 = from_hex("0300000000000000000000000000000000000000000000000000000000000000");
  EXPECT_EQ(ed25519_verify(y3, kMessage, kSignature), VerifyResult::Mismatch);
}

TEST(Ed25519Verify, RefusesAKeyNotOnTheCurve) {
  // y = 2: (y^2 - 1) / (d y^2 + 1) is not a square mod p (checked in Python).
  const auto y2 = from_hex("0200000000000000000000000000000000000000000000000000000000000000");
  EXPECT_EQ(ed25519_verify(y2, kMessage, kSignature), VerifyResult::BadKeyEncoding);
}

TEST(Ed25519Verify, LeavesTheOpenSslErrorQueueAsItFoundIt) {
  ERR_clear_error();
  const auto y2 = from_hex("0200000000000000000000000000000000000000000000000000000000000000");
  auto signature = kSignature;
  signature[0] ^= 1;
  EXPECT_EQ(ed25519_verify(y2, kMessage, kSignature), VerifyResult::BadKeyEncoding);
  EXPECT_EQ(ed25519_verify(kKey, kMessage, signature), VerifyResult::Mismatch);
  EXPECT_EQ(ERR_peek_error(), 0u);
}

}  // namespace
}  // namespace shotcall::identity
