// Strict Ed25519 verification.
//
// What OpenSSL 3.0's EVP_DigestVerify (ossl_ed25519_verify) already enforces, and what we add:
// - S < L: enforced by OpenSSL (it returns 0 for S >= L). We check it too, first, so the caller
//   learns *why* (NonCanonicalS) and so the rule holds whatever libcrypto is linked.
// - Canonical y (< p): NOT enforced; OpenSSL's field decoding reduces y modulo p, so p + 1 is
//   accepted as the identity point's y. Ours.
// - x = 0 with the sign bit set: NOT rejected by OpenSSL (it negates x = 0 to itself). Ours.
// - A key not on the curve: rejected by OpenSSL (its decoding finds no square root), but only as
//   a failed verification. We report it as BadKeyEncoding.
// - Small-order keys: NOT rejected. With A = the identity, R = the identity and S = 0 "verify"
//   for every message (tests/identity/ed25519_verify_test.cpp shows OpenSSL accepting that).
//   Ours: we multiply A by the cofactor 8 and refuse the key when the result is the identity,
//   which covers all 8 torsion points. (Their non-canonical encodings are already refused by the
//   two encoding checks above.)
// - R is not checked for canonical encoding by either of us: the signature check recomputes R
//   from the hash, so a non-canonical R only fails to match. The protocol does not ask for more.
// - The verification equation is OpenSSL's cofactorless [S]B = R + [k]A (§5.1.7 permits either).
#include <openssl/err.h>

#include "common/openssl_ptr.hpp"
#include "signaling/identity/ed25519.hpp"
#include "signaling/identity/ed25519_point.hpp"

namespace shotcall::identity {
namespace {

// L = 2^252 + 27742317777372353535851937790883648493, the order of the base point, little endian.
constexpr std::array<std::uint8_t, 32> kGroupOrder = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

// S (little endian) < L, compared from the most significant byte. Variable time: S is public.
bool scalar_below_order(std::span<const std::uint8_t> s) {
  for (std::size_t i = 32; i-- > 0;) {
    if (s[i] != kGroupOrder[i]) return s[i] < kGroupOrder[i];
  }
  return false;  // S == L
}

bool openssl_verifies(std::span<const std::uint8_t> public_key,
                      std::span<const std::uint8_t> message,
                      std::span<const std::uint8_t> signature) {
  const EvpPkeyPtr key(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size()));
  const EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!key || !ctx) return false;
  // Ed25519 is "pure" EdDSA: no separate digest, the message goes in whole.
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  static const std::uint8_t kNothing = 0;  // an empty span may carry a null pointer
  const std::uint8_t* data = message.empty() ? &kNothing : message.data();
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data, message.size()) == 1;
}

}  // namespace

VerifyResult ed25519_verify(std::span<const std::uint8_t> public_key,
                            std::span<const std::uint8_t> message,
                            std::span<const std::uint8_t> signature) {
  if (public_key.size() != kPublicKeyBytes) return VerifyResult::BadKeyEncoding;
  if (signature.size() != kSignatureBytes) return VerifyResult::BadSignatureEncoding;

  switch (check_public_point(public_key.first<kPublicKeyBytes>())) {
    case PointCheck::Ok:
      break;
    case PointCheck::NonCanonical:
    case PointCheck::NotOnCurve:
      return VerifyResult::BadKeyEncoding;
    case PointCheck::SmallOrder:
      return VerifyResult::SmallOrderKey;
    case PointCheck::Failed:
      return VerifyResult::Mismatch;
  }
  if (!scalar_below_order(signature.subspan(32))) return VerifyResult::NonCanonicalS;

  // A failed verification may leave entries on the thread's OpenSSL error queue; they are not
  // errors of the caller's, so the queue is left as it was found.
  ERR_set_mark();
  const bool ok = openssl_verifies(public_key, message, signature);
  ERR_pop_to_mark();
  return ok ? VerifyResult::Ok : VerifyResult::Mismatch;
}

}  // namespace shotcall::identity
