// Ed25519 (RFC 8032) for identity-1 proofs: strict verification for the server, a key pair with
// file storage for clients. Signing and the curve equation itself are OpenSSL's.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

namespace shotcall::identity {

inline constexpr std::size_t kPublicKeyBytes = 32;
inline constexpr std::size_t kSeedBytes = 32;
inline constexpr std::size_t kSignatureBytes = 64;

enum class VerifyResult {
  Ok,
  BadKeyEncoding,        // not 32 bytes, y >= p, x = 0 with the sign bit set, or not on the curve
  SmallOrderKey,         // one of the 8 points of order dividing 8 (any signature would "verify")
  BadSignatureEncoding,  // not 64 bytes
  NonCanonicalS,         // S >= L: a malleated copy of some signature
  Mismatch,              // well-formed, but not a signature of this message by this key
};

// RFC 8032 §5.1.7 with the checks protocol-identity.md asks for, ours made before OpenSSL's
// EVP_DigestVerify. Never throws; any OpenSSL failure is a Mismatch (a refusal).
VerifyResult ed25519_verify(std::span<const std::uint8_t> public_key,
                            std::span<const std::uint8_t> message,
                            std::span<const std::uint8_t> signature);

// A client's key pair. Holds the 32-byte private seed (RFC 8032 §5.1.5), wiped on destruction;
// the expanded key is derived by OpenSSL for each signature.
class KeyPair {
 public:
  // The raw public key, as `key` carries it (base64url).
  std::array<std::uint8_t, kPublicKeyBytes> public_key{};

  // A new random key (EVP_PKEY_keygen). nullopt only if OpenSSL fails.
  static std::optional<KeyPair> generate();
  // The key pair of a known seed (RFC 8032 test vectors, a key file). nullopt if OpenSSL fails.
  static std::optional<KeyPair> from_seed(std::span<const std::uint8_t, kSeedBytes> seed);

  // The client's key for one server, kept in `file` as the 32-byte seed and nothing else. Loads it
  // when the file exists; otherwise creates missing parent directories (mode 0700) and the file
  // (mode 0600, written under a temporary name in the same directory, then renamed into place
  // without replacing a file another process created meanwhile). Refuses a file that is not a
  // regular file owned by this user, is readable or writable by group or others, or is not
  // exactly 32 bytes. On refusal returns nullopt and puts into `error` what is wrong and what to
  // do about it.
  static std::optional<KeyPair> load_or_create(const std::filesystem::path& file,
                                               std::string& error);

  // The Ed25519 signature of `message` (deterministic). Throws std::runtime_error only if OpenSSL
  // cannot allocate.
  std::array<std::uint8_t, kSignatureBytes> sign(std::span<const std::uint8_t> message) const;

  // base64url of public_key: the `key` field.
  std::string public_base64url() const;

  // The seed, for writing it to the key file. Handle with care: it is the private key.
  const std::array<std::uint8_t, kSeedBytes>& seed() const { return seed_; }

  KeyPair(const KeyPair&) = default;
  KeyPair(KeyPair&&) = default;
  KeyPair& operator=(const KeyPair&) = default;
  KeyPair& operator=(KeyPair&&) = default;
  ~KeyPair();

 private:
  KeyPair() = default;
  std::array<std::uint8_t, kSeedBytes> seed_{};
};

}  // namespace shotcall::identity
