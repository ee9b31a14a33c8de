// Five shotcall-peer processes on loopback, each with its own tone, against the real server:
// every peer records the other four, and each recording's dominant tone is its sender's. The
// recordings are judged here, from outside the programs that made them.
#include <gtest/gtest.h>

#include <memory>

#include "tests/peer/mesh_processes.hpp"
#include "tests/peer/report_file.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"

namespace shotcall::test {
namespace {

TEST(FivePeers, EveryoneHearsTheRightFourTones) {
  ServerProcess server;
  ToneTeam team("E2E", {300, 450, 650, 850, 1100});
  std::vector<std::unique_ptr<PeerProcess>> peers;
  for (std::size_t i = 0; i < 5; ++i)
    peers.push_back(std::make_unique<PeerProcess>(team.peer_args(i, server.url())));

  // Twenty directed links: each peer hears four.
  for (auto& p : peers)
    ASSERT_TRUE(p->wait_for_lines("first-audio ", 4, std::chrono::seconds(120))) << p->transcript();

  // Three seconds of each teammate in every recording, then everyone leaves.
  const bool recorded = run_until(
      [&] {
        for (std::size_t i = 0; i < 5; ++i)
          for (std::size_t j = 0; j < 5; ++j)
            if (i != j && ToneTeam::file_size(team.recording(i, j)) < wav_bytes(3)) return false;
        return true;
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(recorded);
  // Each link's route is printed once known: host candidates on loopback, a direct path.
  for (std::size_t i = 0; i < 5; ++i) {
    ASSERT_TRUE(peers[i]->wait_for_lines("route ", 4, std::chrono::seconds(30)))
        << peers[i]->transcript();
    for (std::size_t j = 0; j < 5; ++j) {
      if (i == j) continue;
      const std::string line = "route " + team.members()[j].riot_id + " direct host host";
      EXPECT_TRUE(peers[i]->has_line(line)) << peers[i]->transcript();
    }
  }
  for (auto& p : peers) {
    const ProcessExit e = p->terminate();
    EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << p->transcript();
  }

  for (std::size_t i = 0; i < 5; ++i) {
    // Nobody records themself.
    EXPECT_EQ(ToneTeam::file_size(team.recording(i, i)), 0u);
    for (std::size_t j = 0; j < 5; ++j) {
      if (i == j) continue;
      const ToneVerdict v = judge_recording(team.recording(i, j), team.tones());
      ASSERT_TRUE(v.ok) << v.why;
      EXPECT_GE(v.seconds, 3.0);
      EXPECT_EQ(v.freq, team.members()[j].tone_hz)
          << team.members()[i].riot_id << " heard " << v.freq << " Hz from "
          << team.members()[j].riot_id;
      EXPECT_GT(v.ratio, kToneRatio) << team.recording(i, j);
    }
  }

  // Each report names the four others, connected, with their first audio and recording.
  for (std::size_t i = 0; i < 5; ++i) {
    const PeerReportFile report = read_peer_report(team.report(i));
    ASSERT_TRUE(report.read) << report.why;
    EXPECT_EQ(report.riot_id, team.members()[i].riot_id);
    EXPECT_NE(report.channel_id, "");
    ASSERT_EQ(report.peers.size(), 4u);
    for (const ReportedTeammate& p : report.peers) {
      // Peers leave one after another: the first to go saw everyone connected; the later ones
      // saw the earlier ones leave.
      if (i == 0)
        EXPECT_EQ(p.state, "connected");
      else
        EXPECT_TRUE(p.state == "connected" || p.state == "closed") << p.state;
      // Host candidates on 127.0.0.1 at both ends: a direct link (a closed one keeps the route
      // it had), and it never failed.
      EXPECT_EQ(p.route, "direct");
      EXPECT_EQ(p.local_candidate, "host");
      EXPECT_EQ(p.remote_candidate, "host");
      EXPECT_FALSE(p.failure.has_value()) << *p.failure;
      EXPECT_TRUE(p.first_audio_ms.has_value());
      EXPECT_TRUE(p.record_file.has_value());
    }
  }
}

}  // namespace
}  // namespace shotcall::test
