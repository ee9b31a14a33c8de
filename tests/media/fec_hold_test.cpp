// A link's decoder holds frames for in-band FEC only while the link loses packets
// (app/mesh/fec_hold.hpp): real engines on 127.0.0.1, and for the lossy link one RTP packet in
// ten lost where the listener's packets leave the network, before webrtcbin sees them.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "tests/media/delaying_link.hpp"
#include "tests/media/mesh_harness.hpp"
#include "tests/support/wav_analysis.hpp"

namespace shotcall::test {
namespace {

// How many of the engine's decoders hold for FEC, and how many it has.
std::pair<int, int> holding_decoders(media::VoiceEngine& engine) {
  int holding = 0;
  std::vector<GstElement*> decoders = elements_of(engine, "opusdec");
  for (GstElement* decoder : decoders) {
    gboolean fec = FALSE;
    g_object_get(decoder, "use-inband-fec", &fec, nullptr);
    holding += fec ? 1 : 0;
    gst_object_unref(decoder);
  }
  return {holding, static_cast<int>(decoders.size())};
}

TEST(DecoderFecHold, OnlyTheDecoderOfALinkThatLosesHoldsAndTheRenderDelayCoversIt) {
  Mesh mesh(make_temp_dir());
  mesh.add("a", mesh.config(440));
  mesh.add("b", mesh.config(550));
  mesh.add("c", mesh.config(660));
  media::VoiceEngine& b = *mesh.node("b").engine;
  ASSERT_TRUE(mesh.join_all({"a", "b", "c"}, 60));
  ASSERT_TRUE(mesh.run_audio({"b"}, 10, 30));
  // Clean links: no decoder holds, and the render delay has no frame for one.
  EXPECT_EQ(holding_decoders(b), std::make_pair(0, 2));
  EXPECT_EQ(b.pipeline_latency_ms(), b.jitter_ms() + kRenderExtraMs);

  std::vector<GstElement*> before = elements_of(b, "opusdec");
  // b's link from a loses one packet in ten (b's link from c stays clean).
  std::vector<GstElement*> sources = elements_of(b, "nicesrc");
  ASSERT_EQ(sources.size(), 2u);
  LosingLink losing;
  GstPad* pad = nullptr;
  for (GstElement* src : sources) {
    GstPad* candidate = gst_element_get_static_pad(src, "src");
    gst_object_unref(src);
    if (pad) {
      gst_object_unref(candidate);
      continue;
    }
    pad = candidate;
  }
  const gulong probe = gst_pad_add_probe(
      pad, static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
      lose_packet, &losing, nullptr);
  losing.every = 10;
  ASSERT_TRUE(mesh.run_until([&] { return holding_decoders(b).first > 0; }, 30))
      << "lost " << losing.lost << " of " << losing.rtp << " packets; b's stats of a: lost "
      << mesh.node("b").stats["a"].packets_lost << ", of c: lost "
      << mesh.node("b").stats["c"].packets_lost;
  EXPECT_EQ(holding_decoders(b), std::make_pair(1, 2)) << "the clean link's decoder holds nothing";
  std::vector<GstElement*> after = elements_of(b, "opusdec");
  std::sort(before.begin(), before.end());
  std::sort(after.begin(), after.end());
  EXPECT_EQ(after, before) << "the hold must start on the decoders in place, not fresh ones";
  for (GstElement* decoder : before) gst_object_unref(decoder);
  for (GstElement* decoder : after) gst_object_unref(decoder);
  EXPECT_EQ(b.pipeline_latency_ms(), b.jitter_ms() + kRenderExtraMs + 10)
      << "a held 10 ms frame is covered";
  // Both teammates are still heard, nothing went wrong.
  EXPECT_TRUE(mesh.run_audio({"b"}, 20, 30));
  EXPECT_TRUE(mesh.node("b").errors.empty()) << mesh.node("b").errors.front();
  std::printf(
      "lost %d of %d packets on b's link from one teammate; render delay %d ms (depth %d)\n",
      losing.lost.load(), losing.rtp.load(), b.pipeline_latency_ms(), b.jitter_ms());

  gst_pad_remove_probe(pad, probe);
  gst_object_unref(pad);
  for (const char* id : {"a", "b", "c"}) mesh.node(id).engine->stop();
  // The hold started on the decoder in place (above), and nothing a listener hears. A fresh
  // decoder swapped in instead cost the frame in flight and ~60 ms of fading in from no
  // history: windows of 10 ms at -32, -26, -22, -19 dBFS where the tone is at -14. So no
  // window of b's recordings may be quiet but not silent (exact silence is the recording
  // filling a jump in the timestamps, which this machine's late packets cause now and then).
  for (const char* peer : {"a", "c"}) {
    std::string why;
    const auto wav = read_wav(mesh.record_dir("b") + "/" + peer + "__Riot_EUW_.wav", &why);
    ASSERT_TRUE(wav) << why;
    std::vector<std::string> quiet;
    constexpr std::size_t kWindow = 480;  // 10 ms
    // From 400 ms on: the loss starts once b heard 10 loud levels (500 ms), and the call's own
    // first buffers may come out quiet (one 10 ms window at 120 ms under the sanitizers).
    for (std::size_t i = 40 * kWindow; i + kWindow <= wav->samples.size(); i += kWindow) {
      const double db = power_db(mean_power(wav->samples, i, i + kWindow));
      if (db < -25 && db > -100) quiet.push_back(std::to_string(i / kWindow * 10) + " ms");
    }
    EXPECT_TRUE(quiet.empty()) << "b <- " << peer << ": quiet at "
                               << ::testing::PrintToString(quiet);
  }
}

}  // namespace
}  // namespace shotcall::test
