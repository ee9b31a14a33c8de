// Time to full mesh, CPU per peer and bandwidth per link (measures.hpp).
#include <glib.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

#include "bench/common/proc_stats.hpp"
#include "bench/voice/measures.hpp"
#include "bench/voice/voice_mesh.hpp"

namespace shotcall::bench {
namespace {

const std::vector<std::string> kFive{"p0", "p1", "p2", "p3", "p4"};

bool all_connected(VoiceMesh& mesh, const std::vector<std::string>& ids) {
  for (const auto& a : ids)
    for (const auto& b : ids)
      if (a != b && mesh.node(a).engine->peer_phase(b) != media::PeerPhase::Connected) return false;
  return true;
}

}  // namespace

bool measure_mesh_time(int runs, JsonOut& out) {
  std::vector<double> ms;
  int failures = 0;
  for (int r = 0; r < runs; ++r) {
    VoiceMesh mesh;
    for (std::size_t i = 0; i < kFive.size(); ++i)
      mesh.add(kFive[i], VoiceMesh::base_config(300.0 + 100.0 * static_cast<double>(i)));
    mesh.run_for(0.5);  // the engines are up, as the app's is before a game starts
    const std::int64_t joined = g_get_monotonic_time();
    mesh.join_all(kFive);
    if (!mesh.run_until([&] { return mesh.all_audio(kFive); }, 30)) {
      ++failures;
      continue;
    }
    ms.push_back(static_cast<double>(mesh.last_first_audio(kFive) - joined) / 1e3);
    std::fprintf(stderr, "voice-bench: mesh run %d: %.0f ms\n", r + 1, ms.back());
  }
  out.begin_object().field("runs", runs).field("failures", failures).key("ms").begin_array();
  for (double v : ms) out.value(v);
  out.end_array();
  // The first mesh of a process also pays one-time work (loading the webrtc, nice, dtls and
  // srtp plugins; the DTLS key): reported apart from the later ones.
  const std::vector<double> warm(ms.size() > 1 ? ms.begin() + 1 : ms.end(), ms.end());
  out.field("cold_ms", ms.empty() ? 0.0 : ms.front()).field("warm_median_ms", percentile(warm, 50));
  out.field("median_ms", percentile(ms, 50)).field("max_ms", percentile(ms, 100));
  out.end_object();
  return failures == 0;
}

bool measure_cpu(bool encoder_per_peer, int frame_ms, int bitrate, double seconds, JsonOut& out) {
  VoiceMesh mesh;
  for (std::size_t i = 0; i < kFive.size(); ++i) {
    media::VoiceConfig c = VoiceMesh::base_config(300.0 + 100.0 * static_cast<double>(i));
    c.echo_cancel = true;  // the app's defaults: the whole voice DSP on
    c.noise_suppression = true;
    c.gain_control = true;
    c.frame_ms = frame_ms;
    c.bitrate = bitrate;
    c.encoder_per_peer = encoder_per_peer;
    c.stats_interval_ms = 2000;  // the app's default polling
    mesh.add(kFive[i], c);
  }
  mesh.join_all(kFive);
  const bool up = mesh.run_until([&] { return mesh.all_audio(kFive) && all_connected(mesh, kFive); }, 60);
  if (up) mesh.run_for(2);  // past the start-up work (DTLS, first keyframes of the DSP)
  const ProcSample a = sample_process(getpid());
  const double t0 = monotonic_seconds();
  if (up) mesh.run_for(seconds);
  const double elapsed = monotonic_seconds() - t0;
  const ProcSample b = sample_process(getpid());
  const double per_peer = (b.cpu_s - a.cpu_s) / elapsed / static_cast<double>(kFive.size());
  out.begin_object().field("ok", up).field("peers", static_cast<int>(kFive.size()));
  out.field("encoder_per_peer", encoder_per_peer).field("frame_ms", frame_ms).field("bitrate", bitrate);
  out.field("echo_cancel", true).field("seconds", elapsed).field("process_cpu_s", b.cpu_s - a.cpu_s);
  out.field("cpu_share_per_peer", per_peer).field("process_rss_kib", b.rss_kib);
  out.end_object();
  return up;
}

bool measure_bandwidth(int bitrate, double seconds, JsonOut& out) {
  VoiceMesh mesh;
  for (const char* id : {"a", "b"}) {
    media::VoiceConfig c = VoiceMesh::base_config(id[0] == 'a' ? 440 : 660);
    c.bitrate = bitrate;
    c.frame_ms = 20;
    mesh.add(id, c);
  }
  mesh.join("b", "a");
  const std::vector<std::string> ids{"a", "b"};
  bool ok = mesh.run_until([&] { return mesh.all_audio(ids); }, 30);
  if (ok) mesh.run_for(1.5);  // the encoder settles on its rate; stats have a first sample
  const media::PeerStats sent0 = mesh.node("a").stats["b"];
  const media::PeerStats recv0 = mesh.node("b").stats["a"];
  const double t0 = monotonic_seconds();
  if (ok) mesh.run_for(seconds);
  const double elapsed = monotonic_seconds() - t0;
  const media::PeerStats sent1 = mesh.node("a").stats["b"];
  const media::PeerStats recv1 = mesh.node("b").stats["a"];
  const double bytes = static_cast<double>(sent1.bytes_sent - sent0.bytes_sent);
  const double packets = static_cast<double>(recv1.packets_received - recv0.packets_received);
  ok = ok && bytes > 0;
  // Each packet adds RTP (12), SRTP auth tag (10), UDP (8) and IPv4 (20) bytes on the wire.
  constexpr double kHeaderBytes = 12 + 10 + 8 + 20;
  out.begin_object().field("ok", ok).field("bitrate", bitrate).field("frame_ms", 20);
  out.field("seconds", elapsed).field("rtp_payload_kbps", bytes * 8 / elapsed / 1000);
  out.field("packets_per_s", packets / elapsed);
  out.field("wire_kbps_estimate", (bytes + packets * kHeaderBytes) * 8 / elapsed / 1000);
  out.field("received_kbps", static_cast<double>(recv1.bytes_received - recv0.bytes_received) * 8 / elapsed / 1000);
  out.end_object();
  return ok;
}

}  // namespace shotcall::bench
