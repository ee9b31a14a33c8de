#include <openssl/crypto.h>
#include <openssl/err.h>

#include <stdexcept>

#include "common/openssl_ptr.hpp"
#include "signaling/identity/base64url.hpp"
#include "signaling/identity/ed25519.hpp"

namespace shotcall::identity {
namespace {

EvpPkeyPtr private_key_of(std::span<const std::uint8_t, kSeedBytes> seed) {
  return EvpPkeyPtr(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
}

// Reads the raw 32-byte seed and public key out of an OpenSSL key; false if it will not give them.
bool raw_keys_of(EVP_PKEY* key, std::array<std::uint8_t, kSeedBytes>& seed,
                 std::array<std::uint8_t, kPublicKeyBytes>& public_key) {
  std::size_t seed_len = seed.size();
  std::size_t public_len = public_key.size();
  return EVP_PKEY_get_raw_private_key(key, seed.data(), &seed_len) == 1 &&
         seed_len == seed.size() &&
         EVP_PKEY_get_raw_public_key(key, public_key.data(), &public_len) == 1 &&
         public_len == public_key.size();
}

}  // namespace

KeyPair::~KeyPair() { OPENSSL_cleanse(seed_.data(), seed_.size()); }

std::optional<KeyPair> KeyPair::generate() {
  const EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) return std::nullopt;
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_keygen(ctx.get(), &raw) != 1) return std::nullopt;
  const EvpPkeyPtr key(raw);
  KeyPair pair;
  if (!raw_keys_of(key.get(), pair.seed_, pair.public_key)) return std::nullopt;
  return pair;
}

std::optional<KeyPair> KeyPair::from_seed(std::span<const std::uint8_t, kSeedBytes> seed) {
  const EvpPkeyPtr key = private_key_of(seed);
  if (!key) return std::nullopt;
  KeyPair pair;
  if (!raw_keys_of(key.get(), pair.seed_, pair.public_key)) return std::nullopt;
  return pair;
}

std::array<std::uint8_t, kSignatureBytes> KeyPair::sign(
    std::span<const std::uint8_t> message) const {
  std::array<std::uint8_t, kSignatureBytes> signature{};
  const EvpPkeyPtr key = private_key_of(seed_);
  const EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  static const std::uint8_t kNothing = 0;  // an empty span may carry a null pointer
  const std::uint8_t* data = message.empty() ? &kNothing : message.data();
  std::size_t length = signature.size();
  if (!key || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), signature.data(), &length, data, message.size()) != 1 ||
      length != signature.size()) {
    ERR_clear_error();
    throw std::runtime_error("Ed25519 signing failed inside OpenSSL (out of memory?)");
  }
  return signature;
}

std::string KeyPair::public_base64url() const { return base64url_encode(public_key); }

}  // namespace shotcall::identity
