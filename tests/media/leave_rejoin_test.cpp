// A peer leaves mid-call and rejoins: the others drop and rebuild its link, and keep hearing
// each other throughout.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/media/mesh_harness.hpp"
#include "tests/support/wav_analysis.hpp"

namespace shotcall::test {
namespace {

TEST(LeaveRejoin, OthersKeepHearingEachOtherAndRebuildTheLink) {
  Mesh mesh(make_temp_dir());
  mesh.add("ann", mesh.config(300));
  mesh.add("ben", mesh.config(500));
  mesh.join("ben", "ann");
  mesh.add("cat", mesh.config(700));
  mesh.join("cat", "ann");
  mesh.join("cat", "ben");
  auto all = [&] {
    return mesh.connected("ann", "ben") && mesh.connected("ann", "cat") &&
           mesh.connected("ben", "cat");
  };
  ASSERT_TRUE(mesh.run_until(all, 60));
  ASSERT_TRUE(mesh.run_audio({"ann", "ben", "cat"}, 10, 60));

  // cat leaves: the others drop it; cat's engine goes away entirely.
  mesh.leave("cat", "ann");
  mesh.leave("cat", "ben");
  mesh.remove_node("cat");
  EXPECT_EQ(mesh.node("ann").engine->peers(), std::vector<std::string>{"ben"});
  EXPECT_EQ(mesh.node("ann").phase["cat"], PeerPhase::Closed);
  // ann and ben still hear each other after the event.
  ASSERT_TRUE(mesh.run_audio({"ann", "ben"}, 20, 60)) << "audio stopped when cat left";
  // The finalised recording of cat's first stay is a valid WAV.
  std::string why;
  ASSERT_TRUE(read_wav(mesh.record_dir("ann") + "/cat__Riot_EUW_.wav", &why)) << why;

  // cat rejoins (a new engine, the same peer id) and offers to both again.
  mesh.add("cat", mesh.config(700));
  mesh.join("cat", "ann");
  mesh.join("cat", "ben");
  ASSERT_TRUE(mesh.run_until(all, 60)) << "cat's links were not rebuilt";
  ASSERT_TRUE(mesh.run_audio({"ann", "ben", "cat"}, 20, 60));
  EXPECT_EQ(mesh.node("ann").connected_count["cat"], 2);
  EXPECT_EQ(mesh.node("ann").connected_count["ben"], 1) << "ann-ben must never have dropped";

  for (const char* id : {"ann", "ben", "cat"}) mesh.node(id).engine->stop();
  // The rejoin got its own file; the earlier one is kept.
  auto second = read_wav(mesh.record_dir("ann") + "/cat__Riot_EUW_-2.wav", &why);
  ASSERT_TRUE(second) << why;
  EXPECT_EQ(dominant_frequency(*second, {300, 500, 700}, 0.3), 700);
  auto ben = read_wav(mesh.record_dir("ann") + "/ben__Riot_EUW_.wav", &why);
  ASSERT_TRUE(ben) << why;
  EXPECT_EQ(dominant_frequency(*ben, {300, 500, 700}, 0.3), 500);
}

}  // namespace
}  // namespace shotcall::test
