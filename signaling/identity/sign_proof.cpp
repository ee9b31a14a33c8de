#include "signaling/identity/sign_proof.hpp"

#include "signaling/identity/base64url.hpp"

namespace shotcall::identity {

SignedProof sign_proof(const KeyPair& key_pair, Purpose purpose, std::string_view host,
                       std::string_view challenge, std::string_view riot_id) {
  SignedProof out;
  out.key = key_pair.public_base64url();
  out.host = std::string{host};
  const std::string text = proof_text(purpose, host, challenge, out.key, riot_id);
  const auto signature = key_pair.sign(std::span<const std::uint8_t>{
      reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  out.proof = base64url_encode(signature);
  return out;
}

}  // namespace shotcall::identity
