// The game and call state in words for the top of the window: a headline, a sentence that says
// what is going on or what to do, and a tone for its colour. Pure.
#pragma once

#include <string>

#include "app/net/signaling_client.hpp"
#include "app/session/game_detector.hpp"
#include "app/session/session_core.hpp"

namespace shotcall::ui {

enum class DetectionMode { Local, Server, Manual };
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

}  // namespace shotcall::ui
