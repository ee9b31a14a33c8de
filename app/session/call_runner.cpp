#include "app/session/call_runner.hpp"

#include <glib.h>

#include "app/i18n/translate.hpp"
#include "app/media/link_route.hpp"
#include "app/mesh/peer_state.hpp"
#include "app/session/device_key.hpp"

namespace shotcall::session {

std::unique_ptr<GameDetector> make_detector(const CallRunnerConfig& c, std::string* error) {
  switch (c.detection) {
    case Detection::Local:
      return make_lcd_detector(c.lcd_url, c.lcd_ca, error);
    case Detection::Lan:
      if (c.lan_address.empty() && c.lcd_url.empty()) {
        // Translators: why the game's data cannot be read. No full stop.
        *error = i18n::tr("no address for the computer the game runs on");
        return nullptr;
      }
      // An empty lcd_url: the game computer's address on Riot's port (lan_lcd_base_url).
      return make_lcd_detector(c.lcd_url, c.lcd_ca, error, c.lan_address);
    case Detection::Manual:
      return make_manual_detector(
          make_manual_game(c.riot_id, c.manual_game, c.manual_team, c.manual_teammates));
    case Detection::Server:
    case Detection::None:
      return nullptr;
  }
  return nullptr;
}

CallRunner::CallRunner(CallRunnerConfig config, CallRunnerEvents events, DetectorFactory factory)
    : config_(std::move(config)),
      events_(std::move(events)),
      factory_(std::move(factory)),
      lines_(config_.lines),
      history_(config_.history_path) {}

CallRunner::~CallRunner() { stop(); }

bool CallRunner::start(std::string* error) {
  std::string why;
  detector_ = factory_(config_, &why);
  if (!detector_ && !why.empty()) {
    *error = why;
    return false;
  }
  if (config_.session_at_start && !start_session(config_.riot_id)) {
    detector_.reset();
    error->clear();  // said through on_session_failed
    return false;
  }
  if (detector_) {
    GameDetector::Events events;
    events.on_state = [this](DetectorState state, const std::string& detail) {
      event(detector_line(to_string(state), detail));
      if (events_.on_detector_state) events_.on_detector_state(state, detail);
    };
    events.on_game = [this](const std::optional<DetectedGame>& game) { on_game(game); };
    detector_->start(std::move(events));
  }
  return true;
}

void CallRunner::cancel_restart() {
  if (restart_source_) g_source_remove(restart_source_);
  restart_source_ = 0;
  pending_game_.reset();
}

void CallRunner::stop() {
  cancel_restart();
  if (detector_) detector_->stop();
  detector_.reset();
  history_game_over();
  stop_session();
  game_.reset();
}

void CallRunner::leave() {
  cancel_restart();
  if (detector_) detector_->stop();
  history_game_over();
  if (session_) session_->leave_and_stop();
}

void CallRunner::on_game(const std::optional<DetectedGame>& game) {
  switch (next_step(player_, game, config_.other_player)) {
    case GameStep::ClearTarget:
      cancel_restart();
      history_game_over();
      game_.reset();
      if (events_.on_game) events_.on_game(std::nullopt);
      event("no-game");
      if (session_) session_->set_target(std::nullopt);
      return;
    case GameStep::RefusePlayer:
      event("error the game is played by " + game->player_riot_id + ", not " + *player_);
      return;
    case GameStep::RestartForPlayer:
      // Someone else plays on this computer now: their own session, started outside this
      // callback because the old session may be on the stack.
      pending_game_ = game;
      if (!restart_source_) restart_source_ = g_idle_add(&CallRunner::restart_idle, this);
      return;
    case GameStep::StartAndTarget:
    case GameStep::Retarget:
      // The player's own game again: a restart for someone else asked earlier is stale.
      cancel_restart();
      break;
  }
  game_ = game;
  // Before the rows are drawn for this game, so they show who was played with before.
  history_game(*game);
  if (events_.on_game) events_.on_game(game);
  event(game_line(game->target.game_id.text, game->target.team_id.text));
  if (!session_ && !start_session(game->player_riot_id)) return;
  session_->set_target(game->target);
}

int CallRunner::restart_idle(void* data) {
  auto* self = static_cast<CallRunner*>(data);
  self->restart_source_ = 0;
  if (auto game = std::move(self->pending_game_)) {
    self->pending_game_.reset();
    self->history_game_over();
    self->stop_session();
    self->on_game(game);
  }
  return G_SOURCE_REMOVE;
}

bool CallRunner::start_session(const std::string& riot_id) {
  SessionOptions so;
  so.signaling.url = config_.server_url;
  so.signaling.riot_id = riot_id;
  so.signaling.token = config_.token;
  if (config_.device_keys != DeviceKeys::Off) {
    // identity-1: this installation's key for the server, so nobody else can take our seat.
    std::string key_error;
    const bool per_player = config_.device_keys == DeviceKeys::PerPlayer;
    const std::string path =
        per_player ? config_.key_file.value_or(device_key_path(config_.server_url, riot_id))
                   : device_key_path(config_.server_url);
    so.signaling.key = load_device_key(path, key_error);
    if (!so.signaling.key) {
      if (per_player) {
        if (events_.on_session_failed)
          // Translators: a reason without its full stop; {path} is a file, {error} says why.
          events_.on_session_failed(
              i18n::fill(i18n::tr("the device key {path} cannot be used: {error}"),
                         {{"path", path}, {"error", key_error}}));
        return false;
      }
      g_warning("the device key %s cannot be used (%s): joining without one", path.c_str(),
                key_error.c_str());
    }
    so.signaling.link_first = config_.link_first;
  }
  so.follow_offers = config_.detection == Detection::Server;
  so.voice = config_.voice;
  if (events_.on_session_options) events_.on_session_options(so);

  SessionEvents ev = events_.session;
  ev.on_phase = [this](Phase phase, const std::string& detail) { on_phase(phase, detail); };
  ev.on_link = [this](net::LinkState state, const std::string& detail) { on_link(state, detail); };
  ev.on_link_changed = [this](const std::string& key) { on_link_changed(key); };
  ev.on_server_error = [this](const protocol::Error& e) {
    event("server-error " + std::string{protocol::to_wire(e.code)} + " " + e.message);
    if (events_.session.on_server_error) events_.session.on_server_error(e);
  };
  ev.on_watching = [this](const protocol::Watching& w) {
    event("watching " + w.riot_id);
    if (events_.session.on_watching) events_.session.on_watching(w);
  };
  ev.on_microphone = [this](bool available, const std::string& sentence) {
    event(device_line("microphone", available, sentence));
    if (events_.session.on_microphone) events_.session.on_microphone(available, sentence);
  };
  ev.on_speakers = [this](bool available, const std::string& sentence) {
    event(device_line("speakers", available, sentence));
    if (events_.session.on_speakers) events_.session.on_speakers(available, sentence);
  };

  std::string error;
  session_ = Session::create(std::move(so), std::move(ev), &error);
  if (!session_) {
    if (events_.on_session_failed) events_.on_session_failed(error);
    return false;
  }
  player_ = riot_id;
  if (events_.on_session_started) events_.on_session_started(riot_id);
  session_->start();
  return true;
}

void CallRunner::stop_session() {
  if (!session_) return;
  session_->leave_and_stop();
  session_.reset();
  player_.reset();
  lines_.reset();
  if (events_.on_session_stopped) events_.on_session_stopped();
}

void CallRunner::on_phase(Phase phase, const std::string& detail) {
  event(phase_line(to_string(phase), detail));
  if (config_.detection == Detection::Server && session_) {
    // Server-side detection: the game is the channel the server offered while we are in it; a
    // reconnection in between ends the record, and rejoining the same game merges into it.
    const auto& offer = session_->core().followed_offer();
    if (offer && phase == Phase::InChannel) {
      DetectedGame game;
      game.player_riot_id = player_.value_or(config_.riot_id);
      game.target = GameTarget{offer->game_id, offer->team_id, offer->roster};
      history_game(game);
    } else if (!offer || phase == Phase::NoGame) {
      // A game-ended missed while offline must not leave the game open.
      history_game_over();
    }
  }
  if (events_.session.on_phase) events_.session.on_phase(phase, detail);
  // A phase change may change every link (leaving a channel closes them).
  on_link_changed("");
}

void CallRunner::on_link(net::LinkState state, const std::string& detail) {
  // Linked (or never asked): later sessions register at once.
  if (state == net::LinkState::Registered) config_.link_first = false;
  if (events_.session.on_link) events_.session.on_link(state, detail);
}

void CallRunner::on_link_changed(const std::string& key) {
  if (!session_) return;
  history_.on_links(session_->links());
  say_link_lines();
  if (events_.session.on_link_changed) events_.session.on_link_changed(key);
}

void CallRunner::say_link_lines() {
  for (const auto& [key, t] : session_->core().teammates())
    for (const auto& line : lines_.on_teammate(
             key, {t.riot_id, t.peer_id.has_value(), std::string{protocol::to_wire(t.identity)}}))
      event(line);
  for (const auto& [key, info] : session_->links()) {
    LinkSnapshot s;
    s.riot_id = info.riot_id;
    s.phase = std::string{mesh::phase_name(info.phase)};
    s.reason = info.reason;
    s.route = media::route_name(info.stats.route);
    s.route_known = info.stats.route != media::LinkRoute::Unknown;
    s.local_candidate = info.stats.local_candidate_type;
    s.remote_candidate = info.stats.remote_candidate_type;
    s.first_audio_ms = info.first_audio_ms;
    for (const auto& line : lines_.on_link(key, s)) event(line);
  }
}

void CallRunner::history_game(const DetectedGame& game) {
  history_note(history_.on_game(game, g_get_real_time() / 1000));
}

void CallRunner::history_game_over() {
  if (!history_.in_game()) return;
  if (session_) history_.on_links(session_->links());
  history_note(history_.on_game_over(g_get_real_time() / 1000));
  // For scripts and the tests: every game so far is in the file.
  if (history_.unsaved() == 0) event("history-saved");
}

void CallRunner::history_note(const std::string& note) {
  if (note.empty()) return;
  g_message("history: %s", note.c_str());
  event("history " + note);
}

void CallRunner::event(const std::string& line) {
  if (events_.on_event) events_.on_event(line);
}

}  // namespace shotcall::session
