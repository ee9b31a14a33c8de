// PeerStats from webrtcbin's get-stats reply, in the shapes GStreamer 1.22 printed on loopback.
#include "app/media/stats_reader.hpp"

#include <gst/webrtc/webrtc.h>
#include <gtest/gtest.h>

#include <cmath>

namespace shotcall::media {
namespace {

// An inbound-rtp entry as webrtcbin builds it: packets and jitter (seconds) of one remote source.
GstStructure* inbound(const char* id, guint64 packets, double jitter_s) {
  return gst_structure_new(id, "type", GST_TYPE_WEBRTC_STATS_TYPE, GST_WEBRTC_STATS_INBOUND_RTP,
                           "packets-received", G_TYPE_UINT64, packets, "bytes-received",
                           G_TYPE_UINT64, packets * 41, "jitter", G_TYPE_DOUBLE, jitter_s, nullptr);
}

// The reply: each entry a field named by its id, in the order given.
struct Reply {
  Reply() { gst_init(nullptr, nullptr); }  // registers GstStructure's type, which add() needs
  GstStructure* structure = gst_structure_new_empty("application/x-webrtc-stats");
  ~Reply() { gst_structure_free(structure); }
  Reply& add(GstStructure* entry) {
    GValue value = G_VALUE_INIT;
    g_value_init(&value, GST_TYPE_STRUCTURE);
    g_value_take_boxed(&value, entry);
    gst_structure_take_value(structure, gst_structure_get_name(entry), &value);
    return *this;
  }
};

// webrtcbin 1.22 lists a source it knows only from RTCP too: no packets, clock rate -1, and a
// jitter of 0 / -1. Read after the real stream, it made a link with 21 ms of jitter read 0.
TEST(StatsReader, ASourceWithoutPacketsDoesNotHideTheLinksJitter) {
  for (bool phantom_last : {false, true}) {
    Reply reply;
    GstStructure* stream = inbound("rtp-inbound-stream-stats_1104168517", 4511, 0.0214);
    GstStructure* phantom = inbound("rtp-inbound-stream-stats_3420375097", 0, -0.0);
    if (phantom_last) {
      reply.add(stream).add(phantom);
    } else {
      reply.add(phantom).add(stream);
    }
    const PeerStats stats = read_webrtc_stats(reply.structure);
    EXPECT_DOUBLE_EQ(stats.jitter_ms, 21.4) << "the phantom entry last: " << phantom_last;
    EXPECT_EQ(stats.packets_received, 4511u);
  }
}

// Two streams with packets (the far end restarted its sender): the worse one counts, so the
// jitter buffer is never made shallower than either needs.
TEST(StatsReader, OfTwoStreamsTheWorseJitterCounts) {
  Reply reply;
  reply.add(inbound("rtp-inbound-stream-stats_1", 300, 0.030))
      .add(inbound("rtp-inbound-stream-stats_2", 200, 0.002));
  EXPECT_DOUBLE_EQ(read_webrtc_stats(reply.structure).jitter_ms, 30.0);
}

TEST(StatsReader, NoStreamYetReadsNoJitter) {
  Reply reply;
  reply.add(inbound("rtp-inbound-stream-stats_3420375097", 0, -0.0));
  const PeerStats stats = read_webrtc_stats(reply.structure);
  EXPECT_EQ(stats.jitter_ms, 0.0);
  EXPECT_FALSE(std::signbit(stats.jitter_ms));
  EXPECT_EQ(stats.packets_received, 0u);
}

// An inbound stream of a link that lost 278 packets, as webrtcbin 1.22 reported it on loopback:
// its own "packets-lost" 0 (the jitter buffer it looked up counted none), the receiver report
// rtpsession sent 278.
GstStructure* lossy_inbound(gboolean sent_report) {
  GstStructure* stream = inbound("rtp-inbound-stream-stats_2585672497", 3020, 0.0018);
  gst_structure_set(stream, "packets-lost", G_TYPE_INT64, gint64{0}, nullptr);
  GstStructure* source =
      gst_structure_new("application/x-rtp-source-stats", "packets-received", G_TYPE_UINT64,
                        guint64{3020}, "packets-lost", G_TYPE_INT, -1, "sent-rb", G_TYPE_BOOLEAN,
                        sent_report, "sent-rb-packetslost", G_TYPE_INT, 278, nullptr);
  gst_structure_set(stream, "gst-rtpsource-stats", GST_TYPE_STRUCTURE, source, nullptr);
  gst_structure_free(source);
  return stream;
}

TEST(StatsReader, LostPacketsAreTheReceiverReportsCount) {
  Reply reply;
  reply.add(lossy_inbound(TRUE));
  EXPECT_EQ(read_webrtc_stats(reply.structure).packets_lost, 278);
}

TEST(StatsReader, BeforeTheFirstReceiverReportLostPacketsAreWebrtcbins) {
  Reply reply;
  GstStructure* stream = lossy_inbound(FALSE);
  gst_structure_set(stream, "packets-lost", G_TYPE_INT64, gint64{3}, nullptr);
  reply.add(stream);
  EXPECT_EQ(read_webrtc_stats(reply.structure).packets_lost, 3);
}

}  // namespace
}  // namespace shotcall::media
