// The player's game history: a small SQLite database in their data directory. History is a nice
// extra, never a reason for a call to fail: every method answers in words instead of throwing,
// a damaged file is moved aside and a new history started, and a locked file is given up on after
// a short busy timeout. Use it on one thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/history/game_record.hpp"

struct sqlite3;

namespace shotcall::history {

// How long a write waits for another process holding the file before it gives up.
inline constexpr int kDefaultBusyTimeoutMs = 200;

class HistoryStore {
 public:
  // Opens (creating when missing, with its folder) the database at `path`. A file that is not a
  // database or fails SQLite's quick check is renamed to `<path>.corrupt-<UTC time>` and a new one
  // started: the store is returned and *error holds a sentence saying so. nullptr, with the reason
  // in *error, when no database can be used (unwritable folder, locked past the busy timeout).
  static std::unique_ptr<HistoryStore> open(const std::string& path, std::string* error,
                                            int busy_timeout_ms = kDefaultBusyTimeoutMs);
  // Opens the history at `path` for viewing only (the History window, while a call may be writing
  // it): SQLITE_OPEN_READONLY, no schema made, nothing renamed or written. A missing or empty file
  // reads as an empty history. nullptr, with a sentence in *error, when the file is damaged (it is
  // left where it is) or cannot be read; add() on the result fails.
  static std::unique_ptr<HistoryStore> open_for_reading(
      const std::string& path, std::string* error, int busy_timeout_ms = kDefaultBusyTimeoutMs);
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  // Stores one game and its teammates in one transaction. A game already stored with the same
  // (game_id, my_riot_id) -- the call restarted mid-game and saved its first part -- is merged
  // with it into one row (merge_record). false, with words in *error, when it could not (locked,
  // disk full, ...); nothing is half written.
  bool add(const GameRecord& game, std::string* error);
  // The latest `limit` games, newest first; empty (with *error when given) on failure.
  std::vector<GameRecord> recent(int limit, std::string* error = nullptr);
  // In how many distinct stored games (by game id) `riot_id` was a teammate (Riot IDs compared
  // folded), leaving out `exclude_game_id` (the game in progress; "" leaves out nothing); 0 on
  // failure.
  int games_with(const std::string& riot_id, const std::string& exclude_game_id = "",
                 std::string* error = nullptr);

  const std::string& path() const { return path_; }

 private:
  HistoryStore(sqlite3* db, std::string path);
  sqlite3* db_;
  std::string path_;
};

// $XDG_DATA_HOME/shotcall/history.sqlite (g_get_user_data_dir()).
std::string default_history_path();

}  // namespace shotcall::history
