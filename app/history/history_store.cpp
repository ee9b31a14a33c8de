#include "app/history/history_store.hpp"

#include <glib.h>
#include <sqlite3.h>

#include <ctime>
#include <filesystem>
#include <system_error>
#include <utility>

#include "app/i18n/translate.hpp"

namespace shotcall::history {

using i18n::fill;
using i18n::tr;

namespace {

// Version 1. Teammates keep their folded Riot ID (riot_key) for "played together before".
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS games (
  id INTEGER PRIMARY KEY,
  started_at_ms INTEGER NOT NULL,
  duration_s INTEGER NOT NULL,
  game_id TEXT NOT NULL,
  map TEXT NOT NULL,
  mode TEXT NOT NULL,
  side TEXT NOT NULL,
  my_riot_id TEXT NOT NULL,
  my_champion TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS games_by_start ON games (started_at_ms);
CREATE TABLE IF NOT EXISTS teammates (
  game INTEGER NOT NULL REFERENCES games (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  riot_id TEXT NOT NULL,
  riot_key TEXT NOT NULL,
  champion TEXT NOT NULL,
  in_voice INTEGER NOT NULL,
  route TEXT NOT NULL,
  rtt_ms REAL NOT NULL,
  packets_lost INTEGER NOT NULL,
  packets_received INTEGER NOT NULL,
  jitter_ms REAL NOT NULL,
  PRIMARY KEY (game, position)
);
CREATE INDEX IF NOT EXISTS teammates_by_key ON teammates (riot_key);
PRAGMA user_version = 1;
)sql";

bool is_corrupt(int code) {
  const int primary = code & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

// What went wrong and what it means for the player, in one clause.
std::string explain(int code, const std::string& message) {
  std::string why;
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      why = tr("another program holds the file locked");
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      why = tr("the file is damaged");
      break;
    case SQLITE_FULL:
      why = tr("the disk is full");
      break;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      why = tr("the file or its folder cannot be written");
      break;
    default:
      why = tr("the database answered an error");
  }
  // Translators: why the game history file failed ("the disk is full"), then SQLite's own
  // words, in English.
  return fill(tr("{why} ({message})"), {{"why", why}, {"message", message}});
}

std::string last_error(sqlite3* db) {
  return explain(sqlite3_extended_errcode(db), sqlite3_errmsg(db));
}

// One prepared statement; every failure is a result code, never an exception.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  Statement(sqlite3* db, const std::string& sql) : Statement(db, sql.c_str()) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return rc_ == SQLITE_OK || rc_ == SQLITE_ROW || rc_ == SQLITE_DONE; }
  int code() const { return rc_; }

  Statement& bind(int i, const std::string& v) {
    if (ok())
      rc_ = sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    if (ok()) rc_ = sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, double v) {
    if (ok()) rc_ = sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  // True while there is a row; false when done or failed (see ok()).
  bool step() {
    if (!ok()) return false;
    rc_ = sqlite3_step(stmt_);
    return rc_ == SQLITE_ROW;
  }
  bool run() {
    step();
    return rc_ == SQLITE_DONE;
  }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : "";
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

// A stored game's own columns, its id first: what game_of_row() reads.
constexpr const char* kSelectGames =
    "SELECT id, started_at_ms, duration_s, game_id, map, mode, side, my_riot_id, my_champion "
    "FROM games";

// One row of kSelectGames, without its teammates.
GameRecord game_of_row(const Statement& row) {
  GameRecord g;
  g.started_at_ms = row.integer(1);
  g.duration_s = row.integer(2);
  g.game_id = row.text(3);
  g.map = row.text(4);
  g.mode = row.text(5);
  g.side = row.text(6);
  g.my_riot_id = row.text(7);
  g.my_champion = row.text(8);
  return g;
}

// The teammates of stored game `id`, in their order; false when the read failed.
bool read_teammates(sqlite3* db, std::int64_t id, std::vector<TeammateRecord>* out) {
  Statement mates(db,
                  "SELECT riot_id, champion, in_voice, route, rtt_ms, packets_lost, "
                  "packets_received, jitter_ms FROM teammates WHERE game = ?1 ORDER BY position");
  mates.bind(1, id);
  while (mates.step()) {
    TeammateRecord t;
    t.riot_id = mates.text(0);
    t.champion = mates.text(1);
    t.in_voice = mates.integer(2) != 0;
    t.link.route = route_from_string(mates.text(3));
    t.link.rtt_ms = mates.real(4);
    t.link.packets_lost = mates.integer(5);
    t.link.packets_received = static_cast<std::uint64_t>(mates.integer(6));
    t.link.jitter_ms = mates.real(7);
    out->push_back(std::move(t));
  }
  return mates.code() == SQLITE_DONE;
}

enum class Health { Ok, Corrupt, Unusable };

// What a failed open left: the sentence for a person and SQLite's own words. Closes *db.
struct OpenFailure {
  sqlite3** db;
  std::string* why;
  std::string* detail;
  Health operator()(int code, const std::string& message) const {
    *why = explain(code, message);
    *detail = message;
    // _v2: a statement of the caller's may still be open; the connection goes with it.
    sqlite3_close_v2(*db);
    *db = nullptr;
    return is_corrupt(code) ? Health::Corrupt : Health::Unusable;
  }
};

// Opens the file with `flags` and checks that it is a sound database (quick check): the step
// both the writer and the reader start with.
Health open_checked(const std::string& path, int flags, int busy_timeout_ms, sqlite3** db,
                    const OpenFailure& fail) {
  *db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), db, flags, nullptr);
  if (rc != SQLITE_OK) return fail(rc, *db ? sqlite3_errmsg(*db) : sqlite3_errstr(rc));
  sqlite3_extended_result_codes(*db, 1);
  sqlite3_busy_timeout(*db, busy_timeout_ms);
  Statement check(*db, "PRAGMA quick_check(1)");
  const bool row = check.step();
  if (!check.ok()) return fail(sqlite3_extended_errcode(*db), sqlite3_errmsg(*db));
  const std::string verdict = row ? check.text(0) : "no answer";
  if (verdict != "ok") return fail(SQLITE_CORRUPT, "quick check: " + verdict);
  return Health::Ok;
}

// Opens the file and makes it a usable history: a quick check, WAL, the schema. On failure
// *db is closed and *why says what happened.
Health open_database(const std::string& path, int busy_timeout_ms, sqlite3** db, std::string* why,
                     std::string* detail) {
  const OpenFailure fail{db, why, detail};
  const Health health =
      open_checked(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, busy_timeout_ms, db, fail);
  if (health != Health::Ok) return health;
  char* message = nullptr;
  const std::string setup = std::string(
                                "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; "
                                "BEGIN IMMEDIATE; ") +
                            kSchema + "COMMIT;";
  if (sqlite3_exec(*db, setup.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message ? message : sqlite3_errmsg(*db);
    sqlite3_free(message);
    return fail(sqlite3_extended_errcode(*db), text);
  }
  return Health::Ok;
}

// Opens the file as it is, for reading: no schema, no WAL switch, nothing written. *has_games
// says whether it holds a history yet (an empty file does not). On failure *db is closed.
Health open_read_only(const std::string& path, int busy_timeout_ms, sqlite3** db, bool* has_games,
                      std::string* why, std::string* detail) {
  *has_games = false;
  const OpenFailure fail{db, why, detail};
  const Health health = open_checked(path, SQLITE_OPEN_READONLY, busy_timeout_ms, db, fail);
  if (health != Health::Ok) return health;
  Statement tables(*db,
                   "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'games'");
  if (!tables.step()) return fail(sqlite3_extended_errcode(*db), sqlite3_errmsg(*db));
  *has_games = tables.integer(0) > 0;
  return Health::Ok;
}

// An empty history in memory: what a missing or still empty file reads as.
sqlite3* empty_history() {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK ||
      sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK ||
      // Read-only like the file it stands for: add() fails instead of vanishing into memory.
      sqlite3_exec(db, "PRAGMA query_only = ON", nullptr, nullptr, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return nullptr;
  }
  sqlite3_extended_result_codes(db, 1);
  return db;
}

// `<path>.corrupt-<UTC time>`, with a counter if that name is taken.
std::string aside_name(const std::string& path) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  std::string name = path + ".corrupt-" + stamp;
  std::error_code ec;
  for (int n = 2; std::filesystem::exists(name, ec); ++n)
    name = path + ".corrupt-" + stamp + "-" + std::to_string(n);
  return name;
}

}  // namespace

std::unique_ptr<HistoryStore> HistoryStore::open(const std::string& path, std::string* error,
                                                 int busy_timeout_ms) {
  error->clear();
  std::error_code ec;
  const auto folder = std::filesystem::path(path).parent_path();
  if (!folder.empty()) std::filesystem::create_directories(folder, ec);
  if (ec) {
    // Translators: {folder} is a folder path, {reason} the system's words for the failure.
    *error = fill(tr("The game history is off: its folder {folder} could not be made ({reason})."),
                  {{"folder", folder.string()}, {"reason", ec.message()}});
    return nullptr;
  }

  sqlite3* db = nullptr;
  std::string why, detail;
  Health health = open_database(path, busy_timeout_ms, &db, &why, &detail);
  if (health == Health::Corrupt) {
    // Keep the damaged file (and its journal) for whoever wants to look; start afresh.
    const std::string aside = aside_name(path);
    std::filesystem::rename(path, aside, ec);
    if (ec) {
      // Translators: {path} is the history file, {damage} what is damaged (technical), {reason}
      // the system's words for the failed move.
      *error = fill(tr("The game history file {path} is damaged ({damage}), and it could not be "
                       "moved aside ({reason}); history is off until it is removed."),
                    {{"path", path}, {"damage", detail}, {"reason", ec.message()}});
      return nullptr;
    }
    for (const char* suffix : {"-wal", "-journal"})
      if (std::filesystem::exists(path + suffix, ec))
        std::filesystem::rename(path + suffix, aside + suffix, ec);
    std::filesystem::remove(path + "-shm", ec);
    const std::string damage = detail;
    health = open_database(path, busy_timeout_ms, &db, &why, &detail);
    if (health != Health::Ok) {
      // Translators: {path} and {aside} are file paths, {damage} what was damaged (technical),
      // {reason} why the new file failed.
      *error = fill(tr("The game history file {path} was damaged ({damage}) and moved to {aside}, "
                       "but a new one could not be started: {reason}."),
                    {{"path", path}, {"damage", damage}, {"aside", aside}, {"reason", why}});
      return nullptr;
    }
    // Translators: {damage} is what was damaged (technical), {aside} a file path.
    *error = fill(tr("The game history file was damaged ({damage}); it was moved to {aside} and a "
                     "new, empty history was started."),
                  {{"damage", damage}, {"aside", aside}});
  } else if (health == Health::Unusable) {
    // Translators: {path} is the history file, {reason} why it cannot be used.
    *error = fill(tr("The game history {path} cannot be used: {reason}; games are not recorded."),
                  {{"path", path}, {"reason", why}});
    return nullptr;
  }
  return std::unique_ptr<HistoryStore>(new HistoryStore(db, path));
}

std::unique_ptr<HistoryStore> HistoryStore::open_for_reading(const std::string& path,
                                                             std::string* error,
                                                             int busy_timeout_ms) {
  error->clear();
  std::error_code ec;
  sqlite3* db = nullptr;
  bool has_games = false;
  if (std::filesystem::exists(path, ec)) {
    std::string why, detail;
    const Health health = open_read_only(path, busy_timeout_ms, &db, &has_games, &why, &detail);
    if (health == Health::Corrupt) {
      // Translators: {path} is the history file, {damage} what is damaged (technical).
      *error = fill(tr("The game history file {path} is damaged ({damage}); it is left as it is, "
                       "and it will be moved aside and a new history started when the next game "
                       "is recorded."),
                    {{"path", path}, {"damage", detail}});
      return nullptr;
    }
    if (health == Health::Unusable) {
      // Translators: {path} is the history file, {reason} why it cannot be read.
      *error = fill(tr("The game history {path} cannot be read: {reason}."),
                    {{"path", path}, {"reason", why}});
      return nullptr;
    }
  } else if (ec) {
    *error = fill(tr("The game history {path} cannot be read: {reason}."),
                  {{"path", path}, {"reason", ec.message()}});
    return nullptr;
  }
  if (!has_games) {
    sqlite3_close(db);  // a file with no history in it yet reads as an empty one
    db = empty_history();
    if (!db) {
      *error = tr("The game history could not be shown: SQLite could not open a memory database.");
      return nullptr;
    }
  }
  return std::unique_ptr<HistoryStore>(new HistoryStore(db, path));
}

HistoryStore::HistoryStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

HistoryStore::~HistoryStore() { sqlite3_close(db_); }

bool HistoryStore::add(const GameRecord& game, std::string* error) {
  auto fail = [&] {
    // Translators: {reason} says why the history file refused the game.
    *error = fill(tr("This game was not saved to the history: {reason}."),
                  {{"reason", last_error(db_)}});
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return false;
  };
  // IMMEDIATE: a lock held elsewhere shows here, before anything is written.
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return fail();
  // The same game stored before (the call restarted mid-game and saved a part of it): one row
  // that covers both parts replaces it.
  GameRecord merged = game;
  {
    Statement earlier(
        db_, std::string{kSelectGames} + " WHERE game_id = ?1 AND my_riot_id = ?2 ORDER BY id");
    earlier.bind(1, game.game_id).bind(2, game.my_riot_id);
    std::vector<std::int64_t> old_ids;
    std::vector<GameRecord> parts;
    while (earlier.step()) {
      old_ids.push_back(earlier.integer(0));
      parts.push_back(game_of_row(earlier));
    }
    if (earlier.code() != SQLITE_DONE) return fail();
    if (!parts.empty()) {
      for (std::size_t i = 0; i < parts.size(); ++i)
        if (!read_teammates(db_, old_ids[i], &parts[i].teammates)) return fail();
      merged = parts.front();
      for (std::size_t i = 1; i < parts.size(); ++i) merge_record(merged, parts[i]);
      merge_record(merged, game);
      for (const std::int64_t old : old_ids) {
        Statement drop_mates(db_, "DELETE FROM teammates WHERE game = ?1");
        if (!drop_mates.bind(1, old).run()) return fail();
        Statement drop(db_, "DELETE FROM games WHERE id = ?1");
        if (!drop.bind(1, old).run()) return fail();
      }
    }
  }
  Statement insert(db_,
                   "INSERT INTO games (started_at_ms, duration_s, game_id, map, mode, side, "
                   "my_riot_id, my_champion) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  insert.bind(1, merged.started_at_ms)
      .bind(2, merged.duration_s)
      .bind(3, merged.game_id)
      .bind(4, merged.map)
      .bind(5, merged.mode)
      .bind(6, merged.side)
      .bind(7, merged.my_riot_id)
      .bind(8, merged.my_champion);
  if (!insert.run()) return fail();
  const std::int64_t id = sqlite3_last_insert_rowid(db_);
  std::int64_t position = 0;
  for (const auto& t : merged.teammates) {
    Statement mate(db_,
                   "INSERT INTO teammates (game, position, riot_id, riot_key, champion, in_voice, "
                   "route, rtt_ms, packets_lost, packets_received, jitter_ms) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    mate.bind(1, id)
        .bind(2, position++)
        .bind(3, t.riot_id)
        .bind(4, riot_key(t.riot_id))
        .bind(5, t.champion)
        .bind(6, std::int64_t{t.in_voice ? 1 : 0})
        .bind(7, std::string(to_string(t.link.route)))
        .bind(8, t.link.rtt_ms)
        .bind(9, t.link.packets_lost)
        .bind(10, static_cast<std::int64_t>(t.link.packets_received))
        .bind(11, t.link.jitter_ms);
    if (!mate.run()) return fail();
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return fail();
  error->clear();
  return true;
}

std::vector<GameRecord> HistoryStore::recent(int limit, std::string* error) {
  std::vector<GameRecord> games;
  std::vector<std::int64_t> ids;
  auto fail = [&] {
    if (error) {
      // Translators: {reason} says why the history file could not be read.
      *error =
          fill(tr("The game history could not be read: {reason}."), {{"reason", last_error(db_)}});
    }
    return std::vector<GameRecord>{};
  };
  Statement list(db_, std::string{kSelectGames} + " ORDER BY started_at_ms DESC, id DESC LIMIT ?1");
  list.bind(1, std::int64_t{limit});
  while (list.step()) {
    ids.push_back(list.integer(0));
    games.push_back(game_of_row(list));
  }
  if (list.code() != SQLITE_DONE) return fail();
  for (std::size_t i = 0; i < games.size(); ++i)
    if (!read_teammates(db_, ids[i], &games[i].teammates)) return fail();
  if (error) error->clear();
  return games;
}

int HistoryStore::games_with(const std::string& riot_id, const std::string& exclude_game_id,
                             std::string* error) {
  // Distinct game ids: a file written before add() merged repeats can hold a game twice.
  Statement count(db_,
                  "SELECT COUNT(DISTINCT g.game_id) FROM teammates t JOIN games g ON g.id = t.game "
                  "WHERE t.riot_key = ?1 AND (?2 = '' OR g.game_id <> ?2)");
  count.bind(1, riot_key(riot_id)).bind(2, exclude_game_id);
  if (!count.step()) {
    if (error) {
      // Translators: {reason} says why the history file could not be read.
      *error =
          fill(tr("The game history could not be read: {reason}."), {{"reason", last_error(db_)}});
    }
    return 0;
  }
  if (error) error->clear();
  return static_cast<int>(count.integer(0));
}

std::string default_history_path() {
  return (std::filesystem::path(g_get_user_data_dir()) / "shotcall" / "history.sqlite").string();
}

}  // namespace shotcall::history
