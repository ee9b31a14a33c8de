// The DTLS certificate check: a certificate made here with OpenSSL, its fingerprint computed
// independently (X509_digest, and the openssl command when installed), SDPs that match or not.
#include "app/media/fingerprint.hpp"

#include <gtest/gtest.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <fstream>
#include <memory>

namespace shotcall::media {
namespace {

struct Cert {
  std::string pem;
  std::string expected;  // X509_digest formatted like `openssl x509 -fingerprint -sha256`
};

Cert make_cert(const char* cn) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509_sign(x, key, EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  Cert c;
  c.pem.assign(data, static_cast<std::size_t>(len));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned md_len = 0;
  X509_digest(x, EVP_sha256(), md, &md_len);
  char hex[4];
  for (unsigned i = 0; i < md_len; ++i) {
    std::snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", md[i]);
    c.expected += hex;
  }
  BIO_free(bio);
  X509_free(x);
  EVP_PKEY_free(key);
  return c;
}

std::string sdp_with(const std::string& session_fp, const std::string& media_fp) {
  std::string sdp = "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
  if (!session_fp.empty()) sdp += "a=fingerprint:sha-256 " + session_fp + "\r\n";
  sdp += "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n";
  if (!media_fp.empty()) sdp += "a=fingerprint:sha-256 " + media_fp + "\r\n";
  return sdp + "a=rtpmap:111 OPUS/48000/2\r\n";
}

TEST(Fingerprint, MatchesX509Digest) {
  Cert c = make_cert("shotcall-test");
  auto fp = certificate_sha256_fingerprint(c.pem);
  ASSERT_TRUE(fp);
  EXPECT_EQ(*fp, c.expected);
  EXPECT_EQ(fp->size(), 32u * 3 - 1);
}

TEST(Fingerprint, MatchesTheOpensslCommand) {
  gchar* openssl = g_find_program_in_path("openssl");
  if (!openssl) GTEST_SKIP() << "openssl command not installed";
  g_free(openssl);
  Cert c = make_cert("cli-check");
  gchar* path = nullptr;
  int fd = g_file_open_tmp("shotcall-cert-XXXXXX.pem", &path, nullptr);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << c.pem;
  gchar* out = nullptr;
  gint status = 0;
  const gchar* argv[] = {"openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", path, nullptr};
  ASSERT_TRUE(g_spawn_sync(nullptr, const_cast<gchar**>(argv), nullptr, G_SPAWN_SEARCH_PATH,
                           nullptr, nullptr, &out, nullptr, &status, nullptr));
  std::string text = out ? out : "";
  g_free(out);
  g_unlink(path);
  g_free(path);
  auto eq = text.find('=');
  ASSERT_NE(eq, std::string::npos) << text;
  std::string cli = text.substr(eq + 1);
  while (!cli.empty() && (cli.back() == '\n' || cli.back() == '\r')) cli.pop_back();
  EXPECT_EQ(certificate_sha256_fingerprint(c.pem).value_or(""), cli);
}

TEST(Fingerprint, ParsesSessionAndMediaLevelAndNormalisesCase) {
  std::string sdp = sdp_with("ab:cd", "EF:01");
  sdp += "a=fingerprint:sha-1 11:22\r\n";  // another hash: not ours to check
  EXPECT_EQ(sdp_sha256_fingerprints(sdp), (std::vector<std::string>{"AB:CD", "EF:01"}));
  EXPECT_TRUE(sdp_sha256_fingerprints("v=0\na=fingerprint:SHA-256 aa:bb\n").size() == 1);
  EXPECT_TRUE(sdp_sha256_fingerprints("v=0\r\n").empty());
}

TEST(Fingerprint, VerifiesAtSessionOrMediaLevel) {
  Cert c = make_cert("peer");
  EXPECT_TRUE(verify_certificate_against_sdp(c.pem, sdp_with(c.expected, "")).ok);
  EXPECT_TRUE(verify_certificate_against_sdp(c.pem, sdp_with("", c.expected)).ok);
  std::string lower = c.expected;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_TRUE(verify_certificate_against_sdp(c.pem, sdp_with("", lower)).ok);
}

TEST(Fingerprint, RejectsAnotherCertificatesFingerprint) {
  Cert mine = make_cert("peer");
  Cert attacker = make_cert("mallory");
  auto v = verify_certificate_against_sdp(attacker.pem, sdp_with("", mine.expected));
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.reason.find("does not match"), std::string::npos) << v.reason;
  // One matching and one foreign fingerprint is still a mismatch.
  EXPECT_FALSE(verify_certificate_against_sdp(mine.pem, sdp_with(mine.expected, attacker.expected)).ok);
}

TEST(Fingerprint, RejectsMissingFingerprintAndBadPem) {
  Cert c = make_cert("peer");
  auto none = verify_certificate_against_sdp(c.pem, sdp_with("", ""));
  EXPECT_FALSE(none.ok);
  EXPECT_NE(none.reason.find("no sha-256"), std::string::npos);
  EXPECT_FALSE(verify_certificate_against_sdp("", sdp_with(c.expected, "")).ok);
  EXPECT_FALSE(verify_certificate_against_sdp("-----BEGIN CERTIFICATE-----\ngarbage\n"
                                              "-----END CERTIFICATE-----\n",
                                              sdp_with(c.expected, "")).ok);
  EXPECT_FALSE(certificate_sha256_fingerprint("not pem"));
}

}  // namespace
}  // namespace shotcall::media
