// shotcall-peer's failures are clear messages and non-zero exits, never crashes.
#include <gtest/gtest.h>

#include "tests/peer/mesh_processes.hpp"
#include "tests/peer/peer_process.hpp"
#include "tests/peer/report_file.hpp"
#include "tests/support/server_process.hpp"

namespace shotcall::test {
namespace {

ProcessExit run(PeerProcess& p) { return p.wait_exit(std::chrono::seconds(60)); }

TEST(PeerCli, BadArgumentsExitTwoWithAMessage) {
  PeerProcess p({"--server", "ws://127.0.0.1:1/ws", "--game", "G", "--team", "300", "--riot-id",
                 "A#B", "--teammates", "A#B"});
  const ProcessExit e = run(p);
  EXPECT_TRUE(e.exited && !e.signaled);
  EXPECT_EQ(e.status, 2);
  EXPECT_NE(p.stderr_text().find("--team must be 100 or 200"), std::string::npos) << p.transcript();
}

TEST(PeerCli, UnreachableServerExitsOneWithAMessage) {
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  PeerProcess p({"--server", "ws://127.0.0.1:1/ws", "--riot-id", "A#B", "--game", "G", "--team",
                 "100", "--teammates", "A#B", "--source", "audiotestsrc is-live=true", "--sink",
                 "fakesink"});
  const ProcessExit e = run(p);
  EXPECT_TRUE(e.exited && !e.signaled) << p.transcript();
  EXPECT_EQ(e.status, 1);
  EXPECT_NE(p.stderr_text().find("cannot reach the signaling server"), std::string::npos)
      << p.transcript();
}

TEST(PeerCli, BrokenPipelineFragmentExitsOneWithAMessage) {
  ServerProcess server;
  PeerProcess p({"--server", server.url(), "--riot-id", "A#B", "--game", "G", "--team", "100",
                 "--teammates", "A#B", "--source", "nosuchelement ! audioconvert", "--sink",
                 "fakesink"});
  const ProcessExit e = run(p);
  EXPECT_TRUE(e.exited && !e.signaled) << p.transcript();
  EXPECT_EQ(e.status, 1);
  EXPECT_NE(p.stderr_text().find("nosuchelement"), std::string::npos) << p.transcript();
}

TEST(PeerCli, ARefusedRiotIdExitsOne) {
  ServerProcess server;
  const std::vector<std::string> args{
      "--server", server.url(), "--riot-id",   "Same#ONE", "--game",   "G",
      "--team",   "100",        "--teammates", "Same#ONE", "--source", "audiotestsrc is-live=true",
      "--sink",   "fakesink"};
  PeerProcess first(args);
  ASSERT_TRUE(first.wait_for_lines("registered ", 1, std::chrono::seconds(30)))
      << first.transcript();
  // Without the device key the first run bound, the Riot ID is not ours to take.
  auto keyless = args;
  keyless.push_back("--no-key");
  PeerProcess second(keyless);
  const ProcessExit e = run(second);
  EXPECT_EQ(e.status, 1) << second.transcript();
  EXPECT_NE(second.stderr_text().find("refused"), std::string::npos) << second.transcript();
  EXPECT_NE(second.stderr_text().find("bound to another device"), std::string::npos)
      << second.transcript();
  EXPECT_TRUE(first.wait_for_lines("notice ", 1, std::chrono::seconds(10))) << first.transcript();
}

TEST(PeerCli, TheSameDeviceSigningInAgainTakesItsOwnSeat) {
  ServerProcess server;
  const std::vector<std::string> args{
      "--server", server.url(), "--riot-id",   "Same#TWO", "--game",   "G",
      "--team",   "100",        "--teammates", "Same#TWO", "--source", "audiotestsrc is-live=true",
      "--sink",   "fakesink"};
  PeerProcess first(args);
  ASSERT_TRUE(first.wait_for_lines("registered ", 1, std::chrono::seconds(30)))
      << first.transcript();
  PeerProcess second(args);  // the same key file: a stale session of this device
  ASSERT_TRUE(second.wait_for_lines("registered ", 1, std::chrono::seconds(30)))
      << second.transcript();
  // The old session is closed with 4001 and does not come back by itself.
  const ProcessExit e = first.wait_exit(std::chrono::seconds(30));
  EXPECT_TRUE(e.exited) << first.transcript();
  EXPECT_EQ(e.status, 1) << first.transcript();
  EXPECT_NE(first.stderr_text().find("another session of this device"), std::string::npos)
      << first.transcript();
  EXPECT_TRUE(second.running()) << second.transcript();
}

// Relay-only (--ice-transport-policy relay) on a server that offers no relay (TURN): ICE has
// nothing to try, and both peers say so in words, in their event lines and their reports.
TEST(PeerCli, RelayOnlyWithoutARelaySaysWhyInWords) {
  ServerProcess server;  // no --turn
  ToneTeam team("NORELAY", {440, 660});
  std::vector<std::unique_ptr<PeerProcess>> peers;
  for (std::size_t i = 0; i < 2; ++i) {
    auto args = team.peer_args(i, server.url());
    args.insert(args.end(), {"--ice-transport-policy", "relay"});
    peers.push_back(std::make_unique<PeerProcess>(args));
  }
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string other = team.members()[1 - i].riot_id;
    ASSERT_TRUE(peers[i]->wait_for_lines("peer " + other + " failed Can't reach " + other, 1,
                                         std::chrono::seconds(60)))
        << peers[i]->transcript();
  }
  for (auto& p : peers) EXPECT_TRUE(p->terminate().exited) << p->transcript();
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_FALSE(peers[i]->has_line("route ")) << peers[i]->transcript();
    const PeerReportFile report = read_peer_report(team.report(i));
    ASSERT_TRUE(report.read) << report.why;
    ASSERT_FALSE(report.peers.empty());
    const ReportedTeammate& mate = report.peers.front();
    EXPECT_NE(mate.state, "connected");
    EXPECT_EQ(mate.route, "unknown");
    EXPECT_FALSE(mate.local_candidate.has_value());
    ASSERT_TRUE(mate.failure.has_value()) << peers[i]->transcript();
    EXPECT_NE(mate.failure->find("relay-only mode is on, but this server offers no relay (TURN)"),
              std::string::npos)
        << *mate.failure;
  }
}

}  // namespace
}  // namespace shotcall::test
