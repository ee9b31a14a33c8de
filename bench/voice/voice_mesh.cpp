#include "bench/voice/voice_mesh.hpp"

#include <glib.h>

#include <algorithm>
#include <stdexcept>

namespace shotcall::bench {

VoiceMesh::VoiceMesh() = default;

VoiceMesh::~VoiceMesh() {
  *alive_ = false;
  for (auto& [id, n] : nodes_) n->engine->stop();
  nodes_.clear();
  // Queued relays hold copies of dead pointers' ids only: let them run out.
  while (g_main_context_iteration(nullptr, FALSE)) {
  }
}

media::VoiceConfig VoiceMesh::base_config(double tone_hz) {
  media::VoiceConfig c;
  // 10 ms buffers: the period the engine asks of a microphone (device_buffer_ms).
  c.source = "audiotestsrc is-live=true wave=sine volume=0.3 samplesperbuffer=480 freq=" +
             std::to_string(tone_hz);
  c.sink = "fakesink sync=true";
  c.echo_cancel = false;
  c.noise_suppression = false;
  c.gain_control = false;
  c.local_addresses = {"127.0.0.1"};
  c.stats_interval_ms = 500;
  return c;
}

VoiceNode& VoiceMesh::add(const std::string& id, media::VoiceConfig config) {
  auto node = std::make_unique<VoiceNode>();
  node->id = id;
  VoiceNode* n = node.get();
  media::VoiceEvents ev;
  ev.on_peer_state = [n](const std::string& peer, media::PeerPhase phase, const std::string&) {
    n->phase[peer] = phase;
  };
  ev.on_first_audio = [n](const std::string& peer, std::int64_t us) {
    if (!n->first_audio_us.count(peer)) n->first_audio_us[peer] = us;
  };
  ev.on_stats = [n](const media::PeerStats& s) { n->stats[s.peer_id] = s; };
  ev.on_error = [n](const std::string& m) { n->errors.push_back(m); };
  ev.on_signal = [this, id](const std::string& to, const std::string& json) { relay(id, to, json); };
  std::string error;
  node->engine = media::VoiceEngine::create(std::move(config), std::move(ev), &error);
  if (!node->engine) throw std::runtime_error("voice engine " + id + ": " + error);
  auto& ref = *node;
  nodes_[id] = std::move(node);
  return ref;
}

void VoiceMesh::relay(const std::string& from, const std::string& to, const std::string& json) {
  ++relayed_;
  // Through the loop, never inline, as a socket would deliver it.
  auto alive = alive_;
  auto* job = new std::function<void()>([this, alive, from, to, json] {
    if (!*alive) return;
    const auto it = nodes_.find(to);
    if (it != nodes_.end()) it->second->engine->handle_signal(from, json);
  });
  g_idle_add_full(
      G_PRIORITY_DEFAULT,
      [](gpointer d) -> gboolean {
        (*static_cast<std::function<void()>*>(d))();
        return G_SOURCE_REMOVE;
      },
      job, [](gpointer d) { delete static_cast<std::function<void()>*>(d); });
}

void VoiceMesh::join(const std::string& joiner, const std::string& existing) {
  node(existing).engine->add_peer(joiner, joiner, false);
  node(joiner).engine->add_peer(existing, existing, true);
}

void VoiceMesh::join_all(const std::vector<std::string>& ids) {
  for (std::size_t k = 1; k < ids.size(); ++k)
    for (std::size_t j = 0; j < k; ++j) join(ids[k], ids[j]);
}

bool VoiceMesh::run_until(const std::function<bool()>& done, double seconds) {
  const gint64 deadline = g_get_monotonic_time() + static_cast<gint64>(seconds * 1e6);
  // A ticking source wakes the loop to re-check the condition and the deadline.
  const guint tick = g_timeout_add(10, [](gpointer) -> gboolean { return G_SOURCE_CONTINUE; }, nullptr);
  bool ok = done();
  while (!ok && g_get_monotonic_time() < deadline) {
    g_main_context_iteration(nullptr, TRUE);
    ok = done();
  }
  g_source_remove(tick);
  return ok;
}

void VoiceMesh::run_for(double seconds) {
  run_until([] { return false; }, seconds);
}

bool VoiceMesh::all_audio(const std::vector<std::string>& ids) const {
  return last_first_audio(ids) != 0;
}

std::int64_t VoiceMesh::last_first_audio(const std::vector<std::string>& ids) const {
  std::int64_t last = 0;
  for (const auto& a : ids) {
    const auto& n = *nodes_.at(a);
    for (const auto& b : ids) {
      if (a == b) continue;
      const auto it = n.first_audio_us.find(b);
      if (it == n.first_audio_us.end()) return 0;
      last = std::max(last, it->second);
    }
  }
  return last;
}

}  // namespace shotcall::bench
