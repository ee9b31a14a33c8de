// The engine's mixed output never clips: four teammates shouting at once (the same loud tone,
// in phase, four times: 2.4 times full scale summed) reach the speakers loud but under full
// scale, through the limiter after the mixer. Before it, the mixer summed in 16 bits and clamped
// those peaks flat.
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "app/media/voice_pipeline.hpp"

namespace shotcall::media {
namespace {

constexpr int kTeammates = 4;
constexpr std::size_t kSamplesToCheck = 48000;  // one second of the mix
constexpr std::size_t kSamplesToSkip = 4800;    // the first 100 ms, while the branches join

// One loud tone fanned out to `kTeammates` mixer pads, so that their sum is coherent.
void add_loud_teammates(VoicePipeline& pipeline) {
  GstBin* bin = pipeline.bin();
  GstElement* tone = gst_element_factory_make("audiotestsrc", nullptr);
  g_object_set(tone, "is-live", TRUE, "freq", 440.0, "volume", 0.6, "samplesperbuffer", 480,
               nullptr);
  GstElement* caps = gst_element_factory_make("capsfilter", nullptr);
  GstCaps* raw = gst_caps_from_string("audio/x-raw,format=S16LE,rate=48000,channels=1");
  g_object_set(caps, "caps", raw, nullptr);
  gst_caps_unref(raw);
  GstElement* tee = gst_element_factory_make("tee", nullptr);
  gst_bin_add_many(bin, tone, caps, tee, nullptr);
  ASSERT_TRUE(gst_element_link_many(tone, caps, tee, nullptr));
  for (int i = 0; i < kTeammates; ++i) {
    GstElement* queue = gst_element_factory_make("queue", nullptr);
    gst_bin_add(bin, queue);
    ASSERT_TRUE(gst_element_link(tee, queue));
    GstPad* out = gst_element_get_static_pad(queue, "src");
    GstPad* in = gst_element_request_pad_simple(pipeline.mixer(), "sink_%u");
    ASSERT_EQ(gst_pad_link(out, in), GST_PAD_LINK_OK);
    gst_object_unref(out);
    gst_object_unref(in);
    gst_element_sync_state_with_parent(queue);
  }
  for (GstElement* e : {tee, caps, tone}) gst_element_sync_state_with_parent(e);
}

TEST(MixedOutput, FourLoudTeammatesAtOnceStayUnderFullScale) {
  gst_init(nullptr, nullptr);
  VoiceConfig config;
  config.source = "audiotestsrc is-live=true wave=silence";
  config.sink =
      "audioconvert ! audio/x-raw,format=S16LE,channels=1 ! appsink name=speakers "
      "sync=false";
  config.echo_cancel = false;
  config.noise_suppression = false;
  config.gain_control = false;
  std::string error;
  auto pipeline = VoicePipeline::build(config, &error);
  ASSERT_TRUE(pipeline) << error;
  ASSERT_TRUE(pipeline->start(&error)) << error;
  add_loud_teammates(*pipeline);

  GstElement* speakers = gst_bin_get_by_name_recurse_up(pipeline->bin(), "speakers");
  if (!speakers) speakers = gst_bin_get_by_name(pipeline->bin(), "speakers");
  ASSERT_NE(speakers, nullptr);
  std::vector<std::int16_t> mix;
  while (mix.size() < kSamplesToSkip + kSamplesToCheck) {
    GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(speakers), 5 * GST_SECOND);
    ASSERT_NE(sample, nullptr) << "the speakers got no more sound after " << mix.size()
                               << " samples";
    GstMapInfo map;
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    ASSERT_TRUE(gst_buffer_map(buffer, &map, GST_MAP_READ));
    const auto* s = reinterpret_cast<const std::int16_t*>(map.data);
    mix.insert(mix.end(), s, s + map.size / sizeof(std::int16_t));
    gst_buffer_unmap(buffer, &map);
    gst_sample_unref(sample);
  }
  gst_object_unref(speakers);
  pipeline->stop();

  int peak = 0;
  std::size_t at_full_scale = 0;
  for (std::size_t i = kSamplesToSkip; i < mix.size(); ++i) {
    const int magnitude = std::abs(static_cast<int>(mix[i]));
    peak = std::max(peak, magnitude);
    if (magnitude >= 32767) ++at_full_scale;
  }
  // Loud: the four of them are heard well above a single tone's level (0.6 of full scale)...
  EXPECT_GT(peak, 0.9 * 32767) << "the mix is too quiet: the tones did not reach the speakers";
  // ...and never flattened against full scale.
  EXPECT_EQ(at_full_scale, 0u) << "of " << mix.size() - kSamplesToSkip << " samples, peak " << peak;
}

}  // namespace
}  // namespace shotcall::media
