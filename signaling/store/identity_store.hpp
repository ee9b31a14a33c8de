// The identity database (shared/protocol-identity.md, "Binding and seats"): which device keys
// may hold which Riot ID, link codes waiting for approval, and the counters behind the
// extension's daily limits. One interface, two implementations: SQLite (the embedded default,
// sqlite_identity_store.hpp) and PostgreSQL (several instances sharing Redis,
// pg_identity_store.hpp). The pairing core calls it synchronously.
//
// Every call either does all it says or nothing (one transaction each), and throws
// StoreUnavailable when the database cannot be reached, is locked past its busy timeout, or
// fails in any other way: the core answers `unavailable` then, never a lower level.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace shotcall::store {

class StoreUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Stored as the integers 1 (key) and 2 (riot). Level `none` is never stored: it is the
// absence of a binding.
enum class BindingLevel { Key = 1, Riot = 2 };

struct KeyBinding {
  std::string riot_key;      // the case-folded Riot ID (protocol::riot_key)
  std::string riot_display;  // as the binding request spelled it, for operators
  std::string key;           // base64url of the 32-byte Ed25519 public key
  BindingLevel level = BindingLevel::Key;
  std::optional<std::string> puuid;  // set with level riot
  std::int64_t bound_at_ms = 0;
  std::int64_t last_used_ms = 0;
  std::int64_t puuid_checked_ms = 0;  // riot: when the Riot ID last resolved to `puuid`
  friend bool operator==(const KeyBinding&, const KeyBinding&) = default;
};

struct LinkCodeRecord {
  std::string code;          // 8 Crockford base32 characters, canonical (upper case)
  std::string riot_key;
  std::string riot_display;
  std::string key;           // the new device's key, waiting to be bound
  std::int64_t expires_at_ms = 0;
  friend bool operator==(const LinkCodeRecord&, const LinkCodeRecord&) = default;
};

// Kinds of rate-limited events, counted per subject over a window (daily binding and
// verification limits shared by every instance).
enum class EventKind {
  BindingByAddress = 1,       // a new binding created from a client address (10 a day)
  VerificationByRiotId = 2,   // a verification started for a Riot ID (10 a day)
  VerificationByAddress = 3,  // a verification started from a client address (5 an hour)
  BadLinkCode = 4,            // a wrong link code tried for a Riot ID (5 cancel its requests)
  LinkCodeByAddress = 5,      // a link code issued to a client address (10 an hour)
};

class IdentityStore {
 public:
  virtual ~IdentityStore() = default;

  // Every key bound to the Riot ID, oldest first.
  virtual std::vector<KeyBinding> bindings_of(const std::string& riot_key) = 0;
  // Every binding of the key, across Riot IDs.
  virtual std::vector<KeyBinding> bindings_of_key(const std::string& key) = 0;

  // The first binding of a Riot ID: inserted only when the Riot ID has no binding at all, in one
  // atomic step (of two racing callers, even on two instances, one wins). Returns true when it
  // was inserted; false when the Riot ID already had bindings (nothing written).
  virtual bool bind_first(const KeyBinding& binding) = 0;
  // Adds a key to a Riot ID that may already have others (an approved link), or raises the level
  // of one already there. Never lowers a level.
  virtual void add_binding(const KeyBinding& binding) = 0;
  // Removes one key's binding of the Riot ID; false when there was none.
  virtual bool remove_binding(const std::string& riot_key, const std::string& key) = 0;
  // Removes every binding of the Riot ID (an operator's unbind); returns how many went.
  virtual std::size_t remove_riot_id(const std::string& riot_key) = 0;
  // Riot verification succeeded: `binding` (level riot, with puuid) becomes the Riot ID's only
  // key; every other key of it is removed. Returns the keys removed.
  virtual std::vector<std::string> make_only_binding(const KeyBinding& binding) = 0;
  // The binding was used to register: last_used_ms = now.
  virtual void touch(const std::string& riot_key, const std::string& key, std::int64_t now_ms) = 0;
  // A riot binding's puuid was checked again against Riot.
  virtual void mark_puuid_checked(const std::string& riot_key, const std::string& key,
                                  std::int64_t now_ms) = 0;
  // Removes bindings unused since the cut-offs (key: 30 days, riot: 365 days); returns how many.
  virtual std::size_t expire_bindings(std::int64_t key_unused_before_ms,
                                      std::int64_t riot_unused_before_ms) = 0;
  // Every binding, ordered by Riot ID then bound time: `shotcall-signal identity list`.
  virtual std::vector<KeyBinding> all_bindings() = 0;

  // Link codes: stored once; taken (removed and returned) once, only before they expire.
  virtual void put_link_code(const LinkCodeRecord& record) = 0;
  virtual std::optional<LinkCodeRecord> take_link_code(const std::string& code,
                                                       std::int64_t now_ms) = 0;
  // The pending link codes of a Riot ID are cancelled (five wrong codes); returns how many.
  virtual std::size_t cancel_link_codes(const std::string& riot_key) = 0;

  // Counted events for limits shared by all instances. `record_event` appends one at `at_ms`;
  // `count_events` counts those of that kind and subject at or after `since_ms`. Events older
  // than a day may be dropped at any time.
  virtual void record_event(EventKind kind, const std::string& subject, std::int64_t at_ms) = 0;
  virtual std::size_t count_events(EventKind kind, const std::string& subject,
                                   std::int64_t since_ms) = 0;

  // A cheap round trip that throws StoreUnavailable when the database cannot be used: /healthz.
  virtual void ping() = 0;
  // `sqlite:/path` or `postgresql://…` (without a password): for logs and /healthz.
  virtual std::string describe() const = 0;
};

}  // namespace shotcall::store
