// GameHistory, the piece the call orchestration feeds, on real SQLite files.
#include "app/history/game_history.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace shotcall::history {
namespace {

namespace fs = std::filesystem;

session::DetectedGame game(const std::string& id, std::vector<std::string> mates) {
  session::DetectedGame g;
  g.player_riot_id = "Me#EUW";
  g.target.game_id = {id, true};
  g.target.team_id = {"200", true};
  g.target.teammates = mates;
  g.target.teammates.push_back("Me#EUW");
  g.map_name = "Summoner's Rift";
  g.game_mode = "CLASSIC";
  return g;
}

session::LinkInfo connected(const std::string& riot_id) {
  session::LinkInfo l;
  l.riot_id = riot_id;
  l.phase = media::PeerPhase::Connected;
  l.stats.rtt_ms = 33;
  l.stats.packets_received = 1000;
  l.stats.route = media::PeerStats::LinkRoute::Direct;
  return l;
}

class GameHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "shotcall-game-history-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "history.sqlite").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<GameRecord> stored() {
    std::string error;
    auto store = HistoryStore::open(path_, &error);
    EXPECT_TRUE(store) << error;
    return store ? store->recent(100) : std::vector<GameRecord>{};
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(GameHistoryTest, RecordsEachGameAndCountsTeammatesFromEarlierGames) {
  GameHistory history(path_);
  EXPECT_EQ(history.on_game(game("1", {"Ñandú#ÁÉ", "Lux#NA1"}), 1'000'000), "");
  EXPECT_TRUE(history.in_game());
  EXPECT_EQ(history.played_before("Ñandú#ÁÉ"), 0);
  history.on_links({{riot_key("Ñandú#ÁÉ"), connected("Ñandú#ÁÉ")}});
  EXPECT_EQ(history.on_game_over(1'000'000 + 600'000), "");
  EXPECT_FALSE(history.in_game());

  EXPECT_EQ(history.on_game(game("2", {"ñandú#áé", "Ezreal#EUW"}), 2'000'000), "");
  EXPECT_EQ(history.played_before("ÑANDÚ#ÁÉ"), 1);
  EXPECT_EQ(history.played_before("Ezreal#EUW"), 0);
  // The same game reported again keeps the counts of before it started.
  EXPECT_EQ(history.on_game(game("2", {"ñandú#áé", "Ezreal#EUW"}), 2'100'000), "");
  EXPECT_EQ(history.played_before("Ñandú#ÁÉ"), 1);
  EXPECT_EQ(history.on_game_over(2'000'000 + 60'000), "");
  EXPECT_EQ(history.played_before("Ñandú#ÁÉ"), 0);  // no game in progress

  const auto games = stored();
  ASSERT_EQ(games.size(), 2u);
  EXPECT_EQ(games[0].game_id, "2");
  EXPECT_EQ(games[0].duration_s, 60);
  EXPECT_EQ(games[1].game_id, "1");
  EXPECT_EQ(games[1].duration_s, 600);
  EXPECT_EQ(games[1].side, "Red");
  ASSERT_EQ(games[1].teammates.size(), 2u);
  EXPECT_EQ(games[1].teammates[0],
            (TeammateRecord{"Ñandú#ÁÉ", "", true, {LinkRoute::Direct, 33, 0, 1000, 0}}));
  EXPECT_FALSE(games[1].teammates[1].in_voice);
}

TEST_F(GameHistoryTest, ANewGameStoresTheOneBefore) {
  GameHistory history(path_);
  history.on_game(game("1", {"Lux#NA1"}), 0);
  EXPECT_EQ(history.on_game(game("2", {"Lux#NA1"}), 30'000), "");
  EXPECT_EQ(history.played_before("Lux#NA1"), 1);
  ASSERT_EQ(stored().size(), 1u);
}

TEST_F(GameHistoryTest, ALockedFileDelaysTheGameAndTheNextChanceStoresIt) {
  GameHistory history(path_);
  history.on_game(game("1", {"Lux#NA1"}), 0);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  const auto before = std::chrono::steady_clock::now();
  const std::string note = history.on_game_over(10'000);
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(2));
  EXPECT_NE(note.find("another program holds the file locked"), std::string::npos) << note;
  EXPECT_EQ(history.unsaved(), 1u);
  ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);

  history.on_game(game("2", {"Lux#NA1"}), 20'000);
  EXPECT_EQ(history.on_game_over(30'000), "");
  EXPECT_EQ(history.unsaved(), 0u);
  const auto games = stored();
  ASSERT_EQ(games.size(), 2u);
  EXPECT_EQ(games[0].game_id, "2");
  EXPECT_EQ(games[1].game_id, "1");
}

TEST_F(GameHistoryTest, ADamagedFileIsSaidOnceAndTheGameIsStillRecorded) {
  std::ofstream(path_, std::ios::binary) << std::string(4096, '\x01');
  GameHistory history(path_);
  const std::string note = history.on_game(game("1", {"Lux#NA1"}), 0);
  EXPECT_NE(note.find("The game history file was damaged"), std::string::npos) << note;
  EXPECT_EQ(history.on_game_over(5000), "");
  ASSERT_EQ(stored().size(), 1u);
}

TEST_F(GameHistoryTest, NoPathMeansNoHistory) {
  GameHistory history("");
  EXPECT_EQ(history.on_game(game("1", {"Lux#NA1"}), 0), "");
  // Nothing is recorded, so the orchestration has nothing to report as saved.
  EXPECT_FALSE(history.in_game());
  history.on_links({{riot_key("Lux#NA1"), connected("Lux#NA1")}});
  EXPECT_FALSE(history.in_game());
  EXPECT_EQ(history.on_game_over(5000), "");
  EXPECT_FALSE(history.in_game());
  EXPECT_EQ(history.unsaved(), 0u);
  EXPECT_EQ(history.played_before("Lux#NA1"), 0);
  EXPECT_TRUE(fs::is_empty(dir_));
}

// A settings change restarts the call mid-game: the old runner's history saves the first part of
// game G when it stops, and the new runner's history sees G begin again.
TEST_F(GameHistoryTest, ACallRestartedMidGameKeepsOneGameAndCountsItOnce) {
  {
    GameHistory before_restart(path_);
    EXPECT_EQ(before_restart.on_game(game("G", {"Ñandú#ÁÉ", "Lux#NA1"}), 1'000'000), "");
    before_restart.on_links({{riot_key("Ñandú#ÁÉ"), connected("Ñandú#ÁÉ")}});
    EXPECT_EQ(before_restart.on_game_over(1'300'000), "");  // CallRunner::stop()
  }
  ASSERT_EQ(stored().size(), 1u);

  GameHistory after_restart(path_);
  EXPECT_EQ(after_restart.on_game(game("G", {"Ñandú#ÁÉ", "Lux#NA1"}), 1'310'000), "");
  EXPECT_EQ(after_restart.played_before("Ñandú#ÁÉ"), 0);
  EXPECT_EQ(after_restart.played_before("Lux#NA1"), 0);
  session::LinkInfo lux = connected("Lux#NA1");
  lux.stats.packets_received = 500;
  after_restart.on_links({{riot_key("Lux#NA1"), lux}});
  EXPECT_EQ(after_restart.on_game_over(2'200'000), "");

  auto games = stored();
  ASSERT_EQ(games.size(), 1u);
  EXPECT_EQ(games[0].game_id, "G");
  EXPECT_EQ(games[0].started_at_ms, 1'000'000);
  EXPECT_EQ(games[0].duration_s, 1200);  // from the first start to the second end
  ASSERT_EQ(games[0].teammates.size(), 2u);
  EXPECT_EQ(games[0].teammates[0],
            (TeammateRecord{"Ñandú#ÁÉ", "", true, {LinkRoute::Direct, 33, 0, 1000, 0}}));
  EXPECT_EQ(games[0].teammates[1],
            (TeammateRecord{"Lux#NA1", "", true, {LinkRoute::Direct, 33, 0, 500, 0}}));

  // G counts once for the next game.
  EXPECT_EQ(after_restart.on_game(game("H", {"ñandú#áé", "Ezreal#EUW"}), 3'000'000), "");
  EXPECT_EQ(after_restart.played_before("Ñandú#ÁÉ"), 1);
  EXPECT_EQ(after_restart.played_before("Ezreal#EUW"), 0);
}

TEST_F(GameHistoryTest, TheSameGameBegunAgainInOneHistoryDoesNotCountItself) {
  GameHistory history(path_);
  history.on_game(game("G", {"Lux#NA1"}), 0);
  EXPECT_EQ(history.on_game_over(60'000), "");  // the detector lost the game for a moment
  EXPECT_EQ(history.on_game(game("G", {"Lux#NA1"}), 65'000), "");
  EXPECT_EQ(history.played_before("Lux#NA1"), 0);
  EXPECT_EQ(history.on_game_over(120'000), "");
  const auto games = stored();
  ASSERT_EQ(games.size(), 1u);
  EXPECT_EQ(games[0].duration_s, 120);
}

}  // namespace
}  // namespace shotcall::history
