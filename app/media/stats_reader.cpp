#include "app/media/stats_reader.hpp"

#include <gst/webrtc/webrtc.h>

#include <algorithm>

#include "app/media/link_route.hpp"

namespace shotcall::media {
namespace {

// Field values change type between GStreamer releases (guint vs guint64, ...): read any
// numeric GValue as a double.
bool number(const GstStructure* s, const char* field, double* out) {
  const GValue* v = gst_structure_get_value(s, field);
  if (!v) return false;
  GValue d = G_VALUE_INIT;
  g_value_init(&d, G_TYPE_DOUBLE);
  bool ok = g_value_type_transformable(G_VALUE_TYPE(v), G_TYPE_DOUBLE) && g_value_transform(v, &d);
  if (ok) *out = g_value_get_double(&d);
  g_value_unset(&d);
  return ok;
}

std::string text(const GstStructure* s, const char* field) {
  const gchar* v = gst_structure_get_string(s, field);
  return v ? v : "";
}

// The packets of one inbound stream that never came. webrtcbin 1.22 fills inbound-rtp's
// "packets-lost" from a jitter buffer it looks up by SSRC, and on some links that lose 10 % it
// reads 0 for the whole call; the receiver reports rtpsession sends carry RFC 3550's cumulative
// count (expected less received), kept in the raw source stats. That one, once a report went
// out; before it, webrtcbin's.
std::int64_t packets_lost(const GstStructure* inbound) {
  const GstStructure* source = nullptr;
  const GValue* raw = gst_structure_get_value(inbound, "gst-rtpsource-stats");
  if (raw && GST_VALUE_HOLDS_STRUCTURE(raw)) source = gst_value_get_structure(raw);
  gboolean sent_report = FALSE;
  double v = 0;
  if (source && gst_structure_get_boolean(source, "sent-rb", &sent_report) && sent_report &&
      number(source, "sent-rb-packetslost", &v))
    return std::max<std::int64_t>(0, static_cast<std::int64_t>(v));
  return number(inbound, "packets-lost", &v) ? static_cast<std::int64_t>(v) : 0;
}

struct Reading {
  PeerStats stats;
  RouteStats route;
};

gboolean visit(GQuark, const GValue* value, gpointer user_data) {
  auto* reading = static_cast<Reading*>(user_data);
  PeerStats* stats = &reading->stats;
  RouteStats& route = reading->route;
  if (!GST_VALUE_HOLDS_STRUCTURE(value)) return TRUE;
  const GstStructure* s = gst_value_get_structure(value);
  GstWebRTCStatsType type;
  if (!gst_structure_get(s, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, nullptr)) return TRUE;
  double v = 0;
  switch (type) {
    case GST_WEBRTC_STATS_INBOUND_RTP:
      if (number(s, "bytes-received", &v)) stats->bytes_received += static_cast<std::uint64_t>(v);
      if (number(s, "packets-received", &v)) stats->packets_received += static_cast<std::uint64_t>(v);
      stats->packets_lost += packets_lost(s);
      // Only a stream that delivered packets has a jitter. webrtcbin 1.22 also lists a source
      // it knows only from RTCP, with no packets and an unknown clock rate: its "jitter" is 0
      // divided by -1, and read last it would make a jittery link look clean to the budget.
      if (number(s, "packets-received", &v) && v > 0 && number(s, "jitter", &v)) {
        stats->jitter_ms = std::max(stats->jitter_ms, v * 1000.0);
      }
      break;
    case GST_WEBRTC_STATS_OUTBOUND_RTP:
      if (number(s, "bytes-sent", &v)) stats->bytes_sent += static_cast<std::uint64_t>(v);
      break;
    case GST_WEBRTC_STATS_REMOTE_INBOUND_RTP:
      if (number(s, "round-trip-time", &v) && v > 0) stats->rtt_ms = v * 1000.0;
      break;
    case GST_WEBRTC_STATS_TRANSPORT:
      if (gst_structure_has_field(s, "selected-candidate-pair-id"))
        route.selected_pair_ids.push_back(text(s, "selected-candidate-pair-id"));
      break;
    case GST_WEBRTC_STATS_CANDIDATE_PAIR:
      route.pairs[text(s, "id")] = {text(s, "local-candidate-id"), text(s, "remote-candidate-id")};
      break;
    // 1.22.0 swaps these two types (link_route.hpp): the pair's ids tell local from remote.
    case GST_WEBRTC_STATS_LOCAL_CANDIDATE:
    case GST_WEBRTC_STATS_REMOTE_CANDIDATE:
      route.candidate_types[text(s, "id")] = text(s, "candidate-type");
      break;
    default:
      break;
  }
  return TRUE;
}

}  // namespace

PeerStats read_webrtc_stats(const GstStructure* reply) {
  Reading reading;
  if (reply) gst_structure_foreach(reply, visit, &reading);
  const RouteInfo route = route_from_stats(reading.route);
  reading.stats.route = route.route;
  reading.stats.local_candidate_type = route.local_candidate_type;
  reading.stats.remote_candidate_type = route.remote_candidate_type;
  return reading.stats;
}

}  // namespace shotcall::media
