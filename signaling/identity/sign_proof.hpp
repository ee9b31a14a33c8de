// A client's side of a proof (shared/protocol-identity.md, "Keys and proofs"): the three fields
// a request carries, signed with the device key over the purpose's text.
#pragma once

#include <string>
#include <string_view>

#include "signaling/identity/ed25519.hpp"
#include "signaling/identity/proof_text.hpp"

namespace shotcall::identity {

struct SignedProof {
  std::string key;    // base64url of the raw public key
  std::string proof;  // base64url of the signature
  std::string host;   // as dialed (dial_host)
};

SignedProof sign_proof(const KeyPair& key_pair, Purpose purpose, std::string_view host,
                       std::string_view challenge, std::string_view riot_id);

}  // namespace shotcall::identity
