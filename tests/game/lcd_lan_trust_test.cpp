// LAN mode's one exception to the pinned trust: the game on another PC (its port forwarded with
// `netsh interface portproxy`) serves its certificate naming only CN=127.0.0.1; that name is
// accepted for the configured LAN address, on the pinned chain, and nowhere else.
// 127.0.0.2 stands for the game PC's LAN address (it is on loopback, but is not the CN).
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "app/game/lcd_tls_database.hpp"
#include "app/session/game_detector.hpp"
#include "common/glib_ptr.hpp"
#include "tests/game/fixtures.hpp"
#include "tests/game/poller_helpers.hpp"
#include "tests/support/lcd_certs.hpp"

namespace shotcall::game {
namespace {

using namespace game_test;

constexpr const char* kLan = "127.0.0.2";

class LanTrustTest : public ::testing::Test {
 protected:
  // Flags for the certificate made from `spec`, connecting to `host`, with the database in LAN
  // mode for `lan_address` ("" : not in LAN mode). `other_ca`: the database pins another CA.
  GTlsCertificateFlags verify(const test::LcdCertificateSpec& spec, const char* host,
                              const std::string& lan_address, bool other_ca = false) {
    test::LcdCertificateFiles files;
    std::string error;
    EXPECT_TRUE(test::write_lcd_certificates(dir_.path(), spec, &files, &error)) << error;
    test::LcdCertificateFiles other;
    if (other_ca) {
      EXPECT_TRUE(test::write_lcd_certificates(other_dir_.path(), {}, &other, &error)) << error;
    }
    GPtr<GTlsDatabase> db{
        new_pinned_tls_database(other_ca ? other.ca_file : files.ca_file, &error, lan_address)};
    EXPECT_TRUE(db) << error;
    GPtr<GTlsCertificate> cert{g_tls_certificate_new_from_file(files.cert_file.c_str(), nullptr)};
    EXPECT_TRUE(cert);
    if (!db || !cert) return G_TLS_CERTIFICATE_GENERIC_ERROR;
    GPtr<GSocketConnectable> identity{g_network_address_new(host, 2999)};
    return g_tls_database_verify_chain(db.get(), cert.get(),
                                       G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, identity.get(),
                                       nullptr, G_TLS_DATABASE_VERIFY_NONE, nullptr, nullptr);
  }

  static test::LcdCertificateSpec game_like() {
    test::LcdCertificateSpec spec;
    spec.riot_shaped = true;  // v1, no extensions, CN=127.0.0.1 only
    return spec;
  }

  TempDir dir_;
  TempDir other_dir_;
};

TEST_F(LanTrustTest, GameCertificateAcceptedForTheConfiguredLanAddress) {
  EXPECT_EQ(verify(game_like(), kLan, kLan), 0);
  auto cn_only = game_like();
  cn_only.riot_shaped = false;
  cn_only.ip_subject_alt_name = false;
  EXPECT_EQ(verify(cn_only, kLan, kLan), 0);
}

TEST_F(LanTrustTest, ExpiredGameCertificateToleratedForTheLanAddressOnly) {
  auto spec = game_like();
  spec.expired_leaf = true;
  // Only named: verify_chain contacts nobody.
  EXPECT_EQ(verify(spec, "192.168.77.7", "192.168.77.7"), 0);
  EXPECT_EQ(verify(spec, "192.168.77.8", "192.168.77.7"),
            G_TLS_CERTIFICATE_BAD_IDENTITY | G_TLS_CERTIFICATE_EXPIRED);
}

// The expiry tolerance belongs to the pinned chain: an expired certificate another CA signed
// stays expired, at the LAN address as on loopback.
TEST_F(LanTrustTest, ExpiredCertificateFromAnotherCaRefusedAtTheLanAddress) {
  auto spec = game_like();
  spec.expired_leaf = true;
  const auto at_lan = verify(spec, "192.168.77.7", "192.168.77.7", /*other_ca=*/true);
  EXPECT_TRUE(at_lan & G_TLS_CERTIFICATE_UNKNOWN_CA) << at_lan;
  EXPECT_TRUE(at_lan & G_TLS_CERTIFICATE_EXPIRED) << at_lan;
  const auto on_loopback = verify(spec, "127.0.0.1", "", /*other_ca=*/true);
  EXPECT_TRUE(on_loopback & G_TLS_CERTIFICATE_UNKNOWN_CA) << on_loopback;
  EXPECT_TRUE(on_loopback & G_TLS_CERTIFICATE_EXPIRED) << on_loopback;
}

TEST_F(LanTrustTest, RefusedForAnotherHost) {
  EXPECT_EQ(verify(game_like(), "127.0.0.3", kLan), G_TLS_CERTIFICATE_BAD_IDENTITY);
  EXPECT_EQ(verify(game_like(), "192.0.2.7", kLan), G_TLS_CERTIFICATE_BAD_IDENTITY);
  EXPECT_EQ(verify(game_like(), "localhost", kLan), G_TLS_CERTIFICATE_BAD_IDENTITY);
}

TEST_F(LanTrustTest, RefusedWhenNotInLanMode) {
  EXPECT_EQ(verify(game_like(), kLan, ""), G_TLS_CERTIFICATE_BAD_IDENTITY);
}

TEST_F(LanTrustTest, OnlyTheLoopbackCommonNameIsAccepted) {
  auto spec = game_like();
  spec.common_name = "127.0.0.9";
  EXPECT_EQ(verify(spec, kLan, kLan), G_TLS_CERTIFICATE_BAD_IDENTITY);
  // A certificate with a subjectAltName naming something else keeps its own names (RFC 6125).
  test::LcdCertificateSpec san;
  san.san_ip = "127.0.0.1";
  EXPECT_EQ(verify(san, kLan, kLan), G_TLS_CERTIFICATE_BAD_IDENTITY);
}

TEST_F(LanTrustTest, RefusedForACertificateFromAnotherCa) {
  EXPECT_TRUE(verify(game_like(), kLan, kLan, /*other_ca=*/true) & G_TLS_CERTIFICATE_UNKNOWN_CA);
}

TEST_F(LanTrustTest, LanAddressMustBeAnIpAddress) {
  test::LcdCertificateFiles files;
  std::string error;
  ASSERT_TRUE(test::write_lcd_certificates(dir_.path(), {}, &files, &error)) << error;
  GPtr<GTlsDatabase> db{new_pinned_tls_database(files.ca_file, &error, "gamepc.lan")};
  EXPECT_FALSE(db);
  EXPECT_EQ(error, "LAN address \"gamepc.lan\" is not an IP address");
}

// The game's certificate and key are the same on every install: the exception never names an
// address the internet routes to.
TEST_F(LanTrustTest, LanAddressMustBeOnTheOwnNetwork) {
  test::LcdCertificateFiles files;
  std::string error;
  ASSERT_TRUE(test::write_lcd_certificates(dir_.path(), {}, &files, &error)) << error;
  for (const char* routable :
       {"8.8.8.8", "192.0.2.7", "100.64.0.1", "172.32.0.1", "2001:db8::1", "::ffff:192.168.1.20"}) {
    error.clear();
    GPtr<GTlsDatabase> db{new_pinned_tls_database(files.ca_file, &error, routable)};
    EXPECT_FALSE(db) << routable;
    EXPECT_EQ(error, std::string{"LAN address \""} + routable +
                         "\" is not on your own network (a private, link-local or loopback "
                         "address)");
  }
  for (const char* own : {"10.77.0.2", "172.16.0.1", "172.31.255.254", "192.168.1.20",
                          "169.254.10.1", "127.0.0.2", "fd00::5", "fe80::1", "::1"}) {
    GPtr<GTlsDatabase> db{new_pinned_tls_database(files.ca_file, &error, own)};
    EXPECT_TRUE(db) << own << ": " << error;
  }
}

// End to end through the detector engineer A's runner builds: the stand-in on the "LAN address"
// with the game's CN=127.0.0.1 certificate, found in LAN mode and refused otherwise.
class LanDetectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::LcdStandinOptions options;
    options.listen_address = kLan;
    options.certificate.riot_shaped = true;
    options.initial_phase = test::LcdPhase::InGame;
    standin_ = make_standin(options);
    ASSERT_TRUE(standin_);
    standin_->set_document(read_fixture("classic_order_view.json"));
  }

  // Runs the detector until it reports a game or a problem; returns the last state.
  session::DetectorState run(const std::string& base_url, const std::string& lan_address,
                             std::string* detail, std::optional<session::DetectedGame>* game) {
    std::string error;
    auto detector = session::make_lcd_detector(base_url, standin_->ca_file(), &error, lan_address);
    EXPECT_TRUE(detector) << error;
    if (!detector) return session::DetectorState::Problem;
    session::DetectorState last = session::DetectorState::Waiting;
    bool done = false;
    session::GameDetector::Events events;
    events.on_state = [&](session::DetectorState s, const std::string& d) {
      last = s;
      *detail = d;
      if (s == session::DetectorState::Problem) done = true;
    };
    events.on_game = [&](const std::optional<session::DetectedGame>& g) {
      *game = g;
      if (g) done = true;
    };
    detector->start(std::move(events));
    EXPECT_TRUE(run_until([&] { return done; }, kDeadline));
    detector->stop();
    return last;
  }

  std::unique_ptr<test::LcdStandin> standin_;
};

TEST_F(LanDetectorTest, LanModeFindsTheGameOnTheConfiguredAddress) {
  EXPECT_EQ(standin_->base_url().rfind("https://127.0.0.2:", 0), 0u) << standin_->base_url();
  std::string detail;
  std::optional<session::DetectedGame> game;
  run(standin_->base_url(), kLan, &detail, &game);
  ASSERT_TRUE(game) << detail;
  EXPECT_EQ(game->target.game_id.text, kGameAId);
  EXPECT_GT(standin_->game_data_answers(), 0u);
}

TEST_F(LanDetectorTest, WithoutLanModeTheSameServerIsUntrusted) {
  std::string detail;
  std::optional<session::DetectedGame> game;
  EXPECT_EQ(run(standin_->base_url(), "", &detail, &game), session::DetectorState::Problem);
  EXPECT_FALSE(game);
  EXPECT_NE(detail.find("issued for another host"), std::string::npos) << detail;
  EXPECT_EQ(standin_->game_data_answers(), 0u);
}

TEST_F(LanDetectorTest, LanModeForAnotherAddressDoesNotVouchForThisOne) {
  std::string detail;
  std::optional<session::DetectedGame> game;
  EXPECT_EQ(run(standin_->base_url(), "127.0.0.3", &detail, &game),
            session::DetectorState::Problem);
  EXPECT_FALSE(game);
  EXPECT_EQ(standin_->game_data_answers(), 0u);
}

TEST(LanLcdUrl, BuiltFromTheAddress) {
  EXPECT_EQ(session::lan_lcd_base_url("192.168.1.20"), "https://192.168.1.20:2999");
  EXPECT_EQ(session::lan_lcd_base_url("fd00::5"), "https://[fd00::5]:2999");
}

}  // namespace
}  // namespace shotcall::game
