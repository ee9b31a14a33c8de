#include "tests/media/mesh_harness.hpp"

#include <glib.h>

#include <filesystem>
#include <optional>

#include "app/media/engine_access.hpp"
#include "app/mesh/peer_state.hpp"

namespace shotcall::test {
namespace {

std::string phase_text(const std::optional<PeerPhase>& phase) {
  return phase ? std::string(phase_name(*phase)) : "gone";
}

}  // namespace

std::string make_temp_dir() {
  gchar* dir = g_dir_make_tmp("shotcall-media-XXXXXX", nullptr);
  std::string out = dir ? dir : "/tmp";
  g_free(dir);
  return out;
}

Mesh::Mesh(std::string record_root)
    : record_root_(std::move(record_root)), began_us_(g_get_monotonic_time()) {}

Mesh::~Mesh() {
  *alive_ = false;
  nodes_.clear();  // engines stop, recordings finalise
  // Let queued relays (now dead) run out so nothing dangles for leak checkers.
  while (g_main_context_iteration(nullptr, FALSE)) {
  }
  if (!record_root_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(record_root_, ec);
  }
}

media::VoiceConfig Mesh::config(double freq) const {
  media::VoiceConfig c;
  c.source = "audiotestsrc is-live=true wave=sine volume=0.3 freq=" + std::to_string(freq);
  c.sink = "fakesink sync=true";
  // Noise suppression and AGC treat a steady test tone as noise; keep them out of tone tests.
  c.echo_cancel = false;
  c.noise_suppression = false;
  c.gain_control = false;
  c.local_addresses = {"127.0.0.1"};
  c.stats_interval_ms = 500;
  return c;
}

Node& Mesh::add(const std::string& id, media::VoiceConfig config) {
  auto node = std::make_unique<Node>();
  node->id = id;
  Node* n = node.get();
  if (!record_root_.empty()) {
    std::filesystem::create_directories(record_dir(id));
    config.record_dir = record_dir(id);
  }
  media::VoiceEvents ev;
  auto now_ms = [began = began_us_] { return (g_get_monotonic_time() - began) / 1000; };
  ev.on_peer_state = [this, n, now_ms](const std::string& peer, PeerPhase phase,
                                       const std::string& reason) {
    n->phase[peer] = phase;
    n->timeline.push_back(std::to_string(now_ms()) + " ms " + peer + " " +
                          std::string(phase_name(phase)) + (reason.empty() ? "" : ": " + reason));
    // Not while the mesh is being torn down: the other nodes may be gone already.
    if (!reason.empty()) {
      n->reasons[peer].push_back(*alive_ ? reason + "\n" + traffic(n->id, peer) : reason);
    }
    if (phase == PeerPhase::Connected) n->connected_count[peer]++;
    if (phase == PeerPhase::Failed && n->engine && !n->engine->peer_phase(peer))
      n->final_failures[peer]++;
  };
  ev.on_first_audio = [n, now_ms](const std::string& peer, std::int64_t) {
    n->first_audio[peer]++;
    n->timeline.push_back(std::to_string(now_ms()) + " ms " + peer + " first audio");
  };
  ev.on_level = [n](const std::string& peer, double db) {
    if (peer.empty()) n->self_levels++;
    if (!peer.empty() && db > -40.0) n->loud_levels[peer]++;
  };
  ev.on_stats = [n, now_ms](const media::PeerStats& s) {
    n->stats[s.peer_id] = s;
    n->stats_count[s.peer_id]++;
    auto& recent = n->recent_stats[s.peer_id];
    recent.emplace_back(now_ms(), s);
    if (recent.size() > 24) recent.pop_front();
  };
  ev.on_speaking = [n](const std::string& peer, bool on) {
    n->speaking[peer] = on;
    n->speaking_changes[peer]++;
  };
  ev.on_error = [n](const std::string& m) { n->errors.push_back(m); };
  ev.on_microphone = [n](bool available, const std::string& sentence) {
    if (!available) n->microphone_lost.push_back(sentence);
    n->device_news.push_back(sentence);
  };
  ev.on_speakers = [n](bool available, const std::string& sentence) {
    if (!available) n->speakers_lost.push_back(sentence);
    n->device_news.push_back(sentence);
  };
  ev.on_signal = [this, id](const std::string& to, const std::string& json) {
    relay(id, to, json);
  };
  std::string error;
  node->engine = media::VoiceEngine::create(std::move(config), std::move(ev), &error);
  if (!node->engine) throw std::runtime_error("engine " + id + " failed: " + error);
  auto& ref = *node;
  nodes_[id] = std::move(node);
  return ref;
}

void Mesh::remove_node(const std::string& id) { nodes_.erase(id); }

void Mesh::relay(const std::string& from, const std::string& to, const std::string& json) {
  std::string payload = tamper ? tamper(from, to, json) : json;
  ++relayed;
  if (json.find("\"ice\"") != std::string::npos) {
    ++candidates;
    if (json.find(" 127.0.0.1 ") == std::string::npos) off_loopback.push_back(json);
  }
  // Through the loop, never inline: like a socket, and no re-entry into the sending engine.
  auto alive = alive_;
  auto* job = new std::function<void()>([this, alive, from, to, payload] {
    if (!*alive) return;
    auto it = nodes_.find(to);
    if (it != nodes_.end()) it->second->engine->handle_signal(from, payload);
  });
  g_idle_add_full(
      G_PRIORITY_DEFAULT,
      [](gpointer d) -> gboolean {
        (*static_cast<std::function<void()>*>(d))();
        return G_SOURCE_REMOVE;
      },
      job, [](gpointer d) { delete static_cast<std::function<void()>*>(d); });
}

void Mesh::join(const std::string& joiner, const std::string& existing) {
  node(existing).engine->add_peer(joiner, joiner + " (Riot#EUW)", false);
  node(joiner).engine->add_peer(existing, existing + " (Riot#EUW)", true);
}

bool Mesh::join_all(const std::vector<std::string>& ids, double seconds) {
  for (std::size_t i = 1; i < ids.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) join(ids[i], ids[j]);
  }
  return run_until(
      [&] {
        for (std::size_t i = 1; i < ids.size(); ++i) {
          for (std::size_t j = 0; j < i; ++j) {
            if (!connected(ids[j], ids[i])) return false;
          }
        }
        return true;
      },
      seconds);
}

void Mesh::leave(const std::string& a, const std::string& b) {
  node(a).engine->remove_peer(b);
  node(b).engine->remove_peer(a);
}

bool Mesh::run_until(const std::function<bool()>& done, double seconds) {
  const gint64 deadline = g_get_monotonic_time() + static_cast<gint64>(seconds * 1e6);
  // A ticking source so the loop wakes to re-check the condition and the deadline.
  guint tick = g_timeout_add(20, [](gpointer) -> gboolean { return G_SOURCE_CONTINUE; }, nullptr);
  bool ok = done();
  while (!ok && g_get_monotonic_time() < deadline) {
    g_main_context_iteration(nullptr, TRUE);
    ok = done();
  }
  g_source_remove(tick);
  return ok;
}

::testing::AssertionResult Mesh::run_audio(const std::vector<std::string>& ids, int levels,
                                           double seconds) {
  std::map<std::string, std::map<std::string, int>> start;
  for (const auto& id : ids) start[id] = node(id).loud_levels;
  auto gained = [&](const std::string& id, const std::string& peer) {
    return node(id).loud_levels[peer] - start[id][peer];
  };
  const bool ok = run_until(
      [&] {
        for (const auto& id : ids) {
          for (const auto& peer : node(id).engine->peers()) {
            if (gained(id, peer) < levels) return false;
          }
        }
        return true;
      },
      seconds);
  if (ok) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  failure << "within " << seconds << " s, links short of " << levels << " loud levels:";
  for (const auto& id : ids) {
    Node& n = node(id);
    for (const auto& peer : n.engine->peers()) {
      if (gained(id, peer) >= levels) continue;
      const media::PeerStats& st = n.stats[peer];
      failure << "\n  " << id << " <- " << peer << ": " << gained(id, peer) << " loud levels, phase "
              << phase_text(n.engine->peer_phase(peer)) << ", first-audio events "
              << n.first_audio[peer] << ", connected " << n.connected_count[peer]
              << " times, packets received " << st.packets_received << ", bytes sent "
              << st.bytes_sent << ", lost " << st.packets_lost;
      for (const auto& r : n.reasons[peer]) failure << "\n    reason: " << r;
    }
    for (const auto& e : n.errors) failure << "\n  " << id << " error: " << e;
  }
  return failure;
}

bool Mesh::connected(const std::string& a, const std::string& b) {
  auto pa = node(a).engine->peer_phase(b);
  auto pb = node(b).engine->peer_phase(a);
  return pa == PeerPhase::Connected && pb == PeerPhase::Connected;
}

std::string Mesh::traffic(const std::string& id, const std::string& peer) {
  std::string out = "    " + id + " received from " + peer + " (ms: bytes):";
  for (const auto& [t, s] : node(id).recent_stats[peer])
    out += " " + std::to_string(t) + ": " + std::to_string(s.bytes_received);
  auto it = nodes_.find(peer);
  if (it == nodes_.end()) return out;
  out += "\n    " + peer + " sent to " + id + " (ms: bytes):";
  for (const auto& [t, s] : it->second->recent_stats[id])
    out += " " + std::to_string(t) + ": " + std::to_string(s.bytes_sent);
  return out;
}

std::string Mesh::history(const std::string& id) {
  Node& n = node(id);
  std::string out = id + ":";
  for (const auto& line : n.timeline) out += "\n  " + line;
  for (const auto& [peer, count] : n.connected_count) {
    out += "\n  " + peer + ": connected " + std::to_string(count) + " times";
    for (const auto& r : n.reasons[peer]) out += "\n    reason: " + r;
  }
  for (const auto& [peer, reasons] : n.reasons) {
    if (n.connected_count.count(peer)) continue;
    out += "\n  " + peer + ": never connected";
    for (const auto& r : reasons) out += "\n    reason: " + r;
  }
  return out;
}

// Every element made by `factory` in the engine's pipeline (refs; the caller unrefs).
std::vector<GstElement*> elements_of(media::VoiceEngine& engine, const char* factory) {
  std::vector<GstElement*> found;
  GstIterator* it = gst_bin_iterate_recurse(GST_BIN(media::EngineInternals::pipeline(engine)));
  GValue item = G_VALUE_INIT;
  while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
    auto* e = GST_ELEMENT(g_value_get_object(&item));
    GstElementFactory* f = gst_element_get_factory(e);
    if (f && g_strcmp0(GST_OBJECT_NAME(f), factory) == 0)
      found.push_back(GST_ELEMENT(gst_object_ref(e)));
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(it);
  return found;
}

}  // namespace shotcall::test
