// A fragment that does not parse fails engine creation with a clear message; a device that
// cannot open leaves the call half up and says so; never a crash; the controls and bad inputs
// are harmless.
#include <gtest/gtest.h>

#include "tests/media/mesh_harness.hpp"

namespace shotcall::test {
namespace {

media::VoiceConfig quiet() {
  media::VoiceConfig c;
  c.source = "audiotestsrc is-live=true";
  c.sink = "fakesink sync=true";
  c.echo_cancel = c.noise_suppression = c.gain_control = false;
  c.local_addresses = {"127.0.0.1"};
  return c;
}

TEST(EngineErrors, SourceThatDoesNotParse) {
  auto c = quiet();
  c.source = "nosuchelement_xyz";
  std::string error;
  EXPECT_EQ(media::VoiceEngine::create(c, {}, &error), nullptr);
  EXPECT_NE(error.find("audio source"), std::string::npos) << error;
  EXPECT_NE(error.find("nosuchelement_xyz"), std::string::npos) << error;
  EXPECT_NE(error.find("Choose another microphone in Preferences."), std::string::npos) << error;
}

// Speakers that cannot open leave the call up, send-only, and say so in words.
TEST(EngineErrors, SinkThatCannotOpen) {
  auto c = quiet();
  c.sink = "filesink location=/nonexistent-dir/shotcall/out.raw";
  std::vector<std::string> speakers, microphone, errors;
  media::VoiceEvents ev;
  ev.on_speakers = [&](bool available, const std::string& w) {
    if (!available) speakers.push_back(w);
  };
  ev.on_microphone = [&](bool, const std::string& w) { microphone.push_back(w); };
  ev.on_error = [&](const std::string& m) { errors.push_back(m); };
  std::string error;
  auto engine = media::VoiceEngine::create(c, ev, &error);
  ASSERT_TRUE(engine) << error;
  EXPECT_FALSE(engine->speakers_available());
  EXPECT_TRUE(engine->microphone_available());
  EXPECT_TRUE(speakers.empty()) << "reported inside create()";
  Mesh mesh;  // only for its loop runner
  ASSERT_TRUE(mesh.run_until([&] { return !speakers.empty(); }, 10));
  EXPECT_EQ(speakers.front(),
            "Shotcall can't open your speakers or headset. Your team can still hear you, but you "
            "can't hear them. Check that they are plugged in and not used by another program, "
            "then choose them in Preferences.");
  EXPECT_TRUE(microphone.empty());
  EXPECT_TRUE(errors.empty());
}

// Speakers that fail during the call (an error inside the sink fragment after a second) are
// replaced while the pipeline runs: the microphone keeps being captured and measured.
TEST(EngineErrors, SinkThatFailsMidCall) {
  auto c = quiet();
  c.sink = "identity error-after=100 ! fakesink sync=true";
  std::vector<std::string> speakers, errors;
  int levels = 0;
  media::VoiceEvents ev;
  ev.on_speakers = [&](bool available, const std::string& w) {
    if (!available) speakers.push_back(w);
  };
  ev.on_level = [&](const std::string& peer, double) { levels += peer.empty(); };
  ev.on_error = [&](const std::string& m) { errors.push_back(m); };
  std::string error;
  auto engine = media::VoiceEngine::create(c, ev, &error);
  ASSERT_TRUE(engine) << error;
  EXPECT_TRUE(engine->speakers_available());
  Mesh mesh;
  ASSERT_TRUE(mesh.run_until([&] { return !speakers.empty(); }, 20));
  EXPECT_NE(speakers.front().find("stopped working"), std::string::npos) << speakers.front();
  EXPECT_EQ(speakers.front().find("identity"), std::string::npos) << speakers.front();
  EXPECT_FALSE(engine->speakers_available());
  const int before = levels;
  ASSERT_TRUE(mesh.run_until([&] { return levels >= before + 20; }, 20)) << "capture stopped";
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_EQ(speakers.size(), 1u);
}

// A source whose output is not audio: receive-only, like a microphone that cannot open.
TEST(EngineErrors, SourceThatCannotNegotiate) {
  auto c = quiet();
  c.source = "videotestsrc is-live=true";
  std::vector<std::string> microphone;
  media::VoiceEvents ev;
  ev.on_microphone = [&](bool available, const std::string& w) {
    if (!available) microphone.push_back(w);
  };
  std::string error;
  auto engine = media::VoiceEngine::create(c, ev, &error);
  ASSERT_TRUE(engine) << error;
  EXPECT_FALSE(engine->microphone_available());
  Mesh mesh;
  ASSERT_TRUE(mesh.run_until([&] { return !microphone.empty(); }, 10));
  EXPECT_NE(microphone.front().find("no sound format"), std::string::npos) << microphone.front();
}

// Neither device works: no call, and the words say why.
TEST(EngineErrors, NeitherDeviceWorks) {
  auto c = quiet();
  c.source = "filesrc location=/nonexistent-dir/shotcall/in.raw";
  c.sink = "filesink location=/nonexistent-dir/shotcall/out.raw";
  std::string error;
  EXPECT_EQ(media::VoiceEngine::create(c, {}, &error), nullptr);
  EXPECT_NE(error.find("neither your microphone nor your speakers"), std::string::npos) << error;
  EXPECT_EQ(error.find("filesink"), std::string::npos) << error;
  EXPECT_EQ(error.find("filesrc"), std::string::npos) << error;
}

TEST(EngineErrors, BadInputsAreRefusedQuietly) {
  std::vector<std::string> errors;
  std::vector<std::string> failures;
  media::VoiceEvents ev;
  ev.on_error = [&](const std::string& m) { errors.push_back(m); };
  ev.on_peer_state = [&](const std::string&, media::PeerPhase phase, const std::string& why) {
    if (phase == media::PeerPhase::Failed) failures.push_back(why);
  };
  std::string error;
  auto engine = media::VoiceEngine::create(quiet(), ev, &error);
  ASSERT_TRUE(engine) << error;
  EXPECT_FALSE(engine->handle_signal("nobody", R"({"sdp":{"type":"offer","sdp":"v=0"}})"));
  EXPECT_TRUE(engine->add_peer("p", "P", false));
  EXPECT_FALSE(engine->add_peer("p", "P", false));
  EXPECT_FALSE(engine->handle_signal("p", "{not json"));
  // An offer that is not SDP: the link fails and is rebuilt, nothing crashes.
  EXPECT_TRUE(engine->handle_signal("p", R"({"sdp":{"type":"offer","sdp":"garbage"}})"));
  EXPECT_FALSE(engine->set_peer_volume("nobody", 1.0));
  EXPECT_TRUE(engine->set_peer_volume("p", 0.5));
  EXPECT_TRUE(engine->set_peer_muted("p", true));
  engine->set_muted(true);
  engine->set_deafened(true);
  engine->set_bitrate(24000);
  engine->set_jitter_ms(60);
  Mesh mesh;  // only for its loop runner
  ASSERT_TRUE(mesh.run_until([&] { return !failures.empty(); }, 30));
  EXPECT_NE(failures.front().find("description"), std::string::npos) << failures.front();
  EXPECT_TRUE(engine->peer_phase("p").has_value()) << "the answerer waits for a better offer";
  engine->remove_peer("p");
  EXPECT_TRUE(engine->peers().empty());
  engine->stop();
  engine->stop();
  EXPECT_TRUE(errors.empty()) << errors.front();
}

}  // namespace
}  // namespace shotcall::test
