// The identity store contract (identity_store_contract.hpp) on SQLite, and what only SQLite
// has: its file, its directory, its schema version, its lock.
#include "signaling/store/sqlite_identity_store.hpp"

#include <glib.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>

#include "signaling/store/identity_store_factory.hpp"
#include "tests/store/identity_store_contract.hpp"

namespace shotcall::store {
namespace {

using contract::binding;
using namespace std::chrono_literals;

// A temporary directory for one test, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    gchar* dir = g_dir_make_tmp("shotcall-identity-XXXXXX", nullptr);
    if (!dir) throw std::runtime_error("cannot create a temporary directory");
    path_ = dir;
    g_free(dir);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Another process's connection to the same file, outside the store.
class RawConnection {
 public:
  explicit RawConnection(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK)
      throw std::runtime_error("sqlite3_open " + path + ": " + sqlite3_errmsg(db_));
  }
  ~RawConnection() { sqlite3_close(db_); }
  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string why = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(std::string(sql) + ": " + why);
    }
  }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteBackend {
 public:
  std::unique_ptr<IdentityStore> open() { return open_with(2000ms); }
  std::unique_ptr<IdentityStore> open_impatient() { return open_with(100ms); }
  // Another connection holds the write lock (BEGIN EXCLUSIVE) for as long as the test wants.
  void make_unavailable() {
    blocker_ = std::make_unique<RawConnection>(path());
    blocker_->exec("BEGIN EXCLUSIVE");
  }
  void make_available() {
    blocker_->exec("ROLLBACK");
    blocker_.reset();
  }
  std::string path() const { return dir_.path() + "/identity.db"; }

 private:
  std::unique_ptr<IdentityStore> open_with(std::chrono::milliseconds busy_timeout) {
    std::string error;
    auto store = SqliteIdentityStore::open(path(), error, busy_timeout);
    EXPECT_NE(store, nullptr) << error;
    return store;
  }

  TempDir dir_;
  std::unique_ptr<RawConnection> blocker_;
};

}  // namespace

namespace contract {
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, IdentityStoreContract, SqliteBackend);
}  // namespace contract

namespace {

TEST(SqliteIdentityStore, CreatesItsMissingDirectoryReadableOnlyByItsUser) {
  TempDir dir;
  const std::string path = dir.path() + "/state/shotcall/identity.db";
  std::string error;
  auto store = SqliteIdentityStore::open(path, error);
  ASSERT_NE(store, nullptr) << error;
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() + "/state/shotcall").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((dir.path() + "/state").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(store->describe(), "sqlite:" + path);
}

TEST(SqliteIdentityStore, UsesTheWalJournalAndRecordsItsSchemaVersion) {
  SqliteBackend backend;
  ASSERT_NE(backend.open(), nullptr);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(backend.path().c_str(), &db), SQLITE_OK);
  auto read = [&](const char* sql) {
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &s, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(s), SQLITE_ROW);
    const std::string v = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return v;
  };
  EXPECT_EQ(read("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(read("PRAGMA user_version"), std::to_string(SqliteIdentityStore::schema_version()));
  sqlite3_close(db);
}

// put_link_code removes the expired codes first: by an index, not by reading every code there is
// (a table a flood of requests could make large).
TEST(SqliteIdentityStore, ExpiredLinkCodesAreFoundByAnIndex) {
  SqliteBackend backend;
  ASSERT_NE(backend.open(), nullptr);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(backend.path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN DELETE FROM link_codes WHERE expires_at_ms < 5",
                         -1, &s, nullptr),
      SQLITE_OK);
  std::string plan;
  while (sqlite3_step(s) == SQLITE_ROW)
    plan += reinterpret_cast<const char*>(sqlite3_column_text(s, 3)) + std::string{"; "};
  sqlite3_finalize(s);
  sqlite3_close(db);
  EXPECT_NE(plan.find("USING INDEX link_codes_by_expiry"), std::string::npos) << plan;
}

TEST(SqliteIdentityStore, RefusesADatabaseFromANewerBuild) {
  SqliteBackend backend;
  backend.open().reset();  // created at this build's version
  RawConnection(backend.path()).exec("PRAGMA user_version = 99");
  std::string error;
  EXPECT_EQ(SqliteIdentityStore::open(backend.path(), error), nullptr);
  EXPECT_NE(error.find("schema version 99, newer than this build's"), std::string::npos) << error;
  EXPECT_NE(error.find(backend.path()), std::string::npos) << error;
}

TEST(SqliteIdentityStore, RefusesAFileThatIsNotADatabase) {
  TempDir dir;
  const std::string path = dir.path() + "/identity.db";
  ASSERT_TRUE(g_file_set_contents(path.c_str(), "not a database, just text", -1, nullptr));
  std::string error;
  EXPECT_EQ(SqliteIdentityStore::open(path, error), nullptr);
  EXPECT_NE(error.find(path), std::string::npos) << error;
}

// The start-up retry waits out lock contention only, told by SQLite's result code: a damaged file
// whose path happens to say "locked" or "busy" fails at once. (With the old retry, which also
// matched those words in the message, this waited out the hour and ctest's timeout failed it.)
TEST(SqliteIdentityStore, ADamagedFileFailsAtOnceWhateverItsPathSays) {
  TempDir dir;
  const std::string folder = dir.path() + "/locked-busy";
  ASSERT_EQ(g_mkdir_with_parents(folder.c_str(), 0700), 0);
  const std::string path = folder + "/identity.db";
  ASSERT_TRUE(g_file_set_contents(path.c_str(), "not a database, just text", -1, nullptr));
  std::string error;
  EXPECT_EQ(SqliteIdentityStore::open(path, error, std::chrono::hours(1)), nullptr);
  EXPECT_NE(error.find("damaged"), std::string::npos) << error;
}

TEST(SqliteIdentityStore, ALockedDatabaseNamesTheFileAndWhatToDo) {
  SqliteBackend backend;
  auto store = backend.open_impatient();
  ASSERT_NE(store, nullptr);
  backend.make_unavailable();
  try {
    store->bind_first(binding("foo#euw", "KEY-A", 1000));
    ADD_FAILURE() << "bind_first on a locked database did not throw";
  } catch (const StoreUnavailable& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("sqlite:" + backend.path()), std::string::npos) << what;
    EXPECT_NE(what.find("retry later"), std::string::npos) << what;
  }
  backend.make_available();
}

TEST(SqliteIdentityStore, AFileDeletedWhileOpenIsUnavailable) {
  SqliteBackend backend;
  auto store = backend.open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->bind_first(binding("foo#euw", "KEY-A", 1000)));
  ASSERT_TRUE(std::filesystem::remove(backend.path()));
  EXPECT_THROW(store->bind_first(binding("bar#euw", "KEY-A", 1000)), StoreUnavailable);
  EXPECT_THROW(store->ping(), StoreUnavailable);
}

// The registration path looks a Riot ID's bindings up on every register: its statements are
// prepared once per connection, not per call.
TEST(SqliteIdentityStore, ARepeatedCallPreparesNoStatementAgain) {
  SqliteBackend backend;
  std::string error;
  auto store = SqliteIdentityStore::open(backend.path(), error);
  ASSERT_NE(store, nullptr) << error;
  const auto each_call = [&](int i) {
    const std::string riot = "foo" + std::to_string(i) + "#euw";
    store->bindings_of(riot);
    store->bind_first(binding(riot, "KEY-A", 1000 + i));
    store->touch(riot, "KEY-A", 2000 + i);
    store->record_event(EventKind::BadLinkCode, riot, 3000 + i);
    store->count_events(EventKind::BadLinkCode, riot, 0);
  };
  each_call(0);
  const std::size_t after_first = store->statements_prepared();
  EXPECT_GT(after_first, 0u);
  for (int i = 1; i <= 3; ++i) each_call(i);
  EXPECT_EQ(store->statements_prepared(), after_first);
  EXPECT_EQ(store->bindings_of("foo3#euw").size(), 1u);
  EXPECT_EQ(store->count_events(EventKind::BadLinkCode, "foo2#euw", 0), 1u);
}

// A kept statement is reset as soon as its call returns, even one that stopped at its first row:
// otherwise its read transaction would stay open and the connection would go on reading the
// database as it was then, blind to another process's writes.
TEST(SqliteIdentityStore, AfterAReadStoppedAtItsFirstRowAnotherConnectionsWriteIsSeen) {
  SqliteBackend backend;
  std::string error;
  auto reader = SqliteIdentityStore::open(backend.path(), error);
  ASSERT_NE(reader, nullptr) << error;
  auto writer = SqliteIdentityStore::open(backend.path(), error);
  ASSERT_NE(writer, nullptr) << error;
  // count(*) yields one row; the call reads it and returns without stepping to the end.
  EXPECT_EQ(reader->count_events(EventKind::BadLinkCode, "foo#euw", 0), 0u);
  ASSERT_TRUE(writer->bind_first(binding("foo#euw", "KEY-A", 1000)));
  EXPECT_EQ(reader->bindings_of("foo#euw").size(), 1u);
  writer->record_event(EventKind::BadLinkCode, "foo#euw", 1000);
  EXPECT_EQ(reader->count_events(EventKind::BadLinkCode, "foo#euw", 0), 1u);
}

TEST(SqliteIdentityStore, TwoStoresOpeningANewFileTogetherBothMigrateIt) {
  TempDir dir;
  const std::string path = dir.path() + "/identity.db";
  std::unique_ptr<SqliteIdentityStore> stores[2];
  std::string errors[2];
  std::barrier start(2);
  auto opener = [&](int i) {
    start.arrive_and_wait();
    stores[i] = SqliteIdentityStore::open(path, errors[i]);
  };
  std::thread a(opener, 0), b(opener, 1);
  a.join();
  b.join();
  ASSERT_NE(stores[0], nullptr) << errors[0];
  ASSERT_NE(stores[1], nullptr) << errors[1];
  EXPECT_TRUE(stores[0]->bind_first(binding("foo#euw", "KEY-A", 1000)));
  EXPECT_EQ(stores[1]->bindings_of("foo#euw").size(), 1u);
}

TEST(IdentityStoreFactory, OpensSqliteFromItsSpec) {
  TempDir dir;
  std::string error;
  auto store = open_identity_store("sqlite:" + dir.path() + "/id.db", error);
  ASSERT_NE(store, nullptr) << error;
  EXPECT_EQ(store->describe(), "sqlite:" + dir.path() + "/id.db");
  EXPECT_TRUE(store->bind_first(binding("foo#euw", "KEY-A", 1000)));
}

TEST(IdentityStoreFactory, RefusesAnythingElseInWords) {
  for (const std::string spec : {"", "sqlite:", "mysql://db/identity", "/var/lib/identity.db"}) {
    std::string error;
    EXPECT_EQ(open_identity_store(spec, error), nullptr) << spec;
    EXPECT_FALSE(error.empty()) << spec;
  }
  std::string error;
  open_identity_store("mysql://db/identity", error);
  EXPECT_NE(error.find("neither sqlite:PATH nor a postgresql://"), std::string::npos) << error;
}

}  // namespace
}  // namespace shotcall::store
