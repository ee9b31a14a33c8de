// Twenty join/leave cycles on a live pipeline: every link's elements and pads go away again,
// the counts return to their baseline (run under the ASan build for leaks), and every recording
// a link left behind is a complete WAV, also when the link went away as its audio began.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "tests/media/mesh_harness.hpp"
#include "tests/support/wav_analysis.hpp"

namespace shotcall::test {
namespace {

TEST(Churn, TwentyJoinLeaveCyclesLeaveNothingBehind) {
  Mesh mesh(make_temp_dir());
  mesh.add("host", mesh.config(350));
  mesh.add("guest", mesh.config(550));
  const media::EngineCounts base = mesh.node("host").engine->counts();
  const media::EngineCounts guest_base = mesh.node("guest").engine->counts();
  EXPECT_EQ(base.peers, 0);
  EXPECT_EQ(base.tee_src_pads, 0);
  EXPECT_EQ(base.mixer_sink_pads, 1);  // the silence keeper
  for (int cycle = 0; cycle < 20; ++cycle) {
    mesh.join("guest", "host");
    ASSERT_TRUE(mesh.run_until([&] { return mesh.connected("host", "guest"); }, 60))
        << "cycle " << cycle;
    auto during = mesh.node("host").engine->counts();
    EXPECT_EQ(during.tee_src_pads, 1);
    EXPECT_EQ(during.mixer_sink_pads, 2);
    EXPECT_GT(during.pipeline_children, base.pipeline_children);
    if (cycle % 5 == 0) {  // now and then with audio flowing through the recordings
      ASSERT_TRUE(mesh.run_audio({"host", "guest"}, 3, 60)) << "cycle " << cycle;
    } else if (cycle % 5 == 2) {
      // Leave the moment the first decoded audio is reported: the recording branch has just
      // taken its first buffers, which is when a WAV could be left without its final sizes.
      const int seen = mesh.node("host").first_audio["guest"];
      ASSERT_TRUE(mesh.run_until([&] { return mesh.node("host").first_audio["guest"] > seen; }, 60))
          << "cycle " << cycle;
    }
    mesh.leave("guest", "host");
    auto after = mesh.node("host").engine->counts();
    EXPECT_EQ(after.pipeline_children, base.pipeline_children) << "cycle " << cycle;
    EXPECT_EQ(after.tee_src_pads, base.tee_src_pads);
    EXPECT_EQ(after.mixer_sink_pads, base.mixer_sink_pads);
    EXPECT_EQ(after.peers, 0);
    auto g = mesh.node("guest").engine->counts();
    EXPECT_EQ(g.pipeline_children, guest_base.pipeline_children);
    EXPECT_EQ(g.tee_src_pads, guest_base.tee_src_pads);
  }
  EXPECT_TRUE(mesh.node("host").errors.empty());
  EXPECT_TRUE(mesh.node("guest").errors.empty());
  std::map<std::string, int> recordings;
  for (const char* id : {"host", "guest"}) {
    for (const auto& entry : std::filesystem::directory_iterator(mesh.record_dir(id))) {
      std::string why;
      EXPECT_TRUE(read_wav(entry.path().string(), &why)) << entry.path() << ": " << why;
      ++recordings[id];
    }
  }
  // The host heard the guest in cycles 0, 5, 10, 15 and 2, 7, 12, 17; the guest surely in the
  // first four (a link that never carried audio leaves no file).
  EXPECT_GE(recordings["host"], 8);
  EXPECT_GE(recordings["guest"], 4);
}

}  // namespace
}  // namespace shotcall::test
