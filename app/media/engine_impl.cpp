// Peers and their negotiation: state-machine actions become PeerLink calls, link news becomes
// state-machine events. Everything here runs on the engine's main context.
#include "app/media/engine_impl.hpp"

#include <filesystem>

#include "app/i18n/translate.hpp"
#include "app/media/fingerprint.hpp"
#include "app/media/recording_path.hpp"
#include "app/mesh/signal_data.hpp"
#include "app/mesh/unreachable_reason.hpp"

namespace shotcall::media {

namespace act = mesh::act;

namespace {
// When a new link's stats are read after its first audio, besides the regular reports. RFC
// 3550's estimate forgets 1/16 per packet: 25 packets of 10 ms put it at about 80 % of the
// link's jitter, so the depth goes most of the way at once; 100 packets, all of it.
constexpr unsigned kFirstJitterReadsMs[] = {250, 1000};
}  // namespace

VoiceEngine::Impl::Impl(VoiceConfig config, VoiceEvents events)
    : config_(std::move(config)),
      events_(std::move(events)),
      context_(g_main_context_ref_thread_default()),
      ice_(to_gst_ice_uris(config_.ice_servers)),
      self_speaking_(config_.speaking_threshold_db, config_.speaking_hangover_ms) {
  if (config_.frame_ms != 20) config_.frame_ms = 10;
  if (config_.adaptive_jitter) {
    jitter_budget_.emplace(config_.jitter_ms);
    config_.jitter_ms = jitter_budget_->depth_ms();
  }
}

VoiceEngine::Impl::~Impl() {
  stop();
  g_main_context_unref(context_);
}

namespace {

gboolean bus_callback(GstBus*, GstMessage* message, gpointer data) {
  if (auto impl = static_cast<std::weak_ptr<VoiceEngine::Impl>*>(data)->lock()) {
    impl->on_bus_message(message);
  }
  return G_SOURCE_CONTINUE;
}

gboolean stats_callback(gpointer data) {
  if (auto impl = static_cast<std::weak_ptr<VoiceEngine::Impl>*>(data)->lock()) {
    impl->on_stats_tick();
  }
  return G_SOURCE_CONTINUE;
}

void delete_weak(gpointer data) { delete static_cast<std::weak_ptr<VoiceEngine::Impl>*>(data); }

}  // namespace

bool VoiceEngine::Impl::start(std::string* error) {
  gst_init(nullptr, nullptr);
  pipeline_ = VoicePipeline::build(config_, error);
  if (!pipeline_ || !pipeline_->start(error)) {
    pipeline_.reset();
    stopped_ = true;
    return false;
  }
  // A device that failed while starting runs as the stand-in until the device monitor sees the
  // chosen one again (devices_changed).
  microphone_state_ = {config_.source, !microphone_available(), !microphone_available()};
  speakers_state_ = {config_.sink, !speakers_available(), !speakers_available()};
  // A device replaced while starting: said once create() has returned.
  for (auto [device, faulty] : {std::pair{AudioDevice::Microphone, !microphone_available()},
                                std::pair{AudioDevice::Speakers, !speakers_available()}}) {
    if (!faulty) continue;
    post_to_context(context_, [weak = weak_from_this(), device = device] {
      if (auto self = weak.lock()) self->announce_device(device);
    });
  }
  GPtr<GstBus> bus(gst_element_get_bus(pipeline_->pipeline()));
  bus_source_ = gst_bus_create_watch(bus.get());
  g_source_set_callback(bus_source_, G_SOURCE_FUNC(bus_callback),
                        new std::weak_ptr<Impl>(weak_from_this()), delete_weak);
  g_source_attach(bus_source_, context_);
  if (config_.stats_interval_ms > 0) {
    stats_source_ = g_timeout_source_new(static_cast<guint>(config_.stats_interval_ms));
    g_source_set_callback(stats_source_, stats_callback, new std::weak_ptr<Impl>(weak_from_this()),
                          delete_weak);
    g_source_attach(stats_source_, context_);
  }
  return true;
}

void VoiceEngine::Impl::stop() {
  if (stopped_) return;
  stopped_ = true;
  // Links first: each finalises its recording while the pipeline still runs.
  while (!peers_.empty()) erase_peer(peers_.begin()->first);
  for (GSource** s : {&bus_source_, &stats_source_}) {
    if (*s) {
      g_source_destroy(*s);
      g_source_unref(*s);
      *s = nullptr;
    }
  }
  pipeline_.reset();
}

VoiceEngine::Impl::Peer* VoiceEngine::Impl::find(const std::string& id) {
  auto it = peers_.find(id);
  return it == peers_.end() ? nullptr : it->second.get();
}

const VoiceEngine::Impl::Peer* VoiceEngine::Impl::find(const std::string& id) const {
  auto it = peers_.find(id);
  return it == peers_.end() ? nullptr : it->second.get();
}

VoiceEngine::Impl::Peer* VoiceEngine::Impl::current(const LinkToken& t) {
  Peer* p = find(t.peer_id);
  return p && p->link && p->link_generation == t.generation ? p : nullptr;
}

bool VoiceEngine::Impl::build_link(Peer& peer, std::string* error) {
  LinkSettings s;
  if (!config_.record_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(config_.record_dir, ec);  // filesink will say if not
    s.record_path = unique_recording_path(config_.record_dir, peer.name);
  }
  s.jitter_ms = config_.jitter_ms;
  s.local_addresses = config_.local_addresses;
  s.stun_uri = stun_for_attempt(ice_, peer.links_built);
  s.turn_uris = ice_.turn;
  s.ice_transport_policy = config_.ice_transport_policy;
  s.level_interval_ms = config_.level_interval_ms;
  s.encoder_config = config_.encoder_per_peer ? &config_ : nullptr;
  s.capture_period = pipeline_->live_capture_period();
  // The new link's decoder starts without the hold, and its loss count from 0.
  forget_fec_hold(peer.id);
  auto token = std::make_shared<LinkToken>();
  token->listener = std::static_pointer_cast<LinkListener>(shared_from_this());
  token->peer_id = peer.id;
  token->generation = next_generation_++;
  token->context = context_;
  peer.link = PeerLink::create(pipeline_->bin(), pipeline_->tee(), pipeline_->mixer(), s, token,
                               error);
  if (!peer.link) return false;
  peer.link_generation = token->generation;
  ++peer.links_built;
  peer.link_built_ms = g_get_monotonic_time() / 1000;
  peer.fingerprint_checked = false;
  peer.link_has_turn = !s.turn_uris.empty();
  peer.local_types.clear();
  peer.remote_types.clear();
  peer.link->set_volume(peer.volume);
  peer.link->set_muted(peer.muted);
  return true;
}

void VoiceEngine::Impl::set_ice_servers(const std::vector<IceServer>& servers) {
  config_.ice_servers = servers;
  ice_ = to_gst_ice_uris(servers);
}

std::optional<std::string> VoiceEngine::Impl::recording_path(const std::string& id) const {
  const Peer* p = find(id);
  if (!p || !p->link || p->link->record_path().empty()) return std::nullopt;
  return p->link->record_path();
}

bool VoiceEngine::Impl::add_peer(const std::string& id, const std::string& name, bool we_offer) {
  if (stopped_ || id.empty() || find(id)) return false;
  auto peer = std::make_unique<Peer>(id, name, we_offer, config_);
  std::string error;
  if (!build_link(*peer, &error)) {
    report_error("cannot add peer " + id + ": " + error);
    return false;
  }
  peers_.emplace(id, std::move(peer));
  if (events_.on_peer_state) events_.on_peer_state(id, PeerPhase::New, {});
  dispatch(id, mesh::ev::Start{});
  return true;
}

void VoiceEngine::Impl::remove_peer(const std::string& id, const std::string& reason) {
  if (!find(id)) return;
  auto self = shared_from_this();
  dispatch(id, mesh::ev::Close{reason});  // reports Closed
  erase_peer(id);
}

void VoiceEngine::Impl::erase_peer(const std::string& id) {
  auto it = peers_.find(id);
  if (it == peers_.end()) return;
  // Before the erase: `id` may be the map's own key (stop() passes peers_.begin()->first).
  if (jitter_budget_) jitter_budget_->forget(id);
  forget_fec_hold(id);
  std::unique_ptr<Peer> peer = std::move(it->second);
  peers_.erase(it);
  for (GSource* s : peer->timers) {
    g_source_destroy(s);
    g_source_unref(s);
  }
  // stop() promises silence: no callback while the engine winds down.
  if (peer->speaking.reset() && events_.on_speaking && !stopped_) events_.on_speaking(id, false);
  peer->link.reset();  // the teardown: see PeerLink::~PeerLink
}

bool VoiceEngine::Impl::handle_signal(const std::string& id, const std::string& json) {
  if (stopped_ || !find(id)) return false;
  std::string why;
  auto data = mesh::decode_signal(json, &why);
  if (!data) return false;
  std::set<std::string> types;  // noted after dispatch: an offer may rebuild the link first
  if (auto* desc = std::get_if<mesh::SessionDescription>(&*data)) {
    types = mesh::sdp_candidate_types(desc->sdp);
    if (desc->type == mesh::SdpType::Offer) dispatch(id, mesh::ev::RemoteOffer{desc->sdp});
    else dispatch(id, mesh::ev::RemoteAnswer{desc->sdp});
  } else {
    const auto& candidate = std::get<mesh::IceCandidate>(*data);
    if (auto type = mesh::candidate_type(candidate.candidate)) types.insert(*type);
    dispatch(id, mesh::ev::RemoteCandidate{candidate});
  }
  if (Peer* peer = find(id)) peer->remote_types.insert(types.begin(), types.end());
  return true;
}

bool VoiceEngine::Impl::fail_peer(const std::string& id, const std::string& reason) {
  if (!find(id)) return false;
  dispatch(id, mesh::ev::Failure{reason});
  return true;
}

void VoiceEngine::Impl::dispatch(const std::string& id, const mesh::PeerEvent& event) {
  auto self = shared_from_this();  // a callback may drop the engine's last owner
  Peer* peer = find(id);
  if (!peer) return;
  const mesh::Actions actions = peer->state.handle(event);
  for (const auto& action : actions) {
    // Re-find each time: a user callback run by the previous action may have removed it.
    peer = find(id);
    if (!peer || !apply(*peer, action)) return;
  }
}

bool VoiceEngine::Impl::apply(Peer& peer, const mesh::PeerAction& action) {
  const std::string id = peer.id;
  if (std::holds_alternative<act::CreateOffer>(action)) {
    peer.link->create_offer();
  } else if (std::holds_alternative<act::CreateAnswer>(action)) {
    peer.link->create_answer();
  } else if (auto* a = std::get_if<act::SetLocal>(&action)) {
    peer.link->set_local(a->desc);
  } else if (auto* a = std::get_if<act::SetRemote>(&action)) {
    peer.link->set_remote(a->desc);
  } else if (auto* a = std::get_if<act::AddCandidate>(&action)) {
    peer.link->add_candidate(a->candidate);
  } else if (auto* a = std::get_if<act::SendSignal>(&action)) {
    if (events_.on_signal) events_.on_signal(id, mesh::encode_signal(a->data));
  } else if (std::holds_alternative<act::Recreate>(action)) {
    peer.link.reset();
    if (peer.speaking.reset() && events_.on_speaking) events_.on_speaking(id, false);
    std::string error;
    if (!build_link(peer, &error)) {
      erase_peer(id);
      if (events_.on_peer_state) events_.on_peer_state(id, PeerPhase::Failed, error);
      return false;
    }
  } else if (auto* a = std::get_if<act::ScheduleRetry>(&action)) {
    schedule_retry(peer, a->delay_ms, a->generation);
  } else if (std::holds_alternative<act::AllowMedia>(action)) {
    peer.link->allow_media();
  } else if (auto* a = std::get_if<act::Report>(&action)) {
    // The Drop or GiveUp that follows ends the link for good and reports it, with the same
    // words, once the peer is erased: whoever hears of it finds the engine without it (the
    // session then lets the teammate's link go, SessionCore::on_engine_peer_failed, and builds a
    // new one when they come back).
    if (a->phase == PeerPhase::Failed && peer.state.closed()) return true;
    peer.phase = a->phase;
    if (a->phase == PeerPhase::Connected) {
      peer.watchdog.start(g_get_monotonic_time() / 1000);
    }
    if (events_.on_peer_state) events_.on_peer_state(id, a->phase, a->reason);
  } else if (std::holds_alternative<act::Drop>(action) ||
             std::holds_alternative<act::GiveUp>(action)) {
    const auto* drop = std::get_if<act::Drop>(&action);
    std::string why = drop ? drop->reason : std::get<act::GiveUp>(action).reason;
    erase_peer(id);
    if (events_.on_peer_state) events_.on_peer_state(id, PeerPhase::Failed, why);
    return false;
  }
  return find(id) != nullptr;
}

void VoiceEngine::Impl::after(Peer& peer, unsigned delay_ms, std::function<void(Impl&)> fn) {
  struct Timer {
    std::weak_ptr<Impl> impl;
    std::function<void(Impl&)> fn;
  };
  GSource* source = g_timeout_source_new(delay_ms);
  g_source_set_callback(
      source,
      [](gpointer data) -> gboolean {
        auto* t = static_cast<Timer*>(data);
        if (auto impl = t->impl.lock()) t->fn(*impl);
        return G_SOURCE_REMOVE;
      },
      new Timer{weak_from_this(), std::move(fn)},
      [](gpointer data) { delete static_cast<Timer*>(data); });
  g_source_attach(source, context_);
  // Keeps our ref; the timers that ran are let go here, or a link that keeps reconnecting
  // through a long game would pile them up.
  std::erase_if(peer.timers, [](GSource* done) {
    if (!g_source_is_destroyed(done)) return false;
    g_source_unref(done);
    return true;
  });
  peer.timers.push_back(source);
}

void VoiceEngine::Impl::schedule_retry(Peer& peer, unsigned delay_ms, std::uint64_t generation) {
  after(peer, delay_ms, [id = peer.id, generation](Impl& impl) {
    impl.dispatch(id, mesh::ev::RetryTimer{generation});
  });
}

void VoiceEngine::Impl::check_fingerprint(Peer& peer) {
  if (peer.fingerprint_checked || !peer.link || !peer.link->dtls_connected()) return;
  peer.fingerprint_checked = true;
  // GStreamer 1.22 does not compare the DTLS certificate with the SDP: we do.
  FingerprintVerdict v =
      verify_certificate_against_sdp(peer.link->remote_certificate_pem(), peer.state.remote_sdp());
  dispatch(peer.id, mesh::ev::FingerprintVerdict{v.ok, v.reason});
}

void VoiceEngine::Impl::link_local_description(const LinkToken& t, mesh::SdpType type,
                                               std::string sdp) {
  if (!current(t)) return;
  if (type == mesh::SdpType::Offer) dispatch(t.peer_id, mesh::ev::LocalOfferCreated{std::move(sdp)});
  else dispatch(t.peer_id, mesh::ev::LocalAnswerCreated{std::move(sdp)});
}

void VoiceEngine::Impl::link_local_candidate(const LinkToken& t, mesh::IceCandidate candidate) {
  Peer* peer = current(t);
  if (!peer) return;
  if (auto type = mesh::candidate_type(candidate.candidate)) peer->local_types.insert(*type);
  if (current(t)) dispatch(t.peer_id, mesh::ev::LocalCandidate{std::move(candidate)});
}

void VoiceEngine::Impl::link_connection_state(const LinkToken& t, mesh::ConnState state) {
  Peer* peer = current(t);
  if (!peer) return;
  check_fingerprint(*peer);  // also hooks the DTLS transport as soon as it exists
  if (current(t)) dispatch(t.peer_id, mesh::ev::Connection{state});
}

void VoiceEngine::Impl::link_dtls_connected(const LinkToken& t) {
  if (Peer* peer = current(t)) check_fingerprint(*peer);
}

void VoiceEngine::Impl::link_failure(const LinkToken& t, std::string reason) {
  Peer* peer = current(t);
  if (!peer) return;
  // No candidate pair worked: say in words what was tried and what would help.
  if (reason == kIceFailedReason) reason = unreachable_words(*peer);
  dispatch(t.peer_id, mesh::ev::Failure{std::move(reason)});
}

std::string VoiceEngine::Impl::unreachable_words(const Peer& peer) const {
  mesh::ReachAttempt attempt;
  attempt.peer_name = peer.name.empty() ? peer.id : peer.name;
  attempt.turn_configured = peer.link_has_turn;
  attempt.relay_only = config_.ice_transport_policy == IceTransportPolicy::Relay;
  attempt.local_types = peer.local_types;
  attempt.remote_types = peer.remote_types;
  return mesh::unreachable_reason(attempt);
}

void VoiceEngine::Impl::link_first_audio(const LinkToken& t, std::int64_t monotonic_us) {
  Peer* peer = current(t);
  if (!peer) return;
  if (jitter_budget_) {
    // The link's jitter is measured from its first audio, a moment later rather than at the
    // next 2 s report: until the depth follows a jittery link, a third of its packets and more
    // come too late (docs/latency.md, "Bad links").
    jitter_budget_->start(t.peer_id, monotonic_us / 1000);
    for (unsigned delay_ms : kFirstJitterReadsMs) {
      after(*peer, delay_ms, [t](Impl& impl) {
        if (Peer* p = impl.current(t)) p->link->request_stats();
      });
    }
  }
  if (events_.on_first_audio) events_.on_first_audio(t.peer_id, monotonic_us);
}

void VoiceEngine::Impl::link_stats(const LinkToken& t, PeerStats stats) {
  Peer* peer = current(t);
  if (!peer) return;
  stats.peer_id = t.peer_id;
  if (events_.on_stats) events_.on_stats(stats);
  peer = current(t);
  if (!peer || !peer->state.connected()) return;
  const std::int64_t now_ms = g_get_monotonic_time() / 1000;
  if (jitter_budget_) {
    if (auto depth =
            jitter_budget_->sample(t.peer_id, stats.jitter_ms, stats.packets_received, now_ms)) {
      apply_jitter_ms(*depth);
    }
  }
  if (auto hold = fec_hold_.sample(t.peer_id, peer->link->packets_concealed(), now_ms)) {
    // The render delay covers a held frame before the decoder holds one, and stops covering it
    // only once no decoder does.
    if (*hold) apply_render_delay();
    peer->link->set_fec_hold(*hold);
    if (!*hold) apply_render_delay();
  }
  if (auto silence = peer->watchdog.sample(now_ms, stats.bytes_received)) {
    dispatch(t.peer_id,
             // Translators: why a teammate's voice link broke; {ms} is a number of milliseconds.
             mesh::ev::Failure{i18n::fill(
                 i18n::trn("no audio received for {ms} ms", "no audio received for {ms} ms",
                           static_cast<unsigned long>(*silence)),
                 {{"ms", std::to_string(*silence)}})});
  }
}

void VoiceEngine::Impl::report_error(const std::string& message) {
  if (events_.on_error) events_.on_error(message);
}

}  // namespace shotcall::media
