// The teammates of the current game as rows for the window: who they are (from the detected
// roster), whether they run Shotcall and how their link is doing (from the session's links).
// Pure: the session's LinkInfo is copied into PeerLinkView by the controller.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/mesh/peer_state.hpp"
#include "ui/peer_memory.hpp"
#include "ui/status_text.hpp"

namespace shotcall::ui {

struct RosterEntry {
  std::string riot_id;
  std::string champion;  // may be empty (manual or server-side detection)
  std::string position;  // TOP, JUNGLE, MIDDLE, BOTTOM, UTILITY or empty
};

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
  // identity-1: what the server vouches for (meaningful while they are in our channel).
  protocol::IdentityLevel identity = protocol::IdentityLevel::None;
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
  bool speaking = false;
  bool controls_enabled = false;  // volume and mute apply (a link exists)
  double volume = kDefaultPeerVolume;
  bool muted = false;
  // Their identity level, for teammates who run Shotcall (nobody vouches for the others).
  std::optional<IdentityBadge> badge;
  // "Ñandú#ÁÉ, Garen, connected, 38 milliseconds" for a screen reader.
  std::string accessible_summary;
};

// Rows in roster order (the player left out), then anyone linked who is not on the roster.
std::vector<TeammateRow> build_rows(const std::vector<RosterEntry>& roster,
                                    const std::vector<PeerLinkView>& links,
                                    const std::string& my_key, const PeerMemory& memory);

Quality rate_quality(double rtt_ms, std::int64_t lost, std::uint64_t received);
// "38 ms · 0.4% loss"; "measuring…" before the first round trip is known.
std::string quality_text(double rtt_ms, std::int64_t lost, std::uint64_t received);
// "Top", "Jungle", "Mid", "Bot", "Support", or "" for anything else.
std::string position_label(const std::string& position);

}  // namespace shotcall::ui
