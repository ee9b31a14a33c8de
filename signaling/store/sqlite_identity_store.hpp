// The identity database in one SQLite file: the embedded default for a single instance
// (`--identity-db sqlite:PATH`). Several processes may open the same file (WAL journal, busy
// timeout); every write takes the write lock first (BEGIN IMMEDIATE), so bind_first's
// insert-if-absent is atomic across them.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "signaling/store/identity_store.hpp"

namespace shotcall::store::sqlite {
class KeptStatements;
}  // namespace shotcall::store::sqlite

namespace shotcall::store {

class SqliteIdentityStore final : public IdentityStore {
 public:
  // The schema version this build writes (PRAGMA user_version after migrating).
  static int schema_version();

  // Opens (creating it and its parent directory, mode 0700, if missing) and migrates the
  // database at `path`. Waits up to `busy_timeout` for another process's lock before a call
  // gives up with StoreUnavailable. Returns nullptr with `error` in words when the file cannot
  // be opened or was written by a newer build.
  static std::unique_ptr<SqliteIdentityStore> open(
      const std::string& path, std::string& error,
      std::chrono::milliseconds busy_timeout = std::chrono::milliseconds(2000));
  ~SqliteIdentityStore() override;
  SqliteIdentityStore(const SqliteIdentityStore&) = delete;
  SqliteIdentityStore& operator=(const SqliteIdentityStore&) = delete;

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

  // How many statements the connection has prepared since it opened: each is prepared on its
  // first use and kept for the next.
  std::size_t statements_prepared();

 private:
  explicit SqliteIdentityStore(std::unique_ptr<sqlite::KeptStatements> statements);
  // Starts a call: takes the connection and checks that the file is still the one opened.
  std::unique_lock<std::mutex> enter();

  std::mutex mutex_;  // one call at a time on the connection (its transactions are not nested)
  std::unique_ptr<sqlite::KeptStatements> statements_;  // and with them the connection
};

}  // namespace shotcall::store
