// The identity core tests' fixture (shared/protocol-identity.md): a pairing core with the real
// SQLite bindings database (identity_harness.hpp), made with the policy a test asks for.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "signaling/core/pairing.hpp"
#include "tests/core/identity_harness.hpp"

namespace shotcall::core::testing {

class IdentityCore : public IdentityCoreHarness {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_db("shotcall-identity-core-"));
    make_core(IdentityPolicy::None);
  }

  void make_core(IdentityPolicy policy, std::optional<std::string> access_token = std::nullopt) {
    PairingConfig config;
    config.server = {"shotcall-signal", "test"};
    config.access_token = std::move(access_token);
    config.identity.policy = policy;
    config.identity.accepted_hosts = {kHost, "localhost:7800"};
    PairingDeps deps = identity_deps();
    deps.new_link_code = [this] { return std::string{"ABCD00"} + std::to_string(10 + ++codes_); };
    pairing_ = std::make_unique<Pairing>(config, store_, std::move(deps));
  }

  // `key` proven as three Riot IDs, each on a connection of its own: as many as a key may hold.
  void bind_three(const identity::KeyPair& key) {
    for (const char* riot_id : {"One#EUW", "Two#EUW", "Three#EUW"}) {
      const ConnId c = open();
      ASSERT_NE(find<p::Connected>(register_proven(c, key, riot_id), c), nullptr) << riot_id;
    }
  }

  int codes_ = 0;
};

}  // namespace shotcall::core::testing
