// Everything the main window shows, as plain data: the game state in words, the teammate rows,
// the chat, the microphone gate and the per-teammate preferences. The controller feeds it from
// the detector and the session; the window only reads it. Pure: no GTK, no GStreamer, no IO.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/session/game_detector.hpp"
#include "ui/chat_log.hpp"
#include "ui/identity_model.hpp"
#include "ui/peer_memory.hpp"
#include "ui/status_text.hpp"
#include "ui/teammate_rows.hpp"
#include "ui/voice_gate.hpp"

namespace shotcall::ui {

// A remembered volume/mute to hand to the engine for a link that just appeared.
struct PeerSetting {
  std::string key;
  double volume = kDefaultPeerVolume;
  bool muted = false;
  friend bool operator==(const PeerSetting&, const PeerSetting&) = default;
};

// A teammate came into or left our channel (for notifications and the chat's log lines).
struct TeammateChange {
  std::string riot_id;
  bool joined = false;
  friend bool operator==(const TeammateChange&, const TeammateChange&) = default;
};

// The banner over the call while one of our devices is missing (the engine replaced it: the call
// goes on receive-only or send-only). Empty headline: no banner.
struct DeviceBanner {
  std::string headline;  // "Listening only: …" / "Talking only: …"
  std::string detail;    // the engine's sentence: what happened and what to do
  bool shown() const { return !headline.empty(); }
  friend bool operator==(const DeviceBanner&, const DeviceBanner&) = default;
};

struct LinkUpdate {
  std::vector<PeerSetting> apply;
  std::vector<TeammateChange> changes;
};

class ViewModel {
 public:
  // Settings that shape the words.
  void set_mode(DetectionMode mode) { in_.mode = mode; }
  void set_server_url(std::string url) { in_.server_url = std::move(url); }
  void set_setup_problem(std::string problem) { in_.setup_problem = std::move(problem); }
  // How many games the player has played with a teammate before (the game history); rows show it.
  void set_played_before(std::function<int(const std::string& riot_id)> lookup) {
    played_before_ = std::move(lookup);
  }

  // The game detector.
  void on_detector_state(session::DetectorState state, std::string detail);
  void on_game(const std::optional<session::DetectedGame>& game);

  // The session's life: started for a Riot ID, could not start, or stopped (restart, quit).
  void on_session_started(const std::string& my_riot_id);
  void on_session_error(std::string message);
  void on_session_stopped();
  void on_link(net::LinkState state, std::string detail);
  // True when this is the moment the team's channel formed (we just joined one).
  bool on_phase(session::Phase phase, std::string detail,
                const std::optional<std::string>& channel_id);
  void on_voice_error(std::string message) { in_.voice_error = std::move(message); }
  // The engine's word on our microphone / speakers (VoiceEvents::on_microphone, on_speakers).
  void on_microphone(bool available, std::string sentence);
  void on_speakers(bool available, std::string sentence);
  DeviceBanner device_banner() const;
  // Server-side detection: the server agreed to watch our Riot ID, or refused to.
  void on_watching() {
    in_.watching = true;
    in_.watch_problem.clear();
  }
  void on_watch_refused(std::string why) { in_.watch_problem = std::move(why); }
  // The server refused a request. Identity-1 refusals of our registration are put in words
  // for the status; the identity page's own requests go to identity(). True when shown.
  bool on_server_error(const protocol::Error& error);

  // A fresh view of every teammate's link. Returns the remembered settings to apply to links
  // that appeared since the last update, and who joined or left the channel.
  LinkUpdate update_links(std::vector<PeerLinkView> links);

  void add_chat(ChatLine line) { chat_.add(std::move(line)); }
  void set_peer_volume(const std::string& key, double volume) { memory_.set_volume(key, volume); }
  void set_peer_muted(const std::string& key, bool muted) { memory_.set_muted(key, muted); }

  StatusText status() const;
  std::vector<TeammateRow> rows() const;
  const std::optional<session::DetectedGame>& game() const { return game_; }
  const std::string& my_riot_id() const { return my_riot_id_; }
  const ChatLog& chat() const { return chat_; }
  bool in_channel() const { return in_.phase == session::Phase::InChannel; }
  // Teammates whose voice link is up: they hear us when the gate is open.
  int connected_teammates() const { return in_.teammates_connected; }
  VoiceGate& gate() { return gate_; }
  const VoiceGate& gate() const { return gate_; }
  PeerMemory& memory() { return memory_; }
  const PeerMemory& memory() const { return memory_; }
  // Preferences → Identity.
  IdentityModel& identity() { return identity_; }
  const IdentityModel& identity() const { return identity_; }

 private:
  StatusInputs in_;
  std::optional<session::DetectedGame> game_;
  std::string my_riot_id_;
  std::string my_key_;
  std::optional<std::string> channel_id_;
  std::vector<PeerLinkView> links_;
  std::string microphone_problem_;  // empty while it works
  std::string speakers_problem_;
  std::set<std::string> applied_;     // links whose remembered settings were handed out
  std::set<std::string> in_channel_;  // teammates in our channel at the last update
  ChatLog chat_;
  VoiceGate gate_;
  PeerMemory memory_;
  std::function<int(const std::string&)> played_before_;
  IdentityModel identity_;
};

}  // namespace shotcall::ui
