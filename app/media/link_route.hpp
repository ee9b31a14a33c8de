// Which path a link's audio takes, from the ICE entries of webrtcbin's get-stats reply: direct
// (host, server- or peer-reflexive candidates on both ends) or through a TURN relay. Pure: the
// GstStructure walk (stats_reader.cpp) copies the few fields it needs into RouteStats.
//
// What GStreamer 1.22.0 reports (printed from a two-engine loopback call):
//   transport:      selected-candidate-pair-id=ice-candidate-pair_webrtcnicetransport0
//   candidate-pair: local-candidate-id=ice-candidate-local_1_127.0.0.1_49767,
//                   remote-candidate-id=ice-candidate-remote_1_127.0.0.1_50789
//   candidate:      id=ice-candidate-local_1_127.0.0.1_49767, candidate-type=host, and a `type`
//                   of remote-candidate: 1.22.0 swaps local-candidate and remote-candidate in
//                   the `type` field, so candidates are found by the pair's ids, never by type.
// The pair has no "nominated"/"selected" field; the transport names the selected one.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "app/media/voice_engine.hpp"

namespace shotcall::media {

using LinkRoute = PeerStats::LinkRoute;

struct RouteStats {
  // selected-candidate-pair-id of every transport entry (max-bundle: one).
  std::vector<std::string> selected_pair_ids;
  // candidate-pair id -> {local-candidate-id, remote-candidate-id}
  std::map<std::string, std::pair<std::string, std::string>> pairs;
  // candidate id (local or remote) -> candidate-type
  std::map<std::string, std::string> candidate_types;
};

struct RouteInfo {
  LinkRoute route = LinkRoute::Unknown;
  std::string local_candidate_type;
  std::string remote_candidate_type;
};

// The selected pair's route; when no transport names one and exactly one pair is listed, that
// pair. Unknown while no pair with known candidate types is found.
RouteInfo route_from_stats(const RouteStats& stats);

// "direct", "relayed" or "unknown" (the peer report's and the event lines' word).
const char* route_name(LinkRoute route);

}  // namespace shotcall::media
