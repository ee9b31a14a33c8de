#include "app/media/stats_reader.hpp"

#include <gst/webrtc/webrtc.h>

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

gboolean visit(GQuark, const GValue* value, gpointer user_data) {
  auto* stats = static_cast<PeerStats*>(user_data);
  if (!GST_VALUE_HOLDS_STRUCTURE(value)) return TRUE;
  const GstStructure* s = gst_value_get_structure(value);
  GstWebRTCStatsType type;
  if (!gst_structure_get(s, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, nullptr)) return TRUE;
  double v = 0;
  switch (type) {
    case GST_WEBRTC_STATS_INBOUND_RTP:
      if (number(s, "bytes-received", &v)) stats->bytes_received += static_cast<std::uint64_t>(v);
      if (number(s, "packets-received", &v)) stats->packets_received += static_cast<std::uint64_t>(v);
      if (number(s, "packets-lost", &v)) stats->packets_lost += static_cast<std::int64_t>(v);
      if (number(s, "jitter", &v)) stats->jitter_ms = v * 1000.0;
      break;
    case GST_WEBRTC_STATS_OUTBOUND_RTP:
      if (number(s, "bytes-sent", &v)) stats->bytes_sent += static_cast<std::uint64_t>(v);
      break;
    case GST_WEBRTC_STATS_REMOTE_INBOUND_RTP:
      if (number(s, "round-trip-time", &v) && v > 0) stats->rtt_ms = v * 1000.0;
      break;
    default:
      break;
  }
  return TRUE;
}

}  // namespace

PeerStats read_webrtc_stats(const GstStructure* reply) {
  PeerStats stats;
  if (reply) gst_structure_foreach(reply, visit, &stats);
  return stats;
}

}  // namespace shotcall::media
