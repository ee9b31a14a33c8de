// One player's call on the GLib main loop: the game detector the configuration asks for, and the
// voice session once the player is known, following each game the detector reports
// (call_flow.hpp decides what a report means). Prints the event lines both binaries share
// (event_lines.hpp) through on_event; the window and shotcall-peer add their own.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/history/game_history.hpp"
#include "app/media/voice_engine.hpp"
#include "app/session/call_flow.hpp"
#include "app/session/event_lines.hpp"
#include "app/session/game_detector.hpp"
#include "app/session/session.hpp"

namespace shotcall::session {

enum class Detection {
  Local,   // League's Live Client Data API on this computer (or lcd_url)
  Lan,     // the same API on another computer of the network: https://<lan_address>:2999
  Server,  // no detector: the server watches the Riot ID and offers the channel
  Manual,  // the game as typed: manual_game, manual_team, manual_teammates
  None,    // no game at all (shotcall-peer only verifying or approving)
};

// Where the device key (identity-1) comes from.
enum class DeviceKeys {
  PerServer,  // the window: one key per server; a key that cannot be used is warned about and
              // the call joins without one
  PerPlayer,  // shotcall-peer: key_file, or one key per server and player (a tester runs many
              // players as one user); a key that cannot be used stops the session
  Off,        // no key: a v1 client
};

struct CallRunnerConfig {
  std::string server_url;
  std::optional<std::string> token;
  DeviceKeys device_keys = DeviceKeys::PerServer;
  std::optional<std::string> key_file;  // PerPlayer only

  Detection detection = Detection::Local;
  std::string riot_id;            // the player, when known before the game names them
  bool session_at_start = false;  // start riot_id's session at once, before any game
  std::string lcd_url;            // Local: empty for the game's own address; Lan: overrides it
  std::string lcd_ca;             // empty: Riot's certificate authority shipped with Shotcall
  std::string lan_address;        // Lan: the game computer's address
  std::string manual_game;
  int manual_team = 100;
  std::vector<std::string> manual_teammates;

  media::VoiceConfig voice;
  bool link_first = false;  // the next session asks for a link code before registering
  OtherPlayer other_player = OtherPlayer::Restart;
  EventLineOptions lines;
  // The game history database (history::default_history_path() for the window); empty: keep
  // none. A damaged or locked file never stops a call (history/game_history.hpp).
  std::string history_path;
};

struct CallRunnerEvents {
  // The session's own events, each after the runner's handling (and its line). on_link_changed
  // also comes with an empty key after a phase change: any link may look different then.
  SessionEvents session;
  // One machine-readable line per notable event (event_lines.hpp, and "no-game", "game <id>
  // <team>", "detector <state> [detail]", "phase <phase> [detail]", "watching <id>",
  // "server-error <code> <message>", "microphone|speakers ok|unavailable <sentence>",
  // "error the game is played by <id>, not <id>", "history <sentence>" when the game history
  // has something to say, "history-saved" once every game so far is in the history file).
  std::function<void(const std::string& line)> on_event;
  std::function<void(const std::optional<DetectedGame>&)> on_game;  // before the session follows
  std::function<void(DetectorState, const std::string& detail)> on_detector_state;
  // A session is about to be created with these options (the device key is loaded).
  std::function<void(const SessionOptions&)> on_session_options;
  // Created, not yet started: set the voice controls now.
  std::function<void(const std::string& riot_id)> on_session_started;
  std::function<void(const std::string& error)> on_session_failed;
  std::function<void()> on_session_stopped;
};

// Makes the detector a configuration asks for; nullptr with no error for Server and None.
using DetectorFactory =
    std::function<std::unique_ptr<GameDetector>(const CallRunnerConfig&, std::string* error)>;
std::unique_ptr<GameDetector> make_detector(const CallRunnerConfig& config, std::string* error);

class CallRunner {
 public:
  CallRunner(CallRunnerConfig config, CallRunnerEvents events,
             DetectorFactory factory = make_detector);
  ~CallRunner();
  CallRunner(const CallRunner&) = delete;
  CallRunner& operator=(const CallRunner&) = delete;

  // Makes the detector, starts the up-front session (session_at_start), then the detector.
  // False, with *error, when the detector cannot be made: nothing runs then.
  bool start(std::string* error);
  // Stops the detector and the session (leaving the channel).
  void stop();
  // Stops the detector and leaves the channel but keeps the session object, whose links stay
  // readable: safe inside the session's own events, where stop() would free it under them.
  void leave();

  // A session for `riot_id` (none may run). False when it cannot start (on_session_failed).
  bool start_session(const std::string& riot_id);
  void stop_session();
  void set_link_first(bool link_first) { config_.link_first = link_first; }

  Session* session() { return session_.get(); }
  const Session* session() const { return session_.get(); }
  // The running session's player; nullopt when none runs.
  const std::optional<std::string>& player() const { return player_; }
  // The game the detector last reported (nullopt: none, or no detector).
  const std::optional<DetectedGame>& game() const { return game_; }
  bool has_detector() const { return detector_ != nullptr; }
  const CallRunnerConfig& config() const { return config_; }
  // Later sessions use this (the bitrate changes in a running call through session()->voice()).
  media::VoiceConfig& voice_config() { return config_.voice; }
  // Games played together before the current one (game history; 0 without one).
  int played_before(const std::string& riot_id) const { return history_.played_before(riot_id); }

 private:
  void on_game(const std::optional<DetectedGame>& game);
  void on_phase(Phase phase, const std::string& detail);
  void on_link(net::LinkState state, const std::string& detail);
  void on_link_changed(const std::string& key);
  void say_link_lines();
  void event(const std::string& line);
  // History: a game begins, or the one in progress ends and is stored ("history …" lines).
  void history_game(const DetectedGame& game);
  void history_game_over();
  void history_note(const std::string& note);
  static int restart_idle(void* self);
  // Forgets a restart for another player that has not run yet.
  void cancel_restart();

  CallRunnerConfig config_;
  CallRunnerEvents events_;
  DetectorFactory factory_;
  std::unique_ptr<GameDetector> detector_;
  std::unique_ptr<Session> session_;
  std::optional<std::string> player_;
  std::optional<DetectedGame> game_;
  std::optional<DetectedGame> pending_game_;  // another player's game: a new session when idle
  unsigned restart_source_ = 0;
  EventLines lines_;
  history::GameHistory history_;
};

}  // namespace shotcall::session
