// identity-1's rules that need no connection state (shared/protocol-identity.md): policies, the
// proof check, and the limits. Pure: no sockets, no database.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signaling/identity/proof_text.hpp"
#include "signaling/protocol/messages.hpp"
#include "signaling/store/identity_store.hpp"

namespace shotcall::core {

enum class IdentityPolicy { None, Key, Riot };
std::string_view to_wire(IdentityPolicy policy);
std::optional<IdentityPolicy> identity_policy_from_wire(std::string_view name);

struct IdentityConfig {
  IdentityPolicy policy = IdentityPolicy::None;
  // The `host` values a proof may name: --public-host names, and ADDRESS:PORT / localhost:PORT
  // for the addresses the server listens on (lower case, IPv6 in brackets).
  std::vector<std::string> accepted_hosts;
  // The server can ask Riot (it has an API key): `riot-verify` is offered.
  bool riot_verify = false;
  std::int64_t challenge_ttl_ms = 5 * 60 * 1000;
  std::int64_t link_code_ttl_ms = 10 * 60 * 1000;
  std::size_t max_key_riot_ids = 3;           // Riot IDs one key binds at level key
  std::size_t max_bindings_per_address = 10;  // new bindings per client address a day
  std::size_t max_bad_link_codes = 5;         // wrong codes for one Riot ID cancel its requests
  std::size_t max_link_codes_per_address = 10;  // link codes issued per client address an hour
  int max_register_attempts = 3;              // the next register-user closes with 1008
  std::int64_t key_binding_ttl_ms = 30LL * 24 * 3600 * 1000;
  std::int64_t riot_binding_ttl_ms = 365LL * 24 * 3600 * 1000;
};

// The challenge of the latest `hello`, alive until a request with a proof uses it.
struct Challenge {
  std::string value;
  std::int64_t issued_ms = 0;
  friend bool operator==(const Challenge&, const Challenge&) = default;
};

// Why a proof was refused, for `bad-proof` messages and the metrics' `reason` label.
enum class ProofVerdict { Ok, NoChallenge, UnknownHost, BadKey, SmallOrderKey, BadSignature, Mismatch };
std::string_view metric_reason(ProofVerdict verdict);
// For a person: what was wrong and what to do.
std::string describe(ProofVerdict verdict);

// Checks one proof: key and signature encodings, the host, the challenge (present and not older
// than its time to live), and the Ed25519 signature over the purpose's text with `riot_id` as
// sent. The caller has already taken the challenge out of the connection.
ProofVerdict check_proof(identity::Purpose purpose, const protocol::Proof& proof,
                         const std::string& riot_id, const std::optional<Challenge>& challenge,
                         std::int64_t now_ms, const IdentityConfig& config);

protocol::IdentityLevel level_of(store::BindingLevel level);
store::BindingLevel binding_level_of(protocol::IdentityLevel level);  // none → key

// Counters for /metrics (shotcall_identity_*).
struct IdentityCounters {
  std::map<std::string, std::uint64_t> proofs_refused;  // by reason
  std::uint64_t proofs_accepted = 0;
  std::uint64_t bindings_created = 0;
  std::uint64_t links_approved = 0;
  std::uint64_t devices_unlinked = 0;
  std::uint64_t replaced = 0;
  std::uint64_t store_unavailable = 0;
  std::uint64_t verifications_started = 0;
  std::uint64_t verifications_succeeded = 0;
  std::uint64_t verifications_failed = 0;
};

}  // namespace shotcall::core
