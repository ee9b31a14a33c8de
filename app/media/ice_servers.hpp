// Turns the protocol's RTCIceServer list into the URI forms webrtcbin takes
// (stun://host:port, turn(s)://user:password@host:port). Pure: GLib only, for URI escaping.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "signaling/protocol/messages.hpp"

namespace shotcall::media {

struct GstIceUris {
  std::optional<std::string> stun;  // webrtcbin holds one STUN server; the first one wins
  std::vector<std::string> turn;    // each goes to add-turn-server
  std::vector<std::string> skipped; // URLs we could not use, for a log line
};

GstIceUris to_gst_ice_uris(const std::vector<shotcall::protocol::IceServer>& servers);

}  // namespace shotcall::media
