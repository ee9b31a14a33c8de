// Twenty join/leave cycles on a live pipeline: every link's elements and pads go away again,
// the counts return to their baseline (run under the ASan build for leaks).
#include <gtest/gtest.h>

#include "tests/media/mesh_harness.hpp"

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
}

}  // namespace
}  // namespace shotcall::test
