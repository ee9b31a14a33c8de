// The real bindings database with a switch that makes it unreachable, for the core tests of what
// identity-1 does while its store cannot be used (a PostgreSQL that went away, a SQLite file
// another process holds): while `down`, every call throws StoreUnavailable as the real stores do
// then; otherwise each call is the real store's. The server tests stop a real PostgreSQL instead.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "signaling/store/identity_store.hpp"

namespace shotcall::core::testing {

class OutageIdentityStore : public store::IdentityStore {
 public:
  explicit OutageIdentityStore(store::IdentityStore& real) : real_(real) {}
  bool down = false;

  std::vector<store::KeyBinding> bindings_of(const std::string& riot_key) override {
    return up().bindings_of(riot_key);
  }
  std::vector<store::KeyBinding> bindings_of_key(const std::string& key) override {
    return up().bindings_of_key(key);
  }
  bool bind_first(const store::KeyBinding& binding) override { return up().bind_first(binding); }
  void add_binding(const store::KeyBinding& binding) override { up().add_binding(binding); }
  bool remove_binding(const std::string& riot_key, const std::string& key) override {
    return up().remove_binding(riot_key, key);
  }
  std::size_t remove_riot_id(const std::string& riot_key) override {
    return up().remove_riot_id(riot_key);
  }
  std::vector<std::string> make_only_binding(const store::KeyBinding& binding) override {
    return up().make_only_binding(binding);
  }
  void touch(const std::string& riot_key, const std::string& key, std::int64_t now_ms) override {
    up().touch(riot_key, key, now_ms);
  }
  void mark_puuid_checked(const std::string& riot_key, const std::string& key,
                          std::int64_t now_ms) override {
    up().mark_puuid_checked(riot_key, key, now_ms);
  }
  std::size_t expire_bindings(std::int64_t key_unused_before_ms,
                              std::int64_t riot_unused_before_ms) override {
    return up().expire_bindings(key_unused_before_ms, riot_unused_before_ms);
  }
  std::vector<store::KeyBinding> all_bindings() override { return up().all_bindings(); }
  void put_link_code(const store::LinkCodeRecord& record) override { up().put_link_code(record); }
  std::optional<store::LinkCodeRecord> take_link_code(const std::string& code,
                                                      std::int64_t now_ms) override {
    return up().take_link_code(code, now_ms);
  }
  std::size_t cancel_link_codes(const std::string& riot_key) override {
    return up().cancel_link_codes(riot_key);
  }
  void record_event(store::EventKind kind, const std::string& subject,
                    std::int64_t at_ms) override {
    up().record_event(kind, subject, at_ms);
  }
  std::size_t count_events(store::EventKind kind, const std::string& subject,
                           std::int64_t since_ms) override {
    return up().count_events(kind, subject, since_ms);
  }
  void ping() override { up().ping(); }
  std::string describe() const override { return real_.describe(); }

 private:
  store::IdentityStore& up() {
    if (down) throw store::StoreUnavailable("the identity database is down (test)");
    return real_;
  }
  store::IdentityStore& real_;
};

}  // namespace shotcall::core::testing
