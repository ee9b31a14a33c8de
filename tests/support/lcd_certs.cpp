#include "tests/support/lcd_certs.hpp"

#include <glib.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/openssl_ptr.hpp"

namespace shotcall::test {
namespace {

bool add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// An unsigned certificate for `key`, named `cn`, issued by `issuer` (itself when null).
X509Ptr make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, bool v1) {
  X509Ptr cert{X509_new()};
  if (!cert) return nullptr;
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return nullptr;
  serial[0] &= 0x7f;  // a positive serial
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  const bool serial_ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  if (!serial_ok || X509_set_version(cert.get(), v1 ? 0 : 2) != 1) return nullptr;
  // An hour of slack before "now" so a clock that is slightly behind still accepts it.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 2L * 24 * 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("Shotcall tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(cert.get(), key);
  return cert;
}

bool sign(X509* cert, EVP_PKEY* key) { return X509_sign(cert, key, EVP_sha256()) > 0; }

bool write_file(const std::string& path, const std::string& data, int mode, std::string* error) {
  GError* raw = nullptr;
  if (!g_file_set_contents_full(path.c_str(), data.data(), static_cast<gssize>(data.size()),
                                G_FILE_SET_CONTENTS_CONSISTENT, mode, &raw)) {
    if (error) *error = "cannot write " + path + ": " + raw->message;
    g_error_free(raw);
    return false;
  }
  return true;
}

std::string pem_of(X509* cert, EVP_PKEY* key) {
  BioPtr bio{BIO_new(BIO_s_mem())};
  if (cert) PEM_write_bio_X509(bio.get(), cert);
  if (key) PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string{};
}

}  // namespace

LcdCertificateFiles lcd_certificate_paths(const std::string& dir) {
  return {dir + "/ca.pem", dir + "/server.pem", dir + "/server.key"};
}

bool write_lcd_certificates(const std::string& dir, const LcdCertificateSpec& spec,
                            LcdCertificateFiles* out, std::string* error) {
  auto fail = [&](const std::string& message) {
    if (error) *error = message;
    return false;
  };
  if (g_mkdir_with_parents(dir.c_str(), 0700) != 0) return fail("cannot create " + dir);

  EvpPkeyPtr ca_key{EVP_EC_gen("P-256")};
  EvpPkeyPtr leaf_key{EVP_EC_gen("P-256")};
  if (!ca_key || !leaf_key) return fail("key generation failed");

  // A distinct CA name per run, so two stand-ins' CAs are never mistaken for one another.
  gchar* suffix = g_strdup_printf("%08x", g_random_int());
  const bool v3 = !spec.riot_shaped;
  X509Ptr ca = make_cert(ca_key.get(), std::string{"Shotcall test LCD CA "} + suffix, nullptr, !v3);
  g_free(suffix);
  const bool ca_ok = ca && (!v3 || (add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE") &&
                                    add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign") &&
                                    add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash")));
  if (!ca_ok || !sign(ca.get(), ca_key.get())) return fail("cannot make the CA certificate");

  X509Ptr leaf = make_cert(leaf_key.get(), spec.common_name, ca.get(), !v3);
  if (leaf && spec.expired_leaf) {
    X509_gmtime_adj(X509_getm_notBefore(leaf.get()), -30L * 24 * 3600);
    X509_gmtime_adj(X509_getm_notAfter(leaf.get()), -24L * 3600);
  }
  bool ok = leaf && (!v3 || (add_extension(leaf.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE") &&
                             add_extension(leaf.get(), ca.get(), NID_key_usage, "critical,digitalSignature") &&
                             add_extension(leaf.get(), ca.get(), NID_ext_key_usage, "serverAuth") &&
                             add_extension(leaf.get(), ca.get(), NID_authority_key_identifier, "keyid:always")));
  std::string san;
  if (spec.ip_subject_alt_name) san = "IP:" + spec.san_ip;
  if (!spec.san_dns.empty()) san += (san.empty() ? "DNS:" : ",DNS:") + spec.san_dns;
  if (ok && v3 && !san.empty()) ok = add_extension(leaf.get(), ca.get(), NID_subject_alt_name, san.c_str());
  if (!ok || !sign(leaf.get(), ca_key.get())) return fail("cannot make the server certificate");

  const LcdCertificateFiles files = lcd_certificate_paths(dir);
  if (!write_file(files.ca_file, pem_of(ca.get(), nullptr), 0644, error) ||
      !write_file(files.cert_file, pem_of(leaf.get(), nullptr), 0644, error) ||
      !write_file(files.key_file, pem_of(nullptr, leaf_key.get()), 0600, error)) {
    return false;
  }
  if (out) *out = files;
  return true;
}

}  // namespace shotcall::test
