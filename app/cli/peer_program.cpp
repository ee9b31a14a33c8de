#include "app/cli/peer_program.hpp"

#include <glib-unix.h>
#include <glib.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "app/cli/peer_report.hpp"
#include "app/media/link_route.hpp"
#include "app/session/call_runner.hpp"
#include "signaling/identity/ed25519.hpp"

namespace shotcall::cli {

namespace {

// Tests read these lines as they come: never leave one in a buffer.
void emit(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace

class PeerProgram::Impl {
 public:
  explicit Impl(PeerOptions o) : options_(std::move(o)), loop_(g_main_loop_new(nullptr, FALSE)) {}
  ~Impl() {
    for (guint id : sources_) g_source_remove(id);
    if (verify_source_) g_source_remove(verify_source_);
    runner_.reset();
    g_main_loop_unref(loop_);
  }

  int run() {
    if (options_.record_dir) g_mkdir_with_parents(options_.record_dir->c_str(), 0755);
    runner_ = std::make_unique<session::CallRunner>(runner_config(), runner_events());
    sources_.push_back(g_unix_signal_add(SIGINT, &Impl::on_signal, this));
    sources_.push_back(g_unix_signal_add(SIGTERM, &Impl::on_signal, this));
    if (options_.duration_s) {
      sources_.push_back(g_timeout_add(static_cast<guint>(*options_.duration_s * 1000),
                                       &Impl::on_duration, this));
    }
    // With a Riot ID known up front the session starts at once; from local game data it starts
    // when the game names the player.
    std::string error;
    if (!runner_->start(&error)) return error.empty() ? exit_code_ : fail_now(error);
    if (!finished_) g_main_loop_run(loop_);
    return exit_code_;
  }

 private:
  session::CallRunnerConfig runner_config() const {
    session::CallRunnerConfig c;
    c.server_url = options_.server;
    c.token = options_.token;
    // One key per server host and player: a tester runs many players as one user, and a key
    // may bind only a few Riot IDs.
    c.device_keys = options_.no_key ? session::DeviceKeys::Off : session::DeviceKeys::PerPlayer;
    c.key_file = options_.key_file;
    c.link_first = options_.link;
    c.riot_id = options_.riot_id.value_or("");
    c.session_at_start = options_.riot_id.has_value();
    if (options_.lcd_url) {
      c.detection = session::Detection::Local;
      c.lcd_url = *options_.lcd_url;
      c.lcd_ca = options_.lcd_ca.value_or("");
    } else if (options_.game) {
      c.detection = session::Detection::Manual;
      c.manual_game = *options_.game;
      c.manual_team = *options_.team;
      c.manual_teammates = options_.teammates;
    } else {
      // --watch: the server finds the game; otherwise there is none to find (--verify-riot).
      c.detection = options_.watch ? session::Detection::Server : session::Detection::None;
    }
    c.other_player = session::OtherPlayer::Refuse;  // one player per process
    c.lines = {.routes = true, .identities = false};
    c.history_path = options_.history.value_or("");

    media::VoiceConfig& v = c.voice;
    v.source = options_.source;
    v.sink = options_.sink;
    v.record_dir = options_.record_dir.value_or("");
    v.local_addresses = options_.ice_addresses;
    v.ice_transport_policy = options_.ice_relay_only ? media::IceTransportPolicy::Relay
                                                     : media::IceTransportPolicy::All;
    if (options_.jitter_ms >= 0) {
      v.jitter_ms = options_.jitter_ms;
      v.adaptive_jitter = false;
    }
    if (options_.bitrate > 0) v.bitrate = options_.bitrate;
    if (options_.frame_ms > 0) v.frame_ms = options_.frame_ms;
    if (options_.no_dsp) {
      v.echo_cancel = false;
      v.noise_suppression = false;
      v.gain_control = false;
    }
    return c;
  }

  session::CallRunnerEvents runner_events() {
    session::CallRunnerEvents e;
    e.on_event = [](const std::string& line) { emit(line); };
    // Before the loop runs, run() returns the failure; once it runs, finish() ends it.
    e.on_session_failed = [this](const std::string& error) {
      if (g_main_loop_is_running(loop_))
        finish(1, error);
      else
        fail_now(error);
    };
    e.on_session_started = [this](const std::string& riot_id) {
      riot_id_ = riot_id;
      runner_->session()->voice().set_muted(options_.mute);
      runner_->session()->voice().set_deafened(options_.deafen);
    };
    session::SessionEvents& ev = e.session;
    ev.on_phase = [this](session::Phase phase, const std::string&) {
      const session::Session* s = runner_->session();
      if (phase == session::Phase::InChannel && s && s->core().channel_id()) {
        channel_id_ = *s->core().channel_id();
        emit("joined " + channel_id_);
      }
    };
    ev.on_link = [this](net::LinkState state, const std::string& detail) {
      on_link(state, detail);
    };
    ev.on_notice = [](const protocol::Notice& n) { emit("notice " + n.text); };
    ev.on_identity = [this](const protocol::ServerMessage& m) { on_identity(m); };
    ev.on_server_error = [this](const protocol::Error& e) {
      if (verify_started_ && e.re && e.re->rfind("verify-riot", 0) == 0) on_verify_error(e);
    };
    ev.on_voice_error = [this](const std::string& message) {
      finish(1, "the voice pipeline failed: " + message);
    };
    return e;
  }

  session::Session& session() { return *runner_->session(); }

  void on_link(net::LinkState state, const std::string& detail) {
    if (state == net::LinkState::Registered) {
      registered_ = true;
      last_peer_id_ = session().link().peer_id();
      emit("registered " + last_peer_id_);
      if (options_.approve_code && !approve_sent_) {
        approve_sent_ = true;
        session().send_identity(protocol::LinkApprove{*options_.approve_code});
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
      if (!runner_->has_detector() && !options_.watch) finish(0);  // nothing else was asked of us
    }
  }

  // ---- --verify-riot -----------------------------------------------------------------------
  static constexpr guint kVerifyCheckMs = 10000;  // the server reads Riot at most every 10 s

  void start_verification() {
    std::string why;
    if (!session().start_riot_verification(&why))
      return finish(3, "cannot verify with Riot: " + why);
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
    if (self->finished_ || self->verified_ || !self->runner_->session()) return G_SOURCE_REMOVE;
    if (self->verify_restart_)
      self->start_verification();
    else
      self->session().send_identity(protocol::VerifyRiotCheck{});
    return G_SOURCE_REMOVE;
  }

  PeerReport report() {
    PeerReport r;
    r.riot_id = riot_id_;
    r.peer_id = last_peer_id_;
    r.channel_id = channel_id_;
    session::Session* s = runner_ ? runner_->session() : nullptr;
    if (!s) return r;
    r.microphone = s->voice().microphone_available() ? "ok" : "unavailable";
    r.speakers = s->voice().speakers_available() ? "ok" : "unavailable";
    r.jitter_buffer_ms = s->voice().jitter_ms();
    for (const auto& [key, info] : s->links()) {
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
    const PeerReport r = report();
    // The detector, then the session leaves (finish may run inside the session's own events).
    if (runner_) runner_->leave();
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

  PeerOptions options_;
  GMainLoop* loop_;
  std::unique_ptr<session::CallRunner> runner_;
  std::vector<guint> sources_;
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
