// The game history written by a real call and read back: two shotcall-peer processes against the
// real signaling server, each recording into its own history file (--history). After they hang
// up, each file holds the game, the teammate who was in voice with them, and that link's quality;
// the history that was counted for the teammate says they played together once.
#include <gtest/gtest.h>

#include <memory>

#include "app/history/history_store.hpp"
#include "tests/peer/mesh_processes.hpp"
#include "tests/support/server_process.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

TEST(HistoryCall, ARealCallIsRecordedAndReadBack) {
  ServerProcess server;
  ToneTeam team("HIST", {440, 660});
  std::vector<std::string> files;
  std::vector<std::unique_ptr<PeerProcess>> peers;
  for (std::size_t i = 0; i < 2; ++i) {
    files.push_back(team.members()[i].dir + "/history.sqlite");
    auto args = team.peer_args(i, server.url(), "HIST_GAME");
    args.insert(args.end(), {"--history", files.back()});
    peers.push_back(std::make_unique<PeerProcess>(args));
  }
  // In voice, and the link's first statistics are in (the route line comes with them).
  for (auto& p : peers) {
    ASSERT_TRUE(p->wait_for_lines("first-audio ", 1, 60s)) << p->transcript();
    ASSERT_TRUE(p->wait_for_lines("route ", 1, 60s)) << p->transcript();
  }
  for (auto& p : peers) {
    const ProcessExit e = p->terminate();
    EXPECT_TRUE(e.exited && e.status == 0) << p->transcript();
    // Hanging up ends the game; it was stored.
    EXPECT_TRUE(p->has_line("history-saved")) << p->transcript();
    EXPECT_FALSE(p->has_line("history ")) << p->transcript();  // nothing went wrong
  }

  for (std::size_t i = 0; i < 2; ++i) {
    const TeamMember& me = team.members()[i];
    const TeamMember& mate = team.members()[1 - i];
    std::string error;
    auto store = history::HistoryStore::open(files[i], &error);
    ASSERT_TRUE(store) << error;
    EXPECT_EQ(error, "");
    const auto games = store->recent(10, &error);
    ASSERT_EQ(games.size(), 1u) << error;
    const history::GameRecord& game = games.front();
    EXPECT_EQ(game.game_id, "HIST_GAME");
    EXPECT_EQ(game.side, "Blue");  // team 100
    EXPECT_EQ(game.my_riot_id, me.riot_id);
    EXPECT_GT(game.started_at_ms, 0);
    EXPECT_GE(game.duration_s, 0);
    ASSERT_EQ(game.teammates.size(), 1u);
    const history::TeammateRecord& t = game.teammates.front();
    EXPECT_EQ(t.riot_id, mate.riot_id);
    EXPECT_TRUE(t.in_voice);
    EXPECT_EQ(t.link.route, history::LinkRoute::Direct);  // host candidates on 127.0.0.1
    EXPECT_GT(t.link.packets_received, 0u);
    EXPECT_EQ(store->games_with(mate.riot_id), 1);
  }
}

}  // namespace
}  // namespace shotcall::test
