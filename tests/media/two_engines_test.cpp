// Two real engines in one process hear each other's tone over webrtcbin on 127.0.0.1.
#include <gtest/gtest.h>

#include "tests/media/mesh_harness.hpp"
#include "tests/support/wav_analysis.hpp"

namespace shotcall::test {
namespace {

TEST(TwoEngines, EachHearsTheOthersTone) {
  Mesh mesh(make_temp_dir());
  mesh.add("alice", mesh.config(440));
  mesh.add("bob", mesh.config(660));
  mesh.join("bob", "alice");  // bob joined last: bob offers
  ASSERT_TRUE(mesh.run_until([&] { return mesh.connected("alice", "bob"); }, 30))
      << "never connected";
  // Host candidates on loopback only: nothing may ever be sent off this machine.
  EXPECT_GT(mesh.candidates, 0);
  EXPECT_TRUE(mesh.off_loopback.empty()) << mesh.off_loopback.front();
  // Decoded audio arrives on both sides, loud (not silence): the level after the decoder.
  ASSERT_TRUE(mesh.run_audio({"alice", "bob"}, 40, 30));
  EXPECT_EQ(mesh.node("alice").first_audio["bob"], 1);
  EXPECT_EQ(mesh.node("bob").first_audio["alice"], 1);
  EXPECT_TRUE(mesh.node("alice").errors.empty());
  EXPECT_TRUE(mesh.node("bob").errors.empty());
  // Stats flow and count received bytes.
  ASSERT_TRUE(mesh.run_until([&] { return mesh.node("alice").stats["bob"].bytes_received > 0; }, 30));
  // RTT comes from the remote's RTCP receiver reports (every few seconds).
  ASSERT_TRUE(mesh.run_until([&] { return mesh.node("alice").stats["bob"].rtt_ms >= 0; }, 60));
  const auto& st = mesh.node("alice").stats["bob"];
  EXPECT_LT(st.rtt_ms, 500);
  EXPECT_GT(st.bytes_sent, 0u);
  EXPECT_GT(st.packets_received, 0u);
  // Host candidates on loopback: the selected pair is host to host, so the route is direct.
  EXPECT_EQ(st.route, media::PeerStats::LinkRoute::Direct);
  EXPECT_EQ(st.local_candidate_type, "host");
  EXPECT_EQ(st.remote_candidate_type, "host");
  std::printf("alice<-bob stats: rtt %.2f ms, lost %lld, jitter %.2f ms, sent %llu B, received %llu B\n",
              st.rtt_ms, static_cast<long long>(st.packets_lost), st.jitter_ms,
              static_cast<unsigned long long>(st.bytes_sent),
              static_cast<unsigned long long>(st.bytes_received));

  mesh.node("alice").engine->stop();
  mesh.node("bob").engine->stop();
  for (auto [who, other, freq] : {std::tuple{"alice", "bob", 660.0}, {"bob", "alice", 440.0}}) {
    std::string path = mesh.record_dir(who) + "/" + other + "__Riot_EUW_.wav";
    std::string why;
    auto wav = read_wav(path, &why);
    ASSERT_TRUE(wav) << path << ": " << why;
    EXPECT_EQ(wav->rate, 48000);
    EXPECT_EQ(wav->channels, 1);
    EXPECT_GT(wav->samples.size(), 48000u / 2);
    EXPECT_EQ(dominant_frequency(*wav, {440.0, 660.0}, 0.5), freq) << who;
  }
}

// webrtcdsp works in 10 ms periods; a microphone that hands out 5 ms buffers (a PipeWire quantum
// of 256 samples is 5.3 ms) made it send nothing at all (voice_pipeline.cpp, "dsp-periods").
TEST(TwoEngines, AMicrophoneWithShortBuffersIsHeardThroughTheEchoCanceller) {
  Mesh mesh;
  media::VoiceConfig alice = mesh.config(440);
  alice.source += " samplesperbuffer=240";
  alice.echo_cancel = true;
  mesh.add("alice", alice);
  mesh.add("bob", mesh.config(660));
  mesh.join("bob", "alice");
  ASSERT_TRUE(mesh.run_until([&] { return mesh.connected("alice", "bob"); }, 30));
  EXPECT_TRUE(mesh.run_audio({"bob"}, 40, 30));
  mesh.node("alice").engine->stop();
  mesh.node("bob").engine->stop();
}

}  // namespace
}  // namespace shotcall::test
