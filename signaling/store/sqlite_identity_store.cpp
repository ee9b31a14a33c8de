#include "signaling/store/sqlite_identity_store.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <thread>
#include <unordered_map>
#include <utility>

namespace shotcall::store {
namespace {

// The schema, one step per version: step i takes user_version from i to i + 1, in its own
// transaction. Append new steps; never edit a released one.
const char* const kMigrations[] = {
    // 1: bindings, link codes, counted events.
    R"sql(
CREATE TABLE bindings (
  riot_key TEXT NOT NULL,
  riot_display TEXT NOT NULL,
  key TEXT NOT NULL,
  level INTEGER NOT NULL CHECK (level IN (1, 2)),
  puuid TEXT,
  bound_at_ms INTEGER NOT NULL,
  last_used_ms INTEGER NOT NULL,
  puuid_checked_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (riot_key, key)
);
CREATE INDEX bindings_by_key ON bindings (key);
CREATE TABLE link_codes (
  code TEXT PRIMARY KEY,
  riot_key TEXT NOT NULL,
  riot_display TEXT NOT NULL,
  key TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL
);
CREATE INDEX link_codes_by_riot_key ON link_codes (riot_key);
CREATE TABLE events (
  kind INTEGER NOT NULL,
  subject TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE INDEX events_by_subject ON events (kind, subject, at_ms);
CREATE INDEX events_by_time ON events (at_ms);
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;

// What an operator can do about an error, by its primary result code.
std::string advice_for(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "another process held the database locked past the busy timeout; retry later, and "
             "if it persists find and stop the process holding the file (fuser)";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return "the file is damaged or not a Shotcall identity database: restore it from a backup "
             "or move it away";
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_IOERR:
    case SQLITE_FULL:
      return "check that the file and its directory exist, are writable by this user, and that "
             "the disk is not full";
    default:
      return "check the file; restart shotcall-signal if it persists";
  }
}

// A failed SQLite call, with its result code: the start-up retry tells lock contention from a
// real fault by the code, never by the words (a path may contain "locked").
class SqliteFailure : public StoreUnavailable {
 public:
  SqliteFailure(const std::string& what, int code) : StoreUnavailable(what), code_(code) {}
  bool contended() const {
    return (code_ & 0xff) == SQLITE_BUSY || (code_ & 0xff) == SQLITE_LOCKED;
  }

 private:
  int code_;
};

[[noreturn]] void fail_code(const std::string& path, const std::string& what, int code,
                            const char* message) {
  throw SqliteFailure("identity database sqlite:" + path + ": " + what +
                          " failed: " + (message ? message : sqlite3_errstr(code)) + " (" +
                          sqlite3_errstr(code) + "): " + advice_for(code),
                      code);
}

[[noreturn]] void fail(sqlite3* db, const std::string& path, const std::string& what) {
  fail_code(path, what, sqlite3_extended_errcode(db), sqlite3_errmsg(db));
}

}  // namespace

// The connection's statements, each prepared on its first use and kept: preparing is SQLite's
// parser and planner, and the lookup every registration makes spent more than half its time there
// (docs/performance.md, "Signaling: registration"). Keyed by the SQL literal's address: every
// statement the store runs is a literal (Statement's constructor takes only arrays). Used under
// the store's mutex only.
class SqliteIdentityStore::Statements {
 public:
  Statements(sqlite3* db, const std::string& path) : db_(db), path_(path) {}
  ~Statements() {
    for (auto& [sql, kept] : kept_) sqlite3_finalize(kept.stmt);
  }
  Statements(const Statements&) = delete;
  Statements& operator=(const Statements&) = delete;

  sqlite3* db() const { return db_; }
  const std::string& path() const { return path_; }
  std::size_t prepared() const { return prepared_; }

  // The statement for `sql`, ready to bind; the caller gives it back with give_back(). A statement
  // still out (the same SQL twice at once) is prepared afresh and finalized when given back.
  sqlite3_stmt* take(const char* sql) {
    Kept& kept = kept_[sql];
    if (kept.stmt && !kept.out) {
      kept.out = true;
      return kept.stmt;
    }
    sqlite3_stmt* stmt = prepare(sql);
    if (!kept.stmt) {
      kept.stmt = stmt;
      kept.out = true;
    }
    return stmt;
  }
  // Resets the statement at once, whatever its last step returned: a statement left mid-way
  // would hold its read transaction, and every later read on the connection would see the
  // database as it was then.
  void give_back(const char* sql, sqlite3_stmt* stmt) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    auto it = kept_.find(sql);
    if (it != kept_.end() && it->second.stmt == stmt) {
      it->second.out = false;
      return;
    }
    sqlite3_finalize(stmt);
  }

 private:
  struct Kept {
    sqlite3_stmt* stmt = nullptr;
    bool out = false;
  };
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
      fail(db_, path_, "preparing a statement");
    ++prepared_;
    return stmt;
  }

  sqlite3* db_;
  const std::string& path_;
  std::unordered_map<const char*, Kept> kept_;
  std::size_t prepared_ = 0;
};

namespace {

using Statements = SqliteIdentityStore::Statements;

// One prepared statement with bound parameters (1-based, as in SQL's ?1): prepared here and
// finalized after one use (schema set-up), or borrowed from the connection's kept statements.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& path, const char* sql) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      fail(db, path, "preparing a statement");
  }
  template <std::size_t N>
  Statement(Statements& kept, const char (&sql)[N])
      : db_(kept.db()), path_(kept.path()), kept_(&kept), sql_(sql), stmt_(kept.take(sql)) {}
  ~Statement() {
    if (kept_)
      kept_->give_back(sql_, stmt_);
    else
      sqlite3_finalize(stmt_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const std::string& v) {
    check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    check(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  Statement& bind(int i, const std::optional<std::string>& v) {
    if (v) return bind(i, *v);
    check(sqlite3_bind_null(stmt_, i));
    return *this;
  }
  // True while there is a row to read; false once done.
  // `what` names the step in an error (the cause and what to do follow it).
  bool step(const char* what = "a statement") {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, path_, what);
  }
  void run(const char* what = "a statement") {
    while (step(what)) {
    }
  }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  std::optional<std::string> optional_text(int col) const {
    if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
    return text(col);
  }
  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail(db_, path_, "binding a parameter");
  }
  sqlite3* db_;
  const std::string& path_;
  Statements* kept_ = nullptr;
  const char* sql_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

void exec(sqlite3* db, const std::string& path, const char* sql, const std::string& what) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, path, what);
}

// A write transaction: takes the write lock at BEGIN (waiting up to the busy timeout), so a
// check-then-write inside it cannot interleave with another connection's. Rolled back unless
// committed.
class WriteTransaction {
 public:
  WriteTransaction(sqlite3* db, const std::string& path) : db_(db), path_(path) {
    exec(db, path, "BEGIN IMMEDIATE", "starting a write transaction");
  }
  explicit WriteTransaction(Statements& kept) : db_(kept.db()), path_(kept.path()), kept_(&kept) {
    Statement(kept, "BEGIN IMMEDIATE").run("starting a write transaction");
  }
  ~WriteTransaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit() {
    if (kept_)
      Statement(*kept_, "COMMIT").run("committing");
    else
      exec(db_, path_, "COMMIT", "committing");
    done_ = true;
  }

 private:
  sqlite3* db_;
  const std::string& path_;
  Statements* kept_ = nullptr;
  bool done_ = false;
};

// Creates the missing directories of `dir`, each readable only by this user.
void make_private_dirs(const std::filesystem::path& dir) {
  if (dir.empty() || std::filesystem::exists(dir)) return;
  make_private_dirs(dir.parent_path());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw StoreUnavailable("cannot create the directory " + dir.string() + " for the identity " +
                           "database: " + std::strerror(errno));
}

int user_version(sqlite3* db, const std::string& path) {
  Statement s(db, path, "PRAGMA user_version");
  return s.step() ? static_cast<int>(s.int64(0)) : 0;
}

void migrate(sqlite3* db, const std::string& path) {
  const int found = user_version(db, path);
  if (found > kSchemaVersion)
    throw StoreUnavailable("identity database sqlite:" + path + " has schema version " +
                           std::to_string(found) + ", newer than this build's " +
                           std::to_string(kSchemaVersion) +
                           ": run the shotcall-signal that wrote it (or a newer one), or point "
                           "--identity-db at another file");
  for (int version = found; version < kSchemaVersion; ++version) {
    WriteTransaction txn(db, path);
    // Another process may have migrated while this one waited for the lock.
    if (user_version(db, path) > version) continue;
    exec(db, path, kMigrations[version],
         "migrating to schema version " + std::to_string(version + 1));
    // PRAGMA takes no bound parameters; the number is this build's, never input.
    const std::string set = "PRAGMA user_version = " + std::to_string(version + 1);
    exec(db, path, set.c_str(), "recording the schema version");
    txn.commit();
  }
}

constexpr const char* kBindingColumns =
    "riot_key, riot_display, key, level, puuid, bound_at_ms, last_used_ms, puuid_checked_ms";

KeyBinding read_binding(const Statement& s) {
  KeyBinding b;
  b.riot_key = s.text(0);
  b.riot_display = s.text(1);
  b.key = s.text(2);
  b.level = s.int64(3) == 2 ? BindingLevel::Riot : BindingLevel::Key;
  b.puuid = s.optional_text(4);
  b.bound_at_ms = s.int64(5);
  b.last_used_ms = s.int64(6);
  b.puuid_checked_ms = s.int64(7);
  return b;
}

// Binds a binding's eight columns to ?1..?8 in kBindingColumns order.
void bind_binding(Statement& s, const KeyBinding& b) {
  s.bind(1, b.riot_key)
      .bind(2, b.riot_display)
      .bind(3, b.key)
      .bind(4, static_cast<std::int64_t>(b.level))
      .bind(5, b.puuid)
      .bind(6, b.bound_at_ms)
      .bind(7, b.last_used_ms)
      .bind(8, b.puuid_checked_ms);
}

std::vector<KeyBinding> read_bindings(Statement& s) {
  std::vector<KeyBinding> out;
  while (s.step()) out.push_back(read_binding(s));
  return out;
}

}  // namespace

int SqliteIdentityStore::schema_version() { return kSchemaVersion; }

std::unique_ptr<SqliteIdentityStore> SqliteIdentityStore::open(
    const std::string& path, std::string& error, std::chrono::milliseconds busy_timeout) {
  if (path.empty()) {
    error = "the identity database path is empty (expected sqlite:/path/to/identity.db)";
    return nullptr;
  }
  sqlite3* db = nullptr;
  try {
    make_private_dirs(std::filesystem::path(path).parent_path());
    const int rc =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
      if (!db) fail_code(path, "opening", rc, nullptr);
      fail(db, path, "opening");
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
    // Switching a new file to WAL and the first migration take exclusive locks for which SQLite
    // does not always call the busy handler (two processes creating the file together get
    // SQLITE_BUSY at once): retry the set-up for as long as the busy timeout would have waited.
    const auto deadline =
        std::chrono::steady_clock::now() + std::max(busy_timeout, std::chrono::milliseconds(2000));
    for (;;) {
      try {
        {
          Statement wal(db, path, "PRAGMA journal_mode = WAL");
          if (!wal.step() || wal.text(0) != "wal")
            throw StoreUnavailable("identity database sqlite:" + path +
                                   ": cannot use the WAL journal (is it on a network file "
                                   "system?)");
        }
        exec(db, path, "PRAGMA foreign_keys = ON", "enabling foreign keys");
        migrate(db, path);
        break;
      } catch (const SqliteFailure& e) {
        if (!e.contended() || std::chrono::steady_clock::now() >= deadline) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
  } catch (const StoreUnavailable& e) {
    error = e.what();
    sqlite3_close_v2(db);
    return nullptr;
  }
  return std::unique_ptr<SqliteIdentityStore>(new SqliteIdentityStore(db, path));
}

SqliteIdentityStore::SqliteIdentityStore(sqlite3* db, std::string path)
    : path_(std::move(path)), db_(db), statements_(std::make_unique<Statements>(db_, path_)) {}

SqliteIdentityStore::~SqliteIdentityStore() {
  statements_.reset();
  sqlite3_close_v2(db_);
}

std::size_t SqliteIdentityStore::statements_prepared() {
  const std::lock_guard<std::mutex> lock(mutex_);
  return statements_->prepared();
}

std::string SqliteIdentityStore::describe() const { return "sqlite:" + path_; }

namespace {

// SQLite keeps using a file that was deleted or replaced under it, and would write into a file
// nobody else sees: a vanished database is unavailable, not silently private.
void check_still_there(sqlite3* db, const std::string& path) {
  int moved = 0;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK && moved)
    throw StoreUnavailable("identity database sqlite:" + path +
                           " was deleted or replaced while open: restore the file and restart "
                           "shotcall-signal");
}

}  // namespace

std::unique_lock<std::mutex> SqliteIdentityStore::enter() {
  std::unique_lock<std::mutex> lock(mutex_);
  check_still_there(db_, path_);
  return lock;
}

std::vector<KeyBinding> SqliteIdentityStore::bindings_of(const std::string& riot_key) {
  const auto lock = enter();
  Statement s(*statements_,
              "SELECT riot_key, riot_display, key, level, puuid, bound_at_ms, last_used_ms, "
              "puuid_checked_ms FROM bindings WHERE riot_key = ?1 ORDER BY bound_at_ms, key");
  s.bind(1, riot_key);
  return read_bindings(s);
}

std::vector<KeyBinding> SqliteIdentityStore::bindings_of_key(const std::string& key) {
  const auto lock = enter();
  Statement s(*statements_,
              "SELECT riot_key, riot_display, key, level, puuid, bound_at_ms, last_used_ms, "
              "puuid_checked_ms FROM bindings WHERE key = ?1 ORDER BY riot_key, bound_at_ms");
  s.bind(1, key);
  return read_bindings(s);
}

bool SqliteIdentityStore::bind_first(const KeyBinding& binding) {
  const auto lock = enter();
  WriteTransaction txn(*statements_);
  Statement s(*statements_,
              "INSERT INTO bindings (riot_key, riot_display, key, level, puuid, bound_at_ms, "
              "last_used_ms, puuid_checked_ms) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 "
              "WHERE NOT EXISTS (SELECT 1 FROM bindings WHERE riot_key = ?1)");
  bind_binding(s, binding);
  s.run();
  const bool inserted = sqlite3_changes(db_) == 1;
  txn.commit();
  return inserted;
}

void SqliteIdentityStore::add_binding(const KeyBinding& binding) {
  const auto lock = enter();
  WriteTransaction txn(*statements_);
  Statement s(*statements_,
              "INSERT INTO bindings (riot_key, riot_display, key, level, puuid, bound_at_ms, "
              "last_used_ms, puuid_checked_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
              "ON CONFLICT (riot_key, key) DO UPDATE SET level = excluded.level, "
              "puuid = excluded.puuid, puuid_checked_ms = excluded.puuid_checked_ms, "
              "riot_display = excluded.riot_display WHERE excluded.level > bindings.level");
  bind_binding(s, binding);
  s.run();
  txn.commit();
}

bool SqliteIdentityStore::remove_binding(const std::string& riot_key, const std::string& key) {
  const auto lock = enter();
  WriteTransaction txn(*statements_);
  Statement s(*statements_, "DELETE FROM bindings WHERE riot_key = ?1 AND key = ?2");
  s.bind(1, riot_key).bind(2, key).run();
  const bool removed = sqlite3_changes(db_) > 0;
  txn.commit();
  return removed;
}

std::size_t SqliteIdentityStore::remove_riot_id(const std::string& riot_key) {
  const auto lock = enter();
  WriteTransaction txn(*statements_);
  Statement s(*statements_, "DELETE FROM bindings WHERE riot_key = ?1");
  s.bind(1, riot_key).run();
  const auto removed = static_cast<std::size_t>(sqlite3_changes(db_));
  txn.commit();
  return removed;
}

std::vector<std::string> SqliteIdentityStore::make_only_binding(const KeyBinding& binding) {
  const auto lock = enter();
  WriteTransaction txn(*statements_);
  std::vector<std::string> removed;
  {
    Statement others(*statements_,
                     "SELECT key FROM bindings WHERE riot_key = ?1 AND key <> ?2 "
                     "ORDER BY bound_at_ms, key");
    others.bind(1, binding.riot_key).bind(2, binding.key);
    while (others.step()) removed.push_back(others.text(0));
  }
  Statement drop(*statements_, "DELETE FROM bindings WHERE riot_key = ?1 AND key <> ?2");
  drop.bind(1, binding.riot_key).bind(2, binding.key).run();
  Statement keep(*statements_,
                 "INSERT INTO bindings (riot_key, riot_display, key, level, puuid, bound_at_ms, "
                 "last_used_ms, puuid_checked_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                 "ON CONFLICT (riot_key, key) DO UPDATE SET "
                 "level = max(bindings.level, excluded.level), "
                 "puuid = coalesce(excluded.puuid, bindings.puuid), "
                 "puuid_checked_ms = excluded.puuid_checked_ms, "
                 "riot_display = excluded.riot_display");
  bind_binding(keep, binding);
  keep.run();
  txn.commit();
  return removed;
}

void SqliteIdentityStore::touch(const std::string& riot_key, const std::string& key,
                                std::int64_t now_ms) {
  const auto lock = enter();
  WriteTransaction txn(*statements_);
  Statement s(*statements_,
              "UPDATE bindings SET last_used_ms = ?3 WHERE riot_key = ?1 AND key = ?2");
  s.bind(1, riot_key).bind(2, key).bind(3, now_ms).run();
  txn.commit();
}

void SqliteIdentityStore::mark_puuid_checked(const std::string& riot_key, const std::string& key,
                                             std::int64_t now_ms) {
  const auto lock = enter();
  WriteTransaction txn(*statements_);
  Statement s(*statements_,
              "UPDATE bindings SET puuid_checked_ms = ?3 WHERE riot_key = ?1 AND key = ?2");
  s.bind(1, riot_key).bind(2, key).bind(3, now_ms).run();
  txn.commit();
}

std::size_t SqliteIdentityStore::expire_bindings(std::int64_t key_unused_before_ms,
                                                 std::int64_t riot_unused_before_ms) {
  const auto lock = enter();
  WriteTransaction txn(*statements_);
  Statement s(*statements_,
              "DELETE FROM bindings WHERE (level = 1 AND last_used_ms < ?1) "
              "OR (level = 2 AND last_used_ms < ?2)");
  s.bind(1, key_unused_before_ms).bind(2, riot_unused_before_ms).run();
  const auto removed = static_cast<std::size_t>(sqlite3_changes(db_));
  txn.commit();
  return removed;
}

std::vector<KeyBinding> SqliteIdentityStore::all_bindings() {
  const auto lock = enter();
  Statement s(*statements_,
              "SELECT riot_key, riot_display, key, level, puuid, bound_at_ms, last_used_ms, "
              "puuid_checked_ms FROM bindings ORDER BY riot_key, bound_at_ms, key");
  return read_bindings(s);
}

void SqliteIdentityStore::put_link_code(const LinkCodeRecord& record) {
  const auto lock = enter();
  WriteTransaction txn(*statements_);
  // Codes long expired and never taken are dropped as new ones come. A pending code with the
  // same letters is not replaced: the INSERT fails and the caller draws another.
  Statement purge(*statements_, "DELETE FROM link_codes WHERE expires_at_ms < ?1");
  purge.bind(1, record.expires_at_ms - kDayMs).run();
  Statement s(*statements_,
              "INSERT INTO link_codes (code, riot_key, riot_display, key, expires_at_ms) "
              "VALUES (?1, ?2, ?3, ?4, ?5)");
  s.bind(1, record.code)
      .bind(2, record.riot_key)
      .bind(3, record.riot_display)
      .bind(4, record.key)
      .bind(5, record.expires_at_ms)
      .run();
  txn.commit();
}

std::optional<LinkCodeRecord> SqliteIdentityStore::take_link_code(const std::string& code,
                                                                  std::int64_t now_ms) {
  const auto lock = enter();
  WriteTransaction txn(*statements_);
  std::optional<LinkCodeRecord> found;
  {
    Statement s(*statements_,
                "SELECT code, riot_key, riot_display, key, expires_at_ms FROM link_codes "
                "WHERE code = ?1");
    s.bind(1, code);
    if (s.step()) {
      found = LinkCodeRecord{s.text(0), s.text(1), s.text(2), s.text(3), s.int64(4)};
    }
  }
  if (!found) return std::nullopt;  // nothing written: the rollback is a no-op
  // Used or expired, the code is gone either way.
  Statement drop(*statements_, "DELETE FROM link_codes WHERE code = ?1");
  drop.bind(1, code).run();
  txn.commit();
  if (found->expires_at_ms <= now_ms) return std::nullopt;
  return found;
}

std::size_t SqliteIdentityStore::cancel_link_codes(const std::string& riot_key) {
  const auto lock = enter();
  WriteTransaction txn(*statements_);
  Statement s(*statements_, "DELETE FROM link_codes WHERE riot_key = ?1");
  s.bind(1, riot_key).run();
  const auto removed = static_cast<std::size_t>(sqlite3_changes(db_));
  txn.commit();
  return removed;
}

void SqliteIdentityStore::record_event(EventKind kind, const std::string& subject,
                                       std::int64_t at_ms) {
  const auto lock = enter();
  WriteTransaction txn(*statements_);
  // Nothing counts events older than a day: drop them as new ones come.
  Statement old(*statements_, "DELETE FROM events WHERE at_ms < ?1");
  old.bind(1, at_ms - kDayMs).run();
  Statement s(*statements_, "INSERT INTO events (kind, subject, at_ms) VALUES (?1, ?2, ?3)");
  s.bind(1, static_cast<std::int64_t>(kind)).bind(2, subject).bind(3, at_ms).run();
  txn.commit();
}

std::size_t SqliteIdentityStore::count_events(EventKind kind, const std::string& subject,
                                              std::int64_t since_ms) {
  const auto lock = enter();
  Statement s(*statements_,
              "SELECT count(*) FROM events WHERE kind = ?1 AND subject = ?2 AND at_ms >= ?3");
  s.bind(1, static_cast<std::int64_t>(kind)).bind(2, subject).bind(3, since_ms);
  return s.step() ? static_cast<std::size_t>(s.int64(0)) : 0;
}

void SqliteIdentityStore::ping() {
  const auto lock = enter();
  Statement s(*statements_, "SELECT count(*) FROM sqlite_master");
  s.run();
}

}  // namespace shotcall::store
