// What a teammate relays to us (app/mesh/signal_data.hpp) and the SDP checks made on it
// (app/media/fingerprint.hpp). The first byte picks the target:
//   0  decode_signal: what decodes re-encodes to text that decodes to the same payload
//   1  an SDP (the rest of the input) against a fixed certificate: its fingerprints are
//      normalised upper-case hex, and the certificate is accepted only when the SDP lists its
//      fingerprint and no other
//   2  certificate_sha256_fingerprint on arbitrary PEM text
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "app/media/fingerprint.hpp"
#include "app/mesh/signal_data.hpp"

namespace {

namespace mesh = shotcall::mesh;
namespace media = shotcall::media;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "signal_data invariant broken: %s\n", what);
    std::abort();
  }
}

// A self-signed test certificate (fuzz/corpus/signal_data holds SDPs naming its fingerprint).
constexpr const char* kCertificate = R"(-----BEGIN CERTIFICATE-----
MIIBhjCCASugAwIBAgIUYqpGHDEC0lI4nzCshZaFkIEfWmAwCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNc2hvdGNhbGwtZnV6ejAeFw0yNjEyMDMxMDA0MzlaFw0zNjEx
MzAxMDA0MzlaMBgxFjAUBgNVBAMMDXNob3RjYWxsLWZ1enowWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAARZhrx7CDL/4o7f1Tk99iZyizVto85nH5D2tVuv5yEtzOIe
+ppTFWs8ZTUW2HWuyH6vvdXDrM51Kj3lYKsDDtAlo1MwUTAdBgNVHQ4EFgQUWwUX
M5xfPKRUvgoKfL4SsqVZ6sgwHwYDVR0jBBgwFoAUWwUXM5xfPKRUvgoKfL4SsqVZ
6sgwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAzSIT5UqjcQE5
34Fz6y/x8G5fwzGm9oVYb5cqPqeCoQYCIQDaVeX/sskrkCBHf02cAG/y3EvegfB/
Ib7SRscI8WNDbA==
-----END CERTIFICATE-----
)";

void signal(std::string_view json) {
  std::string error;
  const auto decoded = mesh::decode_signal(json, &error);
  if (!decoded) {
    check(!error.empty(), "a refused payload without a reason");
    return;
  }
  const std::string again = mesh::encode_signal(*decoded);
  const auto back = mesh::decode_signal(again);
  check(back.has_value() && *back == *decoded, "a payload does not survive encode and decode");
}

void sdp(std::string_view text, const std::string& certificate,
         const std::optional<std::string>& fingerprint) {
  const auto prints = media::sdp_sha256_fingerprints(text);
  for (const auto& f : prints)
    for (const char c : f)
      check(!std::islower(static_cast<unsigned char>(c)), "a fingerprint not in upper case");
  const auto verdict = media::verify_certificate_against_sdp(certificate, text);
  check(verdict.ok == verdict.reason.empty(), "a verdict with a reason, or neither");
  if (!verdict.ok || !fingerprint) return;
  check(!prints.empty(), "accepted with no fingerprint in the SDP");
  for (const auto& f : prints) check(f == *fingerprint, "accepted beside a foreign fingerprint");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const std::string certificate = kCertificate;
  static const std::optional<std::string> fingerprint =
      media::certificate_sha256_fingerprint(certificate);
  switch (data[0] % 3) {
    case 0:
      signal(text);
      break;
    case 1:
      sdp(text, certificate, fingerprint);
      break;
    case 2: {
      std::string error;
      const auto f = media::certificate_sha256_fingerprint(text, &error);
      if (!f) check(!error.empty(), "a refused certificate without a reason");
      break;
    }
  }
  return 0;
}
