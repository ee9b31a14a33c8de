// The jitter-buffer depth follows the links (app/mesh/jitter_budget.hpp): real engines on
// 127.0.0.1, and for a bad link a delay put on the listener's packets where they leave the
// network, before anything in webrtcbin has seen them. A clean link bringing it down is
// adaptive_jitter_clean_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <random>

#include "tests/media/mesh_harness.hpp"

namespace shotcall::test {
namespace {

constexpr int kRenderExtra = 15;  // one mixer period and the margin (docs/latency.md)

// A network that delays every packet of one link by its own random time, in order (a queue that
// drains unevenly: Wi-Fi retries, a busy uplink). Runs in the link's nicesrc streaming thread,
// which hands packets to webrtcbin one by one; the buffer's arrival time is stamped again on
// release, as if the packet had only just arrived.
//
// Holding that thread holds the packets behind it in the socket, so when a packet is read is not
// when it arrived: waiting each one's delay from when it was read would add the delays up and let
// through a third of the packets, a throttled link rather than a jittery one. So an RTP packet
// arrives when its timestamp says it was sent (the sender's audio clock runs with this one: same
// computer), counted from the first packet of its stream; STUN, DTLS and RTCP pass in order.
struct DelayingLink {
  std::mt19937 random;
  std::uniform_int_distribution<int> extra_us;
  gint64 last_release_us = 0;
  std::map<guint32, std::pair<guint32, gint64>> streams;  // SSRC: first timestamp, when read
  std::atomic<int> packets{0};
  DelayingLink(int max_delay_ms, unsigned seed) : random(seed), extra_us(0, max_delay_ms * 1000) {}

  // When the packet arrived: from its RTP timestamp (Opus: 48 kHz), never after it was read.
  gint64 arrival_us(GstBuffer* buffer, gint64 read_us) {
    GstMapInfo map;
    if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) return read_us;
    gint64 arrival = read_us;
    // RFC 7983: a first byte of 128-191 is RTP or RTCP, and RTCP's packet types are 192-223.
    const bool rtp = map.size >= 12 && map.data[0] >= 128 && map.data[0] <= 191 &&
                     !(map.data[1] >= 192 && map.data[1] <= 223);
    if (rtp) {
      const guint32 timestamp = GST_READ_UINT32_BE(map.data + 4);
      const guint32 ssrc = GST_READ_UINT32_BE(map.data + 8);
      const auto& [first_timestamp, first_read_us] =
          streams.try_emplace(ssrc, timestamp, read_us).first->second;
      const auto ticks = static_cast<gint32>(timestamp - first_timestamp);
      arrival = std::min(read_us, first_read_us + gint64{ticks} * 1000 / 48);
    }
    gst_buffer_unmap(buffer, &map);
    return arrival;
  }

  void hold(GstBuffer* buffer, GstClockTime base_time, GstClock* clock) {
    const gint64 read_us = g_get_monotonic_time();
    const gint64 release_us =
        std::max(last_release_us, arrival_us(buffer, read_us) + extra_us(random));
    last_release_us = release_us;
    const gint64 wait = release_us - read_us;
    if (wait > 0) g_usleep(static_cast<gulong>(wait));
    const GstClockTime now = gst_clock_get_time(clock) - base_time;
    if (GST_BUFFER_DTS_IS_VALID(buffer)) GST_BUFFER_DTS(buffer) = now;
    if (GST_BUFFER_PTS_IS_VALID(buffer)) GST_BUFFER_PTS(buffer) = now;
    packets++;
  }
};

GstPadProbeReturn delay_packet(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  auto* link = static_cast<DelayingLink*>(data);
  GstElement* element = GST_ELEMENT(gst_pad_get_parent(pad));
  GstClock* clock = gst_element_get_clock(element);
  const GstClockTime base_time = gst_element_get_base_time(element);
  gst_object_unref(element);
  if (!clock) return GST_PAD_PROBE_OK;
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer* buffer = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    link->hold(buffer, base_time, clock);
    GST_PAD_PROBE_INFO_DATA(info) = buffer;
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList* list = gst_buffer_list_make_writable(GST_PAD_PROBE_INFO_BUFFER_LIST(info));
    for (guint i = 0; i < gst_buffer_list_length(list); ++i) {
      GstBuffer* buffer = gst_buffer_make_writable(gst_buffer_copy(gst_buffer_list_get(list, i)));
      link->hold(buffer, base_time, clock);
      gst_buffer_list_remove(list, i, 1);
      gst_buffer_list_insert(list, static_cast<gint>(i), buffer);
    }
    GST_PAD_PROBE_INFO_DATA(info) = list;
  }
  gst_object_unref(clock);
  return GST_PAD_PROBE_OK;
}

TEST(AdaptiveJitter, AJitteryLinkDeepensItsListenersBufferAndAFixedDepthStays) {
  Mesh mesh;
  mesh.add("a", mesh.config(440));
  media::VoiceConfig fixed = mesh.config(660);
  mesh.add("b", mesh.config(660));
  fixed.jitter_ms = 20;
  fixed.adaptive_jitter = false;
  mesh.add("c", fixed);
  media::VoiceEngine& a = *mesh.node("a").engine;
  media::VoiceEngine& b = *mesh.node("b").engine;
  media::VoiceEngine& c = *mesh.node("c").engine;
  mesh.join("b", "a");
  mesh.join("c", "a");
  mesh.join("c", "b");
  ASSERT_TRUE(mesh.run_until(
      [&] {
        return mesh.connected("a", "b") && mesh.connected("a", "c") && mesh.connected("b", "c");
      },
      60));
  // Up to 60 ms more on every packet b and c receive, from anyone.
  std::map<media::VoiceEngine*, std::vector<std::unique_ptr<DelayingLink>>> links;
  std::vector<std::pair<GstPad*, gulong>> probes;
  for (media::VoiceEngine* engine : {&b, &c}) {
    for (GstElement* src : elements_of(*engine, "nicesrc")) {  // one per link
      auto& link = links[engine].emplace_back(
          std::make_unique<DelayingLink>(60, 20261204 + static_cast<unsigned>(probes.size())));
      GstPad* pad = gst_element_get_static_pad(src, "src");
      probes.emplace_back(
          pad, gst_pad_add_probe(pad,
                                 static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER |
                                                              GST_PAD_PROBE_TYPE_BUFFER_LIST),
                                 delay_packet, link.get(), nullptr));
      gst_object_unref(src);
    }
  }
  ASSERT_EQ(probes.size(), 4u) << "b and c each have two links";
  const auto delayed = [&](media::VoiceEngine* engine) {
    int packets = 0;
    for (const auto& link : links[engine]) packets += link->packets;
    return packets;
  };
  // b deepens; a, whose links are clean, stays far below it (at the floor on an idle machine).
  ASSERT_TRUE(mesh.run_until(
      [&] { return b.jitter_ms() >= 40 && b.jitter_ms() >= a.jitter_ms() + 20; }, 60))
      << "a " << a.jitter_ms() << " ms, b " << b.jitter_ms() << " ms; jitter b<-a "
      << mesh.node("b").stats["a"].jitter_ms << " ms, a<-b " << mesh.node("a").stats["b"].jitter_ms
      << " ms; packets delayed " << delayed(&b);
  EXPECT_LE(b.jitter_ms(), 200);
  EXPECT_EQ(b.pipeline_latency_ms(), b.jitter_ms() + kRenderExtra);
  EXPECT_EQ(c.jitter_ms(), 20) << "a fixed depth stays whatever the links do";
  EXPECT_GT(delayed(&c), 0);
  // What the listener measured is what the depth covers.
  EXPECT_GE(b.jitter_ms(), 4 * mesh.node("b").stats["a"].jitter_ms - 5);
  std::printf("jitter b<-a %.1f ms, b<-c %.1f ms: depth %d ms (a, on clean links: %d ms)\n",
              mesh.node("b").stats["a"].jitter_ms, mesh.node("b").stats["c"].jitter_ms,
              b.jitter_ms(), a.jitter_ms());
  for (auto [pad, id] : probes) {
    gst_pad_remove_probe(pad, id);
    gst_object_unref(pad);
  }
  a.stop();
  b.stop();
  c.stop();
}

}  // namespace
}  // namespace shotcall::test
