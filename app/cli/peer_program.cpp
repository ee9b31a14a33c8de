#include "app/cli/peer_program.hpp"

#include <glib-unix.h>
#include <glib.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "app/cli/peer_report.hpp"
#include "app/media/link_route.hpp"
#include "app/session/device_key.hpp"
#include "app/session/game_detector.hpp"
#include "app/session/session.hpp"
#include "signaling/identity/ed25519.hpp"
#include "signaling/protocol/riot_id.hpp"

namespace shotcall::cli {

namespace {

// Tests read these lines as they come: never leave one in a buffer.
void emit(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() < 19 && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

class PeerProgram::Impl {
 public:
  explicit Impl(PeerOptions o) : options_(std::move(o)), loop_(g_main_loop_new(nullptr, FALSE)) {}
  ~Impl() {
    for (guint id : sources_) g_source_remove(id);
    if (verify_source_) g_source_remove(verify_source_);
    detector_.reset();
    session_.reset();
    g_main_loop_unref(loop_);
  }

  int run() {
    std::string error;
    if (!make_detector(&error)) return fail_now(error);
    // With a Riot ID known up front the session starts at once; from local game data it starts
    // when the game names the player.
    if (options_.riot_id && !start_session(*options_.riot_id)) return exit_code_;

    sources_.push_back(g_unix_signal_add(SIGINT, &Impl::on_signal, this));
    sources_.push_back(g_unix_signal_add(SIGTERM, &Impl::on_signal, this));
    if (options_.duration_s) {
      sources_.push_back(g_timeout_add(static_cast<guint>(*options_.duration_s * 1000),
                                       &Impl::on_duration, this));
    }
    GameDetector::Events events;
    events.on_game = [this](const std::optional<session::DetectedGame>& game) { on_game(game); };
    events.on_state = [](session::DetectorState state, const std::string& detail) {
      emit(std::string{"detector "} + to_string(state) + (detail.empty() ? "" : " " + detail));
    };
    if (detector_) detector_->start(std::move(events));
    if (!finished_) g_main_loop_run(loop_);
    return exit_code_;
  }

 private:
  using GameDetector = session::GameDetector;

  bool make_detector(std::string* error) {
    if (options_.lcd_url) {
      detector_ = session::make_lcd_detector(*options_.lcd_url, options_.lcd_ca.value_or(""), error);
      return detector_ != nullptr;
    }
    if (options_.game) {
      session::DetectedGame game;
      game.player_riot_id = *options_.riot_id;
      game.target.game_id = {*options_.game, all_digits(*options_.game)};
      game.target.team_id = {std::to_string(*options_.team), true};
      game.target.teammates = options_.teammates;
      detector_ = session::make_manual_detector(std::move(game));
    }
    return true;  // --watch: the server finds the game
  }

  bool start_session(const std::string& riot_id) {
    session::SessionOptions so;
    so.signaling.url = options_.server;
    so.signaling.riot_id = riot_id;
    so.signaling.token = options_.token;
    if (!options_.no_key) {
      // One key per server host and player: a tester runs many players as one user, and a key
      // may bind only a few Riot IDs.
      std::string key_error;
      const std::string path =
          options_.key_file.value_or(session::device_key_path(options_.server, riot_id));
      so.signaling.key = session::load_device_key(path, key_error);
      if (!so.signaling.key) {
        fail_now("the device key " + path + " cannot be used: " + key_error);
        return false;
      }
      so.signaling.link_first = options_.link;
    }
    so.follow_offers = options_.watch;
    so.voice.source = options_.source;
    so.voice.sink = options_.sink;
    so.voice.record_dir = options_.record_dir.value_or("");
    so.voice.local_addresses = options_.ice_addresses;
    so.voice.ice_transport_policy = options_.ice_relay_only ? media::IceTransportPolicy::Relay
                                                            : media::IceTransportPolicy::All;
    if (options_.jitter_ms >= 0) so.voice.jitter_ms = options_.jitter_ms;
    if (options_.bitrate > 0) so.voice.bitrate = options_.bitrate;
    if (options_.frame_ms > 0) so.voice.frame_ms = options_.frame_ms;
    if (options_.no_dsp) {
      so.voice.echo_cancel = false;
      so.voice.noise_suppression = false;
      so.voice.gain_control = false;
    }
    if (options_.record_dir) g_mkdir_with_parents(options_.record_dir->c_str(), 0755);

    session::SessionEvents ev;
    ev.on_phase = [this](session::Phase phase, const std::string& detail) {
      emit(std::string{"phase "} + to_string(phase) + (detail.empty() ? "" : " " + detail));
      if (phase == session::Phase::InChannel && session_->core().channel_id()) {
        channel_id_ = *session_->core().channel_id();
        emit("joined " + channel_id_);
      }
    };
    ev.on_link = [this](net::LinkState state, const std::string& detail) { on_link(state, detail); };
    ev.on_link_changed = [this](const std::string& key) { on_link_changed(key); };
    ev.on_notice = [](const protocol::Notice& n) { emit("notice " + n.text); };
    ev.on_watching = [](const protocol::Watching& w) { emit("watching " + w.riot_id); };
    ev.on_identity = [this](const protocol::ServerMessage& m) { on_identity(m); };
    ev.on_server_error = [this](const protocol::Error& e) {
      emit("server-error " + std::string{protocol::to_wire(e.code)} + " " + e.message);
      if (verify_started_ && e.re && e.re->rfind("verify-riot", 0) == 0) on_verify_error(e);
    };
    ev.on_voice_error = [this](const std::string& message) {
      finish(1, "the voice pipeline failed: " + message);
    };
    // A device that cannot open leaves the call half up: say so and stay.
    ev.on_microphone = [](bool available, const std::string& sentence) {
      emit(available ? std::string{"microphone ok"} : "microphone unavailable " + sentence);
    };
    ev.on_speakers = [](bool available, const std::string& sentence) {
      emit(available ? std::string{"speakers ok"} : "speakers unavailable " + sentence);
    };
    std::string error;
    session_ = session::Session::create(std::move(so), std::move(ev), &error);
    if (!session_) {
      fail_now(error);
      return false;
    }
    riot_id_ = riot_id;
    session_->voice().set_muted(options_.mute);
    session_->voice().set_deafened(options_.deafen);
    session_->start();
    return true;
  }

  void on_game(const std::optional<session::DetectedGame>& game) {
    if (!game) {
      emit("no-game");
      if (session_) session_->set_target(std::nullopt);
      return;
    }
    if (!session_) {
      if (!start_session(game->player_riot_id)) return;
    } else if (protocol::fold_riot_id(game->player_riot_id) != protocol::fold_riot_id(riot_id_)) {
      emit("error the game is played by " + game->player_riot_id + ", not " + riot_id_);
      return;
    }
    emit("game " + game->target.game_id.text + " " + game->target.team_id.text);
    session_->set_target(game->target);
  }

  void on_link(net::LinkState state, const std::string& detail) {
    if (state == net::LinkState::Registered) {
      registered_ = true;
      last_peer_id_ = session_->link().peer_id();
      emit("registered " + last_peer_id_);
      if (options_.approve_code && !approve_sent_) {
        approve_sent_ = true;
        session_->send_identity(protocol::LinkApprove{*options_.approve_code});
      }
      if (options_.verify_riot && !verify_started_) start_verification();
    } else if (state == net::LinkState::Refused) {
      finish(1, "the signaling server refused us: " + detail);
    } else if (state == net::LinkState::Failed && !registered_) {
      finish(1, "cannot reach the signaling server at " + options_.server + ": " + detail);
    } else if (!detail.empty()) {
      emit(std::string{"link "} + to_string(state) + " " + detail);
    }
  }

  void on_link_changed(const std::string& key) {
    const auto it = session_->links().find(key);
    if (it == session_->links().end()) return;
    const session::LinkInfo& info = it->second;
    auto& seen = seen_[key];
    const std::string phase{mesh::phase_name(info.phase)};
    if (seen.phase != phase) {
      seen.phase = phase;
      emit("peer " + info.riot_id + " " + phase + (info.reason.empty() ? "" : " " + info.reason));
    }
    // The path audio takes, each time it becomes known or changes: "route <riot id> direct host
    // srflx" (the selected pair's local and remote candidate types).
    const std::string route = media::route_name(info.stats.route);
    const bool known = info.stats.route != media::LinkRoute::Unknown;
    const std::string path = known ? route + " " + info.stats.local_candidate_type + " " +
                                         info.stats.remote_candidate_type
                                   : route;
    if (seen.route != path && (known || !seen.route.empty())) {
      seen.route = path;
      emit("route " + info.riot_id + " " + path);
    }
    if (info.first_audio_ms && !seen.first_audio) {
      seen.first_audio = true;
      emit("first-audio " + info.riot_id + " " + std::to_string(*info.first_audio_ms));
    }
  }

  void on_identity(const protocol::ServerMessage& m) {
    if (const auto* code = std::get_if<protocol::LinkCodeIssued>(&m.body)) {
      emit("link-code " + code->code + " fingerprint " + code->fingerprint);
    } else if (const auto* approved = std::get_if<protocol::LinkApproved>(&m.body)) {
      emit("link-approved " + approved->key);
    } else if (const auto* hello = std::get_if<protocol::HelloReply>(&m.body)) {
      emit("server-policy " + hello->policy);
    } else if (const auto* challenge = std::get_if<protocol::VerifyRiotChallenge>(&m.body)) {
      // Each icon once; the same challenge again means "not seen yet".
      const std::pair<int, int> icon{challenge->icon_id, challenge->round};
      if (shown_icon_ != icon) {
        shown_icon_ = icon;
        emit("verify-icon " + std::to_string(icon.first) + " round " + std::to_string(icon.second));
      }
      verify_after(kVerifyCheckMs, false);
    } else if (std::holds_alternative<protocol::Verified>(m.body)) {
      emit("verified");
      verified_ = true;
      if (!detector_ && !options_.watch) finish(0);  // nothing else was asked of us
    }
  }

  // ---- --verify-riot -----------------------------------------------------------------------
  static constexpr guint kVerifyCheckMs = 10000;  // the server reads Riot at most every 10 s

  void start_verification() {
    std::string why;
    if (!session_->start_riot_verification(&why)) return finish(3, "cannot verify with Riot: " + why);
    verify_started_ = true;
  }

  // verify-busy: check again (or start again, when nothing is pending) when the server says.
  void on_verify_error(const protocol::Error& e) {
    if (verified_) return;
    if (e.code == protocol::ErrorCode::VerifyBusy) {
      const auto wait = static_cast<guint>(std::clamp<std::int64_t>(
          e.retry_after_ms.value_or(kVerifyCheckMs), 1000, 24LL * 3600 * 1000));
      emit("verify-busy " + std::to_string(wait));
      verify_after(wait, *e.re == "verify-riot");
      return;
    }
    emit("verify-error " + std::string{protocol::to_wire(e.code)} + " " + e.message);
    finish(3);
  }

  void verify_after(guint ms, bool restart) {
    if (verify_source_) g_source_remove(verify_source_);
    verify_restart_ = restart;
    verify_source_ = g_timeout_add(ms, &Impl::on_verify_timer, this);
  }

  static gboolean on_verify_timer(gpointer data) {
    auto* self = static_cast<Impl*>(data);
    self->verify_source_ = 0;
    if (self->finished_ || self->verified_) return G_SOURCE_REMOVE;
    if (self->verify_restart_)
      self->start_verification();
    else
      self->session_->send_identity(protocol::VerifyRiotCheck{});
    return G_SOURCE_REMOVE;
  }

  PeerReport report() const {
    PeerReport r;
    r.riot_id = riot_id_;
    r.peer_id = last_peer_id_;
    r.channel_id = channel_id_;
    if (!session_) return r;
    r.microphone = session_->voice().microphone_available() ? "ok" : "unavailable";
    r.speakers = session_->voice().speakers_available() ? "ok" : "unavailable";
    for (const auto& [key, info] : session_->links()) {
      PeerReportEntry e;
      e.riot_id = info.riot_id;
      e.peer_id = info.peer_id;
      e.state = std::string{mesh::phase_name(info.phase)};
      e.identity = std::string{protocol::to_wire(info.identity)};
      e.first_audio_ms = info.first_audio_ms;
      e.record_file = info.record_file;
      if (info.stats.rtt_ms >= 0) e.rtt_ms = info.stats.rtt_ms;
      e.packets_lost = info.stats.packets_lost;
      e.jitter_ms = info.stats.jitter_ms;
      e.route = media::route_name(info.stats.route);
      if (info.stats.route != media::LinkRoute::Unknown) {
        e.local_candidate = info.stats.local_candidate_type;
        e.remote_candidate = info.stats.remote_candidate_type;
      }
      if (!info.failure.empty()) e.failure = info.failure;
      r.peers.push_back(std::move(e));
    }
    return r;
  }

  int fail_now(const std::string& message) {
    std::fprintf(stderr, "shotcall-peer: %s\n", message.c_str());
    exit_code_ = 1;
    finished_ = true;
    return exit_code_;
  }

  // Leaves the channel, writes the report, lets the goodbye reach the server, then quits.
  void finish(int code, const std::string& message = "") {
    if (finished_) return;
    finished_ = true;
    exit_code_ = code;
    if (!message.empty()) std::fprintf(stderr, "shotcall-peer: %s\n", message.c_str());
    if (detector_) detector_->stop();
    const PeerReport r = report();
    if (session_) session_->leave_and_stop();
    if (options_.report) {
      std::ofstream out(*options_.report);
      out << to_json(r);
      if (!out) {
        std::fprintf(stderr, "shotcall-peer: cannot write the report to %s\n",
                     options_.report->c_str());
        if (exit_code_ == 0) exit_code_ = 1;
      }
    }
    emit("left");
    flush_deadline_us_ = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;
    sources_.push_back(g_timeout_add(20, &Impl::on_flush_check, this));
  }

  static gboolean on_flush_check(gpointer data) {
    auto* self = static_cast<Impl*>(data);
    if (!net::SignalingClient::goodbyes_pending() ||
        g_get_monotonic_time() > self->flush_deadline_us_) {
      g_main_loop_quit(self->loop_);
    }
    return G_SOURCE_CONTINUE;
  }
  static gboolean on_signal(gpointer data) {
    static_cast<Impl*>(data)->finish(0);
    return G_SOURCE_CONTINUE;
  }
  static gboolean on_duration(gpointer data) {
    static_cast<Impl*>(data)->finish(0);
    return G_SOURCE_CONTINUE;
  }

  struct Seen {
    std::string phase;
    std::string route;  // as last printed; empty before the first known route
    bool first_audio = false;
  };

  PeerOptions options_;
  GMainLoop* loop_;
  std::unique_ptr<GameDetector> detector_;
  std::unique_ptr<session::Session> session_;
  std::vector<guint> sources_;
  std::map<std::string, Seen> seen_;
  std::string riot_id_;
  bool approve_sent_ = false;
  std::string last_peer_id_;
  std::string channel_id_;
  gint64 flush_deadline_us_ = 0;
  bool registered_ = false;
  bool verify_started_ = false;
  bool verify_restart_ = false;
  bool verified_ = false;
  std::optional<std::pair<int, int>> shown_icon_;  // icon and round last printed
  guint verify_source_ = 0;
  bool finished_ = false;
  int exit_code_ = 0;
};

PeerProgram::PeerProgram(PeerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
PeerProgram::~PeerProgram() = default;
int PeerProgram::run() { return impl_->run(); }

}  // namespace shotcall::cli
