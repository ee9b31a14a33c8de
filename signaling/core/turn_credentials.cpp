#include "signaling/core/turn_credentials.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace shotcall::core {

std::array<std::uint8_t, 20> hmac_sha1(std::string_view key, std::string_view message) {
  std::array<std::uint8_t, 20> digest{};
  unsigned int size = 0;
  // The one-shot HMAC() is not among OpenSSL 3's deprecated calls; it fails only when out of
  // memory, and then the all-zero MAC gives a credential coturn refuses.
  static const unsigned char kNothing = 0;
  const auto* key_bytes =
      key.empty() ? &kNothing : reinterpret_cast<const unsigned char*>(key.data());
  const auto* message_bytes =
      message.empty() ? &kNothing : reinterpret_cast<const unsigned char*>(message.data());
  if (!HMAC(EVP_sha1(), key_bytes, static_cast<int>(key.size()), message_bytes, message.size(),
            digest.data(), &size) ||
      size != digest.size())
    digest.fill(0);
  return digest;
}

std::string base64_encode(const std::uint8_t* bytes, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, static_cast<int>(size));
  out.resize(written > 0 ? static_cast<std::size_t>(written) : 0);
  return out;
}

TurnCredential mint_turn_credential(std::string_view secret, std::int64_t expires_unix_s,
                                    std::string_view opaque) {
  TurnCredential c;
  c.username = std::to_string(expires_unix_s);
  c.username += ':';
  c.username += opaque;
  const auto mac = hmac_sha1(secret, c.username);
  c.credential = base64_encode(mac.data(), mac.size());
  return c;
}

protocol::IceServer turn_ice_server(const TurnSecretConfig& config, std::int64_t now_ms,
                                    std::string_view opaque) {
  // Whole seconds, rounded down: the credential lives at most ttl_s.
  const std::int64_t now_s = now_ms >= 0 ? now_ms / 1000 : (now_ms - 999) / 1000;
  auto minted = mint_turn_credential(config.secret, now_s + config.ttl_s, opaque);
  return protocol::IceServer{config.urls, std::move(minted.username), std::move(minted.credential)};
}

}  // namespace shotcall::core
