#include "signaling/store/pg_identity_store.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <utility>

namespace shotcall::store {
namespace {

using pg_detail::Outcome;
using pg_detail::Params;
using Clock = std::chrono::steady_clock;

// The schema, one step per version (the same tables as the SQLite store). Step i takes
// schema_version from i to i + 1 in one transaction. Append new steps; never edit a released one.
const char* const kMigrations[] = {
    // 1: bindings, link codes, counted events.
    R"sql(
CREATE TABLE bindings (
  riot_key TEXT NOT NULL,
  riot_display TEXT NOT NULL,
  key TEXT NOT NULL,
  level SMALLINT NOT NULL CHECK (level IN (1, 2)),
  puuid TEXT,
  bound_at_ms BIGINT NOT NULL,
  last_used_ms BIGINT NOT NULL,
  puuid_checked_ms BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (riot_key, key)
);
CREATE INDEX bindings_by_key ON bindings (key);
CREATE TABLE link_codes (
  code TEXT PRIMARY KEY,
  riot_key TEXT NOT NULL,
  riot_display TEXT NOT NULL,
  key TEXT NOT NULL,
  expires_at_ms BIGINT NOT NULL
);
CREATE INDEX link_codes_by_riot_key ON link_codes (riot_key);
CREATE TABLE events (
  kind SMALLINT NOT NULL,
  subject TEXT NOT NULL,
  at_ms BIGINT NOT NULL
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

// Advisory lock keys (two-int form): the first names what is locked, so they never collide
// with each other or with another application's locks in the same database.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(736901, 0)";
constexpr const char* kRiotIdLock = "SELECT pg_advisory_xact_lock(736902, hashtext($1))";

constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;

// A binding's columns, in the order read_bindings reads them and binding_params gives them ($1…).
// A macro, so that the statements stay string literals.
#define BINDING_COLUMNS \
  "riot_key, riot_display, key, level, puuid, bound_at_ms, last_used_ms, puuid_checked_ms"

std::string text(std::int64_t v) { return std::to_string(v); }

Params binding_params(const KeyBinding& b) {
  return {b.riot_key,
          b.riot_display,
          b.key,
          text(static_cast<std::int64_t>(b.level)),
          b.puuid,
          text(b.bound_at_ms),
          text(b.last_used_ms),
          text(b.puuid_checked_ms)};
}

std::int64_t number(const std::optional<std::string>& v) { return v ? std::stoll(*v) : 0; }

// libpq's parameter array: NULL for SQL NULL.
std::vector<const char*> values_of(const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return values;
}

std::vector<KeyBinding> read_bindings(const Outcome& out) {
  std::vector<KeyBinding> bindings;
  for (const auto& row : out.rows) {
    KeyBinding b;
    b.riot_key = row.at(0).value_or("");
    b.riot_display = row.at(1).value_or("");
    b.key = row.at(2).value_or("");
    b.level = number(row.at(3)) == 2 ? BindingLevel::Riot : BindingLevel::Key;
    b.puuid = row.at(4);
    b.bound_at_ms = number(row.at(5));
    b.last_used_ms = number(row.at(6));
    b.puuid_checked_ms = number(row.at(7));
    bindings.push_back(std::move(b));
  }
  return bindings;
}

// "postgresql://user@host:port/dbname": what the conninfo names, without its password.
std::string describe_conninfo(const std::string& conninfo, std::string& error) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &err);
  if (!options) {
    error = "not a PostgreSQL connection string: " + std::string(err ? err : "out of memory");
    PQfreemem(err);
    return {};
  }
  std::string user, host, port, dbname;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (!o->val) continue;
    const std::string key = o->keyword;
    if (key == "user") user = o->val;
    if (key == "host") host = o->val;
    if (key == "port") port = o->val;
    if (key == "dbname") dbname = o->val;
  }
  PQconninfoFree(options);
  std::string out = "postgresql://";
  if (!user.empty()) out += user + "@";
  const bool socket_dir = !host.empty() && host[0] == '/';
  if (!socket_dir) out += host;
  if (!port.empty()) out += ":" + port;
  out += "/" + dbname;
  if (socket_dir) out += "?host=" + host;
  return out;
}

std::string trimmed(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

int PgIdentityStore::schema_version() { return kSchemaVersion; }

std::unique_ptr<PgIdentityStore> PgIdentityStore::open(
    const std::string& conninfo_url, std::string& error,
    std::chrono::milliseconds statement_timeout) {
  const std::string described = describe_conninfo(conninfo_url, error);
  if (described.empty()) return nullptr;
  std::unique_ptr<PgIdentityStore> store(
      new PgIdentityStore(conninfo_url, described, statement_timeout));
  try {
    std::lock_guard<std::mutex> lock(store->mutex_);
    store->connect();
  } catch (const StoreUnavailable& e) {
    error = e.what();
    return nullptr;
  }
  try {
    store->migrate();
  } catch (const StoreUnavailable& e) {
    error = e.what();
    return nullptr;
  }
  return store;
}

PgIdentityStore::PgIdentityStore(std::string conninfo, std::string described,
                                 std::chrono::milliseconds statement_timeout)
    : conninfo_(std::move(conninfo)),
      described_(std::move(described)),
      statement_timeout_(statement_timeout) {}

PgIdentityStore::~PgIdentityStore() { drop_connection(); }

std::string PgIdentityStore::describe() const { return described_; }

void PgIdentityStore::fail(const std::string& what, const std::string& detail) {
  throw StoreUnavailable("identity database " + described_ + ": " + what + " failed: " + detail +
                         ": check that PostgreSQL is running and reachable, then retry");
}

void PgIdentityStore::drop_connection() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
  prepared_.clear();  // prepared statements live and die with their session
}

std::size_t PgIdentityStore::round_trips() {
  std::lock_guard<std::mutex> lock(mutex_);
  return round_trips_;
}

void PgIdentityStore::connect() {
  if (conn_ && PQstatus(conn_) == CONNECTION_OK) return;
  drop_connection();
  // Earlier parameters are defaults that the expanded URL (dbname) overrides: the URL's own
  // connect_timeout wins over 3 s.
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"3", "shotcall-signal", conninfo_.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, 1);
  if (!conn_) fail("connecting", "out of memory");
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string why = trimmed(PQerrorMessage(conn_));
    drop_connection();
    fail("connecting", why);
  }
  // NOTICEs (e.g. from IF NOT EXISTS) are not errors: keep them off stderr.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  // The server stops a statement (a lock wait included) at the timeout too.
  command("SELECT set_config('statement_timeout', $1, false)", "setting statement_timeout",
          {std::to_string(statement_timeout_.count())});
}

void PgIdentityStore::command(const char* sql, const std::string& what, const Params& params) {
  const auto values = values_of(params);
  exchange(
      [&] {
        return PQsendQueryParams(conn_, sql, static_cast<int>(values.size()), nullptr,
                                 values.data(), nullptr, nullptr, 0);
      },
      what);
}

const std::string& PgIdentityStore::prepared(const char* sql) {
  if (const auto found = prepared_.find(sql); found != prepared_.end()) return found->second;
  std::string name = "shotcall_" + std::to_string(prepared_.size() + 1);
  // Parameter types as the SQL gives them ($4::smallint), as for an unprepared statement.
  exchange([&] { return PQsendPrepare(conn_, name.c_str(), sql, 0, nullptr); },
           "preparing a statement");
  return prepared_.emplace(sql, std::move(name)).first->second;
}

PgIdentityStore::Outcome PgIdentityStore::exchange(const std::function<int()>& send,
                                                   const std::string& what) {
  if (!conn_) fail(what, "no connection");
  ++round_trips_;
  if (!send()) {
    const std::string why = trimmed(PQerrorMessage(conn_));
    if (PQstatus(conn_) != CONNECTION_OK) drop_connection();
    fail(what, why);
  }
  // The server's statement_timeout plus a margin: past that the server is hung or gone.
  const auto deadline = Clock::now() + statement_timeout_ + std::chrono::seconds(2);
  const auto wait_for = [&](short events) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd fd{PQsocket(conn_), events, 0};
    int ready = 0;
    if (left > 0) {
      do {
        ready = ::poll(&fd, 1, static_cast<int>(left));
      } while (ready < 0 && errno == EINTR);
    }
    if (ready <= 0) {
      drop_connection();  // its state is unknown: the next call starts on a new one
      fail(what, ready == 0 ? "no answer within " +
                                  std::to_string(statement_timeout_.count() + 2000) + " ms"
                            : std::string("poll: ") + std::strerror(errno));
    }
  };
  for (;;) {
    const int flushed = PQflush(conn_);
    if (flushed == 0) break;
    if (flushed < 0) {
      const std::string why = trimmed(PQerrorMessage(conn_));
      drop_connection();
      fail(what, why);
    }
    wait_for(POLLIN | POLLOUT);
    if (!PQconsumeInput(conn_)) break;  // reported with the result below
  }
  PGresult* error = nullptr;
  Outcome out;
  for (;;) {
    while (PQisBusy(conn_)) {
      wait_for(POLLIN);
      if (!PQconsumeInput(conn_)) break;
    }
    PGresult* r = PQgetResult(conn_);
    if (!r) break;
    const ExecStatusType status = PQresultStatus(r);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      if (status == PGRES_TUPLES_OK) {
        for (int row = 0; row < PQntuples(r); ++row) {
          std::vector<std::optional<std::string>> cells;
          for (int col = 0; col < PQnfields(r); ++col) {
            if (PQgetisnull(r, row, col))
              cells.emplace_back(std::nullopt);
            else
              cells.emplace_back(std::string(PQgetvalue(r, row, col),
                                             static_cast<std::size_t>(PQgetlength(r, row, col))));
          }
          out.rows.push_back(std::move(cells));
        }
      }
      const char* tuples = PQcmdTuples(r);
      out.affected = tuples && *tuples ? std::stoull(tuples) : 0;
      PQclear(r);
    } else if (!error) {
      error = r;  // the first error says why; later results only follow from it
    } else {
      PQclear(r);
    }
    if (PQstatus(conn_) != CONNECTION_OK) break;
  }
  if (error || PQstatus(conn_) != CONNECTION_OK) {
    std::string why = error ? trimmed(PQresultErrorMessage(error)) : "";
    if (why.empty()) why = trimmed(PQerrorMessage(conn_));
    if (error) PQclear(error);
    if (PQstatus(conn_) != CONNECTION_OK) drop_connection();
    fail(what, why);
  }
  return out;
}

PgIdentityStore::Outcome PgIdentityStore::query(const char* sql, const Params& params) {
  const std::string& name = prepared(sql);
  const auto values = values_of(params);
  return exchange(
      [&] {
        return PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()),
                                   values.data(), nullptr, nullptr, 0);
      },
      "a statement");
}

void PgIdentityStore::script(const char* sql, const std::string& what) {
  exchange([&] { return PQsendQuery(conn_, sql); }, what);
}

PgIdentityStore::Outcome PgIdentityStore::alone(const char* sql, const Params& params) {
  std::lock_guard<std::mutex> lock(mutex_);
  connect();
  try {
    return query(sql, params);
  } catch (const StoreUnavailable&) {
    // As at transact's BEGIN: the server closed the connection since the last call (a
    // restart). The statement may have run before the connection broke, and alone takes only
    // statements that may run twice.
    if (conn_) throw;
    connect();
    return query(sql, params);
  }
}

void PgIdentityStore::transact(const std::function<void()>& body) {
  std::lock_guard<std::mutex> lock(mutex_);
  connect();
  try {
    command("BEGIN", "starting a transaction");
  } catch (const StoreUnavailable&) {
    // The server closed the connection since the last call (a restart): nothing of this call
    // has run, so it may start again once on a new connection.
    if (conn_) throw;
    connect();
    command("BEGIN", "starting a transaction");
  }
  try {
    body();
    command("COMMIT", "committing");
  } catch (...) {
    if (conn_ && PQstatus(conn_) == CONNECTION_OK) {
      try {
        command("ROLLBACK", "rolling back");
      } catch (const StoreUnavailable&) {
        drop_connection();
      }
    }
    throw;
  }
}

void PgIdentityStore::migrate() {
  for (;;) {
    bool done = false;
    transact([&] {
      // Two instances starting together: the second waits here, then finds the work done.
      query(kMigrationLock);
      script("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
             "creating schema_version");
      const Outcome found = query("SELECT coalesce(max(version), 0) FROM schema_version");
      const int version = static_cast<int>(number(found.rows.at(0).at(0)));
      if (version > kSchemaVersion)
        throw StoreUnavailable("identity database " + described_ + " has schema version " +
                               std::to_string(version) + ", newer than this build's " +
                               std::to_string(kSchemaVersion) +
                               ": run the shotcall-signal that wrote it (or a newer one), or "
                               "use another database");
      if (version == kSchemaVersion) {
        done = true;
        return;
      }
      script(kMigrations[version], "migrating to schema version " + std::to_string(version + 1));
      query("DELETE FROM schema_version");
      query("INSERT INTO schema_version (version) VALUES ($1::integer)", {text(version + 1)});
    });
    if (done) return;
  }
}

// Every register-user of a known Riot ID reads its bindings: one statement, one round trip.
std::vector<KeyBinding> PgIdentityStore::bindings_of(const std::string& riot_key) {
  return read_bindings(alone("SELECT " BINDING_COLUMNS
                             " FROM bindings WHERE riot_key = $1 ORDER BY bound_at_ms, key",
                             {riot_key}));
}

std::vector<KeyBinding> PgIdentityStore::bindings_of_key(const std::string& key) {
  return read_bindings(alone("SELECT " BINDING_COLUMNS
                             " FROM bindings WHERE key = $1 ORDER BY riot_key, bound_at_ms",
                             {key}));
}

// Atomic across instances by a transaction-level advisory lock on the Riot ID: every write that
// adds keys to a Riot ID (bind_first, add_binding, make_only_binding) takes it first, so the
// NOT EXISTS check (a fresh READ COMMITTED snapshot, taken after the lock) sees any binding
// committed by whoever held it before. Chosen over SERIALIZABLE because the loser simply waits
// and then sees the winner's row: no serialization failures to retry, and the lock is released
// by COMMIT or ROLLBACK, even when the connection dies.
bool PgIdentityStore::bind_first(const KeyBinding& binding) {
  bool inserted = false;
  transact([&] {
    query(kRiotIdLock, {binding.riot_key});
    inserted = query("INSERT INTO bindings (" BINDING_COLUMNS
                     ") SELECT $1, $2, $3, $4::smallint, $5, $6::bigint, $7::bigint, $8::bigint "
                     "WHERE NOT EXISTS (SELECT 1 FROM bindings WHERE riot_key = $1)",
                     binding_params(binding))
                   .affected == 1;
  });
  return inserted;
}

void PgIdentityStore::add_binding(const KeyBinding& binding) {
  transact([&] {
    query(kRiotIdLock, {binding.riot_key});
    query("INSERT INTO bindings (" BINDING_COLUMNS
          ") VALUES ($1, $2, $3, $4::smallint, $5, $6::bigint, $7::bigint, $8::bigint) "
          "ON CONFLICT (riot_key, key) DO UPDATE SET level = excluded.level, "
          "puuid = excluded.puuid, puuid_checked_ms = excluded.puuid_checked_ms, "
          "riot_display = excluded.riot_display WHERE excluded.level > bindings.level",
          binding_params(binding));
  });
}

bool PgIdentityStore::remove_binding(const std::string& riot_key, const std::string& key) {
  bool removed = false;
  transact([&] {
    removed =
        query("DELETE FROM bindings WHERE riot_key = $1 AND key = $2", {riot_key, key}).affected >
        0;
  });
  return removed;
}

std::size_t PgIdentityStore::remove_riot_id(const std::string& riot_key) {
  std::size_t removed = 0;
  transact(
      [&] { removed = query("DELETE FROM bindings WHERE riot_key = $1", {riot_key}).affected; });
  return removed;
}

std::vector<std::string> PgIdentityStore::make_only_binding(const KeyBinding& binding) {
  std::vector<std::string> removed;
  transact([&] {
    removed.clear();
    query(kRiotIdLock, {binding.riot_key});
    const Outcome others = query(
        "SELECT key FROM bindings WHERE riot_key = $1 AND key <> $2 ORDER BY bound_at_ms, key",
        {binding.riot_key, binding.key});
    for (const auto& row : others.rows) removed.push_back(row.at(0).value_or(""));
    query("DELETE FROM bindings WHERE riot_key = $1 AND key <> $2",
          {binding.riot_key, binding.key});
    query("INSERT INTO bindings (" BINDING_COLUMNS
          ") VALUES ($1, $2, $3, $4::smallint, $5, $6::bigint, $7::bigint, $8::bigint) "
          "ON CONFLICT (riot_key, key) DO UPDATE SET "
          "level = greatest(bindings.level, excluded.level), "
          "puuid = coalesce(excluded.puuid, bindings.puuid), "
          "puuid_checked_ms = excluded.puuid_checked_ms, riot_display = excluded.riot_display",
          binding_params(binding));
  });
  return removed;
}

// Setting a time is the same done twice: alone.
void PgIdentityStore::touch(const std::string& riot_key, const std::string& key,
                            std::int64_t now_ms) {
  alone("UPDATE bindings SET last_used_ms = $3::bigint WHERE riot_key = $1 AND key = $2",
        {riot_key, key, text(now_ms)});
}

void PgIdentityStore::mark_puuid_checked(const std::string& riot_key, const std::string& key,
                                         std::int64_t now_ms) {
  alone("UPDATE bindings SET puuid_checked_ms = $3::bigint WHERE riot_key = $1 AND key = $2",
        {riot_key, key, text(now_ms)});
}

std::size_t PgIdentityStore::expire_bindings(std::int64_t key_unused_before_ms,
                                             std::int64_t riot_unused_before_ms) {
  std::size_t removed = 0;
  transact([&] {
    removed = query(
                  "DELETE FROM bindings WHERE (level = 1 AND last_used_ms < $1::bigint) "
                  "OR (level = 2 AND last_used_ms < $2::bigint)",
                  {text(key_unused_before_ms), text(riot_unused_before_ms)})
                  .affected;
  });
  return removed;
}

std::vector<KeyBinding> PgIdentityStore::all_bindings() {
  return read_bindings(
      alone("SELECT " BINDING_COLUMNS " FROM bindings ORDER BY riot_key, bound_at_ms, key"));
}

void PgIdentityStore::put_link_code(const LinkCodeRecord& record) {
  transact([&] {
    // Codes long expired and never taken are dropped as new ones come. A pending code with the
    // same letters is not replaced: the INSERT fails and the caller draws another.
    query("DELETE FROM link_codes WHERE expires_at_ms < $1::bigint",
          {text(record.expires_at_ms - kDayMs)});
    query(
        "INSERT INTO link_codes (code, riot_key, riot_display, key, expires_at_ms) "
        "VALUES ($1, $2, $3, $4, $5::bigint)",
        {record.code, record.riot_key, record.riot_display, record.key,
         text(record.expires_at_ms)});
  });
}

std::optional<LinkCodeRecord> PgIdentityStore::take_link_code(const std::string& code,
                                                              std::int64_t now_ms) {
  std::optional<LinkCodeRecord> taken;
  transact([&] {
    // DELETE … RETURNING: of two instances taking the same code, one gets the row.
    const Outcome out = query(
        "DELETE FROM link_codes WHERE code = $1 "
        "RETURNING code, riot_key, riot_display, key, expires_at_ms",
        {code});
    taken.reset();
    if (out.rows.empty()) return;
    const auto& row = out.rows.front();
    LinkCodeRecord r{row.at(0).value_or(""), row.at(1).value_or(""), row.at(2).value_or(""),
                     row.at(3).value_or(""), number(row.at(4))};
    if (r.expires_at_ms > now_ms) taken = std::move(r);  // used or expired: gone either way
  });
  return taken;
}

std::size_t PgIdentityStore::cancel_link_codes(const std::string& riot_key) {
  std::size_t removed = 0;
  transact(
      [&] { removed = query("DELETE FROM link_codes WHERE riot_key = $1", {riot_key}).affected; });
  return removed;
}

void PgIdentityStore::record_event(EventKind kind, const std::string& subject, std::int64_t at_ms) {
  transact([&] {
    // Nothing counts events older than a day: drop them as new ones come.
    query("DELETE FROM events WHERE at_ms < $1::bigint", {text(at_ms - kDayMs)});
    query("INSERT INTO events (kind, subject, at_ms) VALUES ($1::smallint, $2, $3::bigint)",
          {text(static_cast<std::int64_t>(kind)), subject, text(at_ms)});
  });
}

std::size_t PgIdentityStore::count_events(EventKind kind, const std::string& subject,
                                          std::int64_t since_ms) {
  return static_cast<std::size_t>(
      number(alone("SELECT count(*) FROM events WHERE kind = $1::smallint AND subject = $2 "
                   "AND at_ms >= $3::bigint",
                   {text(static_cast<std::int64_t>(kind)), subject, text(since_ms)})
                 .rows.at(0)
                 .at(0)));
}

void PgIdentityStore::ping() { alone("SELECT 1"); }

}  // namespace shotcall::store
