// identity-1's proof checks (signaling/identity/, core::check_proof) on arbitrary input. The first
// byte picks what is fuzzed:
//   0  base64url_decode: what it accepts re-encodes to exactly the same text (one spelling each)
//   1  normalize_link_code: the result is 8 Crockford symbols and normalises to itself
//   2  ed25519_verify on a key, signature and message cut from the input: a key of the wrong
//      size is a bad key; a signature that verifies does not verify a longer message
//   3  check_proof on "<purpose digit>\n<key>\n<proof>\n<host>\n<riotId>\n<challenge>": an
//      accepted proof serves no other purpose and no other Riot ID
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "signaling/core/identity_rules.hpp"
#include "signaling/identity/base64url.hpp"
#include "signaling/identity/crockford.hpp"
#include "signaling/identity/ed25519.hpp"

namespace {

namespace id = shotcall::identity;
namespace core = shotcall::core;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "identity invariant broken: %s\n", what);
    std::abort();
  }
}

void fuzz_base64url(std::string_view text) {
  const auto bytes = id::base64url_decode(text);
  if (!bytes) return;
  check(id::base64url_encode(*bytes) == text, "an accepted base64url text is not canonical");
}

void fuzz_link_code(std::string_view typed) {
  const auto code = id::normalize_link_code(typed);
  if (!code) return;
  check(code->size() == id::kLinkCodeLength, "a link code of another length");
  for (const char c : *code)
    check(std::string_view("0123456789ABCDEFGHJKMNPQRSTVWXYZ").find(c) != std::string_view::npos,
          "a link code symbol outside Crockford's alphabet");
  check(id::normalize_link_code(*code) == code, "a normalised link code changes again");
}

void fuzz_verify(std::span<const std::uint8_t> in) {
  // Two length bytes let the fuzzer try wrong sizes too; most inputs get the right ones.
  if (in.size() < 2) return;
  const std::size_t key_len = in[0] < 200 ? id::kPublicKeyBytes : in[0] - 200;
  const std::size_t sig_len = in[1] < 200 ? id::kSignatureBytes : in[1] - 200;
  in = in.subspan(2);
  if (in.size() < key_len + sig_len) return;
  const auto key = in.first(key_len);
  const auto sig = in.subspan(key_len, sig_len);
  const auto message = in.subspan(key_len + sig_len);
  const id::VerifyResult result = id::ed25519_verify(key, message, sig);
  if (key_len != id::kPublicKeyBytes) check(result == id::VerifyResult::BadKeyEncoding, "key size");
  if (result == id::VerifyResult::Ok) {
    // Only a seed's real signature gets here: it must not also sign a longer message.
    std::vector<std::uint8_t> longer(message.begin(), message.end());
    longer.push_back(0);
    check(id::ed25519_verify(key, longer, sig) != id::VerifyResult::Ok,
          "a signature verifies for two messages");
  }
}

std::vector<std::string> split_lines(std::string_view text, std::size_t n) {
  std::vector<std::string> out;
  while (out.size() + 1 < n) {
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos) break;
    out.emplace_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  out.emplace_back(text);
  out.resize(n);
  return out;
}

void fuzz_proof(std::string_view text) {
  const auto f = split_lines(text, 6);
  const auto purpose =
      static_cast<id::Purpose>(f[0].empty() ? 0 : static_cast<unsigned char>(f[0][0]) % 3);
  core::IdentityConfig config;
  config.accepted_hosts = {"127.0.0.1:7800", "localhost:7800"};
  const shotcall::protocol::Proof proof{f[1], f[2], f[3]};
  const core::Challenge challenge{f[5], 1'000};
  const auto verdict = core::check_proof(purpose, proof, f[4], challenge, 2'000, config);
  (void)core::describe(verdict);
  (void)core::metric_reason(verdict);
  if (verdict != core::ProofVerdict::Ok) return;
  for (int other = 0; other < 3; ++other) {
    if (static_cast<id::Purpose>(other) == purpose) continue;
    check(core::check_proof(static_cast<id::Purpose>(other), proof, f[4], challenge, 2'000,
                            config) != core::ProofVerdict::Ok,
          "a proof serves another purpose");
  }
  check(core::check_proof(purpose, proof, f[4] + "x", challenge, 2'000, config) !=
            core::ProofVerdict::Ok,
        "a proof serves another Riot ID");
  check(core::check_proof(purpose, proof, f[4], challenge, 1'000 + config.challenge_ttl_ms + 1,
                          config) != core::ProofVerdict::Ok,
        "a proof outlives its challenge");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::span<const std::uint8_t> in(data + 1, size - 1);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      fuzz_base64url(text);
      break;
    case 1:
      fuzz_link_code(text);
      break;
    case 2:
      fuzz_verify(in);
      break;
    case 3:
      fuzz_proof(text);
      break;
  }
  return 0;
}
