// Checks on an Ed25519 public key's encoding that OpenSSL 3.0 does not make (see
// ed25519_verify.cpp for what it does make). Internal to the identity library.
#pragma once

#include <cstdint>
#include <span>

namespace shotcall::identity {

enum class PointCheck {
  Ok,
  NonCanonical,  // y >= p, or x = 0 with the sign bit set (RFC 8032 §5.1.3 steps 1 and 4)
  NotOnCurve,    // no x with -x^2 + y^2 = 1 + d x^2 y^2 (§5.1.3 step 3)
  SmallOrder,    // [8]A is the identity: A lies in the torsion subgroup of order 8
  Failed,        // OpenSSL ran out of memory; treat as a refusal
};

// Decodes the 32-byte point as RFC 8032 §5.1.3 says, strictly, and tests its order by
// multiplying by the cofactor 8 in affine coordinates. Variable time: public keys are public.
PointCheck check_public_point(std::span<const std::uint8_t, 32> encoded);

}  // namespace shotcall::identity
