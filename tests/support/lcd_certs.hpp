// Throwaway TLS certificates for the Live Client Data stand-in: a private CA and a server
// certificate it signs, made with OpenSSL at test time (EC P-256, SHA-256, valid for two days).
// Nothing here is secret: the files live in a test directory and die with it.
#pragma once

#include <string>

namespace shotcall::test {

struct LcdCertificateSpec {
  std::string common_name = "127.0.0.1";
  // subjectAltName IP:<san_ip>. Off: the name is only in the CN, as in the game's certificate.
  bool ip_subject_alt_name = true;
  std::string san_ip = "127.0.0.1";
  std::string san_dns;  // non-empty: also a DNS subjectAltName (e.g. "localhost")
  // Shaped like Riot's chain: CA and server certificate both X.509 v1 with no extensions at all
  // (so no subjectAltName either; the name is only in the CN). The fields above are ignored but
  // common_name.
  bool riot_shaped = false;
  // The server certificate's validity ended yesterday, as the game's own did in January 2026.
  bool expired_leaf = false;
};

struct LcdCertificateFiles {
  std::string ca_file;    // <dir>/ca.pem: give this to the poller as its CA
  std::string cert_file;  // <dir>/server.pem
  std::string key_file;   // <dir>/server.key (PKCS#8, unencrypted)
};

// The file names write_lcd_certificates() uses in `dir`.
LcdCertificateFiles lcd_certificate_paths(const std::string& dir);

// Makes `dir` (mode 0700) if needed and writes a new CA and server certificate into it,
// replacing what was there. False with *error on failure.
bool write_lcd_certificates(const std::string& dir, const LcdCertificateSpec& spec,
                            LcdCertificateFiles* out, std::string* error);

}  // namespace shotcall::test
