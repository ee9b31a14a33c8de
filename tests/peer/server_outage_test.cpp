// The signaling server dies mid-call: voice keeps flowing peer to peer, and when the server
// returns on the same port every peer re-registers and rejoins without dropping a link.
#include <gtest/gtest.h>

#include <memory>

#include "tests/peer/mesh_processes.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"

namespace shotcall::test {
namespace {

TEST(ServerOutage, VoiceOutlivesTheServerAndPeersRejoinWhenItReturns) {
  auto server = std::make_unique<ServerProcess>();
  const int port = server->port();
  const std::string url = server->url();
  ToneTeam team("OUT", {400, 700, 1000});
  std::vector<std::unique_ptr<PeerProcess>> peers;
  for (std::size_t i = 0; i < 3; ++i)
    peers.push_back(std::make_unique<PeerProcess>(team.peer_args(i, url)));
  for (auto& p : peers)
    ASSERT_TRUE(p->wait_for_lines("first-audio ", 2, std::chrono::seconds(90))) << p->transcript();

  // SIGKILL: no goodbye to anyone.
  server->terminate(std::chrono::seconds(10), 9);
  server.reset();
  for (auto& p : peers)
    ASSERT_TRUE(p->wait_for_lines("link connecting", 1, std::chrono::seconds(20))) << p->transcript();

  // Two more seconds of every teammate reach every recording while the server is gone.
  std::vector<std::size_t> at_kill;
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j)
      at_kill.push_back(i == j ? 0 : ToneTeam::file_size(team.recording(i, j)));
  const bool flowing = run_until(
      [&] {
        for (std::size_t i = 0; i < 3; ++i)
          for (std::size_t j = 0; j < 3; ++j)
            if (i != j && ToneTeam::file_size(team.recording(i, j)) < at_kill[i * 3 + j] + wav_bytes(2))
              return false;
        return true;
      },
      std::chrono::seconds(30));
  EXPECT_TRUE(flowing) << "audio stopped when the server died";

  // The server comes back on the same port: everyone registers and joins again.
  ServerProcess back({"--port", std::to_string(port)});
  for (auto& p : peers) {
    EXPECT_TRUE(p->wait_for_lines("registered ", 2, std::chrono::seconds(60))) << p->transcript();
    EXPECT_TRUE(p->wait_for_lines("joined ", 2, std::chrono::seconds(30))) << p->transcript();
  }
  for (auto& p : peers) {
    // No link was torn down for the outage.
    for (const auto& line : p->lines()) {
      if (line.rfind("peer ", 0) != 0) continue;
      EXPECT_EQ(line.find(" closed"), std::string::npos) << p->transcript();
      EXPECT_EQ(line.find(" failed"), std::string::npos) << p->transcript();
    }
  }
  for (auto& p : peers) {
    const ProcessExit e = p->terminate();
    EXPECT_TRUE(e.exited && e.status == 0) << p->transcript();
  }
}

}  // namespace
}  // namespace shotcall::test
