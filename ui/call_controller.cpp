#include "ui/call_controller.hpp"

#include <glib.h>

#include "app/session/game_detector.hpp"
#include "app/session/session.hpp"
#include "app/session/device_key.hpp"
#include "app/net/identity_handshake.hpp"
#include "signaling/identity/crockford.hpp"
#include "signaling/protocol/riot_id.hpp"

namespace shotcall::ui {

namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() < 19 && s.find_first_not_of("0123456789") == std::string::npos;
}

std::int64_t now_ms() { return g_get_monotonic_time() / 1000; }

// What is missing before a manual or server-side game can be followed, in words.
std::string setup_problem(const CallConfig& c) {
  if (c.server_url.empty()) return "Enter your Shotcall server's address in Preferences.";
  if (c.mode == DetectionMode::Local) return "";
  if (!protocol::is_valid_riot_id(c.riot_id))
    return c.riot_id.empty() ? "Enter your Riot ID (Name#TAG) in Preferences."
                             : "“" + c.riot_id + "” is not a Riot ID: it looks like Name#TAG.";
  if (c.mode == DetectionMode::Manual) {
    if (c.manual_game.empty()) return "Enter the game in Preferences, or pick another detection.";
    if (c.manual_teammates.empty()) return "Enter your teammates' Riot IDs in Preferences.";
  }
  return "";
}

}  // namespace

CallController::CallController(ViewModel& model, Listener listener)
    : model_(model), listener_(std::move(listener)) {}

CallController::~CallController() {
  if (restart_source_) g_source_remove(restart_source_);
  stop();
}

bool CallController::session_running() const { return session_ != nullptr; }

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
    // Server-side detection knows the player up front; the session waits for an offer.
    if (config_.mode == DetectionMode::Server) start_session(config_.riot_id);
    start_detector();
  }
  changed();
}

void CallController::stop() {
  if (detector_) detector_->stop();
  detector_.reset();
  stop_session();
  pending_game_.reset();
}

void CallController::start_detector() {
  std::string error;
  switch (config_.mode) {
    case DetectionMode::Server: return;  // the server offers the channel
    case DetectionMode::Manual: {
      session::DetectedGame game;
      game.player_riot_id = config_.riot_id;
      game.target.game_id = {config_.manual_game, all_digits(config_.manual_game)};
      game.target.team_id = {std::to_string(config_.manual_team), true};
      game.target.teammates = config_.manual_teammates;
      bool has_me = false;
      for (const auto& t : game.target.teammates)
        if (protocol::is_valid_riot_id(t) &&
            protocol::fold_riot_id(t) == protocol::fold_riot_id(config_.riot_id))
          has_me = true;
      if (!has_me) game.target.teammates.push_back(config_.riot_id);
      detector_ = session::make_manual_detector(std::move(game));
      break;
    }
    case DetectionMode::Local:
      detector_ = session::make_lcd_detector(config_.lcd_url, config_.lcd_ca, &error);
      break;
  }
  if (!detector_) {
    model_.set_setup_problem("Can't read the game's local data: " + error +
                             ". Check the game data settings in Preferences.");
    return;
  }
  session::GameDetector::Events events;
  events.on_state = [this](session::DetectorState state, const std::string& detail) {
    model_.on_detector_state(state, detail);
    event(std::string{"detector "} + session::to_string(state) + (detail.empty() ? "" : " " + detail));
    changed();
  };
  events.on_game = [this](const std::optional<session::DetectedGame>& game) { on_game(game); };
  detector_->start(std::move(events));
}

void CallController::on_game(const std::optional<session::DetectedGame>& game) {
  if (!game) {
    model_.on_game(std::nullopt);
    event("no-game");
    if (session_) session_->set_target(std::nullopt);
    changed();
    return;
  }
  const bool same_player =
      session_ && protocol::fold_riot_id(game->player_riot_id) ==
                      protocol::fold_riot_id(model_.my_riot_id());
  if (session_ && !same_player) {
    // Someone else plays on this computer now: their own session, started outside this
    // callback because the old session may be on the stack.
    pending_game_ = game;
    if (!restart_source_) restart_source_ = g_idle_add(&CallController::restart_idle, this);
    return;
  }
  model_.on_game(game);
  event("game " + game->target.game_id.text + " " + game->target.team_id.text);
  if (!session_ && !start_session(game->player_riot_id)) {
    changed();
    return;
  }
  session_->set_target(game->target);
  changed();
}

int CallController::restart_idle(void* data) {
  auto* self = static_cast<CallController*>(data);
  self->restart_source_ = 0;
  if (auto game = std::move(self->pending_game_)) {
    self->pending_game_.reset();
    self->stop_session();
    self->on_game(game);
  }
  return G_SOURCE_REMOVE;
}

bool CallController::start_session(const std::string& riot_id) {
  session::SessionOptions so;
  so.signaling.url = config_.server_url;
  so.signaling.riot_id = riot_id;
  so.signaling.token = config_.token;
  so.signaling.link_first = link_first_;
  {
    // identity-1: this installation's key for the server, so nobody else can take our seat.
    std::string key_error;
    const std::string key_path = session::device_key_path(config_.server_url);
    so.signaling.key = session::load_device_key(key_path, key_error);
    if (!so.signaling.key)
      g_warning("the device key %s cannot be used (%s): joining without one", key_path.c_str(),
                key_error.c_str());
    const net::IdentityHandshake proofs(
        {so.signaling.url, riot_id, std::nullopt, std::nullopt, so.signaling.key, false});
    model_.identity().set_device_key(so.signaling.key ? so.signaling.key->public_base64url() : "",
                                     proofs.proofs_allowed());
  }
  so.follow_offers = config_.mode == DetectionMode::Server;
  so.voice = config_.voice;

  session::SessionEvents ev;
  ev.on_phase = [this](session::Phase phase, const std::string& detail) {
    std::optional<std::string> channel;
    if (session_ && phase == session::Phase::InChannel) channel = session_->core().channel_id();
    event(std::string{"phase "} + session::to_string(phase) + (detail.empty() ? "" : " " + detail));
    if (model_.on_phase(phase, detail, channel)) {
      if (channel) event("joined " + *channel);
      if (listener_.on_channel_formed) listener_.on_channel_formed();
    }
    on_link_changed();
  };
  ev.on_link = [this](net::LinkState state, const std::string& detail) {
    model_.on_link(state, detail);
    model_.identity().on_registered(state == net::LinkState::Registered);
    if (state == net::LinkState::Registered) {
      link_first_ = false;  // linked (or never asked): later sessions register at once
      // The devices bound to our Riot ID, for Preferences (proven connections only).
      if (model_.identity().view().can_act) list_devices();
    }
    event(std::string{"link "} + net::to_string(state) + (detail.empty() ? "" : " " + detail));
    changed();
  };
  ev.on_link_changed = [this](const std::string&) { on_link_changed(); };
  ev.on_self_level = [this](double db) {
    model_.gate().on_level(db, now_ms());
    apply_gate();
    if (listener_.on_level) listener_.on_level(db);
  };
  ev.on_chat = [this](const protocol::ChatMessage& m) {
    ChatLine line{m.riot_id, m.text, m.ts, session_ && m.from == session_->core().peer_id(), false};
    model_.add_chat(line);
    if (listener_.on_chat) listener_.on_chat(line);
  };
  ev.on_notice = [this](const protocol::Notice& n) {
    ChatLine line{"Shotcall server", n.text, g_get_real_time() / 1000, false, true};
    model_.add_chat(line);
    if (listener_.on_chat) listener_.on_chat(line);
  };
  ev.on_server_error = [this](const protocol::Error& e) {
    event("server-error " + std::string{protocol::to_wire(e.code)} + " " + e.message);
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
  ev.on_watching = [this](const protocol::Watching& w) {
    model_.on_watching();
    event("watching " + w.riot_id);
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
    event(available ? std::string{"microphone ok"} : "microphone unavailable " + sentence);
    changed();
  };
  ev.on_speakers = [this](bool available, const std::string& sentence) {
    model_.on_speakers(available, sentence);
    event(available ? std::string{"speakers ok"} : "speakers unavailable " + sentence);
    changed();
  };

  std::string error;
  session_ = session::Session::create(std::move(so), std::move(ev), &error);
  if (!session_) {
    model_.on_session_error(error);
    event("session-error " + error);
    return false;
  }
  model_.on_session_started(riot_id);
  model_.identity().on_session(true, riot_id);
  event("session " + riot_id);
  engine_muted_.reset();
  apply_gate();
  session_->voice().set_deafened(deafened_);
  session_->start();
  return true;
}

void CallController::stop_session() {
  if (!session_) return;
  session_->leave_and_stop();
  session_.reset();
  model_.on_session_stopped();
  model_.identity().on_session(false, model_.my_riot_id());
  reported_phase_.clear();
  reported_audio_.clear();
  reported_identity_.clear();
}

void CallController::on_link_changed() {
  if (!session_) return;
  std::map<std::string, PeerLinkView> views;
  for (const auto& [key, t] : session_->core().teammates()) {
    PeerLinkView& v = views[key];
    v.key = key;
    v.riot_id = t.riot_id;
    v.in_channel = t.peer_id.has_value();
    v.identity = t.identity;
    // For scripts and the tests: each teammate's level as their row shows it.
    const auto reported = reported_identity_.find(key);
    if (v.in_channel && (reported == reported_identity_.end() || reported->second != t.identity)) {
      reported_identity_[key] = t.identity;
      event("identity " + t.riot_id + " " + std::string{protocol::to_wire(t.identity)});
    }
  }
  for (const auto& [key, info] : session_->links()) {
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
    const std::string phase{mesh::phase_name(info.phase)};
    if (reported_phase_[key] != phase) {
      reported_phase_[key] = phase;
      event("peer " + info.riot_id + " " + phase + (info.reason.empty() ? "" : " " + info.reason));
    }
    if (info.first_audio_ms && !reported_audio_[key]) {
      reported_audio_[key] = true;
      event("first-audio " + info.riot_id + " " + std::to_string(*info.first_audio_ms));
    }
  }
  std::vector<PeerLinkView> list;
  for (auto& [key, v] : views) list.push_back(std::move(v));
  const LinkUpdate update = model_.update_links(std::move(list));
  for (const auto& s : update.apply) {
    session_->voice().set_peer_volume(s.key, s.volume);
    session_->voice().set_peer_muted(s.key, s.muted);
  }
  for (const auto& c : update.changes) {
    event(std::string{c.joined ? "teammate-joined " : "teammate-left "} + c.riot_id);
    ChatLine line{c.riot_id, c.joined ? "joined the call" : "left the call",
                  g_get_real_time() / 1000, false, true};
    model_.add_chat(line);
    if (listener_.on_chat) listener_.on_chat(line);
    if (listener_.on_teammate) listener_.on_teammate(c);
  }
  changed();
}

void CallController::apply_gate() {
  const bool muted = model_.gate().engine_muted();
  if (engine_muted_ == muted) return;
  const bool first = !engine_muted_.has_value();
  engine_muted_ = muted;
  if (session_) session_->voice().set_muted(muted);
  if (!first) event(std::string{"transmitting "} + (muted ? "off" : "on"));
  changed();
}

void CallController::set_muted(bool muted) {
  model_.gate().set_user_muted(muted);
  apply_gate();
}

void CallController::set_deafened(bool deafened) {
  deafened_ = deafened;
  if (session_) session_->voice().set_deafened(deafened);
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
  if (session_) session_->voice().set_peer_volume(key, model_.memory().get(key).volume);
}

void CallController::set_peer_muted(const std::string& key, bool muted) {
  model_.set_peer_muted(key, muted);
  if (session_) session_->voice().set_peer_muted(key, muted);
  changed();
}

void CallController::set_bitrate(int bps) {
  config_.voice.bitrate = bps;
  if (session_) session_->voice().set_bitrate(bps);
}

void CallController::send_chat(const std::string& text) {
  std::string trimmed;
  if (session_ && chat_text_sendable(text, &trimmed)) session_->send_chat(trimmed);
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
  if (session_ && session_->send_identity(std::move(request))) return true;
  model_.identity().on_request_failed(
      part, "Not connected to your server now: try again once Shotcall is connected.");
  changed();
  return false;
}

void CallController::verify_riot() {
  std::string why;
  if (session_ && session_->start_riot_verification(&why)) {
    model_.identity().on_verify_requested();
  } else {
    if (!session_) why = "not connected to your server now";
    why[0] = static_cast<char>(g_ascii_toupper(why[0]));
    model_.identity().on_request_failed(IdentityModel::Part::Verify, why + ".");
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
  if (!session_) {
    model_.identity().on_request_failed(
        IdentityModel::Part::Link,
        "Shotcall is not connected to your server now: linking starts once it is (when your "
        "game starts, or at once with server-side detection).");
    changed();
    return;
  }
  // The same player and game, on a new connection that asks for a link code first.
  const std::string riot_id = model_.my_riot_id();
  const std::optional<session::DetectedGame> game = model_.game();
  stop_session();
  link_first_ = true;
  if (start_session(riot_id)) {
    model_.identity().on_link_requested();
    if (game && config_.mode != DetectionMode::Server) session_->set_target(game->target);
  }
  changed();
}

void CallController::approve_device(const std::string& code) {
  const auto normalized = identity::normalize_link_code(code);
  if (!normalized) {
    model_.identity().on_request_failed(
        IdentityModel::Part::Approve,
        "A link code has 8 letters and digits, like ABCD-2345: type the one the new device "
        "shows.");
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
