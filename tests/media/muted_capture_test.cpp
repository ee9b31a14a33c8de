// Muted costs almost nothing: while muted (or push-to-talk released) the speech processing and
// the encoder get no buffer and no RTP leaves, the link stays up on RTCP alone (the far end's
// media watchdog does not take the silence for a vanished peer), the microphone's level still
// reaches the app, and the far end hears the first words after unmuting.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "app/media/engine_access.hpp"
#include "tests/media/mesh_harness.hpp"

namespace shotcall::test {
namespace {

// Counts the buffers reaching the sink pad of the first element made by `factory` in the
// engine's pipeline (the capture chain's webrtcdsp and opusenc exist once per engine).
class BufferCounter {
 public:
  BufferCounter(media::VoiceEngine& engine, const char* factory) {
    GstElement* pipeline = media::EngineInternals::pipeline(engine);
    GstIterator* it = gst_bin_iterate_recurse(GST_BIN(pipeline));
    GValue item = G_VALUE_INIT;
    while (!element_ && gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
      auto* e = GST_ELEMENT(g_value_get_object(&item));
      GstElementFactory* f = gst_element_get_factory(e);
      if (f && g_strcmp0(GST_OBJECT_NAME(f), factory) == 0)
        element_ = GST_ELEMENT(gst_object_ref(e));
      g_value_reset(&item);
    }
    g_value_unset(&item);
    gst_iterator_free(it);
    if (!element_) return;
    pad_ = gst_element_get_static_pad(element_, "sink");
    probe_ = gst_pad_add_probe(
        pad_, GST_PAD_PROBE_TYPE_BUFFER,
        [](GstPad*, GstPadProbeInfo*, gpointer data) {
          static_cast<std::atomic<int>*>(data)->fetch_add(1);
          return GST_PAD_PROBE_OK;
        },
        count_.get(), nullptr);
  }
  ~BufferCounter() {
    if (pad_) {
      gst_pad_remove_probe(pad_, probe_);
      gst_object_unref(pad_);
    }
    if (element_) gst_object_unref(element_);
  }
  bool found() const { return pad_ != nullptr; }
  int count() const { return count_->load(); }

 private:
  GstElement* element_ = nullptr;
  GstPad* pad_ = nullptr;
  gulong probe_ = 0;
  // Outlives the probe: removed in the destructor before the counter goes.
  std::unique_ptr<std::atomic<int>> count_ = std::make_unique<std::atomic<int>>(0);
};

TEST(MutedCapture, NothingIsProcessedEncodedOrSentWhileMutedAndTheFarEndHearsTheUnmute) {
  Mesh mesh;
  auto talker_config = mesh.config(500);
  talker_config.echo_cancel = true;  // a webrtcdsp in the capture chain (a tone is not echo)
  // A short watchdog: the muted stretch below outlasts it several times over.
  talker_config.media_timeout_ms = 2500;
  auto listener_config = mesh.config(700);
  listener_config.media_timeout_ms = 2500;
  mesh.add("talker", talker_config);
  mesh.add("listener", listener_config);
  mesh.join("listener", "talker");
  ASSERT_TRUE(mesh.run_until([&] { return mesh.connected("talker", "listener"); }, 60));
  Node& talker = mesh.node("talker");
  Node& listener = mesh.node("listener");
  ASSERT_TRUE(mesh.run_until([&] { return listener.speaking["talker"]; }, 60))
      << mesh.traffic("listener", "talker");

  BufferCounter dsp(*talker.engine, "webrtcdsp");
  BufferCounter encoder(*talker.engine, "opusenc");
  BufferCounter payloader(*talker.engine, "rtpopuspay");  // one link: every packet it sends
  ASSERT_TRUE(dsp.found() && encoder.found() && payloader.found());
  ASSERT_TRUE(mesh.run_until([&] { return dsp.count() > 5 && encoder.count() > 5; }, 30));

  // Muted: the far end's indicator goes off although no level reaches it any more.
  talker.engine->set_muted(true);
  ASSERT_TRUE(mesh.run_until([&] { return !listener.speaking["talker"]; }, 30));
  // Fresh stats on both ends, taken after the last packet left.
  const int talker_reports = talker.stats_count["listener"];
  const int listener_reports = listener.stats_count["talker"];
  ASSERT_TRUE(mesh.run_until(
      [&] {
        return talker.stats_count["listener"] >= talker_reports + 2 &&
               listener.stats_count["talker"] >= listener_reports + 2;
      },
      30));
  const int dsp_muted = dsp.count();
  const int encoder_muted = encoder.count();
  const int payloader_muted = payloader.count();
  const media::PeerStats sent = talker.stats["listener"];
  const media::PeerStats received = listener.stats["talker"];
  const int self_levels = talker.self_levels;
  // Eight more reports at 500 ms: 4 s muted, past the 2.5 s watchdog, with RTCP arriving.
  ASSERT_TRUE(mesh.run_until(
      [&] {
        return listener.stats_count["talker"] >= listener_reports + 10 &&
               talker.stats_count["listener"] >= talker_reports + 10;
      },
      60));
  EXPECT_EQ(dsp.count(), dsp_muted) << "the speech processing ran while muted";
  EXPECT_EQ(encoder.count(), encoder_muted) << "the encoder ran while muted";
  EXPECT_EQ(payloader.count(), payloader_muted) << "RTP left while muted";
  // webrtcbin 1.22 drops a stream's counters (0) once it paused for two RTCP intervals: they
  // must not have grown, at least.
  EXPECT_LE(talker.stats["listener"].bytes_sent, sent.bytes_sent);
  EXPECT_LE(listener.stats["talker"].bytes_received, received.bytes_received);
  EXPECT_GT(listener.stats["talker"].rtcp_reports_received, received.rtcp_reports_received)
      << "no RTCP from the muted peer";
  // The level display lives on (the microphone's raw level): about 80 in 4 s at 50 ms.
  EXPECT_GE(talker.self_levels, self_levels + 40);
  EXPECT_EQ(listener.engine->peer_phase("talker"), PeerPhase::Connected)
      << mesh.history("listener");
  EXPECT_EQ(talker.engine->peer_phase("listener"), PeerPhase::Connected) << mesh.history("talker");
  EXPECT_EQ(listener.connected_count["talker"], 1) << mesh.history("listener");
  EXPECT_EQ(talker.connected_count["listener"], 1) << mesh.history("talker");

  // A closed voice-activity gate: the speech processing runs (its level reopens the gate), the
  // encoder still gets nothing.
  talker.engine->set_muted(true, media::MuteKind::Listening);
  const int levels_listening = talker.self_levels;
  ASSERT_TRUE(mesh.run_until([&] { return dsp.count() >= dsp_muted + 50; }, 30));
  EXPECT_EQ(encoder.count(), encoder_muted);
  EXPECT_GT(talker.self_levels, levels_listening);

  // Unmuted: the same link carries the tone again.
  const int loud = listener.loud_levels["talker"];
  const int first_audio = listener.first_audio["talker"];
  talker.engine->set_muted(false);
  // webrtcbin 1.22 no longer lists a stream's RTP counters once it has paused for longer than two
  // RTCP intervals (the source stops counting as a sender): what the far end hears is the proof.
  ASSERT_TRUE(mesh.run_until(
      [&] { return listener.speaking["talker"] && listener.loud_levels["talker"] >= loud + 10; },
      30))
      << mesh.traffic("listener", "talker");
  EXPECT_GT(encoder.count(), encoder_muted);
  EXPECT_GT(payloader.count(), payloader_muted);
  EXPECT_EQ(listener.first_audio["talker"], first_audio) << "unmuting must not rebuild the link";
  EXPECT_TRUE(listener.errors.empty() && talker.errors.empty());
}

TEST(MutedCapture, ACallMutedFromTheStartStaysUp) {
  // Nobody ever sends RTP, so rtpsession sends no RTCP either: the media watchdog must not take
  // that for two vanished peers.
  Mesh mesh;
  auto a = mesh.config(500);
  auto b = mesh.config(700);
  a.media_timeout_ms = b.media_timeout_ms = 2000;
  mesh.add("a", a).engine->set_muted(true);
  mesh.add("b", b).engine->set_muted(true);
  mesh.join("b", "a");
  ASSERT_TRUE(mesh.run_until([&] { return mesh.connected("a", "b"); }, 60));
  Node& na = mesh.node("a");
  Node& nb = mesh.node("b");
  const int reports = na.stats_count["b"];
  // Ten reports at 500 ms: 5 s, two and a half watchdog timeouts.
  ASSERT_TRUE(mesh.run_until(
      [&] { return na.stats_count["b"] >= reports + 10 && nb.stats_count["a"] >= reports + 10; },
      60));
  EXPECT_EQ(na.connected_count["b"], 1) << mesh.history("a");
  EXPECT_EQ(nb.connected_count["a"], 1) << mesh.history("b");
  EXPECT_EQ(na.first_audio["b"] + nb.first_audio["a"], 0) << "audio while muted";
  // Unmuted, each hears the other on the same link.
  na.engine->set_muted(false);
  nb.engine->set_muted(false);
  ASSERT_TRUE(mesh.run_until([&] { return na.speaking["b"] && nb.speaking["a"]; }, 30))
      << mesh.traffic("a", "b");
  EXPECT_EQ(na.connected_count["b"], 1) << mesh.history("a");
}

}  // namespace
}  // namespace shotcall::test
