#include "app/media/fingerprint.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>

#include "common/openssl_ptr.hpp"

namespace shotcall::media {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string hex_pairs(const unsigned char* data, unsigned len) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(len * 3);
  for (unsigned i = 0; i < len; ++i) {
    if (i) out.push_back(':');
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0xF]);
  }
  return out;
}

}  // namespace

std::optional<std::string> certificate_sha256_fingerprint(std::string_view pem,
                                                          std::string* error) {
  auto fail = [error](const char* why) -> std::optional<std::string> {
    if (error) *error = why;
    return std::nullopt;
  };
  if (pem.empty() || pem.size() > 64 * 1024) return fail("no certificate");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return fail("out of memory");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return fail("certificate is not valid PEM");
  unsigned char* der = nullptr;
  int der_len = i2d_X509(cert.get(), &der);
  if (der_len <= 0) return fail("certificate does not encode to DER");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned digest_len = 0;
  bool ok = EVP_Digest(der, static_cast<size_t>(der_len), digest, &digest_len, EVP_sha256(),
                       nullptr) == 1;
  OPENSSL_free(der);
  if (!ok) return fail("SHA-256 failed");
  return hex_pairs(digest, digest_len);
}

std::vector<std::string> sdp_sha256_fingerprints(std::string_view sdp) {
  static constexpr std::string_view kPrefix = "a=fingerprint:";
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < sdp.size()) {
    std::size_t end = sdp.find('\n', pos);
    if (end == std::string_view::npos) end = sdp.size();
    std::string_view line = trim(sdp.substr(pos, end - pos));
    pos = end + 1;
    if (line.substr(0, kPrefix.size()) != kPrefix) continue;
    line.remove_prefix(kPrefix.size());
    std::size_t space = line.find(' ');
    if (space == std::string_view::npos) continue;
    if (upper(line.substr(0, space)) != "SHA-256") continue;
    std::string value = upper(trim(line.substr(space + 1)));
    if (!value.empty()) out.push_back(std::move(value));
  }
  return out;
}

FingerprintVerdict verify_certificate_against_sdp(std::string_view pem, std::string_view sdp) {
  std::string why;
  auto actual = certificate_sha256_fingerprint(pem, &why);
  if (!actual) return {false, "remote certificate unusable: " + why};
  auto advertised = sdp_sha256_fingerprints(sdp);
  if (advertised.empty()) return {false, "remote SDP has no sha-256 fingerprint"};
  for (const auto& fp : advertised) {
    if (fp != *actual) {
      return {false, "remote certificate " + *actual + " does not match SDP fingerprint " + fp};
    }
  }
  return {true, {}};
}

}  // namespace shotcall::media
