// SQLite calls on one connection of the identity store: its statements, prepared once and kept;
// one statement's steps and columns; a write transaction; and every failure in words an operator
// can act on. Internal to signaling/store.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "signaling/store/identity_store.hpp"

namespace shotcall::store::sqlite {

// A failed SQLite call, with its result code: the start-up retry tells lock contention from a
// real fault by the code, never by the words (a path may contain "locked").
class Failure : public StoreUnavailable {
 public:
  Failure(const std::string& what, int code) : StoreUnavailable(what), code_(code) {}
  bool contended() const {
    return (code_ & 0xff) == SQLITE_BUSY || (code_ & 0xff) == SQLITE_LOCKED;
  }

 private:
  int code_;
};

// Throws a Failure naming the database, the step (`what`), SQLite's words and what to do.
[[noreturn]] void fail(sqlite3* db, const std::string& path, const std::string& what);
[[noreturn]] void fail_code(const std::string& path, const std::string& what, int code,
                            const char* message);

// Runs `sql` (no parameters, no rows wanted), or fails with `what`.
void exec(sqlite3* db, const std::string& path, const char* sql, const std::string& what);

// The connection's statements, each prepared on its first use and kept: preparing is SQLite's
// parser and planner, and the lookup every registration makes spent more than half its time there
// (docs/performance.md, "Signaling: registration"). Keyed by the SQL literal's address: every
// statement runs from a literal (Statement's constructor takes only arrays). One caller at a
// time (the store's mutex). Finalizes its statements before the connection is closed.
class KeptStatements {
 public:
  KeptStatements(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~KeptStatements();
  KeptStatements(const KeptStatements&) = delete;
  KeptStatements& operator=(const KeptStatements&) = delete;

  sqlite3* db() const { return db_; }
  const std::string& path() const { return path_; }
  // How many statements were prepared since the connection opened.
  std::size_t prepared() const { return prepared_; }

  // The statement for `sql`, ready to bind; the caller gives it back with give_back(). A statement
  // still out (the same SQL twice at once) is prepared afresh and finalized when given back.
  sqlite3_stmt* take(const char* sql);
  // Resets the statement at once, whatever its last step returned: a statement left mid-way
  // would hold its read transaction, and every later read on the connection would see the
  // database as it was then.
  void give_back(const char* sql, sqlite3_stmt* stmt);

 private:
  struct Kept {
    sqlite3_stmt* stmt = nullptr;
    bool out = false;
  };
  sqlite3_stmt* prepare(const char* sql);

  sqlite3* db_;
  std::string path_;
  std::unordered_map<const char*, Kept> kept_;
  std::size_t prepared_ = 0;
};

// One kept statement, borrowed for one call, with bound parameters (1-based, as in SQL's ?1).
class Statement {
 public:
  template <std::size_t N>
  Statement(KeptStatements& kept, const char (&sql)[N])
      : kept_(kept), sql_(sql), stmt_(kept.take(sql)) {}
  ~Statement() { kept_.give_back(sql_, stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const std::string& v);
  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, const std::optional<std::string>& v);
  // True while there is a row to read; false once done. `what` names the step in an error (the
  // cause and what to do follow it).
  bool step(const char* what = "a statement");
  void run(const char* what = "a statement");
  std::string text(int col) const;
  std::optional<std::string> optional_text(int col) const;
  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }

 private:
  void check(int rc);
  KeptStatements& kept_;
  const char* sql_;
  sqlite3_stmt* stmt_;
};

// A write transaction: takes the write lock at BEGIN (waiting up to the busy timeout), so a
// check-then-write inside it cannot interleave with another connection's. Rolled back unless
// committed.
class WriteTransaction {
 public:
  explicit WriteTransaction(KeptStatements& kept);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit();

 private:
  KeptStatements& kept_;
  bool done_ = false;
};

}  // namespace shotcall::store::sqlite
