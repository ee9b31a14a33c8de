// Words for a teammate we could not reach: what was tried (a relay or not, which kinds of
// address each side offered) and what the user can do about it. Pure: no GStreamer, no IO.
//
// ICE candidate types: host (an address of the machine), srflx and prflx (the public address a
// NAT maps it to, learnt from STUN or from the remote), relay (an address on a TURN server).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace shotcall::mesh {

struct ReachAttempt {
  std::string peer_name;               // as the user knows them
  bool turn_configured = false;        // the link had at least one TURN server
  bool relay_only = false;             // ICE transport policy "relay"
  std::set<std::string> local_types;   // candidate types we gathered
  std::set<std::string> remote_types;  // candidate types the remote offered
};

// One or two sentences: why, what was tried, and what to do. E.g. "Can't reach Ana#EUW: no
// direct path between your networks, and this server offers no relay (TURN). Ask the server's
// admin to add one. Tried your local address (host) and Ana#EUW's local address (host)."
std::string unreachable_reason(const ReachAttempt& attempt);

// The `typ` of an ICE candidate line ("candidate:1 1 UDP 2015363327 10.0.0.2 39545 typ host"),
// with or without "a=" in front; nullopt when it has none.
std::optional<std::string> candidate_type(std::string_view candidate);

// The types of every a=candidate line in an SDP.
std::set<std::string> sdp_candidate_types(std::string_view sdp);

}  // namespace shotcall::mesh
