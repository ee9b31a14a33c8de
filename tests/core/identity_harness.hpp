// A pairing core with the identity extension, for the identity, Riot verification and TURN core
// tests: the real SQLite bindings database in a temporary directory named after the test, a clock
// the test moves, predictable peer ids and challenges, and the client side of hello, proofs and
// register-user. Pure: no sockets.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "signaling/core/pairing.hpp"
#include "signaling/identity/sign_proof.hpp"
#include "signaling/store/memory_store.hpp"
#include "signaling/store/sqlite_identity_store.hpp"
#include "tests/core/pairing_harness.hpp"

namespace shotcall::core::testing {

// The host every proof is signed for, and that the cores accept.
inline constexpr const char* kHost = "127.0.0.1:7800";

// Replies by pointer into `out` (find<T> is pairing_harness.hpp's): the Outbox must outlive
// what these return.
inline const p::Error* error_to(const Outbox& out, ConnId to) { return find<p::Error>(out, to); }
inline const Outgoing* close_of(const Outbox& out, ConnId to) {
  for (const auto& o : out)
    if (o.to == to && o.close_code != 0) return &o;
  return nullptr;
}

// The same lookups by copy, so that a reply found in a temporary Outbox outlives it.
namespace copied {
template <typename T>
std::optional<T> find(const Outbox& out, ConnId to) {
  if (const T* m = testing::find<T>(out, to)) return *m;
  return std::nullopt;
}
inline std::optional<p::Error> error_to(const Outbox& out, ConnId to) {
  return find<p::Error>(out, to);
}
inline std::optional<Outgoing> close_of(const Outbox& out, ConnId to) {
  if (const Outgoing* o = testing::close_of(out, to)) return *o;
  return std::nullopt;
}
}  // namespace copied

class IdentityCoreHarness : public ::testing::Test {
 protected:
  void TearDown() override {
    pairing_.reset();
    db_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Opens an empty bindings database in a fresh directory named `prefix`, the pid and the test.
  // Fails fatally when it cannot: call it under ASSERT_NO_FATAL_FAILURE.
  void open_db(const std::string& prefix) {
    dir_ = std::filesystem::temp_directory_path() /
           (prefix + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::string error;
    db_ = store::SqliteIdentityStore::open((dir_ / "identity.sqlite").string(), error,
                                           std::chrono::milliseconds(50));
    ASSERT_TRUE(db_) << error;
  }
  // The test's clock and peer ids p1, p2, ...; no identity dependencies.
  PairingDeps plain_deps() {
    return PairingDeps{[this] { return now_ms_; }, [this] { return "p" + std::to_string(++ids_); }};
  }
  // plain_deps with the bindings database and challenges challenge-1, challenge-2, ...
  virtual PairingDeps identity_deps() {
    PairingDeps deps = plain_deps();
    deps.identity = db_.get();
    deps.new_challenge = [this] { return "challenge-" + std::to_string(++challenges_); };
    return deps;
  }

  ConnId open(const std::string& address = "192.0.2.1") {
    const ConnId conn = ++next_conn_;
    pairing_->connect(conn, address);
    return conn;
  }
  // The challenge of hello's reply, after expecting one.
  std::string hello(ConnId conn) {
    const Outbox out = pairing_->handle(conn, msg(p::Hello{}));
    const auto* reply = find<p::HelloReply>(out, conn);
    EXPECT_NE(reply, nullptr);
    return reply ? reply->challenge : "";
  }
  static p::Proof proof(const identity::KeyPair& key, identity::Purpose purpose,
                        const std::string& challenge, const std::string& riot_id,
                        const std::string& host = kHost) {
    const auto signed_proof = identity::sign_proof(key, purpose, host, challenge, riot_id);
    return p::Proof{signed_proof.key, signed_proof.proof, signed_proof.host};
  }
  Outbox register_plain(ConnId conn, const std::string& riot_id) {
    return pairing_->handle(conn, msg(p::RegisterUser{riot_id, {}, {}, {}}));
  }
  // hello, then a proven register-user.
  Outbox register_proven(ConnId conn, const identity::KeyPair& key, const std::string& riot_id) {
    const std::string challenge = hello(conn);
    return pairing_->handle(
        conn, msg(p::RegisterUser{
                  riot_id, {}, {}, proof(key, identity::Purpose::Register, challenge, riot_id)}));
  }
  static identity::KeyPair new_key() { return *identity::KeyPair::generate(); }

  std::filesystem::path dir_;
  std::unique_ptr<store::SqliteIdentityStore> db_;
  MemoryStore store_;
  std::unique_ptr<Pairing> pairing_;
  std::int64_t now_ms_ = 1'700'000'000'000;
  int ids_ = 0, challenges_ = 0;
  ConnId next_conn_ = 0;
};

}  // namespace shotcall::core::testing
