// The pinned TLS database on its own, with certificates made for the test: what GnuTLS decides
// and where our one exception (a CN-only certificate for the IP we connected to) applies.
#include "app/game/lcd_tls_database.hpp"

#include <glib/gstdio.h>
#include <gtest/gtest.h>

#include "common/glib_ptr.hpp"
#include "tests/support/lcd_certs.hpp"

namespace shotcall::game {
namespace {

class TlsDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gchar* dir = g_dir_make_tmp("shotcall-tls-test-XXXXXX", nullptr);
    ASSERT_TRUE(dir);
    dir_ = dir;
    g_free(dir);
  }
  void TearDown() override {
    const auto f = test::lcd_certificate_paths(dir_);
    for (const auto& p : {f.ca_file, f.cert_file, f.key_file}) g_remove(p.c_str());
    g_rmdir(dir_.c_str());
  }

  // Flags for a fresh server certificate made from `spec`, checked for `host`.
  GTlsCertificateFlags verify(const test::LcdCertificateSpec& spec, const char* host, bool pinned) {
    test::LcdCertificateFiles files;
    std::string error;
    EXPECT_TRUE(test::write_lcd_certificates(dir_, spec, &files, &error)) << error;
    GPtr<GTlsDatabase> db{pinned ? new_pinned_tls_database(files.ca_file, &error)
                                 : g_tls_file_database_new(files.ca_file.c_str(), nullptr)};
    EXPECT_TRUE(db) << error;
    GPtr<GTlsCertificate> cert{g_tls_certificate_new_from_file(files.cert_file.c_str(), nullptr)};
    EXPECT_TRUE(cert);
    if (!db || !cert) return G_TLS_CERTIFICATE_GENERIC_ERROR;
    GPtr<GSocketConnectable> identity{g_network_address_new(host, 2999)};
    return g_tls_database_verify_chain(db.get(), cert.get(), G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                       identity.get(), nullptr, G_TLS_DATABASE_VERIFY_NONE, nullptr, nullptr);
  }

  std::string dir_;
};

test::LcdCertificateSpec cn_only(const char* cn) {
  test::LcdCertificateSpec spec;
  spec.common_name = cn;
  spec.ip_subject_alt_name = false;
  return spec;
}

// Why the pinned database exists: GnuTLS matches an IP only against iPAddress SANs.
TEST_F(TlsDatabaseTest, PlainFileDatabaseRejectsACommonNameOnlyIp) {
  EXPECT_EQ(verify(cn_only("127.0.0.1"), "127.0.0.1", false), G_TLS_CERTIFICATE_BAD_IDENTITY);
}

TEST_F(TlsDatabaseTest, PinnedAcceptsACommonNameOnlyCertificateForThatIp) {
  EXPECT_EQ(verify(cn_only("127.0.0.1"), "127.0.0.1", true), 0);
}

// The chain as Riot builds it: an X.509 v1 CA (data/riotgames.pem is one) and a v1 server
// certificate without extensions, named only by its CN.
TEST_F(TlsDatabaseTest, PinnedAcceptsARiotShapedChain) {
  test::LcdCertificateSpec spec;
  spec.riot_shaped = true;
  EXPECT_EQ(verify(spec, "127.0.0.1", false), G_TLS_CERTIFICATE_BAD_IDENTITY);
  EXPECT_EQ(verify(spec, "127.0.0.1", true), 0);
  spec.common_name = "localhost";
  EXPECT_EQ(verify(spec, "127.0.0.1", true), G_TLS_CERTIFICATE_BAD_IDENTITY);
}

// The game's certificate expired in January 2026 and the game still serves it: on loopback the
// pinned chain is enough; for any other address expiry still counts.
TEST_F(TlsDatabaseTest, PinnedToleratesAnExpiredGameCertificateOnLoopbackOnly) {
  test::LcdCertificateSpec spec;
  spec.riot_shaped = true;
  spec.expired_leaf = true;
  EXPECT_EQ(verify(spec, "127.0.0.1", false),
            G_TLS_CERTIFICATE_BAD_IDENTITY | G_TLS_CERTIFICATE_EXPIRED);
  EXPECT_EQ(verify(spec, "127.0.0.1", true), 0);
  spec.common_name = "192.0.2.7";  // a documentation address: only named, never contacted
  EXPECT_EQ(verify(spec, "192.0.2.7", true), G_TLS_CERTIFICATE_EXPIRED);
}

TEST_F(TlsDatabaseTest, PinnedAcceptsAnIpSubjectAltName) {
  EXPECT_EQ(verify({}, "127.0.0.1", true), 0);
}

TEST_F(TlsDatabaseTest, PinnedKeepsRejectingOtherNames) {
  EXPECT_EQ(verify(cn_only("127.0.0.2"), "127.0.0.1", true), G_TLS_CERTIFICATE_BAD_IDENTITY);
  EXPECT_EQ(verify(cn_only("127.0.0.1"), "localhost", true), G_TLS_CERTIFICATE_BAD_IDENTITY);
  EXPECT_EQ(verify(cn_only("127.0.0.1"), "127.0.0.2", true), G_TLS_CERTIFICATE_BAD_IDENTITY);
  // With any subjectAltName the CN is not consulted (RFC 6125).
  test::LcdCertificateSpec dns_only = cn_only("127.0.0.1");
  dns_only.san_dns = "localhost";
  EXPECT_EQ(verify(dns_only, "127.0.0.1", true), G_TLS_CERTIFICATE_BAD_IDENTITY);
  EXPECT_EQ(verify(dns_only, "localhost", true), 0);
}

TEST_F(TlsDatabaseTest, PinnedRiotCaDoesNotVouchForATestCertificate) {
  test::LcdCertificateFiles files;
  std::string error;
  ASSERT_TRUE(test::write_lcd_certificates(dir_, {}, &files, &error)) << error;
  GPtr<GTlsDatabase> riot{new_pinned_tls_database(SHOTCALL_RIOT_CA, &error)};
  ASSERT_TRUE(riot) << error;
  GPtr<GTlsCertificate> cert{g_tls_certificate_new_from_file(files.cert_file.c_str(), nullptr)};
  GPtr<GSocketConnectable> identity{g_network_address_new("127.0.0.1", 2999)};
  const auto flags = g_tls_database_verify_chain(riot.get(), cert.get(), G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                                 identity.get(), nullptr, G_TLS_DATABASE_VERIFY_NONE, nullptr, nullptr);
  EXPECT_TRUE(flags & G_TLS_CERTIFICATE_UNKNOWN_CA) << flags;
}

TEST_F(TlsDatabaseTest, RelativeCaPathIsMadeAbsolute) {
  test::LcdCertificateFiles files;
  std::string error;
  ASSERT_TRUE(test::write_lcd_certificates(dir_, {}, &files, &error)) << error;
  gchar* cwd = g_get_current_dir();
  ASSERT_EQ(g_chdir(dir_.c_str()), 0);
  GPtr<GTlsDatabase> db{new_pinned_tls_database("ca.pem", &error)};
  ASSERT_EQ(g_chdir(cwd), 0);
  g_free(cwd);
  ASSERT_TRUE(db) << error;
  GPtr<GTlsCertificate> cert{g_tls_certificate_new_from_file(files.cert_file.c_str(), nullptr)};
  EXPECT_EQ(g_tls_database_verify_chain(db.get(), cert.get(), G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, nullptr,
                                        nullptr, G_TLS_DATABASE_VERIFY_NONE, nullptr, nullptr),
            0);
}

TEST(TlsErrors, Described) {
  EXPECT_EQ(describe_tls_errors(static_cast<GTlsCertificateFlags>(G_TLS_CERTIFICATE_UNKNOWN_CA |
                                                                  G_TLS_CERTIFICATE_EXPIRED)),
            "certificate not trusted: not signed by the pinned CA, expired");
  EXPECT_EQ(describe_tls_errors(GTlsCertificateFlags{}), "certificate not trusted: handshake failed");
}

}  // namespace
}  // namespace shotcall::game
