#include "ui/call_controller.hpp"

#include <glib.h>

#include "app/i18n/translate.hpp"
#include "app/net/identity_handshake.hpp"
#include "app/session/call_runner.hpp"
#include "signaling/identity/crockford.hpp"
#include "signaling/protocol/riot_id.hpp"

namespace shotcall::ui {

using i18n::fill;
using i18n::tr;

namespace {

std::int64_t now_ms() { return g_get_monotonic_time() / 1000; }

// What is missing before a manual or server-side game can be followed, in words.
std::string setup_problem(const CallConfig& c) {
  if (c.server_url.empty()) return tr("Enter your Shotcall server's address in Preferences.");
  if (c.mode == DetectionMode::Local) return "";
  // The game on another computer names the player, as on this one; only its address is needed.
  if (c.mode == DetectionMode::Lan)
    return c.lan_address.empty() && c.lcd_url.empty()
               ? tr("Enter the address of the computer League runs on in Preferences.")
               : "";
  if (!protocol::is_valid_riot_id(c.riot_id))
    return c.riot_id.empty() ? std::string{tr("Enter your Riot ID (Name#TAG) in Preferences.")}
                             // Translators: {riot_id} is what the player typed as their Riot ID.
                             : fill(tr("“{riot_id}” is not a Riot ID: it looks like Name#TAG."),
                                    {{"riot_id", c.riot_id}});
  if (c.mode == DetectionMode::Manual) {
    if (c.manual_game.empty())
      return tr("Enter the game in Preferences, or pick another detection.");
    if (c.manual_teammates.empty()) return tr("Enter your teammates' Riot IDs in Preferences.");
  }
  return "";
}

session::Detection detection_of(DetectionMode mode) {
  switch (mode) {
    case DetectionMode::Local: return session::Detection::Local;
    case DetectionMode::Lan: return session::Detection::Lan;
    case DetectionMode::Server: return session::Detection::Server;
    case DetectionMode::Manual: return session::Detection::Manual;
  }
  return session::Detection::Local;
}

session::CallRunnerConfig runner_config(const CallConfig& c, bool link_first) {
  session::CallRunnerConfig r;
  r.server_url = c.server_url;
  r.token = c.token;
  r.device_keys = session::DeviceKeys::PerServer;
  r.detection = detection_of(c.mode);
  r.riot_id = c.riot_id;
  // Server-side detection knows the player up front; the session waits for an offer.
  r.session_at_start = c.mode == DetectionMode::Server;
  r.lcd_url = c.lcd_url;
  r.lcd_ca = c.lcd_ca;
  r.lan_address = c.lan_address;
  r.manual_game = c.manual_game;
  r.manual_team = c.manual_team;
  r.manual_teammates = c.manual_teammates;
  r.voice = c.voice;
  r.link_first = link_first;
  r.other_player = session::OtherPlayer::Restart;  // their own session for whoever plays
  r.lines = {.routes = false, .identities = true};
  r.history_path = c.history_path;
  return r;
}

}  // namespace

CallController::CallController(ViewModel& model, Listener listener)
    : model_(model), listener_(std::move(listener)) {
  model_.set_played_before(
      [this](const std::string& riot_id) { return runner_ ? runner_->played_before(riot_id) : 0; });
}

CallController::~CallController() {
  stop();
  model_.set_played_before(nullptr);
}

session::Session* CallController::session() const {
  return runner_ ? runner_->session() : nullptr;
}

bool CallController::session_running() const { return session() != nullptr; }

void CallController::start(CallConfig config) {
  stop();
  config_ = std::move(config);
  model_.set_mode(config_.mode);
  model_.set_server_url(config_.server_url);
  const std::string problem = setup_problem(config_);
  model_.set_setup_problem(problem);
  model_.on_game(std::nullopt);
  model_.on_detector_state(session::DetectorState::Waiting, "");
  if (problem.empty()) {
    runner_ = std::make_unique<session::CallRunner>(runner_config(config_, link_first_),
                                                    runner_events());
    std::string error;
    if (!runner_->start(&error) && !error.empty())
      // Translators: {reason} says what went wrong, without its full stop.
      model_.set_setup_problem(fill(tr("Can't read the game's local data: {reason}. Check the "
                                       "game data settings in Preferences."),
                                    {{"reason", error}}));
  }
  changed();
}

void CallController::stop() {
  if (runner_) runner_->stop();
  runner_.reset();
}

session::CallRunnerEvents CallController::runner_events() {
  session::CallRunnerEvents e;
  e.on_event = [this](const std::string& line) { event(line); };
  e.on_game = [this](const std::optional<session::DetectedGame>& game) { on_game(game); };
  e.on_detector_state = [this](session::DetectorState state, const std::string& detail) {
    model_.on_detector_state(state, detail);
    changed();
  };
  // identity-1: what Preferences says of this installation's key for the server.
  e.on_session_options = [this](const session::SessionOptions& so) {
    const net::IdentityHandshake proofs({so.signaling.url, so.signaling.riot_id, std::nullopt,
                                         std::nullopt, so.signaling.key, false});
    model_.identity().set_device_key(so.signaling.key ? so.signaling.key->public_base64url() : "",
                                     proofs.proofs_allowed());
  };
  e.on_session_failed = [this](const std::string& error) {
    model_.on_session_error(error);
    event("session-error " + error);
    changed();
  };
  e.on_session_started = [this](const std::string& riot_id) {
    model_.on_session_started(riot_id);
    model_.identity().on_session(true, riot_id);
    event("session " + riot_id);
    engine_muted_.reset();
    engine_mute_kind_.reset();
    apply_gate();
    session()->voice().set_deafened(deafened_);
    // A chosen device missing already: the default device from the start.
    if (devices_) session()->voice().devices_changed(devices_->first, devices_->second);
  };
  e.on_session_stopped = [this] {
    model_.on_session_stopped();
    model_.identity().on_session(false, model_.my_riot_id());
  };

  session::SessionEvents& ev = e.session;
  ev.on_phase = [this](session::Phase phase, const std::string& detail) {
    on_phase(phase, detail);
  };
  ev.on_link = [this](net::LinkState state, const std::string& detail) { on_link(state, detail); };
  ev.on_link_changed = [this](const std::string&) { on_link_changed(); };
  ev.on_self_level = [this](double db) {
    model_.gate().on_level(db, now_ms());
    apply_gate();
    if (listener_.on_level) listener_.on_level(db);
  };
  ev.on_chat = [this](const protocol::ChatMessage& m) {
    const session::Session* s = session();
    ChatLine line{m.riot_id, m.text, m.ts, s && m.from == s->core().peer_id(), false};
    model_.add_chat(line);
    if (listener_.on_chat) listener_.on_chat(line);
  };
  ev.on_notice = [this](const protocol::Notice& n) {
    // Translators: who wrote a notice from the server, in the chat (before the notice's text).
    ChatLine line{tr("Shotcall server"), n.text, g_get_real_time() / 1000, false, true};
    model_.add_chat(line);
    if (listener_.on_chat) listener_.on_chat(line);
  };
  ev.on_server_error = [this](const protocol::Error& e) {
    // A v1 server does not know `hello`: it checks no identities.
    if (e.re == std::optional<std::string>{"hello"} && e.code == protocol::ErrorCode::UnknownType)
      model_.identity().on_server_is_v1();
    if (model_.on_server_error(e)) changed();
    // Server-side detection asked for something this server cannot do (no Riot API key, ...).
    if (e.re == std::optional<std::string>{"watch-game"}) {
      model_.on_watch_refused(e.message);
      changed();
    }
  };
  // Server-side detection: the session asks the server to watch our Riot ID (`watch-game`)
  // after every registration; this is its yes.
  ev.on_watching = [this](const protocol::Watching&) {
    model_.on_watching();
    changed();
  };
  ev.on_identity = [this](const protocol::ServerMessage& m) { on_identity(m); };
  ev.on_voice_error = [this](const std::string& message) {
    model_.on_voice_error(message);
    event("voice-error " + message);
    changed();
  };
  // A device that cannot open leaves the call up, receive-only or send-only: the banner says so.
  ev.on_microphone = [this](bool available, const std::string& sentence) {
    model_.on_microphone(available, sentence);
    changed();
  };
  ev.on_speakers = [this](bool available, const std::string& sentence) {
    model_.on_speakers(available, sentence);
    changed();
  };
  return e;
}

void CallController::on_game(const std::optional<session::DetectedGame>& game) {
  model_.on_game(game);
  changed();
}

void CallController::on_phase(session::Phase phase, const std::string& detail) {
  std::optional<std::string> channel;
  if (const session::Session* s = session(); s && phase == session::Phase::InChannel)
    channel = s->core().channel_id();
  if (model_.on_phase(phase, detail, channel)) {
    if (channel) event("joined " + *channel);
    if (listener_.on_channel_formed) listener_.on_channel_formed();
  }
}

void CallController::on_link(net::LinkState state, const std::string& detail) {
  model_.on_link(state, detail);
  model_.identity().on_registered(state == net::LinkState::Registered);
  if (state == net::LinkState::Registered) {
    link_first_ = false;  // linked (or never asked): later sessions register at once
    // The devices bound to our Riot ID, for Preferences (proven connections only).
    if (model_.identity().view().can_act) list_devices();
  }
  event(std::string{"link "} + net::to_string(state) + (detail.empty() ? "" : " " + detail));
  changed();
}

// Each teammate's row from the session core (who is in the channel, their identity) and their
// link (phase, path, quality). The event lines for them come from the runner.
void CallController::on_link_changed() {
  session::Session* s = session();
  if (!s) return;
  std::map<std::string, PeerLinkView> views;
  for (const auto& [key, t] : s->core().teammates()) {
    PeerLinkView& v = views[key];
    v.key = key;
    v.riot_id = t.riot_id;
    v.in_channel = t.peer_id.has_value();
    v.identity = t.identity;
  }
  for (const auto& [key, info] : s->links()) {
    PeerLinkView& v = views[key];
    v.key = key;
    if (v.riot_id.empty()) v.riot_id = info.riot_id;
    v.has_link = info.phase != mesh::PeerPhase::Closed;
    v.phase = info.phase;
    v.reason = info.reason;
    v.rtt_ms = info.stats.rtt_ms;
    v.packets_lost = info.stats.packets_lost;
    v.packets_received = info.stats.packets_received;
    v.heard = info.first_audio_ms.has_value();
    v.speaking = info.speaking;
    using Route = media::PeerStats::LinkRoute;
    v.path = info.stats.route == Route::Direct    ? LinkPath::Direct
             : info.stats.route == Route::Relayed ? LinkPath::Relayed
                                                  : LinkPath::Unknown;
    v.local_candidate = info.stats.local_candidate_type;
    v.remote_candidate = info.stats.remote_candidate_type;
    v.failure = info.failure;
  }
  std::vector<PeerLinkView> list;
  for (auto& [key, v] : views) list.push_back(std::move(v));
  const LinkUpdate update = model_.update_links(std::move(list));
  for (const auto& u : update.apply) {
    s->voice().set_peer_volume(u.key, u.volume);
    s->voice().set_peer_muted(u.key, u.muted);
  }
  for (const auto& c : update.changes) {
    event(std::string{c.joined ? "teammate-joined " : "teammate-left "} + c.riot_id);
    const char* text = c.joined
                           // Translators: a chat line, shown right after the teammate's Riot
                           // ID ("Ñandú#ÁÉ joined the call"); phrase it so it follows the name.
                           ? tr("joined the call")
                           // Translators: a chat line, shown right after the teammate's Riot
                           // ID ("Ñandú#ÁÉ left the call"); phrase it so it follows the name.
                           : tr("left the call");
    ChatLine line{c.riot_id, text, g_get_real_time() / 1000, false, true};
    model_.add_chat(line);
    if (listener_.on_chat) listener_.on_chat(line);
    if (listener_.on_teammate) listener_.on_teammate(c);
  }
  changed();
}

void CallController::apply_gate() {
  const bool muted = model_.gate().engine_muted();
  // Muted or push-to-talk released stops the capture's work; voice activity below its threshold
  // keeps the speech processing running, since its level must open the gate again.
  const media::MuteKind kind =
      model_.gate().waiting_for_voice() ? media::MuteKind::Listening : media::MuteKind::Stopped;
  if (engine_muted_ == muted && engine_mute_kind_ == kind) return;
  const bool first = !engine_muted_.has_value();
  const bool transmitting_changed = engine_muted_ != muted;
  engine_muted_ = muted;
  engine_mute_kind_ = kind;
  if (session()) session()->voice().set_muted(muted, kind);
  if (!transmitting_changed) return;
  if (!first) event(std::string{"transmitting "} + (muted ? "off" : "on"));
  changed();
}

void CallController::set_muted(bool muted) {
  model_.gate().set_user_muted(muted);
  apply_gate();
}

void CallController::set_deafened(bool deafened) {
  deafened_ = deafened;
  if (session()) session()->voice().set_deafened(deafened);
}

void CallController::devices_changed(std::vector<std::string> inputs,
                                     std::vector<std::string> outputs) {
  devices_.emplace(std::move(inputs), std::move(outputs));
  if (session()) session()->voice().devices_changed(devices_->first, devices_->second);
}

void CallController::set_push_to_talk(bool pressed) {
  model_.gate().on_push_to_talk(pressed);
  apply_gate();
}

void CallController::set_voice_mode(VoiceMode mode) {
  model_.gate().set_mode(mode);
  apply_gate();
}

void CallController::set_threshold_db(double db) { model_.gate().set_threshold_db(db); }

void CallController::set_peer_volume(const std::string& key, double volume) {
  model_.set_peer_volume(key, volume);
  if (session()) session()->voice().set_peer_volume(key, model_.memory().get(key).volume);
}

void CallController::set_peer_muted(const std::string& key, bool muted) {
  model_.set_peer_muted(key, muted);
  if (session()) session()->voice().set_peer_muted(key, muted);
  changed();
}

void CallController::set_bitrate(int bps) {
  config_.voice.bitrate = bps;
  if (runner_) runner_->voice_config().bitrate = bps;
  if (session()) session()->voice().set_bitrate(bps);
}

void CallController::send_chat(const std::string& text) {
  std::string trimmed;
  if (session() && chat_text_sendable(text, &trimmed)) session()->send_chat(trimmed);
}

void CallController::changed() {
  if (listener_.on_changed) listener_.on_changed();
}

void CallController::event(const std::string& line) {
  if (listener_.on_event) listener_.on_event(line);
}

void CallController::on_identity(const protocol::ServerMessage& m) {
  IdentityModel& id = model_.identity();
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, protocol::HelloReply>) {
          id.on_hello(body);
        } else if constexpr (std::is_same_v<T, protocol::VerifyRiotChallenge>) {
          id.on_challenge(body);
          event("verify-icon " + std::to_string(body.icon_id) + " " + std::to_string(body.round));
        } else if constexpr (std::is_same_v<T, protocol::Verified>) {
          id.on_verified(body);
          event("verified " + body.riot_id);
          list_devices();  // this device is the Riot ID's only key now
        } else if constexpr (std::is_same_v<T, protocol::LinkCodeIssued>) {
          id.on_link_code(body);
          event("link-code " + body.code + " " + body.fingerprint);
        } else if constexpr (std::is_same_v<T, protocol::LinkApproved>) {
          const bool approver = !id.linking();
          id.on_link_approved(body);
          event("link-approved " + body.key);
          if (approver) list_devices();
        } else if constexpr (std::is_same_v<T, protocol::DeviceList>) {
          id.on_devices(body);
          event("devices " + std::to_string(body.devices.size()));
        } else if constexpr (std::is_same_v<T, protocol::DeviceUnlinked>) {
          id.on_device_unlinked(body);
          event("device-unlinked " + body.key);
        }
      },
      m.body);
  changed();
}

bool CallController::send_identity(protocol::ClientBody request, IdentityModel::Part part) {
  if (session() && session()->send_identity(std::move(request))) return true;
  model_.identity().on_request_failed(
      part, tr("Not connected to your server now: try again once Shotcall is connected."));
  changed();
  return false;
}

void CallController::verify_riot() {
  std::string why;
  if (session() && session()->start_riot_verification(&why)) {
    model_.identity().on_verify_requested();
  } else {
    if (!session()) {
      why = tr("Not connected to your server now.");
    } else {
      // The session's reason is a fragment (app/session): a sentence of it.
      why[0] = static_cast<char>(g_ascii_toupper(why[0]));
      why += ".";
    }
    model_.identity().on_request_failed(IdentityModel::Part::Verify, why);
  }
  changed();
}

void CallController::check_riot() {
  if (send_identity(protocol::VerifyRiotCheck{}, IdentityModel::Part::Verify)) {
    model_.identity().on_check_requested();
    changed();
  }
}

void CallController::link_this_device() {
  if (!session()) {
    model_.identity().on_request_failed(
        IdentityModel::Part::Link,
        tr("Shotcall is not connected to your server now: linking starts once it is (when your "
           "game starts, or at once with server-side detection)."));
    changed();
    return;
  }
  // The same player and game, on a new connection that asks for a link code first.
  const std::string riot_id = model_.my_riot_id();
  const std::optional<session::DetectedGame> game = model_.game();
  runner_->stop_session();
  link_first_ = true;
  runner_->set_link_first(true);
  if (runner_->start_session(riot_id)) {
    model_.identity().on_link_requested();
    if (game && config_.mode != DetectionMode::Server) session()->set_target(game->target);
  }
  changed();
}

void CallController::approve_device(const std::string& code) {
  const auto normalized = identity::normalize_link_code(code);
  if (!normalized) {
    model_.identity().on_request_failed(
        IdentityModel::Part::Approve,
        tr("A link code has 8 letters and digits, like ABCD-2345: type the one the new device "
           "shows."));
    changed();
    return;
  }
  if (send_identity(protocol::LinkApprove{*normalized}, IdentityModel::Part::Approve)) {
    model_.identity().on_approve_requested(*normalized);
    event("link-approve " + *normalized);
    changed();
  }
}

void CallController::list_devices() {
  send_identity(protocol::ListDevices{}, IdentityModel::Part::Devices);
}

void CallController::unlink_device(const std::string& key) {
  if (send_identity(protocol::UnlinkDevice{key}, IdentityModel::Part::Devices)) {
    model_.identity().on_unlink_requested(key);
    changed();
  }
}

}  // namespace shotcall::ui
