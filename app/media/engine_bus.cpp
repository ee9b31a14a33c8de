// The engine's view of its pipeline: bus messages (errors, levels, latency), the stats poll,
// live controls and counts. Main context only.
#include "app/media/engine_impl.hpp"

#include <cmath>

namespace shotcall::media {

namespace {

// The loudest channel of a `level` message's rms array, in dB.
double loudest_rms(const GstStructure* s) {
  const GValue* rms = gst_structure_get_value(s, "rms");
  double best = -700.0;
  if (!rms) return best;
  if (GST_VALUE_HOLDS_LIST(rms) || GST_VALUE_HOLDS_ARRAY(rms)) {
    guint n = GST_VALUE_HOLDS_LIST(rms) ? gst_value_list_get_size(rms) : gst_value_array_get_size(rms);
    for (guint i = 0; i < n; ++i) {
      const GValue* v = GST_VALUE_HOLDS_LIST(rms) ? gst_value_list_get_value(rms, i)
                                                  : gst_value_array_get_value(rms, i);
      if (G_VALUE_HOLDS_DOUBLE(v)) best = std::max(best, g_value_get_double(v));
    }
    return best;
  }
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (G_VALUE_HOLDS(rms, g_value_array_get_type())) {
    auto* arr = static_cast<GValueArray*>(g_value_get_boxed(rms));
    for (guint i = 0; arr && i < arr->n_values; ++i) {
      if (G_VALUE_HOLDS_DOUBLE(&arr->values[i])) {
        best = std::max(best, g_value_get_double(&arr->values[i]));
      }
    }
  }
  G_GNUC_END_IGNORE_DEPRECATIONS
  return best;
}

std::string error_text(GstMessage* message) {
  GError* err = nullptr;
  gchar* debug = nullptr;
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) gst_message_parse_error(message, &err, &debug);
  std::string text = std::string(GST_OBJECT_NAME(GST_MESSAGE_SRC(message))) + ": " +
                     (err ? err->message : "unknown error");
  g_clear_error(&err);
  g_free(debug);
  return text;
}

}  // namespace

void VoiceEngine::Impl::on_bus_message(GstMessage* message) {
  if (stopped_ || !pipeline_) return;
  auto self = shared_from_this();
  switch (GST_MESSAGE_TYPE(message)) {
    case GST_MESSAGE_ERROR: {
      if (on_device_message(message)) return;
      GstElement* top = child_of_bin_containing(pipeline_->bin(), GST_MESSAGE_SRC(message));
      if (!top) return;  // from a link already taken out: its teardown explains it
      for (auto& [id, peer] : peers_) {
        if (peer->link && peer->link->owns(top)) {
          fail_peer(id, "media error: " + error_text(message));
          return;
        }
      }
      g_warning("voice: audio pipeline error: %s", error_text(message).c_str());
      report_error(voice_pipeline_error_words());
      return;
    }
    case GST_MESSAGE_CLOCK_LOST:
      // The device that gave the pipeline its clock was replaced: pick a new clock.
      gst_element_set_state(pipeline_->pipeline(), GST_STATE_PAUSED);
      gst_element_set_state(pipeline_->pipeline(), GST_STATE_PLAYING);
      return;
    case GST_MESSAGE_LATENCY:
      // A new jitter buffer or a changed setting: every sink must agree on the delay (the
      // pipeline's configured latency, see VoicePipeline::render_latency_ms).
      gst_bin_recalculate_latency(pipeline_->bin());
      return;
    case GST_MESSAGE_ELEMENT: {
      if (on_device_message(message)) return;
      const GstStructure* s = gst_message_get_structure(message);
      if (s && gst_structure_has_name(s, "level") && GST_IS_ELEMENT(GST_MESSAGE_SRC(message))) {
        on_level(GST_ELEMENT(GST_MESSAGE_SRC(message)), loudest_rms(s));
      }
      return;
    }
    default:
      return;
  }
}

void VoiceEngine::Impl::on_level(GstElement* source, double rms_db) {
  const std::int64_t now = g_get_monotonic_time() / 1000;
  if (source == pipeline_->self_level() || source == pipeline_->self_raw_level()) {
    if (events_.on_level) events_.on_level({}, rms_db);
    // Muted, we are not "speaking" to anyone, whatever the microphone hears.
    auto change = self_speaking_.feed(muted_ ? -700.0 : rms_db, now);
    if (change && events_.on_speaking) events_.on_speaking({}, *change);
    // Our own level comes at every interval whatever the teammates send: their clock too.
    quiet_stale_peers(now);
    return;
  }
  for (auto& [id, peer] : peers_) {
    if (!peer->link || peer->link->level() != source) continue;
    const std::string peer_id = id;  // callbacks may change peers_
    if (events_.on_level) events_.on_level(peer_id, rms_db);
    Peer* p = find(peer_id);
    if (!p) return;
    p->last_level_ms = now;
    auto change = p->speaking.feed(p->muted ? -700.0 : rms_db, now);
    if (change && events_.on_speaking) events_.on_speaking(peer_id, *change);
    return;
  }
}

void VoiceEngine::Impl::quiet_stale_peers(std::int64_t now_ms) {
  std::vector<std::string> quiet;
  for (auto& [id, peer] : peers_) {
    if (!peer->speaking.speaking() || now_ms - peer->last_level_ms <= 2 * config_.level_interval_ms)
      continue;
    if (auto change = peer->speaking.feed(-700.0, now_ms); change && !*change) quiet.push_back(id);
  }
  for (const auto& id : quiet) {
    if (events_.on_speaking && find(id)) events_.on_speaking(id, false);
  }
}

void VoiceEngine::Impl::on_stats_tick() {
  if (stopped_) return;
  auto self = shared_from_this();
  const std::int64_t now = g_get_monotonic_time() / 1000;
  std::vector<std::string> late;
  for (auto& [id, peer] : peers_) {
    if (!peer->link) continue;
    peer->link->request_stats();
    if (config_.connect_timeout_ms > 0 && peer->phase != PeerPhase::Connected &&
        now - peer->link_built_ms >= config_.connect_timeout_ms) {
      late.push_back(id);
    }
  }
  // The state machine ignores this for a link nobody used yet or one already failing.
  for (const auto& id : late) {
    if (const Peer* peer = find(id)) fail_peer(id, unreachable_words(*peer));
  }
}

void VoiceEngine::Impl::set_muted(bool muted, MuteKind kind) {
  muted_ = muted;
  if (!pipeline_) return;
  pipeline_->set_capture_gate(!muted                        ? CaptureGate::Open
                              : kind == MuteKind::Listening ? CaptureGate::Silenced
                                                            : CaptureGate::Stopped);
}

void VoiceEngine::Impl::set_deafened(bool deafened) {
  if (pipeline_) pipeline_->set_deafened(deafened);
}

bool VoiceEngine::Impl::set_peer_volume(const std::string& id, double volume) {
  Peer* p = find(id);
  if (!p || !std::isfinite(volume)) return false;
  p->volume = std::clamp(volume, 0.0, 4.0);
  if (p->link) p->link->set_volume(p->volume);
  return true;
}

bool VoiceEngine::Impl::set_peer_muted(const std::string& id, bool muted) {
  Peer* p = find(id);
  if (!p) return false;
  p->muted = muted;
  if (p->link) p->link->set_muted(muted);
  return true;
}

void VoiceEngine::Impl::set_jitter_ms(int ms) {
  jitter_budget_.reset();
  apply_jitter_ms(std::clamp(ms, 0, 2000));
}

void VoiceEngine::Impl::apply_jitter_ms(int ms) {
  config_.jitter_ms = ms;
  for (auto& [id, peer] : peers_) {
    if (peer->link) peer->link->set_jitter_ms(config_.jitter_ms);
  }
  apply_render_delay();
}

void VoiceEngine::Impl::apply_render_delay() {
  if (!pipeline_) return;
  pipeline_->set_render_delay(config_.jitter_ms, fec_hold_.any());
  gst_bin_recalculate_latency(pipeline_->bin());
}

void VoiceEngine::Impl::forget_fec_hold(const std::string& id) {
  const bool held = fec_hold_.any();
  fec_hold_.forget(id);
  if (held != fec_hold_.any()) apply_render_delay();
}

void VoiceEngine::Impl::set_bitrate(int bps) {
  config_.bitrate = std::clamp(bps, 6000, 510000);
  if (!pipeline_) return;
  if (GstElement* enc = pipeline_->encoder()) g_object_set(enc, "bitrate", config_.bitrate, nullptr);
  for (auto& [id, peer] : peers_) {
    if (peer->link) peer->link->set_encoder_bitrate(config_.bitrate);
  }
}

std::vector<std::string> VoiceEngine::Impl::peer_ids() const {
  std::vector<std::string> out;
  for (const auto& [id, peer] : peers_) out.push_back(id);
  return out;
}

std::optional<PeerPhase> VoiceEngine::Impl::phase(const std::string& id) const {
  const Peer* p = find(id);
  if (!p) return std::nullopt;
  return p->phase;
}

EngineCounts VoiceEngine::Impl::counts() const {
  EngineCounts c;
  c.peers = static_cast<int>(peers_.size());
  if (!pipeline_) return c;
  GST_OBJECT_LOCK(pipeline_->bin());
  c.pipeline_children = static_cast<int>(pipeline_->bin()->numchildren);
  GST_OBJECT_UNLOCK(pipeline_->bin());
  c.tee_src_pads = static_cast<int>(pipeline_->tee()->numsrcpads);
  c.mixer_sink_pads = static_cast<int>(pipeline_->mixer()->numsinkpads);
  return c;
}

int VoiceEngine::Impl::latency_ms() const {
  if (!pipeline_) return -1;
  GstClockTime l = gst_pipeline_get_latency(GST_PIPELINE(pipeline_->pipeline()));
  return GST_CLOCK_TIME_IS_VALID(l) ? static_cast<int>(l / GST_MSECOND) : -1;
}

}  // namespace shotcall::media
