#include "signaling/store/sqlite_statements.hpp"

namespace shotcall::store::sqlite {
namespace {

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

}  // namespace

[[noreturn]] void fail_code(const std::string& path, const std::string& what, int code,
                            const char* message) {
  throw Failure("identity database sqlite:" + path + ": " + what +
                    " failed: " + (message ? message : sqlite3_errstr(code)) + " (" +
                    sqlite3_errstr(code) + "): " + advice_for(code),
                code);
}

void fail(sqlite3* db, const std::string& path, const std::string& what) {
  fail_code(path, what, sqlite3_extended_errcode(db), sqlite3_errmsg(db));
}

void exec(sqlite3* db, const std::string& path, const char* sql, const std::string& what) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, path, what);
}

KeptStatements::~KeptStatements() {
  for (auto& [sql, kept] : kept_) sqlite3_finalize(kept.stmt);
}

sqlite3_stmt* KeptStatements::take(const char* sql) {
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

void KeptStatements::give_back(const char* sql, sqlite3_stmt* stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  auto it = kept_.find(sql);
  if (it != kept_.end() && it->second.stmt == stmt) {
    it->second.out = false;
    return;
  }
  sqlite3_finalize(stmt);
}

sqlite3_stmt* KeptStatements::prepare(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
    fail(db_, path_, "preparing a statement");
  ++prepared_;
  return stmt;
}

Statement& Statement::bind(int i, const std::string& v) {
  check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::bind(int i, std::int64_t v) {
  check(sqlite3_bind_int64(stmt_, i, v));
  return *this;
}

Statement& Statement::bind(int i, const std::optional<std::string>& v) {
  if (v) return bind(i, *v);
  check(sqlite3_bind_null(stmt_, i));
  return *this;
}

bool Statement::step(const char* what) {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(kept_.db(), kept_.path(), what);
}

void Statement::run(const char* what) {
  while (step(what)) {
  }
}

std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}

std::optional<std::string> Statement::optional_text(int col) const {
  if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
  return text(col);
}

void Statement::check(int rc) {
  if (rc != SQLITE_OK) fail(kept_.db(), kept_.path(), "binding a parameter");
}

WriteTransaction::WriteTransaction(KeptStatements& kept) : kept_(kept) {
  Statement(kept, "BEGIN IMMEDIATE").run("starting a write transaction");
}

WriteTransaction::~WriteTransaction() {
  if (!done_) sqlite3_exec(kept_.db(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void WriteTransaction::commit() {
  Statement(kept_, "COMMIT").run("committing");
  done_ = true;
}

}  // namespace shotcall::store::sqlite
