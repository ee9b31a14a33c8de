// Five engines in a full mesh, each a distinct tone: everyone records the other four, and each
// recording's dominant frequency is its sender's tone.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
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
  // On any failure, also an early ASSERT, say what each engine saw of its links: a link that
  // failed and was rebuilt is the usual story behind a one-off here.
  struct HistoryOnFailure {
    Mesh& mesh;
    const std::vector<std::pair<std::string, double>>& players;
    ~HistoryOnFailure() {
      if (!::testing::Test::HasFailure()) return;
      for (const auto& p : players) std::cout << mesh.history(p.first) << "\n";
    }
  } history_on_failure{mesh, players};
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
    // Each of the other four recorded under its own name; a link the engine rebuilt on the way
    // (its watchdog or connect timeout, which a starved sanitizer build can trip) records into
    // "<name>-2.wav" and so on. Nothing else, and never itself.
    std::set<std::string> primaries;
    std::set<std::string> judged;  // senders with a recording long enough to judge
    for (auto& entry : std::filesystem::directory_iterator(mesh.record_dir(id))) {
      const std::string name = entry.path().filename().string();
      // "<from>__Riot_EUW_.wav" or "<from>__Riot_EUW_-<n>.wav", nothing else.
      const auto cut = name.find("__Riot_EUW_");
      ASSERT_NE(cut, std::string::npos) << id << " recorded a stranger: " << name;
      const std::string from = name.substr(0, cut);
      const std::string rest = name.substr(cut + std::string("__Riot_EUW_").size());
      const bool primary = rest == ".wav";
      const bool rebuilt = rest.size() > 5 && rest.front() == '-' &&
                           rest.substr(rest.size() - 4) == ".wav" &&
                           rest.find_first_not_of("0123456789", 1) == rest.size() - 4;
      ASSERT_TRUE(primary || rebuilt) << id << " recorded a stranger: " << name;
      const double* freq = nullptr;
      for (auto& [other, g] : players)
        if (other == from) freq = &g;
      ASSERT_NE(freq, nullptr) << id << " recorded a stranger: " << name;
      EXPECT_NE(from, id) << id << " recorded itself: " << name;
      if (primary) primaries.insert(from);
      std::string why;
      auto wav = read_wav(entry.path().string(), &why);
      ASSERT_TRUE(wav) << id << " recording " << name << ": " << why;
      ASSERT_EQ(wav->rate, 48000);
      if (wav->samples.size() < 48000u / 2) continue;  // a link rebuilt just before the end
      judged.insert(from);
      const ToneVerdict v = judge_tone(*wav, tones);
      EXPECT_EQ(v.freq, *freq) << id << " hearing " << name;
      // Clearly that tone, not a mix or noise: at least 20x the power of any other tone.
      EXPECT_GT(v.ratio, 20) << id << " hearing " << name;
    }
    std::set<std::string> others;
    for (auto& [other, g] : players)
      if (other != id) others.insert(other);
    EXPECT_EQ(primaries, others) << id << " must record each of the other four";
    EXPECT_EQ(judged, others) << id << " must hear each of the other four for a while";
  }
}

}  // namespace
}  // namespace shotcall::test
