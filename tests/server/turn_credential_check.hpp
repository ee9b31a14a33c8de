// Time-limited TURN credentials checked from outside the server (issue 14): the HMAC recomputed
// with GLib, independently of the server's OpenSSL code, and the username taken apart.
#pragma once

#include <glib.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shotcall::test {

// base64(HMAC-SHA1(secret, username)): what coturn's use-auth-secret expects as the credential.
inline std::string expected_turn_credential(std::string_view secret, const std::string& username) {
  GHmac* hmac =
      g_hmac_new(G_CHECKSUM_SHA1, reinterpret_cast<const guchar*>(secret.data()), secret.size());
  g_hmac_update(hmac, reinterpret_cast<const guchar*>(username.data()),
                static_cast<gssize>(username.size()));
  guint8 digest[20];
  gsize size = sizeof digest;
  g_hmac_get_digest(hmac, digest, &size);
  g_hmac_unref(hmac);
  gchar* b64 = g_base64_encode(digest, size);
  std::string out = b64;
  g_free(b64);
  return out;
}

// "<expiry>:<opaque>" taken apart; nullopt when it is not of that form.
struct TurnUsername {
  std::int64_t expiry_s = 0;
  std::string opaque;
};
inline std::optional<TurnUsername> parse_turn_username(const std::string& username) {
  const auto colon = username.find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  gchar* end = nullptr;
  const std::string digits = username.substr(0, colon);
  const gint64 expiry = g_ascii_strtoll(digits.c_str(), &end, 10);
  if (!end || *end != '\0') return std::nullopt;
  return TurnUsername{expiry, username.substr(colon + 1)};
}

}  // namespace shotcall::test
