// When to ask the server for fresh ICE servers (the `refresh-ice-servers` extension,
// docs/protocol.md "Fresh ICE servers"). A server with time-limited TURN credentials (coturn's
// REST scheme) names their expiry in the username, `<expiry unix seconds>:<opaque>`; a client
// that stays connected for hours must renew them before then, or every link it builds later
// is refused by the TURN server. Pure: no clock, no sockets.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "signaling/protocol/messages.hpp"

namespace shotcall::net {

// Refreshes start at least this long before the expiry (when the lifetime allows it)...
inline constexpr std::int64_t kIceRefreshMinMarginMs = 60'000;
// ...and never sooner than this after the list arrived, so a list that is already expired by our
// clock (a client clock running ahead of the server's) cannot make the client ask in a loop.
inline constexpr std::int64_t kIceRefreshMinDelayMs = 1'000;
// An expired list (by our clock) is asked for again after this long.
inline constexpr std::int64_t kIceRefreshExpiredDelayMs = 60'000;

// The earliest expiry, in unix seconds, among the entries with a turn: or turns: URL whose
// username has the time-limited form `<digits>:…`; nullopt when there is none.
std::optional<std::int64_t> turn_credentials_expiry_s(
    const std::vector<protocol::IceServer>& servers);

// When (unix ms) to send refresh-ice-servers for `servers` received at `now_ms`: before the
// expiry by a tenth of the remaining lifetime, at least kIceRefreshMinMarginMs, but never later
// than halfway through the remaining lifetime (a short --turn-ttl is renewed at its middle) and
// never sooner than kIceRefreshMinDelayMs from now. nullopt: nothing expires, never ask.
std::optional<std::int64_t> ice_refresh_at_ms(const std::vector<protocol::IceServer>& servers,
                                              std::int64_t now_ms);

}  // namespace shotcall::net
