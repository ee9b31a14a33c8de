// Muted costs almost nothing (capture_gate.hpp): while muted or push-to-talk is released the
// speech processing and the encoder see one silent frame every half second and the echo probe
// nothing; that keepalive frame keeps each link's media watchdog fed, so a call muted from the
// start stays up and a path that dies while everyone is muted is still noticed; the microphone's
// level still reaches the app, and the far end hears the first words after unmuting.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <vector>

#include "tests/media/mesh_harness.hpp"

namespace shotcall::test {
namespace {

// Counts the buffers reaching the sink pad of the one element made by `factory` in the engine's
// pipeline (the capture chain's webrtcdsp and opusenc, the echo probe, a one-link payloader).
class BufferCounter {
 public:
  BufferCounter(media::VoiceEngine& engine, const char* factory) {
    std::vector<GstElement*> all = elements_of(engine, factory);
    if (all.size() == 1) pad_ = gst_element_get_static_pad(all[0], "sink");
    for (GstElement* e : all) gst_object_unref(e);
    if (!pad_) return;
    probe_ = gst_pad_add_probe(
        pad_, GST_PAD_PROBE_TYPE_BUFFER,
        [](GstPad*, GstPadProbeInfo*, gpointer data) {
          static_cast<std::atomic<int>*>(data)->fetch_add(1);
          return GST_PAD_PROBE_OK;
        },
        count_.get(), nullptr);
  }
  ~BufferCounter() {
    if (!pad_) return;
    gst_pad_remove_probe(pad_, probe_);
    gst_object_unref(pad_);
  }
  bool found() const { return pad_ != nullptr; }
  int count() const { return count_->load(); }

 private:
  GstPad* pad_ = nullptr;
  gulong probe_ = 0;
  // Outlives the probe: removed in the destructor before the counter goes.
  std::unique_ptr<std::atomic<int>> count_ = std::make_unique<std::atomic<int>>(0);
};

TEST(MutedCapture, MutedRunsOnlyAKeepaliveAndTheFarEndHearsTheUnmute) {
  Mesh mesh;
  auto talker_config = mesh.config(500);
  talker_config.echo_cancel = true;  // a webrtcdsp in the capture chain, an echo probe
  // A short watchdog: the muted stretch below outlasts it.
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
  BufferCounter echo_reference(*talker.engine, "webrtcechoprobe");
  ASSERT_TRUE(dsp.found() && encoder.found() && payloader.found() && echo_reference.found());
  ASSERT_TRUE(mesh.run_until(
      [&] { return dsp.count() > 5 && encoder.count() > 5 && echo_reference.count() > 5; }, 30));

  // Muted: the far end's indicator goes off although its level element hears almost nothing.
  talker.engine->set_muted(true);
  ASSERT_TRUE(mesh.run_until([&] { return !listener.speaking["talker"]; }, 30));
  // Counted from a fresh report on the listener's side, taken after the muting took hold.
  const int listener_reports = listener.stats_count["talker"];
  ASSERT_TRUE(
      mesh.run_until([&] { return listener.stats_count["talker"] >= listener_reports + 1; }, 30));
  const int dsp_muted = dsp.count();
  const int encoder_muted = encoder.count();
  const int payloader_muted = payloader.count();
  const int echo_muted = echo_reference.count();
  const std::uint64_t received = listener.stats["talker"].bytes_received;
  const int self_levels = talker.self_levels;
  const std::int64_t muted_since = g_get_monotonic_time();
  // Eight reports at 500 ms: 4 s muted, past the 2.5 s watchdog.
  ASSERT_TRUE(
      mesh.run_until([&] { return listener.stats_count["talker"] >= listener_reports + 9; }, 60));
  const double muted_s = static_cast<double>(g_get_monotonic_time() - muted_since) / 1e6;
  // Open, the encoder gets 100 frames of 10 ms a second. Muted, one keepalive every 0.5 s lets
  // through at least 10 ms: here one 21.3 ms buffer of the test tone, which the speech
  // processing hands on as two 10 ms frames (the rest waits, then goes with the next DISCONT).
  // Six a second leaves room for buffers in flight at the edges and is 16 times less than open.
  const int keepalives = encoder.count() - encoder_muted;
  const int most = static_cast<int>(6 * muted_s) + 4;
  EXPECT_GE(keepalives, static_cast<int>(muted_s) - 1) << "no keepalive frame while muted";
  EXPECT_LE(keepalives, most) << "the encoder kept running while muted (" << muted_s << " s)";
  EXPECT_LE(dsp.count() - dsp_muted, most) << "the speech processing kept running while muted";
  EXPECT_LE(payloader.count() - payloader_muted, most) << "RTP kept flowing while muted";
  EXPECT_EQ(echo_reference.count(), echo_muted)
      << "the echo probe stored the far end's sound while muted";
  EXPECT_GT(listener.stats["talker"].bytes_received, received)
      << "the keepalive frames did not reach the far end";
  // The level display lives on (the microphone's raw level): about 80 in 4 s at 50 ms.
  EXPECT_GE(talker.self_levels, self_levels + 40);
  EXPECT_FALSE(listener.speaking["talker"]);
  EXPECT_EQ(listener.engine->peer_phase("talker"), PeerPhase::Connected)
      << mesh.history("listener");
  EXPECT_EQ(talker.engine->peer_phase("listener"), PeerPhase::Connected) << mesh.history("talker");
  EXPECT_EQ(listener.connected_count["talker"], 1) << mesh.history("listener");
  EXPECT_EQ(talker.connected_count["listener"], 1) << mesh.history("talker");

  // Push-to-talk pressed: straight from stopped to open, the same link carries the tone again.
  {
    const int loud = listener.loud_levels["talker"];
    talker.engine->set_muted(false);
    ASSERT_TRUE(mesh.run_until(
        [&] { return listener.speaking["talker"] && listener.loud_levels["talker"] >= loud + 10; },
        30))
        << mesh.traffic("listener", "talker");
    talker.engine->set_muted(true);
    ASSERT_TRUE(mesh.run_until([&] { return !listener.speaking["talker"]; }, 30));
  }

  // A closed voice-activity gate: the speech processing and the encoder run on (its level
  // reopens the gate; the links carry Opus silence), the far end hears nothing loud.
  talker.engine->set_muted(true, media::MuteKind::Listening);
  const int levels_listening = talker.self_levels;
  const int dsp_listening = dsp.count();
  const int encoder_listening = encoder.count();
  ASSERT_TRUE(mesh.run_until(
      [&] {
        return dsp.count() >= dsp_listening + 50 && encoder.count() >= encoder_listening + 50;
      },
      30));
  EXPECT_GT(talker.self_levels, levels_listening);
  EXPECT_GT(echo_reference.count(), echo_muted);
  EXPECT_FALSE(listener.speaking["talker"]);

  // Unmuted: the same link carries the tone again.
  const int loud = listener.loud_levels["talker"];
  const int first_audio = listener.first_audio["talker"];
  talker.engine->set_muted(false);
  ASSERT_TRUE(mesh.run_until(
      [&] { return listener.speaking["talker"] && listener.loud_levels["talker"] >= loud + 10; },
      30))
      << mesh.traffic("listener", "talker");
  EXPECT_EQ(listener.first_audio["talker"], first_audio) << "unmuting must not rebuild the link";
  EXPECT_EQ(listener.connected_count["talker"], 1) << mesh.history("listener");
  EXPECT_TRUE(listener.errors.empty() && talker.errors.empty());
}

// Drops every packet that reaches `engine` from the network: its path to everyone is dead.
void cut_incoming(media::VoiceEngine& engine) {
  for (GstElement* src : elements_of(engine, "nicesrc")) {
    GstPad* out = gst_element_get_static_pad(src, "src");
    gst_pad_add_probe(
        out,
        static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
        [](GstPad*, GstPadProbeInfo*, gpointer) { return GST_PAD_PROBE_DROP; }, nullptr, nullptr);
    gst_object_unref(out);
    gst_object_unref(src);
  }
}

TEST(MutedCapture, ACallMutedFromTheStartStaysUpAndADeadPathIsStillNoticed) {
  // Nobody ever speaks: only the keepalive frames tell each end that the other is there.
  Mesh mesh;
  auto a = mesh.config(500);
  auto b = mesh.config(700);
  a.media_timeout_ms = b.media_timeout_ms = 2000;
  // The speech processing on, and microphones that send 5 ms buffers (PipeWire's quantum can be
  // smaller still): webrtcdsp passes sound on only in whole 10 ms periods and forgets a partial
  // one at a DISCONT, so a keepalive of a single such buffer would never reach the encoder.
  for (media::VoiceConfig* c : {&a, &b}) {
    c->echo_cancel = c->noise_suppression = true;
    c->source += " samplesperbuffer=240";
  }
  mesh.add("a", a).engine->set_muted(true);
  mesh.add("b", b).engine->set_muted(true);
  mesh.join("b", "a");
  ASSERT_TRUE(mesh.run_until([&] { return mesh.connected("a", "b"); }, 60));
  Node& na = mesh.node("a");
  Node& nb = mesh.node("b");
  const int reports = nb.stats_count["a"];
  // Ten reports at 500 ms (two of them may be the reads after a link's first audio): 4 s and
  // more, two watchdog timeouts.
  ASSERT_TRUE(mesh.run_until(
      [&] { return na.stats_count["b"] >= reports + 10 && nb.stats_count["a"] >= reports + 10; },
      60));
  // Keepalives only, from the first packet on: nothing the jitter budget may measure (their
  // jitter reads 200 ms and more), so the depth stays where it began.
  EXPECT_EQ(na.engine->jitter_ms(), a.jitter_ms);
  EXPECT_EQ(nb.engine->jitter_ms(), b.jitter_ms);
  EXPECT_EQ(na.connected_count["b"], 1) << mesh.history("a");
  EXPECT_EQ(nb.connected_count["a"], 1) << mesh.history("b");
  EXPECT_GT(nb.stats["a"].bytes_received, 0u) << "no keepalive reached b";
  EXPECT_EQ(na.loud_levels["b"] + nb.loud_levels["a"], 0) << "sound while muted";

  // The path into b dies while both are still muted: b's watchdog notices.
  cut_incoming(*nb.engine);
  ASSERT_TRUE(mesh.run_until(
      [&] {
        for (const std::string& r : nb.reasons["a"])
          if (r.find("no audio received") != std::string::npos) return true;
        return false;
      },
      30))
      << mesh.history("b");
}

}  // namespace
}  // namespace shotcall::test
