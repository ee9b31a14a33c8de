// The render delay (VoicePipeline::render_latency_ms) must leave room for what the receive path
// really holds. With in-band FEC, opusdec hands a frame on only when the next one has arrived
// (it may carry the lost one's repair): decoded sound exists one frame after its timestamp, and
// a render delay that does not cover it plays blocks before they are complete.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "app/media/engine_access.hpp"
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

class RenderDelay : public ::testing::TestWithParam<int> {};

TEST_P(RenderDelay, DecodedSoundIsReadyWellBeforeItIsDue) {
  const int frame_ms = GetParam();
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
  slack.latency = static_cast<GstClockTime>(ear.pipeline_latency_ms()) * GST_MSECOND;
  mesh.join("b", "a");
  ASSERT_TRUE(mesh.run_until([&] { return mesh.connected("a", "b"); }, 60));
  ASSERT_TRUE(mesh.run_audio({"b"}, 5, 30));
  std::vector<GstElement*> decoders = elements_of(ear, "opusdec");
  ASSERT_EQ(decoders.size(), 1u);
  GstPad* pad = gst_element_get_static_pad(decoders[0], "src");
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
      "%d ms frames, render delay %d ms: decoded %.1f ms before due (median), %.1f (least)\n",
      frame_ms, ear.pipeline_latency_ms(), median, ms.front());
  // The mixer still has to wait for its block and the sink for its thread: 5 ms at least.
  EXPECT_GE(median, 5.0);
  mesh.node("a").engine->stop();
  ear.stop();
  gst_object_unref(pad);
  for (GstElement* d : decoders) gst_object_unref(d);
}

INSTANTIATE_TEST_SUITE_P(FrameSizes, RenderDelay, ::testing::Values(10, 20));

}  // namespace
}  // namespace shotcall::test
