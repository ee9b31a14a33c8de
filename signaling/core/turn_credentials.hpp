// Time-limited TURN credentials in coturn's REST scheme (`use-auth-secret`, the "TURN REST API"
// draft, draft-uberti-behave-turn-rest-00): the server and coturn share a secret; a credential is
// valid until the time its username names, and coturn checks it without asking anyone.
// Pure: OpenSSL's libcrypto only, no clock, no randomness (the caller passes both in).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signaling/protocol/messages.hpp"

namespace shotcall::core {

// How long a credential stays valid after the registration that received it. 12 hours, not
// coturn's usual 24: one evening of games fits (a credential only has to be valid when a relay is
// allocated or refreshed during a call, and every reconnection brings a fresh one), while a
// credential copied out of a client (browser tools, a log) is useful to others for half as long.
inline constexpr std::int64_t kDefaultTurnTtlS = 12 * 3600;

// What the server hands out (PairingConfig::turn_secret).
struct TurnSecretConfig {
  std::vector<std::string> urls;  // the TURN servers that share the secret
  std::string secret;             // never logged, printed or echoed
  std::int64_t ttl_s = kDefaultTurnTtlS;
};

// HMAC-SHA1 (RFC 2104) of `message` under `key`.
std::array<std::uint8_t, 20> hmac_sha1(std::string_view key, std::string_view message);

// Standard base64 (RFC 4648 §4, with padding): what coturn compares the credential against.
std::string base64_encode(const std::uint8_t* bytes, std::size_t size);

struct TurnCredential {
  std::string username;    // "<expires_unix_s>:<opaque>"
  std::string credential;  // base64(HMAC-SHA1(secret, username))
  friend bool operator==(const TurnCredential&, const TurnCredential&) = default;
};

// The credential valid until `expires_unix_s`. `opaque` must hold no ':' (coturn reads the
// expiry up to the first one) and should say nothing about the player: coturn logs usernames,
// and TURN sends them in clear text.
TurnCredential mint_turn_credential(std::string_view secret, std::int64_t expires_unix_s,
                                    std::string_view opaque);

// The RTCIceServer entry for `config`'s servers, valid for ttl_s from `now_ms` (unix ms).
protocol::IceServer turn_ice_server(const TurnSecretConfig& config, std::int64_t now_ms,
                                    std::string_view opaque);

}  // namespace shotcall::core
