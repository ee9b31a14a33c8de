// Checks a DTLS peer certificate against the SDP fingerprint. GStreamer 1.22's webrtcbin does
// not, so without this check anyone relaying the SDP could sit in the middle of the DTLS-SRTP
// session. Pure: OpenSSL and plain C++.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shotcall::media {

// SHA-256 over the DER encoding of the first certificate in `pem`, formatted as
// `openssl x509 -fingerprint -sha256` prints it: upper-case hex pairs joined by ':'.
std::optional<std::string> certificate_sha256_fingerprint(std::string_view pem,
                                                          std::string* error = nullptr);

// Every `a=fingerprint:sha-256 <hex>` value in `sdp`, session or media level, normalised to
// upper case. Other hash functions are skipped: GStreamer's DTLS always advertises SHA-256.
std::vector<std::string> sdp_sha256_fingerprints(std::string_view sdp);

struct FingerprintVerdict {
  bool ok = false;
  std::string reason;  // why not, for a person
};

// The certificate must match every SHA-256 fingerprint the SDP advertises, and there must be
// at least one.
FingerprintVerdict verify_certificate_against_sdp(std::string_view pem, std::string_view sdp);

}  // namespace shotcall::media
