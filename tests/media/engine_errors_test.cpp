// Broken source/sink fragments fail engine creation with a clear message, never a crash; the
// controls and bad inputs are harmless.
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
  EXPECT_NE(error.find("source"), std::string::npos) << error;
  EXPECT_NE(error.find("nosuchelement_xyz"), std::string::npos) << error;
}

TEST(EngineErrors, SinkThatCannotOpen) {
  auto c = quiet();
  c.sink = "filesink location=/nonexistent-dir/shotcall/out.raw";
  std::string error;
  EXPECT_EQ(media::VoiceEngine::create(c, {}, &error), nullptr);
  EXPECT_NE(error.find("failed to start"), std::string::npos) << error;
  EXPECT_NE(error.find("filesink"), std::string::npos) << error;
}

TEST(EngineErrors, SourceThatCannotNegotiate) {
  auto c = quiet();
  c.source = "audiotestsrc is-live=true ! video/x-raw";
  std::string error;
  EXPECT_EQ(media::VoiceEngine::create(c, {}, &error), nullptr);
  EXPECT_FALSE(error.empty());
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
