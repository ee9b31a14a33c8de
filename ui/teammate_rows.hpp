// The teammates of the current game as rows for the window: who they are (from the detected
// roster), whether they run Shotcall and how their link is doing (from the session's links).
// Pure: the session's LinkInfo is copied into PeerLinkView by the controller.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/mesh/peer_state.hpp"
#include "ui/peer_memory.hpp"
#include "ui/status_text.hpp"

namespace shotcall::ui {

struct RosterEntry {
  std::string riot_id;
  std::string champion;  // may be empty (manual or server-side detection)
  std::string position;  // TOP, JUNGLE, MIDDLE, BOTTOM, UTILITY or empty
  int played_before = 0;  // stored games played together before (app/history)
};

// The path a connected link's audio takes (the engine's PeerStats::LinkRoute).
enum class LinkPath { Unknown, Direct, Relayed };

// One teammate's link as the session sees it.
struct PeerLinkView {
  std::string key;      // folded Riot ID
  std::string riot_id;  // display form
  bool in_channel = false;  // they are in our channel now (they run Shotcall)
  bool has_link = false;    // the session built a voice link to them
  mesh::PeerPhase phase = mesh::PeerPhase::New;
  std::string reason;       // why it failed or closed
  double rtt_ms = -1;       // -1 until known
  std::int64_t packets_lost = 0;
  std::uint64_t packets_received = 0;
  bool heard = false;       // their audio has arrived at least once
  bool speaking = false;
  LinkPath path = LinkPath::Unknown;  // while connected
  std::string local_candidate;        // the selected pair's candidate types (host, srflx, relay)
  std::string remote_candidate;
  // Why the link last failed, in words; empty once it connected again (LinkInfo::failure).
  std::string failure;
  // identity-1: what the server vouches for (meaningful while they are in our channel).
  protocol::IdentityLevel identity = protocol::IdentityLevel::None;
  int played_before = 0;  // stored games played together before (app/history)
};

enum class Quality { Unknown, Good, Fair, Poor };

struct TeammateRow {
  std::string key;
  std::string riot_id;
  std::string champion;
  std::string position;     // as the game says it, e.g. "JUNGLE"
  bool has_shotcall = false;
  std::string state_text;   // "Connected", "Not running Shotcall", ...
  Quality quality = Quality::Unknown;
  std::string quality_text; // "38 ms · 0.4% loss", empty when not connected
  std::string route_text;   // "Direct" or "Relayed" while connected and known, else empty
  std::string route_description;  // what route_text means, for the tooltip and screen reader
  std::string route_name;  // "Direct connection to Ñandú#ÁÉ": route_text's accessible name
  // The words when the teammate cannot be reached (what was tried, what would help); empty
  // while connected or when nothing failed.
  std::string failure_text;
  bool speaking = false;
  bool controls_enabled = false;  // volume and mute apply (a link exists)
  double volume = kDefaultPeerVolume;
  bool muted = false;
  // Their identity level, for teammates who run Shotcall (nobody vouches for the others).
  std::optional<IdentityBadge> badge;
  // "Played together 3 times before" (the larger count of the roster's and the link's); empty
  // for someone new.
  std::string played_before_text;
  // "Ñandú#ÁÉ, Garen, connected, 38 milliseconds" for a screen reader.
  std::string accessible_summary;
};

// Rows in roster order (the player left out), then anyone linked who is not on the roster.
// A teammate's state is the channel's, never our own pipeline's: `we_are_in_channel` false (still
// joining, no server, our voice would not start) turns "Not running Shotcall" into "Not in the
// call yet", since nobody can tell then.
std::vector<TeammateRow> build_rows(const std::vector<RosterEntry>& roster,
                                    const std::vector<PeerLinkView>& links,
                                    const std::string& my_key, const PeerMemory& memory,
                                    bool we_are_in_channel = true);

Quality rate_quality(double rtt_ms, std::int64_t lost, std::uint64_t received);
// "38 ms · 0.4% loss"; "measuring…" before the first round trip is known.
std::string quality_text(double rtt_ms, std::int64_t lost, std::uint64_t received);
// The route as the row shows it ("Direct"/"Relayed"), a sentence saying what that means, and
// what a screen reader says ("direct connection"); all empty for Unknown.
struct RouteWords {
  std::string label;
  std::string description;
  std::string spoken;
};
RouteWords route_words(LinkPath path, const std::string& local_candidate,
                       const std::string& remote_candidate);
// "" for 0, "Played together once before", "Played together 3 times before".
std::string played_before_text(int games);
// "Top", "Jungle", "Mid", "Bot", "Support", or "" for anything else.
std::string position_label(const std::string& position);

}  // namespace shotcall::ui
