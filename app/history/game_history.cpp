#include "app/history/game_history.hpp"

#include <utility>

#include "app/i18n/translate.hpp"

namespace shotcall::history {

namespace {

// Ended games kept in memory while the file refuses them: a locked file for a whole evening
// should not grow the app.
constexpr std::size_t kMaxUnsaved = 20;

std::string join(const std::string& a, const std::string& b) {
  return a.empty() ? b : b.empty() ? a : a + " " + b;
}

}  // namespace

GameHistory::GameHistory(std::string path, int busy_timeout_ms)
    : path_(std::move(path)), busy_timeout_ms_(busy_timeout_ms) {}

std::string GameHistory::ensure_store() {
  if (store_ || path_.empty()) return "";
  std::string note;
  store_ = HistoryStore::open(path_, &note, busy_timeout_ms_);
  return note;  // a damaged file moved aside comes with a store; a locked one without
}

std::string GameHistory::save(const GameRecord& game) {
  if (path_.empty()) return "";
  // Games that could not be written (locked, say) wait for the next chance, oldest first.
  unsaved_.push_back(game);
  if (unsaved_.size() > kMaxUnsaved) unsaved_.pop_front();
  std::string note = ensure_store();
  if (!store_) return join(i18n::tr("This game was not saved to the history yet."), note);
  while (!unsaved_.empty()) {
    std::string error;
    if (!store_->add(unsaved_.front(), &error)) return join(note, error);
    unsaved_.pop_front();
  }
  return note;
}

std::string GameHistory::on_game(const session::DetectedGame& game, std::int64_t now_ms) {
  if (path_.empty()) return "";  // no history: nothing recorded, nothing said
  const bool same = recorder_.active() && recorder_.game_id() == game.target.game_id.text;
  std::string note;
  if (auto ended = recorder_.begin(game, now_ms)) note = save(*ended);
  if (same) return note;

  before_.clear();
  note = join(note, ensure_store());
  if (!store_) return note;
  std::vector<std::string> roster;
  for (const auto& t : game.teammates) roster.push_back(t.riot_id);
  if (roster.empty()) roster = game.target.teammates;
  for (const auto& id : roster) {
    std::string error;
    // Not the game itself: a call restarted mid-game has stored its first part already.
    const int n = store_->games_with(id, game.target.game_id.text, &error);
    if (!error.empty()) return join(note, error);
    before_[riot_key(id)] = n;
  }
  return note;
}

void GameHistory::on_links(const std::map<std::string, session::LinkInfo>& links) {
  if (path_.empty()) return;
  recorder_.observe(links);
}

std::string GameHistory::on_game_over(std::int64_t now_ms) {
  if (path_.empty()) return "";
  before_.clear();
  auto done = recorder_.finish(now_ms);
  return done ? save(*done) : "";
}

int GameHistory::played_before(const std::string& riot_id) const {
  const auto it = before_.find(riot_key(riot_id));
  return it == before_.end() ? 0 : it->second;
}

}  // namespace shotcall::history
