// Live controls on a running call: mute, per-peer mute and volume, speaking events, the
// encoder-per-peer benchmark mode, bitrate and jitter changes.
#include <gtest/gtest.h>

#include "tests/media/mesh_harness.hpp"

namespace shotcall::test {
namespace {

TEST(Controls, MuteSilencesTheEncoderInputAndSpeakingFollows) {
  Mesh mesh;
  mesh.add("talker", mesh.config(500));
  mesh.add("listener", mesh.config(700));
  mesh.join("listener", "talker");
  ASSERT_TRUE(mesh.run_until([&] { return mesh.connected("talker", "listener"); }, 60));
  Node& talker = mesh.node("talker");
  Node& listener = mesh.node("listener");
  ASSERT_TRUE(mesh.run_until([&] { return listener.speaking["talker"] && talker.speaking[""]; }, 60));

  talker.engine->set_muted(true);  // the link stays, the encoder gets silence
  ASSERT_TRUE(mesh.run_until([&] { return !listener.speaking["talker"] && !talker.speaking[""]; }, 60));
  EXPECT_EQ(talker.engine->peer_phase("listener"), PeerPhase::Connected);
  const int before = listener.first_audio["talker"];
  talker.engine->set_muted(false);
  ASSERT_TRUE(mesh.run_until([&] { return listener.speaking["talker"]; }, 60));
  EXPECT_EQ(listener.first_audio["talker"], before) << "unmuting must not rebuild the link";

  // Muting the talker locally at the listener: its level there drops, speaking goes off.
  ASSERT_TRUE(listener.engine->set_peer_muted("talker", true));
  ASSERT_TRUE(mesh.run_until([&] { return !listener.speaking["talker"]; }, 60));
  ASSERT_TRUE(listener.engine->set_peer_muted("talker", false));
  ASSERT_TRUE(mesh.run_until([&] { return listener.speaking["talker"]; }, 60));
  ASSERT_TRUE(listener.engine->set_peer_volume("talker", 0.0));  // volume 0 is silence too
  ASSERT_TRUE(mesh.run_until([&] { return !listener.speaking["talker"]; }, 60));
  ASSERT_TRUE(listener.engine->set_peer_volume("talker", 1.0));
  ASSERT_TRUE(mesh.run_until([&] { return listener.speaking["talker"]; }, 60));

  // Live bitrate and jitter changes keep the call up.
  talker.engine->set_bitrate(16000);
  listener.engine->set_jitter_ms(60);
  EXPECT_EQ(listener.engine->pipeline_latency_ms(), 60 + kRenderExtraMs);
  listener.engine->set_deafened(true);
  const int loud = listener.loud_levels["talker"];
  ASSERT_TRUE(mesh.run_until([&] { return listener.loud_levels["talker"] >= loud + 20; }, 60));
  EXPECT_EQ(listener.engine->peer_phase("talker"), PeerPhase::Connected);
}

TEST(Controls, EncoderPerPeerModeCarriesAudioToo) {
  Mesh mesh;
  auto a = mesh.config(400);
  auto b = mesh.config(900);
  a.encoder_per_peer = b.encoder_per_peer = true;
  mesh.add("a", a);
  mesh.add("b", b);
  mesh.add("c", mesh.config(650));  // a shared-encoder peer talks to per-peer ones
  ASSERT_TRUE(mesh.join_all({"a", "b", "c"}, 60));
  ASSERT_TRUE(mesh.run_audio({"a", "b", "c"}, 20, 60));
  mesh.node("a").engine->set_bitrate(20000);  // reaches every per-peer encoder
  ASSERT_TRUE(mesh.run_audio({"b", "c"}, 10, 60));
}

}  // namespace
}  // namespace shotcall::test
