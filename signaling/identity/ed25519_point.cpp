#include "signaling/identity/ed25519_point.hpp"

#include <openssl/err.h>

#include <array>

#include "common/openssl_ptr.hpp"

namespace shotcall::identity {
namespace {

// Arithmetic modulo p = 2^255 - 19 on BIGNUMs taken from one BN_CTX frame. Every helper returns
// false only when OpenSSL fails to allocate.
class Field {
 public:
  explicit Field(BN_CTX* ctx) : ctx_(ctx) { BN_CTX_start(ctx_); }
  ~Field() { BN_CTX_end(ctx_); }
  Field(const Field&) = delete;
  Field& operator=(const Field&) = delete;

  // p and d = -121665/121666 (RFC 8032 §5.1). False when OpenSSL failed.
  bool init() {
    p_ = BN_CTX_get(ctx_);
    d_ = BN_CTX_get(ctx_);
    BIGNUM* num = BN_CTX_get(ctx_);
    BIGNUM* den = BN_CTX_get(ctx_);
    if (den == nullptr) return false;
    return BN_set_bit(p_, 255) == 1 && BN_sub_word(p_, 19) == 1 && BN_set_word(num, 121665) == 1 &&
           BN_set_word(den, 121666) == 1 && BN_mod_sub(num, p_, num, p_, ctx_) == 1 &&
           inverse(den, den) && mul(d_, num, den);
  }

  BIGNUM* fresh() { return BN_CTX_get(ctx_); }
  const BIGNUM* p() const { return p_; }
  const BIGNUM* d() const { return d_; }

  bool mul(BIGNUM* r, const BIGNUM* a, const BIGNUM* b) {
    return BN_mod_mul(r, a, b, p_, ctx_) == 1;
  }
  bool add(BIGNUM* r, const BIGNUM* a, const BIGNUM* b) {
    return BN_mod_add(r, a, b, p_, ctx_) == 1;
  }
  bool sub(BIGNUM* r, const BIGNUM* a, const BIGNUM* b) {
    return BN_mod_sub(r, a, b, p_, ctx_) == 1;
  }
  bool inverse(BIGNUM* r, const BIGNUM* a) { return BN_mod_inverse(r, a, p_, ctx_) != nullptr; }
  // False for a non-residue as well as for a failure; the caller tells them apart by squaring.
  bool sqrt(BIGNUM* r, const BIGNUM* a) {
    // BN_mod_sqrt pushes "not a square" onto the thread's error queue; leave the queue as it was.
    ERR_set_mark();
    const bool ok = BN_mod_sqrt(r, a, p_, ctx_) != nullptr;
    ERR_pop_to_mark();
    return ok;
  }

  // (x, y) <- 2 (x, y) on -x^2 + y^2 = 1 + d x^2 y^2, affine:
  //   x' = 2xy / (1 + d x^2 y^2),  y' = (y^2 + x^2) / (1 - d x^2 y^2).
  // The curve's addition law is complete (d is not a square), so neither denominator is zero.
  bool double_point(BIGNUM* x, BIGNUM* y) {
    BIGNUM* xx = fresh();
    BIGNUM* yy = fresh();
    BIGNUM* xy = fresh();
    BIGNUM* t = fresh();
    BIGNUM* den = fresh();
    BIGNUM* one = fresh();
    if (one == nullptr || BN_one(one) != 1) return false;
    return mul(xx, x, x) && mul(yy, y, y) && mul(xy, x, y) && mul(t, xx, yy) && mul(t, t, d_) &&
           // x' = 2xy / (1 + t)
           add(den, one, t) && inverse(den, den) && add(xy, xy, xy) && mul(x, xy, den) &&
           // y' = (yy + xx) / (1 - t)
           sub(den, one, t) && inverse(den, den) && add(yy, yy, xx) && mul(y, yy, den);
  }

 private:
  BN_CTX* ctx_;
  BIGNUM* p_ = nullptr;
  BIGNUM* d_ = nullptr;
};

}  // namespace

PointCheck check_public_point(std::span<const std::uint8_t, 32> encoded) {
  const BnCtxPtr ctx(BN_CTX_new());
  if (!ctx) return PointCheck::Failed;
  Field f(ctx.get());
  if (!f.init()) return PointCheck::Failed;

  // §5.1.3 step 1: bit 255 is the sign of x, bits 0..254 are y, little endian; y must be < p.
  std::array<std::uint8_t, 32> y_bytes{};
  for (std::size_t i = 0; i < 32; ++i) y_bytes[i] = encoded[i];
  const bool x_odd = (y_bytes[31] & 0x80) != 0;
  y_bytes[31] &= 0x7F;
  BIGNUM* y = f.fresh();
  BIGNUM* x = f.fresh();
  BIGNUM* u = f.fresh();
  BIGNUM* v = f.fresh();
  BIGNUM* check = f.fresh();
  BIGNUM* one = f.fresh();
  if (one == nullptr || BN_one(one) != 1) return PointCheck::Failed;
  if (BN_lebin2bn(y_bytes.data(), static_cast<int>(y_bytes.size()), y) == nullptr) {
    return PointCheck::Failed;
  }
  if (BN_cmp(y, f.p()) >= 0) return PointCheck::NonCanonical;

  // Step 2/3: x^2 = (y^2 - 1) / (d y^2 + 1).
  if (!f.mul(v, y, y) || !f.sub(u, v, one) || !f.mul(v, v, f.d()) || !f.add(v, v, one) ||
      !f.inverse(v, v) || !f.mul(u, u, v)) {
    return PointCheck::Failed;
  }
  if (BN_is_zero(u)) {
    // Step 4: x = 0 has no negative; a set sign bit is a second spelling of the same point.
    if (x_odd) return PointCheck::NonCanonical;
    BN_zero(x);
  } else {
    if (!f.sqrt(x, u)) {
      // u is not a square (or, far less likely, OpenSSL could not allocate): refused either way.
      return PointCheck::NotOnCurve;
    }
    if (!f.mul(check, x, x)) return PointCheck::Failed;
    if (BN_cmp(check, u) != 0) return PointCheck::NotOnCurve;
    // Step 4: choose the root whose parity is the sign bit.
    if ((BN_is_odd(x) != 0) != x_odd && BN_sub(x, f.p(), x) != 1) return PointCheck::Failed;
  }

  // Small order: the torsion points are exactly those with [8]A = identity (0, 1).
  for (int i = 0; i < 3; ++i) {
    if (!f.double_point(x, y)) return PointCheck::Failed;
  }
  if (BN_is_zero(x) && BN_is_one(y)) return PointCheck::SmallOrder;
  return PointCheck::Ok;
}

}  // namespace shotcall::identity
