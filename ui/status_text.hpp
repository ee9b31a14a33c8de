// The game and call state in words for the top of the window: a headline, a sentence that says
// what is going on or what to do, and a tone for its colour. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/net/signaling_client.hpp"
#include "app/session/game_detector.hpp"
#include "app/session/session_core.hpp"

namespace shotcall::ui {

// Lan: League on another computer of the local network (its Live Client Data API forwarded).
enum class DetectionMode { Local, Server, Manual, Lan };
DetectionMode detection_mode_from_string(const std::string& text);  // settings value
const char* to_string(DetectionMode mode);

enum class Tone { Neutral, Good, Warning, Error };

struct GameSummary {
  std::string map_name;   // "Summoner's Rift"; may be empty
  std::string game_mode;  // "CLASSIC", ...
  std::string team_id;    // "100" or "200" (other values are shown as they are)
  std::string game_id;
};

struct StatusInputs {
  DetectionMode mode = DetectionMode::Local;
  std::string server_url;

  session::DetectorState detector = session::DetectorState::Waiting;
  std::string detector_detail;
  std::optional<GameSummary> game;  // the game being played now

  std::string setup_problem;  // nothing can start: e.g. no Riot ID for manual mode
  std::string session_error;  // the voice session could not be created
  std::string voice_error;    // the voice pipeline broke while running

  bool session_running = false;
  net::LinkState link = net::LinkState::Connecting;
  std::string link_detail;
  session::Phase phase = session::Phase::Offline;
  std::string phase_detail;
  bool watching = false;       // server-side detection: the server watches our Riot ID
  std::string watch_problem;   // ... or said why it will not
  // identity-1: the server refused our registration with one of the extension's codes, in
  // words (identity_error_text); shown instead of the bare refusal.
  std::string identity_problem;

  int teammates = 0;             // on the roster, the player left out
  int teammates_in_channel = 0;  // running Shotcall and in our channel
  int teammates_connected = 0;   // voice link up
};

struct StatusText {
  std::string headline;
  std::string detail;
  Tone tone = Tone::Neutral;
  friend bool operator==(const StatusText&, const StatusText&) = default;
};

StatusText describe(const StatusInputs& in);

// "blue side" for 100, "red side" for 200.
std::string team_name(const std::string& team_id);

// ---- identity-1 (shared/protocol-identity.md) ----

// A teammate's level as their row shows it: `riot` is "verified", `none` and `key` are "not
// verified" (the contract's wording), with what that means for a screen reader and a tooltip.
struct IdentityBadge {
  std::string label;        // "verified" / "not verified"
  std::string description;  // what the level guarantees, in a sentence
  bool verified = false;
  friend bool operator==(const IdentityBadge&, const IdentityBadge&) = default;
};
IdentityBadge identity_badge(protocol::IdentityLevel level);

// One of identity-1's error codes in words, with what to do about it; empty for any other code.
// `retry_after_ms` is verify-busy's hint.
std::string identity_error_text(protocol::ErrorCode code,
                                std::optional<std::int64_t> retry_after_ms = std::nullopt);

// "45 seconds", "2 minutes", "1 hour": a wait in words, rounded up.
std::string wait_in_words(std::int64_t ms);

}  // namespace shotcall::ui
