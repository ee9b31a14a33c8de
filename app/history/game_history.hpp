// The history as the call orchestration uses it: one object fed the same events as the session
// (the detected game, the links, the game's end) that records each game in the store and knows
// how often the player has played with each teammate before. Nothing here can stop a call: every
// problem comes back as a sentence to show or log, and the store is opened again at the next game
// when it could not be opened (locked, say).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "app/history/game_record.hpp"
#include "app/history/history_store.hpp"

namespace shotcall::history {

class GameHistory {
 public:
  // `path`: the database (default_history_path() for the app); empty: no history at all (every
  // event is ignored, in_game() stays false and nothing is ever said).
  explicit GameHistory(std::string path, int busy_timeout_ms = kDefaultBusyTimeoutMs);

  // The detector reported a game (call on every report: the same game again only fills in the
  // roster). A different game ends and stores the one in progress. For a new game, counts the
  // games played before with each of its teammates. Returns "" or what needs saying (the file was
  // damaged and moved aside, the last game could not be saved, ...).
  std::string on_game(const session::DetectedGame& game, std::int64_t now_ms);
  // The session's links changed (Session::links()).
  void on_links(const std::map<std::string, session::LinkInfo>& links);
  // The game is over (the detector says no game, or the call stops): stores it, with any game
  // an earlier attempt could not store (the file was locked). "" or words.
  std::string on_game_over(std::int64_t now_ms);

  // Distinct games played together before the current one with this teammate (any spelling of
  // the Riot ID), never counting the current game itself (stored already when the call was
  // restarted mid-game); 0 for someone new, or while no game is in progress.
  int played_before(const std::string& riot_id) const;
  bool in_game() const { return recorder_.active(); }
  // Ended games not written yet (the file refused them; they are tried again at the next end).
  std::size_t unsaved() const { return unsaved_.size(); }

 private:
  std::string save(const GameRecord& game);
  std::string ensure_store();

  std::string path_;
  int busy_timeout_ms_;
  std::unique_ptr<HistoryStore> store_;
  GameRecorder recorder_;
  std::map<std::string, int> before_;  // riot_key → games, for the game in progress
  std::deque<GameRecord> unsaved_;     // ended games the store refused so far
};

}  // namespace shotcall::history
