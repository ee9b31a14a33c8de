// The jitter-buffer depth comes down on a clean link (app/mesh/jitter_budget.hpp): two real
// engines on 127.0.0.1, whose only jitter is how evenly the sender's packets leave.
//
// Label quality, like the other timing figures (tests/media/CMakeLists.txt): whether the depth
// comes down depends on how evenly this machine runs two engines in real time. Under the
// sanitizers, with the harness's tone in 21 ms buffers, one engine's link read over 2.5 ms (4
// times that, with the 1.5 margin, asks for the 20 ms a call starts at) and its depth rightly
// stayed at 20 ms for a whole minute. The engine's code on this path runs under the sanitizers
// in adaptive_jitter_test.cpp, where an injected jitter moves the depth.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "app/mesh/jitter_budget.hpp"
#include "tests/media/mesh_harness.hpp"

namespace shotcall::test {
namespace {

// Every depth the engine used, in order, with when it was first seen.
struct Depths {
  struct Seen {
    int ms;
    gint64 since_ms;
  };
  std::vector<Seen> seen;
  void note(int ms) {
    if (seen.empty() || seen.back().ms != ms) seen.push_back({ms, g_get_monotonic_time() / 1000});
  }
  // The shortest time between a step down and the depth's previous change (or the start).
  std::optional<gint64> shortest_hold_ms() const {
    std::optional<gint64> shortest;
    for (std::size_t i = 1; i < seen.size(); ++i) {
      if (seen[i].ms >= seen[i - 1].ms) continue;
      const gint64 held = seen[i].since_ms - seen[i - 1].since_ms;
      shortest = std::min(shortest.value_or(held), held);
    }
    return shortest;
  }
  std::string text() const {
    std::string s;
    for (const auto& [ms, since_ms] : seen) {
      s += std::to_string(ms) + " ms at " + std::to_string(since_ms - seen.front().since_ms) + ", ";
    }
    return s;
  }
};

TEST(AdaptiveJitter, ACleanLinkBringsItDownAndAMutedTalkerLeavesItWhereItIs) {
  Mesh mesh;
  // 10 ms buffers, the period the engine asks of a microphone. The harness's tone comes in
  // 1024 samples (21 ms, PipeWire's default quantum), two frames a buffer, and the sender's pacing
  // of those reads as 1.5-2.4 ms of jitter on loopback (depth 10-15 ms); at 10 ms, 0.1-0.3 ms.
  media::VoiceConfig a_config = mesh.config(440), b_config = mesh.config(660);
  for (media::VoiceConfig* c : {&a_config, &b_config}) c->source += " samplesperbuffer=480";
  mesh.add("a", a_config);
  mesh.add("b", b_config);
  media::VoiceEngine& a = *mesh.node("a").engine;
  media::VoiceEngine& b = *mesh.node("b").engine;
  EXPECT_EQ(b.jitter_ms(), media::VoiceConfig{}.jitter_ms) << "a call starts at the safe depth";
  mesh.join("b", "a");
  ASSERT_TRUE(mesh.run_until([&] { return mesh.connected("a", "b"); }, 60));
  // Down from the safe start: to the floor on an idle machine, a step or two above it when the
  // machine is busy (a sanitizer build, tests beside it): its scheduling is jitter too.
  Depths depths;
  ASSERT_TRUE(mesh.run_until(
      [&] {
        depths.note(b.jitter_ms());
        return a.jitter_ms() < 20 && b.jitter_ms() < 20;
      },
      60))
      << "a " << a.jitter_ms() << " ms, b " << b.jitter_ms() << " ms; jitter b<-a "
      << mesh.node("b").stats["a"].jitter_ms << " ms";
  // Never shallower before every link asked for less for the whole hold: a listener hears each
  // change. How many steps it takes is the budget's (tests/mesh/jitter_budget_test.cpp): here the
  // link's jitter is this machine's scheduling, which on a busy machine rises and falls across a
  // step's edge during the test, and the depth rightly follows it up at once.
  const gint64 hold_ms = mesh::JitterLimits{}.shrink_after_ms;
  // The test sees a change when its loop next wakes (every 20 ms at most), after the sample that
  // made it: a change seen late makes the hold after it look shorter, by far less than this.
  const gint64 seen_late_ms = 500;
  ASSERT_TRUE(depths.shortest_hold_ms());
  EXPECT_GE(*depths.shortest_hold_ms(), hold_ms - seen_late_ms) << depths.text();
  EXPECT_EQ(b.pipeline_latency_ms(), b.jitter_ms() + kRenderExtraMs);
  std::printf("clean link: jitter b<-a %.2f ms, depth %d ms\n", mesh.node("b").stats["a"].jitter_ms,
              b.jitter_ms());

  // Muted, the talker sends a silent frame every half second, and the encoder hands each one's
  // tail on with the next: nothing that says how the network does, so the depth stays.
  const int settled = b.jitter_ms();
  a.set_muted(true);
  const int reports = mesh.node("b").stats_count["a"];
  int deepest = settled;
  ASSERT_TRUE(mesh.run_until(
      [&] {
        deepest = std::max(deepest, b.jitter_ms());
        return mesh.node("b").stats_count["a"] >= reports + 16;  // 8 s at 500 ms
      },
      60));
  EXPECT_EQ(deepest, settled) << "jitter b<-a " << mesh.node("b").stats["a"].jitter_ms << " ms";
  // Nor do its keepalives make b's decoder hold for FEC (app/mesh/fec_hold.hpp): they come in
  // order, and the jitter buffer conceals nothing between them.
  EXPECT_EQ(b.pipeline_latency_ms(), b.jitter_ms() + kRenderExtraMs);
  a.set_muted(false);
  a.stop();
  b.stop();
}

}  // namespace
}  // namespace shotcall::test
