// Turns the protocol's RTCIceServer list into the URI forms webrtcbin takes
// (stun://host:port, turn(s)://user:password@host:port). Pure: GLib only, for URI escaping.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "signaling/protocol/messages.hpp"

namespace shotcall::media {

struct GstIceUris {
  std::optional<std::string> stun;  // the first of `stuns`
  // Every usable STUN server, in the order given. webrtcbin holds one STUN server per link, so
  // the links take turns: see stun_for_attempt.
  std::vector<std::string> stuns;
  std::vector<std::string> turn;    // each goes to add-turn-server
  std::vector<std::string> skipped; // URLs we could not use, for a log line
};

GstIceUris to_gst_ice_uris(const std::vector<shotcall::protocol::IceServer>& servers);

// The STUN server for a peer's link built the `attempt`-th time (0: the first link): the first
// server first, and every rebuild of a failed link the next one, round the list, so a STUN
// server that is down or blocked costs one attempt and every server given gets used.
std::optional<std::string> stun_for_attempt(const GstIceUris& uris, std::size_t attempt);

}  // namespace shotcall::media
