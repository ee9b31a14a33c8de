// One player's voice session: the signaling client, the pure session core and the voice engine,
// wired together on the main loop. Whatever finds the game (manual, local game data, the
// server's watcher) calls set_target(); the session does the rest.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "app/media/voice_engine.hpp"
#include "app/net/signaling_client.hpp"
#include "app/session/session_core.hpp"

namespace shotcall::session {

struct SessionOptions {
  net::SignalingOptions signaling;
  media::VoiceConfig voice;
  bool follow_offers = false;  // join what the server offers (server-side game detection)
};

// What we know of one teammate's link, for the UI and the peer's report.
struct LinkInfo {
  std::string riot_id;
  std::string peer_id;  // current peerId, empty while they are not in the channel
  protocol::IdentityLevel identity = protocol::IdentityLevel::None;  // identity-1
  media::PeerPhase phase = media::PeerPhase::New;
  std::string reason;                       // why it failed or closed
  // Why the link last failed, in words (for an unreachable teammate: what was tried and what
  // would help); empty until a failure, and again once the link connects. Kept when they leave,
  // so a report written after the call still says why it never worked.
  std::string failure;
  std::optional<std::int64_t> first_audio_ms;  // from joining the channel to their first audio
  std::optional<std::string> record_file;
  // The latest stats. Route and candidate types: the connected link's; Unknown while a link is
  // being built or failed; after the link closed, the path it last had.
  media::PeerStats stats;
  bool speaking = false;
};

struct SessionEvents {
  std::function<void(Phase phase, const std::string& detail)> on_phase;
  std::function<void(net::LinkState state, const std::string& detail)> on_link;
  // A teammate's link changed (state, first audio, stats, speaking): read links() for details.
  std::function<void(const std::string& key)> on_link_changed;
  std::function<void(bool speaking)> on_self_speaking;
  std::function<void(double rms_db)> on_self_level;
  std::function<void(const protocol::ChatMessage&)> on_chat;
  std::function<void(const protocol::Notice&)> on_notice;
  // The server refused one request (its `error` message).
  std::function<void(const protocol::Error&)> on_server_error;
  // identity-1 messages about this device: link-code (show it), link-approved, devices, ...
  std::function<void(const protocol::ServerMessage&)> on_identity;
  // The server watches our Riot ID for games (its answer to watch-game; follow_offers only).
  std::function<void(const protocol::Watching&)> on_watching;
  // The voice pipeline broke (not a device: see on_microphone), in words for a person.
  std::function<void(const std::string& message)> on_voice_error;
  // Our microphone / speakers could not open or stopped: the call goes on receive-only /
  // send-only (media::VoiceEvents::on_microphone); `sentence` says so, with what to do.
  std::function<void(bool available, const std::string& sentence)> on_microphone;
  std::function<void(bool available, const std::string& sentence)> on_speakers;
};

class Session {
 public:
  static std::unique_ptr<Session> create(SessionOptions options, SessionEvents events,
                                         std::string* error);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start();
  void set_target(std::optional<GameTarget> target);
  // Sends leave-channel, closes the server link and stops the voice engine.
  void leave_and_stop();
  void send_chat(const std::string& text);
  // identity-1 requests of this device (link-approve, list-devices, unlink-device): sent when
  // registered; false otherwise. Answers arrive through on_identity or on_server_error.
  bool send_identity(protocol::ClientBody request);
  // identity-1 Riot verification of our Riot ID: asks the server for a fresh challenge (`hello`)
  // and, when it comes, sends `verify-riot` signed with the device key. The server's
  // verify-riot-challenge (then `verified`, or an error) arrives through on_identity /
  // on_server_error; send VerifyRiotCheck with send_identity() after each icon is set. False, with
  // `why` in words, when it cannot be sent (not registered, no key, no secure connection).
  bool start_riot_verification(std::string* why);

  media::VoiceEngine& voice();
  const SessionCore& core() const;
  const net::SignalingClient& link() const;
  const std::map<std::string, LinkInfo>& links() const;
  // When we last joined a channel, g_get_monotonic_time() µs (0 before).
  std::int64_t joined_at_us() const;

  class Impl;

 private:
  explicit Session(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shotcall::session
