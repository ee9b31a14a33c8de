// Runs one player's call for the window: a session::CallRunner (the game detector the settings
// ask for, and the voice session once the player's Riot ID is known) whose every event feeds the
// ViewModel, telling the window what changed. GLib only (no GTK): everything happens on the main
// loop, where the detector and the session deliver their events.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/media/voice_engine.hpp"
#include "ui/view_model.hpp"

namespace shotcall::session {
class Session;
class CallRunner;
struct DetectedGame;
struct CallRunnerEvents;
}  // namespace shotcall::session

namespace shotcall::ui {

struct CallConfig {
  std::string server_url;
  DetectionMode mode = DetectionMode::Local;
  std::string riot_id;  // server-side and manual detection; local game data names the player
  std::string lcd_url;  // empty: the game's own address
  std::string lcd_ca;   // empty: Riot's certificate authority shipped with Shotcall
  std::string lan_address;  // DetectionMode::Lan: the computer the game runs on
  std::string history_path;  // the game history database; empty: keep none
  std::string manual_game;
  int manual_team = 100;
  std::vector<std::string> manual_teammates;
  media::VoiceConfig voice;
  std::optional<std::string> token;  // the server's access token (from the keyring)
};

class CallController {
 public:
  struct Listener {
    std::function<void()> on_changed;  // status, rows or the gate changed: redraw them
    std::function<void(double rms_db)> on_level;  // our microphone, ~20 times a second
    std::function<void(const ChatLine&)> on_chat;
    std::function<void()> on_channel_formed;
    std::function<void(const TeammateChange&)> on_teammate;
    // One machine-readable line per notable event ("game lcd-… 100", "joined …"), for
    // scripts and the end-to-end tests (printed with --events).
    std::function<void(const std::string& line)> on_event;
  };

  CallController(ViewModel& model, Listener listener);
  ~CallController();
  CallController(const CallController&) = delete;
  CallController& operator=(const CallController&) = delete;

  // Stops whatever runs and starts afresh with `config` (settings changed).
  void start(CallConfig config);
  // Leaves the channel and stops everything (quitting).
  void stop();
  const CallConfig& config() const { return config_; }
  bool session_running() const;
  // The running call (nullptr when stopped), for observers such as the history recorder.

  // The player's controls.
  void set_muted(bool muted);
  void set_deafened(bool deafened);
  void set_push_to_talk(bool pressed);
  void set_voice_mode(VoiceMode mode);
  void set_threshold_db(double db);
  void set_peer_volume(const std::string& key, double volume);
  void set_peer_muted(const std::string& key, bool muted);
  void set_bitrate(int bps);
  void send_chat(const std::string& text);
  // The system's devices changed (DeviceMonitor: the fragments it lists now): a chosen device
  // that went away and is back is used again (VoiceEngine::devices_changed). Kept for the next
  // call too.
  void devices_changed(std::vector<std::string> inputs, std::vector<std::string> outputs);

  // identity-1, Preferences → Identity (shared/protocol-identity.md). Each one updates
  // model().identity(); the server's answers arrive there too.
  void verify_riot();    // hello, then verify-riot signed with the device key
  void check_riot();     // verify-riot-check, after the player set the icon
  // Restarts the session asking for a link code first (link-request), waiting for another
  // device's approval before it registers.
  void link_this_device();
  void approve_device(const std::string& code);
  void list_devices();
  void unlink_device(const std::string& key);

 private:
  session::Session* session() const;
  session::CallRunnerEvents runner_events();
  void on_game(const std::optional<session::DetectedGame>& game);
  void on_phase(session::Phase phase, const std::string& detail);
  void on_link(net::LinkState state, const std::string& detail);
  void on_link_changed();
  void apply_gate();
  void on_identity(const protocol::ServerMessage& message);
  // Sends an identity request; false (said on the page) when not connected.
  bool send_identity(protocol::ClientBody request, IdentityModel::Part part);
  void changed();
  void event(const std::string& line);

  ViewModel& model_;
  Listener listener_;
  CallConfig config_;
  std::unique_ptr<session::CallRunner> runner_;
  bool deafened_ = false;
  bool link_first_ = false;  // the next session asks for a link code (link_this_device)
  std::optional<bool> engine_muted_;  // what we last told the engine
  std::optional<media::MuteKind> engine_mute_kind_;
  // The device monitor's last lists; empty until it reported.
  std::optional<std::pair<std::vector<std::string>, std::vector<std::string>>> devices_;
};

}  // namespace shotcall::ui
