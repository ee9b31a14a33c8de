// The identity database in PostgreSQL: one store shared by several shotcall-signal instances
// (`--database postgresql://…`, with `--redis`). Each call is one transaction on one
// connection (a call of one statement: the statement's own implicit transaction). A lost
// connection is reopened on the next call; while PostgreSQL cannot be reached every call throws
// StoreUnavailable within the connect and statement timeouts.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "signaling/store/identity_store.hpp"

struct pg_conn;

namespace shotcall::store {

namespace pg_detail {
// Parameters and rows as text (nullopt: SQL NULL), as libpq's text protocol carries them.
using Params = std::vector<std::optional<std::string>>;
using Rows = std::vector<std::vector<std::optional<std::string>>>;
struct Outcome {
  Rows rows;
  std::size_t affected = 0;  // rows inserted, updated or deleted
};
}  // namespace pg_detail

class PgIdentityStore final : public IdentityStore {
 public:
  // The schema version this build writes (the schema_version table after migrating).
  static int schema_version();

  // Connects to `conninfo_url` (a postgresql:// URL or key=value conninfo; connect_timeout=3
  // unless it names one) and migrates the schema. A statement, or any wait for the server, that
  // takes longer than `statement_timeout` fails the call. Returns nullptr with `error` in words
  // when it cannot connect or the database was migrated by a newer build.
  static std::unique_ptr<PgIdentityStore> open(
      const std::string& conninfo_url, std::string& error,
      std::chrono::milliseconds statement_timeout = std::chrono::seconds(5));
  ~PgIdentityStore() override;
  PgIdentityStore(const PgIdentityStore&) = delete;
  PgIdentityStore& operator=(const PgIdentityStore&) = delete;

  std::vector<KeyBinding> bindings_of(const std::string& riot_key) override;
  std::vector<KeyBinding> bindings_of_key(const std::string& key) override;
  bool bind_first(const KeyBinding& binding) override;
  void add_binding(const KeyBinding& binding) override;
  bool remove_binding(const std::string& riot_key, const std::string& key) override;
  std::size_t remove_riot_id(const std::string& riot_key) override;
  std::vector<std::string> make_only_binding(const KeyBinding& binding) override;
  void touch(const std::string& riot_key, const std::string& key, std::int64_t now_ms) override;
  void mark_puuid_checked(const std::string& riot_key, const std::string& key,
                          std::int64_t now_ms) override;
  std::size_t expire_bindings(std::int64_t key_unused_before_ms,
                              std::int64_t riot_unused_before_ms) override;
  std::vector<KeyBinding> all_bindings() override;
  void put_link_code(const LinkCodeRecord& record) override;
  std::optional<LinkCodeRecord> take_link_code(const std::string& code,
                                               std::int64_t now_ms) override;
  std::size_t cancel_link_codes(const std::string& riot_key) override;
  void record_event(EventKind kind, const std::string& subject, std::int64_t at_ms) override;
  std::size_t count_events(EventKind kind, const std::string& subject,
                           std::int64_t since_ms) override;
  void ping() override;
  std::string describe() const override;

  // Requests sent to PostgreSQL and answered (or failed) since open: what a call costs in waits.
  std::size_t round_trips();

 private:
  using Params = pg_detail::Params;
  using Outcome = pg_detail::Outcome;

  PgIdentityStore(std::string conninfo, std::string described,
                  std::chrono::milliseconds statement_timeout);

  // Runs `body` between BEGIN and COMMIT (ROLLBACK when it throws), one call at a time. A
  // connection found lost at BEGIN is reopened once, since nothing of the call has run yet.
  void transact(const std::function<void()>& body);
  // One statement in PostgreSQL's implicit transaction of its own: as atomic, and on one
  // snapshot, as between BEGIN and COMMIT, in one round trip instead of three (each waited for
  // holding the server's lock). Only for statements that may run twice: one whose connection
  // turns out lost is sent again on a new connection, as transact sends BEGIN again.
  Outcome alone(const char* sql, const Params& params = {});
  // One statement with bound parameters ($1…), inside transact or alone. Prepared on its first
  // use on the connection and kept: PostgreSQL then neither parses nor plans it again.
  Outcome query(const char* sql, const Params& params = {});
  // Several statements without parameters (migrations), inside transact.
  void script(const char* sql, const std::string& what);
  // BEGIN, COMMIT, ROLLBACK and session settings: one statement sent as it is.
  void command(const char* sql, const std::string& what, const Params& params = {});
  void connect();  // (re)opens conn_ when it is missing or broken; throws StoreUnavailable
  void drop_connection();
  void migrate();
  // The name `sql` is prepared under on this connection; prepares it on first use.
  const std::string& prepared(const char* sql);
  // Sends with `send` (a PQsend… call on conn_; 0 when it failed) and waits for the reply
  // within the statement timeout (the server's own statement_timeout cannot help when the
  // server hangs or vanishes).
  Outcome exchange(const std::function<int()>& send, const std::string& what);
  [[noreturn]] void fail(const std::string& what, const std::string& detail);

  std::string conninfo_;
  std::string described_;
  std::chrono::milliseconds statement_timeout_;
  pg_conn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // SQL → its name on conn_
  std::size_t round_trips_ = 0;
  std::mutex mutex_;
};

}  // namespace shotcall::store
