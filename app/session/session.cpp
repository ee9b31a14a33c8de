#include "app/session/session.hpp"

#include <glib.h>

#include <set>
#include <utility>

#include "app/i18n/translate.hpp"
#include "app/net/identity_handshake.hpp"
#include "signaling/identity/sign_proof.hpp"

namespace shotcall::session {

class Session::Impl {
 public:
  Impl(SessionOptions options, SessionEvents events)
      : options_(std::move(options)),
        events_(std::move(events)),
        core_(options_.signaling.riot_id, options_.follow_offers) {}
  ~Impl() {
    if (links_down_source_) g_source_remove(links_down_source_);
  }

  bool init(std::string* error) {
    media::VoiceEvents ve;
    ve.on_peer_state = [this](const std::string& key, media::PeerPhase phase,
                              const std::string& reason) { on_peer_state(key, phase, reason); };
    ve.on_speaking = [this](const std::string& key, bool speaking) {
      if (key.empty()) {
        if (events_.on_self_speaking) events_.on_self_speaking(speaking);
        return;
      }
      if (auto* info = find(key)) {
        info->speaking = speaking;
        changed(key);
      }
    };
    ve.on_level = [this](const std::string& key, double db) {
      if (key.empty() && events_.on_self_level) events_.on_self_level(db);
    };
    ve.on_first_audio = [this](const std::string& key, std::int64_t us) {
      if (auto* info = find(key)) {
        info->first_audio_ms = joined_at_us_ ? (us - joined_at_us_) / 1000 : 0;
        changed(key);
      }
    };
    ve.on_stats = [this](const media::PeerStats& stats) {
      if (auto* info = find(stats.peer_id)) {
        info->stats = stats;
        if (!route_holds(info->phase)) forget_route(info->stats);
        changed(stats.peer_id);
      }
    };
    ve.on_signal = [this](const std::string& key, const std::string& json) {
      apply(core_.on_engine_signal(key, json));
    };
    ve.on_error = [this](const std::string& message) {
      if (events_.on_voice_error) events_.on_voice_error(message);
    };
    ve.on_microphone = [this](bool available, const std::string& sentence) {
      if (events_.on_microphone) events_.on_microphone(available, sentence);
    };
    ve.on_speakers = [this](bool available, const std::string& sentence) {
      if (events_.on_speakers) events_.on_speakers(available, sentence);
    };
    engine_ = media::VoiceEngine::create(options_.voice, std::move(ve), error);
    if (!engine_) return false;

    net::SignalingClient::Events se;
    se.on_state = [this](net::LinkState state, const std::string& detail) {
      on_link_state(state, detail);
    };
    se.on_message = [this](const protocol::ServerMessage& m) { on_server_message(m); };
    client_ = std::make_unique<net::SignalingClient>(options_.signaling, std::move(se));
    return true;
  }

  void on_link_state(net::LinkState state, const std::string& detail) {
    if (state != net::LinkState::Registered) verify_pending_ = false;  // its hello is lost
    if (events_.on_link) events_.on_link(state, detail);
    if (state == net::LinkState::Refused) {
      apply(core_.on_refused(detail));
    } else if (state != net::LinkState::Registered && core_.phase() != Phase::Offline) {
      apply(core_.on_link_lost());
    }
    phase_changed();
  }

  void on_server_message(const protocol::ServerMessage& m) {
    if (const auto* hello = std::get_if<protocol::HelloReply>(&m.body);
        hello && verify_pending_ && client_->state() == net::LinkState::Registered) {
      // The challenge start_riot_verification() asked for: it is used up by this request.
      verify_pending_ = false;
      const net::IdentityHandshake proofs(proof_options());
      const auto signed_proof =
          identity::sign_proof(*options_.signaling.key, identity::Purpose::VerifyRiot,
                               proofs.host(), hello->challenge, options_.signaling.riot_id);
      client_->send({std::string{"verify"},
                     protocol::VerifyRiot{options_.signaling.riot_id,
                                          {signed_proof.key, signed_proof.proof,
                                           signed_proof.host}}});
    }
    if (const auto* connected = std::get_if<protocol::Connected>(&m.body)) {
      use_server_ice(connected->ice_servers);
      apply(core_.on_registered(connected->peer_id));
    } else if (const auto* fresh = std::get_if<protocol::IceServersReply>(&m.body)) {
      // Renewed TURN credentials (the signaling client asks before they expire): the links of
      // later games are built with them.
      use_server_ice(fresh->ice_servers);
    } else {
      if (std::holds_alternative<protocol::JoinedChannel>(m.body))
        joined_at_us_ = g_get_monotonic_time();
      if (const auto* chat = std::get_if<protocol::ChatMessage>(&m.body); chat && events_.on_chat)
        events_.on_chat(*chat);
      if (const auto* notice = std::get_if<protocol::Notice>(&m.body); notice && events_.on_notice)
        events_.on_notice(*notice);
      if (const auto* error = std::get_if<protocol::Error>(&m.body); error && events_.on_server_error)
        events_.on_server_error(*error);
      const bool identity_message = std::holds_alternative<protocol::HelloReply>(m.body) ||
                                    std::holds_alternative<protocol::LinkCodeIssued>(m.body) ||
                                    std::holds_alternative<protocol::LinkApproved>(m.body) ||
                                    std::holds_alternative<protocol::DeviceList>(m.body) ||
                                    std::holds_alternative<protocol::DeviceUnlinked>(m.body) ||
                                    std::holds_alternative<protocol::VerifyRiotChallenge>(m.body) ||
                                    std::holds_alternative<protocol::Verified>(m.body);
      if (identity_message && events_.on_identity) events_.on_identity(m);
      if (const auto* w = std::get_if<protocol::Watching>(&m.body); w && events_.on_watching)
        events_.on_watching(*w);
      apply(core_.on_message(m));
    }
    refresh_peer_ids();
    phase_changed();
  }

  void on_peer_state(const std::string& key, media::PeerPhase phase, const std::string& reason) {
    if (auto* info = find(key)) {
      info->phase = phase;
      if (!reason.empty()) info->reason = reason;
      if (phase == media::PeerPhase::Failed) info->failure = reason;
      if (phase == media::PeerPhase::Connected) info->failure.clear();
      if (!route_holds(phase)) forget_route(info->stats);
      // A rebuilt link records into a new file (-2, -3, ...): report the latest.
      if (const auto file = engine_->recording_path(key)) info->record_file = file;
      changed(key);
    }
    core_.on_engine_link_state(key, phase == media::PeerPhase::Connected);
    if (phase == media::PeerPhase::Failed && engine_) {
      // Still held, the engine rebuilds it (unless the roles must change first); gone, it gave
      // up for good and the core decides whether the teammate stays.
      if (engine_->peer_phase(key))
        check_roles_later(key);
      else
        apply(core_.on_engine_peer_failed(key));
    }
  }

  // SessionCore::on_engine_link_down may rebuild the link, which must not happen inside the
  // engine's callback (it is still carrying out that link's actions): on the next turn of the
  // loop, at the priority of the engine's own timers, so before its rebuild with the old roles.
  // Only links the engine still holds: one it dropped (a fingerprint that did not match) or gave
  // up on stays dropped.
  void check_roles_later(const std::string& key) {
    links_down_.insert(key);
    if (links_down_source_) return;
    links_down_source_ = g_idle_add_full(
        G_PRIORITY_DEFAULT,
        [](gpointer self) -> gboolean {
          auto* impl = static_cast<Impl*>(self);
          impl->links_down_source_ = 0;
          for (const auto& key : std::exchange(impl->links_down_, {}))
            if (impl->engine_->peer_phase(key)) impl->apply(impl->core_.on_engine_link_down(key));
          return G_SOURCE_REMOVE;
        },
        this, nullptr);
  }

  void apply(const Actions& actions) {
    for (const Action& action : actions) {
      std::visit(
          [&](const auto& a) {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, SendMessage>) {
              client_->send(a.message);
            } else if constexpr (std::is_same_v<T, AddPeer>) {
              LinkInfo& info = links_[a.key];
              info = LinkInfo{};
              info.riot_id = a.riot_id;
              engine_->add_peer(a.key, a.riot_id, a.we_offer);
              info.record_file = engine_->recording_path(a.key);
              changed(a.key);
            } else if constexpr (std::is_same_v<T, RemovePeer>) {
              engine_->remove_peer(a.key);
              if (auto* info = find(a.key)) {
                info->phase = media::PeerPhase::Closed;
                info->peer_id.clear();
              }
              changed(a.key);
            } else if constexpr (std::is_same_v<T, DeliverSignal>) {
              engine_->handle_signal(a.key, a.data_json);
            }
          },
          action);
    }
  }

  // The server names the STUN/TURN servers; a command line's own come first.
  void use_server_ice(const std::vector<protocol::IceServer>& from_server) {
    auto servers = options_.voice.ice_servers;
    servers.insert(servers.end(), from_server.begin(), from_server.end());
    engine_->set_ice_servers(servers);
  }

  net::HandshakeOptions proof_options() const {
    const auto& s = options_.signaling;
    return {s.url, s.riot_id, s.puuid, s.token, s.key, s.link_first};
  }

  void refresh_peer_ids() {
    for (auto& [key, info] : links_) {
      const auto it = core_.teammates().find(key);
      info.peer_id = it != core_.teammates().end() && it->second.peer_id ? *it->second.peer_id : "";
      if (it != core_.teammates().end()) info.identity = it->second.identity;
    }
  }

  void phase_changed() {
    const Phase now = core_.phase();
    if (now == last_phase_) return;
    last_phase_ = now;
    if (events_.on_phase) events_.on_phase(now, core_.last_problem());
  }

  // Whether a link in `phase` has a route to show: a connected one carries audio on its selected
  // pair; a closed one keeps the path it had (the report); a link being (re)built or failed has
  // none, whatever pair its ICE agent last chose.
  static bool route_holds(media::PeerPhase phase) {
    return phase == media::PeerPhase::Connected || phase == media::PeerPhase::Closed;
  }

  static void forget_route(media::PeerStats& stats) {
    stats.route = media::PeerStats::LinkRoute::Unknown;
    stats.local_candidate_type.clear();
    stats.remote_candidate_type.clear();
  }

  LinkInfo* find(const std::string& key) {
    const auto it = links_.find(key);
    return it == links_.end() ? nullptr : &it->second;
  }
  void changed(const std::string& key) {
    if (events_.on_link_changed) events_.on_link_changed(key);
  }

  SessionOptions options_;
  SessionEvents events_;
  SessionCore core_;
  std::unique_ptr<media::VoiceEngine> engine_;
  std::unique_ptr<net::SignalingClient> client_;
  std::map<std::string, LinkInfo> links_;
  std::int64_t joined_at_us_ = 0;
  Phase last_phase_ = Phase::Offline;
  bool verify_pending_ = false;  // a hello is out for start_riot_verification()
  std::set<std::string> links_down_;  // failed links to look at (check_roles_later)
  guint links_down_source_ = 0;
  friend class Session;
};

std::unique_ptr<Session> Session::create(SessionOptions options, SessionEvents events,
                                         std::string* error) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(events));
  if (!impl->init(error)) return nullptr;
  return std::unique_ptr<Session>(new Session(std::move(impl)));
}

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::~Session() = default;

void Session::start() { impl_->client_->start(); }

void Session::set_target(std::optional<GameTarget> target) {
  impl_->apply(impl_->core_.set_target(std::move(target)));
  impl_->phase_changed();
}

void Session::leave_and_stop() {
  impl_->apply(impl_->core_.leave());
  impl_->client_->stop();
  impl_->engine_->stop();
  impl_->phase_changed();
}

void Session::send_chat(const std::string& text) {
  if (const auto& channel = impl_->core_.channel_id())
    impl_->client_->send({std::nullopt, protocol::ChatSend{*channel, text}});
}

bool Session::send_identity(protocol::ClientBody request) {
  return impl_->client_->send({std::string{"identity"}, std::move(request)});
}

bool Session::start_riot_verification(std::string* why) {
  const auto fail = [why](const char* words) {
    if (why) *why = words;
    return false;
  };
  // Translators: the three reasons below are why Riot ID verification cannot start; the window
  // makes a sentence of each (capital letter, full stop), so none has either.
  if (!impl_->options_.signaling.key)
    return fail(i18n::tr("this device has no key for this server, so it cannot prove who it is"));
  if (!net::IdentityHandshake(impl_->proof_options()).proofs_allowed())
    return fail(
        i18n::tr("this device proves its key only over wss:// or to this computer: use "
                 "the server's wss:// address"));
  if (!impl_->client_->send({std::string{"hello"}, protocol::Hello{}}))
    return fail(i18n::tr("not connected to the server yet: try again once Shotcall is connected"));
  impl_->verify_pending_ = true;
  return true;
}

media::VoiceEngine& Session::voice() { return *impl_->engine_; }
const SessionCore& Session::core() const { return impl_->core_; }
const net::SignalingClient& Session::link() const { return *impl_->client_; }
const std::map<std::string, LinkInfo>& Session::links() const { return impl_->links_; }
std::int64_t Session::joined_at_us() const { return impl_->joined_at_us_; }

}  // namespace shotcall::session
