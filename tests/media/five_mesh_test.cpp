// Five engines in a full mesh, each a distinct tone: everyone records the other four, and each
// recording's dominant frequency is its sender's tone.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "tests/media/mesh_harness.hpp"
#include "tests/support/wav_analysis.hpp"

namespace shotcall::test {
namespace {

TEST(FiveEngineMesh, EveryoneRecordsTheOtherFourTones) {
  const std::vector<std::pair<std::string, double>> players = {
      {"p300", 300}, {"p450", 450}, {"p600", 600}, {"p750", 750}, {"p900", 900}};
  std::vector<double> tones;
  for (auto& [id, f] : players) tones.push_back(f);
  Mesh mesh(make_temp_dir());
  // They join one after another; each joiner offers to everyone already there.
  for (std::size_t i = 0; i < players.size(); ++i) {
    mesh.add(players[i].first, mesh.config(players[i].second));
    for (std::size_t j = 0; j < i; ++j) mesh.join(players[i].first, players[j].first);
  }
  auto all_connected = [&] {
    for (std::size_t i = 0; i < players.size(); ++i)
      for (std::size_t j = i + 1; j < players.size(); ++j)
        if (!mesh.connected(players[i].first, players[j].first)) return false;
    return true;
  };
  ASSERT_TRUE(mesh.run_until(all_connected, 120)) << "the mesh never fully connected";
  EXPECT_TRUE(mesh.off_loopback.empty()) << mesh.off_loopback.front();
  std::vector<std::string> ids;
  for (auto& [id, f] : players) ids.push_back(id);
  ASSERT_TRUE(mesh.run_audio(ids, 30, 120)) << "audio did not reach everyone";

  for (auto& [id, f] : players) {
    EXPECT_EQ(mesh.node(id).engine->peers().size(), 4u);
    EXPECT_TRUE(mesh.node(id).errors.empty()) << id << ": " << mesh.node(id).errors.front();
    mesh.node(id).engine->stop();  // finalises the recordings
  }
  for (auto& [id, f] : players) {
    std::set<std::string> files;
    for (auto& entry : std::filesystem::directory_iterator(mesh.record_dir(id))) {
      files.insert(entry.path().filename().string());
    }
    std::set<std::string> expected;
    for (auto& [other, g] : players) {
      if (other != id) expected.insert(other + "__Riot_EUW_.wav");
    }
    EXPECT_EQ(files, expected) << id << " must record exactly the other four, never itself";
    for (auto& [other, freq] : players) {
      if (other == id) continue;
      std::string why;
      auto wav = read_wav(mesh.record_dir(id) + "/" + other + "__Riot_EUW_.wav", &why);
      ASSERT_TRUE(wav) << id << " recording " << other << ": " << why;
      ASSERT_EQ(wav->rate, 48000);
      ASSERT_GT(wav->samples.size(), 48000u / 2);
      const ToneVerdict v = judge_tone(*wav, tones);
      EXPECT_EQ(v.freq, freq) << id << " hearing " << other;
      // Clearly that tone, not a mix or noise: at least 20x the power of any other tone.
      EXPECT_GT(v.ratio, 20) << id << " hearing " << other;
    }
  }
}

}  // namespace
}  // namespace shotcall::test
