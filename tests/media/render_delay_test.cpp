// The render delay (VoicePipeline::render_latency_ms) must leave room for what the receive path
// really holds, on clean links at the tightest: depth 5 + one 5 ms mixer period. (While a link
// loses, its decoder holds each frame for in-band FEC and the render delay grows by a frame:
// DecoderFecHold, fec_hold_test.cpp. Until 2026-12-05 every decoder held, and at 20 ms frames a
// render delay that covered only 10 ms of hold played blocks before they were complete.)
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <tuple>
#include <vector>

#include "app/media/engine_access.hpp"
#include "tests/media/delaying_link.hpp"
#include "tests/media/mesh_harness.hpp"

namespace shotcall::test {
namespace {

// How long before it is due to play each decoded buffer comes out of the decoder.
struct Slack {
  std::mutex mutex;
  std::vector<double> ms;
  GstClockTime latency = 0;
};

GstPadProbeReturn on_decoded(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  auto* slack = static_cast<Slack*>(data);
  GstBuffer* buf = GST_PAD_PROBE_INFO_BUFFER(info);
  GstElement* decoder = GST_ELEMENT(gst_pad_get_parent(pad));
  GstClock* clock = gst_element_get_clock(decoder);
  if (clock && GST_BUFFER_PTS_IS_VALID(buf)) {
    const GstClockTime due =
        gst_element_get_base_time(decoder) + GST_BUFFER_PTS(buf) + slack->latency;
    const GstClockTime now = gst_clock_get_time(clock);
    std::lock_guard lock(slack->mutex);
    slack->ms.push_back((static_cast<double>(due) - static_cast<double>(now)) / 1e6);
  }
  if (clock) gst_object_unref(clock);
  gst_object_unref(decoder);
  return GST_PAD_PROBE_OK;
}

// The frame size, and whether the link loses one packet in ten (its decoder then holds).
class RenderDelay : public ::testing::TestWithParam<std::tuple<int, bool>> {};

// The first decoder of the engine, once it holds for FEC as `holding` says (refs: caller unrefs).
GstElement* decoder_that(media::VoiceEngine& engine, bool holding) {
  GstElement* found = nullptr;
  for (GstElement* decoder : elements_of(engine, "opusdec")) {
    gboolean fec = FALSE;
    g_object_get(decoder, "use-inband-fec", &fec, nullptr);
    if (!found && static_cast<bool>(fec) == holding) {
      found = decoder;
    } else {
      gst_object_unref(decoder);
    }
  }
  return found;
}

TEST_P(RenderDelay, DecodedSoundIsReadyWellBeforeItIsDue) {
  const auto [frame_ms, losing] = GetParam();
  Slack slack;
  Mesh mesh;
  media::VoiceConfig a = mesh.config(440);
  a.source += " samplesperbuffer=480";
  media::VoiceConfig b = mesh.config(660);
  for (media::VoiceConfig* c : {&a, &b}) {
    c->frame_ms = frame_ms;
    c->jitter_ms = 5;  // a settled clean link's depth, fixed: the tightest render delay
    c->adaptive_jitter = false;
  }
  mesh.add("a", a);
  mesh.add("b", b);
  media::VoiceEngine& ear = *mesh.node("b").engine;
  LosingLink network;
  std::vector<GstElement*> sources;
  mesh.join("b", "a");
  ASSERT_TRUE(mesh.run_until([&] { return mesh.connected("a", "b"); }, 60));
  ASSERT_TRUE(mesh.run_audio({"b"}, 5, 30));
  GstPad* network_pad = nullptr;
  gulong network_probe = 0;
  if (losing) {
    sources = elements_of(ear, "nicesrc");
    ASSERT_EQ(sources.size(), 1u);
    network_pad = gst_element_get_static_pad(sources[0], "src");
    network_probe = gst_pad_add_probe(
        network_pad,
        static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
        lose_packet, &network, nullptr);
    network.every = 10;
  }
  GstElement* decoder = nullptr;
  ASSERT_TRUE(mesh.run_until([&] { return (decoder = decoder_that(ear, losing)) != nullptr; }, 30));
  slack.latency = static_cast<GstClockTime>(ear.pipeline_latency_ms()) * GST_MSECOND;
  EXPECT_EQ(ear.pipeline_latency_ms(), 5 + kRenderExtraMs + (losing ? frame_ms : 0));
  GstPad* pad = gst_element_get_static_pad(decoder, "src");
  const gulong probe =
      gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, on_decoded, &slack, nullptr);
  ASSERT_TRUE(mesh.run_until(
      [&] {
        std::lock_guard lock(slack.mutex);
        return slack.ms.size() >= 200;
      },
      60));
  gst_pad_remove_probe(pad, probe);
  std::vector<double> ms;
  {
    std::lock_guard lock(slack.mutex);
    ms = slack.ms;
  }
  std::sort(ms.begin(), ms.end());
  const double median = ms[ms.size() / 2];
  std::printf(
      "%d ms frames%s, render delay %d ms: decoded %.1f ms before due (median), %.1f (least)\n",
      frame_ms, losing ? ", losing 1 in 10" : "", ear.pipeline_latency_ms(), median, ms.front());
  // The mixer still has to wait for its block and the sink for its thread: 5 ms at least.
  EXPECT_GE(median, 5.0);
  mesh.node("a").engine->stop();
  ear.stop();
  gst_object_unref(pad);
  gst_object_unref(decoder);
  if (network_pad) {
    gst_pad_remove_probe(network_pad, network_probe);
    gst_object_unref(network_pad);
  }
  for (GstElement* src : sources) gst_object_unref(src);
}

INSTANTIATE_TEST_SUITE_P(FrameSizes, RenderDelay,
                         ::testing::Combine(::testing::Values(10, 20), ::testing::Bool()));

}  // namespace
}  // namespace shotcall::test
