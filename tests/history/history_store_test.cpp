#include "app/history/history_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace shotcall::history {
namespace {

namespace fs = std::filesystem;

class HistoryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "shotcall-history-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "deep" / "history.sqlite").string();  // the folder is made on open
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<HistoryStore> open_ok() {
    std::string error = "stale";
    auto store = HistoryStore::open(path_, &error);
    EXPECT_TRUE(store) << error;
    EXPECT_EQ(error, "");
    return store;
  }

  // The files beside the database that open() moved aside.
  std::vector<fs::path> moved_aside() const {
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(fs::path(path_).parent_path()))
      if (e.path().filename().string().starts_with("history.sqlite.corrupt-") &&
          e.path().extension() != ".sqlite-wal")
        found.push_back(e.path());
    return found;
  }

  void expect_fresh_and_working(HistoryStore& store) {
    EXPECT_TRUE(store.recent(10).empty());
    std::string error;
    ASSERT_TRUE(store.add(game(1, "fresh"), &error)) << error;
    ASSERT_EQ(store.recent(10).size(), 1u);
  }

  static GameRecord game(std::int64_t started, const std::string& id,
                         std::vector<TeammateRecord> mates = {}) {
    GameRecord g;
    g.started_at_ms = started;
    g.duration_s = 1800;
    g.game_id = id;
    g.map = "Summoner's Rift";
    g.mode = "CLASSIC";
    g.side = "Red";
    g.my_riot_id = "Me#EUW";
    g.my_champion = "Ahri";
    g.teammates = std::move(mates);
    return g;
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(HistoryStoreTest, DefaultPathIsInTheUserDataDir) {
  const std::string p = default_history_path();
  EXPECT_TRUE(p.ends_with("/shotcall/history.sqlite")) << p;
}

TEST_F(HistoryStoreTest, GamesComeBackAsStoredNewestFirst) {
  auto store = open_ok();
  ASSERT_TRUE(store);
  const GameRecord a = game(1000, "a",
                            {{"Ñandú#ÁÉ", "Garen", true, {LinkRoute::Relayed, 38.5, 4, 996, 2.25}},
                             {"Lux#NA1", "", false, {}}});
  const GameRecord b =
      game(3000, "b", {{"Ezreal#EUW", "Ezreal", true, {LinkRoute::Direct, 12, 0, 50000, 1}}});
  const GameRecord c = game(2000, "c");
  std::string error;
  for (const auto* g : {&a, &b, &c}) ASSERT_TRUE(store->add(*g, &error)) << error;
  EXPECT_EQ(store->recent(10), (std::vector<GameRecord>{b, c, a}));
  EXPECT_EQ(store->recent(2), (std::vector<GameRecord>{b, c}));

  // Still there after closing and opening again.
  store.reset();
  store = open_ok();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->recent(10), (std::vector<GameRecord>{b, c, a}));
}

TEST_F(HistoryStoreTest, CountsGamesPlayedTogetherByFoldedRiotId) {
  auto store = open_ok();
  ASSERT_TRUE(store);
  std::string error;
  ASSERT_TRUE(
      store->add(game(1, "1", {{"Ñandú#ÁÉ", "", true, {}}, {"Lux#NA1", "", false, {}}}), &error));
  ASSERT_TRUE(store->add(game(2, "2", {{"ñandú#áé", "", false, {}}}), &error));
  ASSERT_TRUE(store->add(game(3, "3", {{"Lux#NA1", "", false, {}}}), &error));
  ASSERT_TRUE(store->add(game(4, "4"), &error));
  EXPECT_EQ(store->games_with("ÑANDÚ#ÁÉ", "", &error), 2);
  EXPECT_EQ(error, "");
  EXPECT_EQ(store->games_with("lux#na1"), 2);
  EXPECT_EQ(store->games_with("Nobody#XX"), 0);
  EXPECT_EQ(store->games_with("Me#EUW"), 0);  // the player is not their own teammate
}

TEST_F(HistoryStoreTest, AFileThatIsNotADatabaseIsMovedAsideAndAFreshOneStarted) {
  fs::create_directories(fs::path(path_).parent_path());
  const std::string garbage(10000, '\x5a');
  std::ofstream(path_, std::ios::binary) << garbage;

  std::string error;
  auto store = HistoryStore::open(path_, &error);
  ASSERT_TRUE(store) << error;
  const auto aside = moved_aside();
  ASSERT_EQ(aside.size(), 1u);
  EXPECT_NE(error.find("The game history file was damaged"), std::string::npos) << error;
  EXPECT_NE(error.find("moved to " + aside[0].string()), std::string::npos) << error;
  EXPECT_NE(error.find("a new, empty history was started."), std::string::npos) << error;
  std::ifstream kept(aside[0], std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), garbage);
  expect_fresh_and_working(*store);
}

TEST_F(HistoryStoreTest, ATruncatedDatabaseIsMovedAsideAndAFreshOneStarted) {
  {
    auto store = open_ok();
    ASSERT_TRUE(store);
    std::string error;
    std::vector<TeammateRecord> mates(
        4, TeammateRecord{"Long name#" + std::string(40, 'x'), "C", true, {}});
    for (int i = 0; i < 300; ++i)
      ASSERT_TRUE(store->add(game(i, std::to_string(i), mates), &error));
  }  // the last connection closes: the WAL is checkpointed into the file
  const auto size = fs::file_size(path_);
  ASSERT_GT(size, 16384u);
  fs::resize_file(path_, size / 2);

  std::string error;
  auto store = HistoryStore::open(path_, &error);
  ASSERT_TRUE(store) << error;
  EXPECT_EQ(moved_aside().size(), 1u);
  EXPECT_NE(error.find("The game history file was damaged"), std::string::npos) << error;
  expect_fresh_and_working(*store);
}

TEST_F(HistoryStoreTest, ALockedDatabaseFailsAWriteQuicklyAndTheNextWriteAfterSucceeds) {
  auto store = open_ok();
  ASSERT_TRUE(store);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);

  std::string error;
  const auto before = std::chrono::steady_clock::now();
  EXPECT_FALSE(store->add(game(1, "locked-out"), &error));
  const auto waited = std::chrono::steady_clock::now() - before;
  EXPECT_LT(waited, std::chrono::seconds(2));
  EXPECT_NE(error.find("This game was not saved to the history: another program holds the file "
                       "locked"),
            std::string::npos)
      << error;

  ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  ASSERT_TRUE(store->add(game(2, "after"), &error)) << error;
  const auto games = store->recent(10);
  ASSERT_EQ(games.size(), 1u);
  EXPECT_EQ(games[0].game_id, "after");
}

TEST_F(HistoryStoreTest, OpeningALockedNewDatabaseGivesUpQuicklyWithWords) {
  fs::create_directories(fs::path(path_).parent_path());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "CREATE TABLE t (x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  std::string error;
  const auto before = std::chrono::steady_clock::now();
  auto store = HistoryStore::open(path_, &error);
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(2));
  EXPECT_FALSE(store);
  EXPECT_NE(error.find("cannot be used: another program holds the file locked"), std::string::npos)
      << error;
  EXPECT_TRUE(moved_aside().empty());  // locked is not damaged
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_TRUE(open_ok());
}

TEST_F(HistoryStoreTest, AnUnusableFolderIsSaidInWords) {
  std::ofstream(dir_ / "file") << "x";
  std::string error;
  auto store = HistoryStore::open((dir_ / "file" / "history.sqlite").string(), &error);
  EXPECT_FALSE(store);
  EXPECT_NE(error.find("The game history is off"), std::string::npos) << error;
}

TEST_F(HistoryStoreTest, TheSameGameAddedAgainIsMergedIntoOneRow) {
  auto store = open_ok();
  ASSERT_TRUE(store);
  GameRecord first =
      game(100'000, "G", {{"Ñandú#ÁÉ", "Garen", true, {LinkRoute::Direct, 30, 2, 5000, 1}}});
  first.duration_s = 300;
  GameRecord second = game(450'000, "G",
                           {{"ñandú#áé", "Garen", false, {LinkRoute::Relayed, 70, 1, 400, 2}},
                            {"Lux#NA1", "Lux", true, {}}});
  second.duration_s = 600;
  GameRecord someone_else = game(100'000, "G");  // another account on this computer, same game
  someone_else.my_riot_id = "Alt#EUW";
  std::string error;
  for (const auto* g : {&first, &second, &someone_else})
    ASSERT_TRUE(store->add(*g, &error)) << error;

  const auto games = store->recent(10);
  ASSERT_EQ(games.size(), 2u);
  const GameRecord& merged = games[0].my_riot_id == "Me#EUW" ? games[0] : games[1];
  EXPECT_EQ(merged.started_at_ms, 100'000);
  EXPECT_EQ(merged.duration_s, 950);
  EXPECT_EQ(merged.teammates, (std::vector<TeammateRecord>{
                                  {"Ñandú#ÁÉ", "Garen", true, {LinkRoute::Relayed, 30, 2, 5000, 1}},
                                  {"Lux#NA1", "Lux", true, {}}}));
  EXPECT_EQ(store->games_with("Ñandú#ÁÉ"), 1);
}

TEST_F(HistoryStoreTest, CountsDistinctGamesAndLeavesOutTheGameInProgress) {
  auto store = open_ok();
  ASSERT_TRUE(store);
  std::string error;
  ASSERT_TRUE(store->add(game(1, "G", {{"Lux#NA1", "", true, {}}}), &error)) << error;
  ASSERT_TRUE(store->add(game(2, "H", {{"Lux#NA1", "", true, {}}}), &error)) << error;
  // A file written before add() merged: game G twice.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw,
                         "INSERT INTO games (id, started_at_ms, duration_s, game_id, map, mode, "
                         "side, my_riot_id, my_champion) VALUES (99, 5, 60, 'G', '', '', '', "
                         "'Me#EUW', ''); INSERT INTO teammates VALUES (99, 0, 'Lux#NA1', "
                         "'lux#na1', '', 1, 'unknown', -1, 0, 0, 0)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(raw);
  sqlite3_close(raw);

  EXPECT_EQ(store->games_with("Lux#NA1", "", &error), 2);
  EXPECT_EQ(error, "");
  EXPECT_EQ(store->games_with("Lux#NA1", "G", &error), 1);
  EXPECT_EQ(store->games_with("Lux#NA1", "H"), 1);
  EXPECT_EQ(store->games_with("Lux#NA1", "elsewhere"), 2);
}

TEST_F(HistoryStoreTest, ReadingAMissingFileIsAnEmptyHistoryAndMakesNothing) {
  std::string error = "stale";
  auto store = HistoryStore::open_for_reading(path_, &error);
  ASSERT_TRUE(store) << error;
  EXPECT_EQ(error, "");
  EXPECT_TRUE(store->recent(10, &error).empty());
  EXPECT_EQ(error, "");
  EXPECT_EQ(store->games_with("Lux#NA1"), 0);
  EXPECT_FALSE(fs::exists(fs::path(path_).parent_path()));
  EXPECT_FALSE(store->add(game(1, "x"), &error));  // an in-memory stand-in is not the file
  EXPECT_FALSE(fs::exists(path_));
}

TEST_F(HistoryStoreTest, ReadingAnEmptyFileIsAnEmptyHistoryAndLeavesItAsItIs) {
  fs::create_directories(fs::path(path_).parent_path());
  std::ofstream(path_, std::ios::binary).close();
  std::string error;
  auto store = HistoryStore::open_for_reading(path_, &error);
  ASSERT_TRUE(store) << error;
  EXPECT_TRUE(store->recent(10, &error).empty());
  EXPECT_EQ(error, "");
  EXPECT_EQ(fs::file_size(path_), 0u);
}

TEST_F(HistoryStoreTest, ReadsWhileTheCallHoldsTheFileAndWritesNothing) {
  auto writer = open_ok();
  ASSERT_TRUE(writer);
  std::string error;
  ASSERT_TRUE(writer->add(game(1, "a", {{"Lux#NA1", "Lux", true, {}}}), &error)) << error;
  // The call is in the middle of writing the next game.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other,
                         "BEGIN IMMEDIATE; INSERT INTO games (started_at_ms, duration_s, game_id, "
                         "map, mode, side, my_riot_id, my_champion) VALUES (2, 1, 'b', '', '', "
                         "'', '', '')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  const auto before = std::chrono::steady_clock::now();
  auto reader = HistoryStore::open_for_reading(path_, &error);
  ASSERT_TRUE(reader) << error;
  const auto games = reader->recent(10, &error);
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(2));
  EXPECT_EQ(error, "");
  ASSERT_EQ(games.size(), 1u);
  EXPECT_EQ(games[0].game_id, "a");
  EXPECT_FALSE(reader->add(game(3, "c"), &error));
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(writer->recent(10).size(), 1u);
}

TEST_F(HistoryStoreTest, ReadingAClosedHistoryNeedsNoWriter) {
  {
    auto store = open_ok();
    ASSERT_TRUE(store);
    std::string error;
    ASSERT_TRUE(store->add(game(1, "a"), &error)) << error;
  }  // closed: the WAL is checkpointed and its files removed
  std::string error;
  auto reader = HistoryStore::open_for_reading(path_, &error);
  ASSERT_TRUE(reader) << error;
  ASSERT_EQ(reader->recent(10, &error).size(), 1u) << error;
}

TEST_F(HistoryStoreTest, ReadingADamagedFileSaysSoAndMovesNothing) {
  fs::create_directories(fs::path(path_).parent_path());
  const std::string garbage(10000, '\x5a');
  std::ofstream(path_, std::ios::binary) << garbage;
  std::string error;
  auto store = HistoryStore::open_for_reading(path_, &error);
  EXPECT_FALSE(store);
  EXPECT_NE(error.find("The game history file " + path_ + " is damaged"), std::string::npos)
      << error;
  EXPECT_NE(error.find("moved aside and a new history started when the next game is recorded"),
            std::string::npos)
      << error;
  EXPECT_TRUE(moved_aside().empty());
  std::ifstream kept(path_, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), garbage);
  EXPECT_EQ(std::distance(fs::directory_iterator(fs::path(path_).parent_path()), {}), 1);
}

}  // namespace
}  // namespace shotcall::history
