#include "signaling/store/sqlite_identity_store.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <thread>
#include <utility>

#include "signaling/store/sqlite_statements.hpp"

namespace shotcall::store {

using sqlite::exec;
using sqlite::fail;
using sqlite::fail_code;
using sqlite::KeptStatements;
using sqlite::Statement;
using sqlite::WriteTransaction;

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
    // 2: expired link codes are removed on each new one; without an index that scanned them all.
    R"sql(
CREATE INDEX link_codes_by_expiry ON link_codes (expires_at_ms);
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;

// Creates the missing directories of `dir`, each readable only by this user.
void make_private_dirs(const std::filesystem::path& dir) {
  if (dir.empty() || std::filesystem::exists(dir)) return;
  make_private_dirs(dir.parent_path());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw StoreUnavailable("cannot create the directory " + dir.string() + " for the identity " +
                           "database: " + std::strerror(errno));
}

int user_version(KeptStatements& kept) {
  Statement s(kept, "PRAGMA user_version");
  return s.step() ? static_cast<int>(s.int64(0)) : 0;
}

void migrate(KeptStatements& kept) {
  sqlite3* db = kept.db();
  const std::string& path = kept.path();
  const int found = user_version(kept);
  if (found > kSchemaVersion)
    throw StoreUnavailable("identity database sqlite:" + path + " has schema version " +
                           std::to_string(found) + ", newer than this build's " +
                           std::to_string(kSchemaVersion) +
                           ": run the shotcall-signal that wrote it (or a newer one), or point "
                           "--identity-db at another file");
  for (int version = found; version < kSchemaVersion; ++version) {
    WriteTransaction txn(kept);
    // Another process may have migrated while this one waited for the lock.
    if (user_version(kept) > version) continue;
    exec(db, path, kMigrations[version],
         "migrating to schema version " + std::to_string(version + 1));
    // PRAGMA takes no bound parameters; the number is this build's, never input.
    const std::string set = "PRAGMA user_version = " + std::to_string(version + 1);
    exec(db, path, set.c_str(), "recording the schema version");
    txn.commit();
  }
}

// A binding's columns, in the order read_binding reads and bind_binding binds them. A macro, so
// that the statements stay string literals (KeptStatements keys them by the literal).
#define BINDING_COLUMNS \
  "riot_key, riot_display, key, level, puuid, bound_at_ms, last_used_ms, puuid_checked_ms"

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

// Binds a binding's eight columns to ?1..?8 in BINDING_COLUMNS order.
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
  std::unique_ptr<KeptStatements> kept;
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
    kept = std::make_unique<KeptStatements>(db, path);
    // Switching a new file to WAL and the first migration take exclusive locks for which SQLite
    // does not always call the busy handler (two processes creating the file together get
    // SQLITE_BUSY at once): retry the set-up for as long as the busy timeout would have waited.
    const auto deadline =
        std::chrono::steady_clock::now() + std::max(busy_timeout, std::chrono::milliseconds(2000));
    for (;;) {
      try {
        {
          Statement wal(*kept, "PRAGMA journal_mode = WAL");
          if (!wal.step() || wal.text(0) != "wal")
            throw StoreUnavailable("identity database sqlite:" + path +
                                   ": cannot use the WAL journal (is it on a network file "
                                   "system?)");
        }
        exec(db, path, "PRAGMA foreign_keys = ON", "enabling foreign keys");
        migrate(*kept);
        break;
      } catch (const sqlite::Failure& e) {
        if (!e.contended() || std::chrono::steady_clock::now() >= deadline) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
  } catch (const StoreUnavailable& e) {
    error = e.what();
    kept.reset();  // its statements go before the connection closes
    sqlite3_close_v2(db);
    return nullptr;
  }
  return std::unique_ptr<SqliteIdentityStore>(new SqliteIdentityStore(std::move(kept)));
}

SqliteIdentityStore::SqliteIdentityStore(std::unique_ptr<KeptStatements> statements)
    : statements_(std::move(statements)) {}

SqliteIdentityStore::~SqliteIdentityStore() {
  sqlite3* db = statements_->db();
  statements_.reset();  // its statements go before the connection closes
  sqlite3_close_v2(db);
}

std::size_t SqliteIdentityStore::statements_prepared() {
  const std::lock_guard<std::mutex> lock(mutex_);
  return statements_->prepared();
}

std::string SqliteIdentityStore::describe() const { return "sqlite:" + statements_->path(); }

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
  check_still_there(statements_->db(), statements_->path());
  return lock;
}

std::vector<KeyBinding> SqliteIdentityStore::bindings_of(const std::string& riot_key) {
  const auto lock = enter();
  Statement s(*statements_, "SELECT " BINDING_COLUMNS
                            " FROM bindings WHERE riot_key = ?1 "
                            "ORDER BY bound_at_ms, key");
  s.bind(1, riot_key);
  return read_bindings(s);
}

std::vector<KeyBinding> SqliteIdentityStore::bindings_of_key(const std::string& key) {
  const auto lock = enter();
  Statement s(*statements_, "SELECT " BINDING_COLUMNS
                            " FROM bindings WHERE key = ?1 "
                            "ORDER BY riot_key, bound_at_ms");
  s.bind(1, key);
  return read_bindings(s);
}

bool SqliteIdentityStore::bind_first(const KeyBinding& binding) {
  const auto lock = enter();
  WriteTransaction txn(*statements_);
  Statement s(*statements_, "INSERT INTO bindings (" BINDING_COLUMNS
                            ") SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 "
                            "WHERE NOT EXISTS (SELECT 1 FROM bindings WHERE riot_key = ?1)");
  bind_binding(s, binding);
  s.run();
  const bool inserted = sqlite3_changes(statements_->db()) == 1;
  txn.commit();
  return inserted;
}

void SqliteIdentityStore::add_binding(const KeyBinding& binding) {
  const auto lock = enter();
  WriteTransaction txn(*statements_);
  Statement s(*statements_,
              "INSERT INTO bindings (" BINDING_COLUMNS
              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
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
  const bool removed = sqlite3_changes(statements_->db()) > 0;
  txn.commit();
  return removed;
}

std::size_t SqliteIdentityStore::remove_riot_id(const std::string& riot_key) {
  const auto lock = enter();
  WriteTransaction txn(*statements_);
  Statement s(*statements_, "DELETE FROM bindings WHERE riot_key = ?1");
  s.bind(1, riot_key).run();
  const auto removed = static_cast<std::size_t>(sqlite3_changes(statements_->db()));
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
  Statement keep(*statements_, "INSERT INTO bindings (" BINDING_COLUMNS
                               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
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
  const auto removed = static_cast<std::size_t>(sqlite3_changes(statements_->db()));
  txn.commit();
  return removed;
}

std::vector<KeyBinding> SqliteIdentityStore::all_bindings() {
  const auto lock = enter();
  Statement s(*statements_,
              "SELECT " BINDING_COLUMNS " FROM bindings ORDER BY riot_key, bound_at_ms, key");
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
  const auto removed = static_cast<std::size_t>(sqlite3_changes(statements_->db()));
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
