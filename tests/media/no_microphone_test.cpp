// A player whose microphone cannot open, or stops during the call, stays in it: they still hear
// and record their teammate, the teammate hears silence from them (the link stays up), and the
// engine says so in words that name no GStreamer element.
#include <gst/gst.h>
#include <gtest/gtest.h>

#include "tests/media/mesh_harness.hpp"
#include "tests/support/wav_analysis.hpp"

namespace shotcall::test {
namespace {

// Words for a person: no element or GStreamer vocabulary.
void expect_plain_words(const std::string& sentence) {
  for (const char* technical : {"src", "sink", "pulse", "audiotest", "GStreamer", "element",
                                "autoaudio", "fragment", "EOS", "Could not"}) {
    EXPECT_EQ(sentence.find(technical), std::string::npos) << technical << " in: " << sentence;
  }
  EXPECT_NE(sentence.find("Preferences"), std::string::npos) << sentence;
}

TEST(NoMicrophone, HearsTheTeamAndSendsSilence) {
  // A PulseAudio source pointed at no server fails when it opens, as a missing device does.
  gst_init(nullptr, nullptr);
  GstElementFactory* pulse = gst_element_factory_find("pulsesrc");
  if (!pulse) {
    if (std::getenv("CI")) FAIL() << "pulsesrc is missing: install gstreamer1.0-pulseaudio";
    GTEST_SKIP() << "pulsesrc is missing (gstreamer1.0-pulseaudio)";
  }
  gst_object_unref(pulse);

  Mesh mesh(make_temp_dir());
  auto broken = mesh.config(440);
  broken.source = "pulsesrc server=/nonexistent/shotcall/socket";
  mesh.add("alice", broken);
  mesh.add("bob", mesh.config(660));
  EXPECT_FALSE(mesh.node("alice").engine->microphone_available());
  EXPECT_TRUE(mesh.node("alice").engine->speakers_available());
  EXPECT_TRUE(mesh.node("bob").engine->microphone_available());

  mesh.join("bob", "alice");
  ASSERT_TRUE(mesh.run_until([&] { return mesh.connected("alice", "bob"); }, 30))
      << mesh.history("alice") << mesh.history("bob");
  // Alice hears Bob's tone.
  ASSERT_TRUE(mesh.run_audio({"alice"}, 40, 30));
  // Bob hears Alice's silence: decoded audio arrives, and bytes keep flowing.
  ASSERT_TRUE(mesh.run_until([&] { return mesh.node("bob").first_audio["alice"] == 1; }, 30));
  ASSERT_TRUE(
      mesh.run_until([&] { return mesh.node("bob").stats["alice"].bytes_received > 0; }, 30));
  EXPECT_EQ(mesh.node("bob").loud_levels["alice"], 0) << "the stand-in is silent";

  ASSERT_EQ(mesh.node("alice").microphone_lost.size(), 1u);
  const std::string& words = mesh.node("alice").microphone_lost.front();
  expect_plain_words(words);
  EXPECT_NE(words.find("microphone"), std::string::npos) << words;
  EXPECT_NE(words.find("hear your team"), std::string::npos) << words;
  EXPECT_TRUE(mesh.node("alice").speakers_lost.empty());
  EXPECT_TRUE(mesh.node("alice").errors.empty()) << mesh.node("alice").errors.front();
  EXPECT_TRUE(mesh.node("bob").microphone_lost.empty());

  mesh.node("alice").engine->stop();
  mesh.node("bob").engine->stop();
  std::string why;
  auto wav = read_wav(mesh.record_dir("alice") + "/bob__Riot_EUW_.wav", &why);
  ASSERT_TRUE(wav) << why;
  EXPECT_EQ(dominant_frequency(*wav, {440.0, 660.0}, 0.5), 660.0);
}

// `source` delivers 12 s of a 440 Hz tone, then fails or ends.
void microphone_fails_mid_call(const std::string& source) {
  Mesh mesh;
  auto ending = mesh.config(440);
  ending.source = source;
  mesh.add("alice", ending);
  mesh.add("bob", mesh.config(660));
  mesh.join("bob", "alice");
  ASSERT_TRUE(mesh.run_until([&] { return mesh.connected("alice", "bob"); }, 30));
  // Bob hears Alice's tone while her microphone works.
  ASSERT_TRUE(mesh.run_until([&] { return mesh.node("bob").loud_levels["alice"] >= 5; }, 30))
      << mesh.traffic("bob", "alice");
  EXPECT_TRUE(mesh.node("alice").microphone_lost.empty()) << "ended before it was heard";
  EXPECT_TRUE(mesh.node("alice").engine->microphone_available());

  ASSERT_TRUE(mesh.run_until([&] { return !mesh.node("alice").microphone_lost.empty(); }, 30));
  expect_plain_words(mesh.node("alice").microphone_lost.front());
  EXPECT_NE(mesh.node("alice").microphone_lost.front().find("stopped working"), std::string::npos)
      << mesh.node("alice").microphone_lost.front();
  EXPECT_FALSE(mesh.node("alice").engine->microphone_available());

  // The call goes on: Alice keeps hearing Bob, Bob keeps receiving Alice's (now silent) stream
  // on the same link.
  const int heard_before = mesh.node("alice").loud_levels["bob"];
  const auto bytes_before = mesh.node("bob").stats["alice"].bytes_received;
  ASSERT_TRUE(mesh.run_until(
      [&] {
        return mesh.node("alice").loud_levels["bob"] >= heard_before + 40 &&
               mesh.node("bob").stats["alice"].bytes_received > bytes_before + 500;
      },
      30))
      << mesh.traffic("bob", "alice") << mesh.traffic("alice", "bob");
  // Silence from her now (the level after Bob's decoder stays low)...
  const int loud_after = mesh.node("bob").loud_levels["alice"];
  ASSERT_TRUE(mesh.run_audio({"alice"}, 20, 30));
  EXPECT_LE(mesh.node("bob").loud_levels["alice"], loud_after + 2);
  // ... on the link that was never rebuilt.
  EXPECT_EQ(mesh.node("alice").connected_count["bob"], 1) << mesh.history("alice");
  EXPECT_EQ(mesh.node("bob").connected_count["alice"], 1) << mesh.history("bob");
  EXPECT_EQ(mesh.node("bob").phase["alice"], PeerPhase::Connected);
  EXPECT_TRUE(mesh.node("alice").errors.empty()) << mesh.node("alice").errors.front();
  EXPECT_EQ(mesh.node("alice").microphone_lost.size(), 1u);
}

// 10 ms buffers: the tone stops after 1200 of them (12 s: time to connect, also under ASan).
constexpr const char* kTone =
    "audiotestsrc is-live=true wave=sine volume=0.3 freq=440 samplesperbuffer=480";

// It ends (EOS), as a driver may end the stream of an unplugged device.
TEST(NoMicrophone, MicrophoneThatEndsMidCallIsReplacedBySilence) {
  microphone_fails_mid_call(std::string(kTone) + " num-buffers=1200");
}

// It fails with an error from inside the fragment, as a device that goes away does.
TEST(NoMicrophone, MicrophoneThatFailsMidCallIsReplacedBySilence) {
  microphone_fails_mid_call(std::string(kTone) + " ! identity error-after=1200");
}

}  // namespace
}  // namespace shotcall::test
