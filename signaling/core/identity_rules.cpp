#include "signaling/core/identity_rules.hpp"

#include <algorithm>
#include <cctype>

#include "signaling/identity/base64url.hpp"
#include "signaling/identity/ed25519.hpp"

namespace shotcall::core {

std::string_view to_wire(IdentityPolicy policy) {
  switch (policy) {
    case IdentityPolicy::None: return "none";
    case IdentityPolicy::Key: return "key";
    case IdentityPolicy::Riot: return "riot";
  }
  return "none";
}

std::optional<IdentityPolicy> identity_policy_from_wire(std::string_view name) {
  if (name == "none") return IdentityPolicy::None;
  if (name == "key") return IdentityPolicy::Key;
  if (name == "riot") return IdentityPolicy::Riot;
  return std::nullopt;
}

std::string_view metric_reason(ProofVerdict verdict) {
  switch (verdict) {
    case ProofVerdict::Ok: return "ok";
    case ProofVerdict::NoChallenge: return "no-challenge";
    case ProofVerdict::UnknownHost: return "unknown-host";
    case ProofVerdict::BadKey: return "bad-key";
    case ProofVerdict::SmallOrderKey: return "small-order-key";
    case ProofVerdict::BadSignature: return "bad-signature";
    case ProofVerdict::Mismatch: return "mismatch";
  }
  return "unknown";
}

std::string describe(ProofVerdict verdict) {
  switch (verdict) {
    case ProofVerdict::Ok: return "the proof is valid";
    case ProofVerdict::NoChallenge:
      return "no live challenge on this connection: send hello and sign its new challenge";
    case ProofVerdict::UnknownHost:
      return "the proof names a host this server does not answer to: sign the address you dialed";
    case ProofVerdict::BadKey:
      return "the key is not a base64url Ed25519 public key of 32 bytes";
    case ProofVerdict::SmallOrderKey: return "the key is a weak (small-order) Ed25519 point";
    case ProofVerdict::BadSignature:
      return "the proof is not a base64url Ed25519 signature of 64 bytes";
    case ProofVerdict::Mismatch:
      return "the signature does not match the key and the signed text";
  }
  return "bad proof";
}

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return text;
}

}  // namespace

ProofVerdict check_proof(identity::Purpose purpose, const protocol::Proof& proof,
                         const std::string& riot_id, const std::optional<Challenge>& challenge,
                         std::int64_t now_ms, const IdentityConfig& config) {
  if (!challenge || now_ms - challenge->issued_ms > config.challenge_ttl_ms ||
      now_ms < challenge->issued_ms)
    return ProofVerdict::NoChallenge;
  const std::string host = lower(proof.host);
  if (std::find(config.accepted_hosts.begin(), config.accepted_hosts.end(), host) ==
      config.accepted_hosts.end())
    return ProofVerdict::UnknownHost;
  const auto key = identity::base64url_decode(proof.key);
  if (!key || key->size() != 32) return ProofVerdict::BadKey;
  const auto signature = identity::base64url_decode(proof.proof);
  if (!signature || signature->size() != 64) return ProofVerdict::BadSignature;

  const std::string text =
      identity::proof_text(purpose, proof.host, challenge->value, proof.key, riot_id);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  switch (identity::ed25519_verify(*key, std::span<const std::uint8_t>{bytes, text.size()},
                                   *signature)) {
    case identity::VerifyResult::Ok: return ProofVerdict::Ok;
    case identity::VerifyResult::BadKeyEncoding: return ProofVerdict::BadKey;
    case identity::VerifyResult::SmallOrderKey: return ProofVerdict::SmallOrderKey;
    case identity::VerifyResult::BadSignatureEncoding:
    case identity::VerifyResult::NonCanonicalS: return ProofVerdict::BadSignature;
    case identity::VerifyResult::Mismatch: return ProofVerdict::Mismatch;
  }
  return ProofVerdict::Mismatch;
}

protocol::IdentityLevel level_of(store::BindingLevel level) {
  return level == store::BindingLevel::Riot ? protocol::IdentityLevel::Riot
                                            : protocol::IdentityLevel::Key;
}

store::BindingLevel binding_level_of(protocol::IdentityLevel level) {
  return level == protocol::IdentityLevel::Riot ? store::BindingLevel::Riot
                                                : store::BindingLevel::Key;
}

}  // namespace shotcall::core
