// LcdPoller's trust: only certificates the given CA signed, for the address it connects to.
#include "app/game/lcd_poller.hpp"

#include <gio/gio.h>
#include <gtest/gtest.h>

#include "tests/game/fixtures.hpp"
#include "tests/game/poller_helpers.hpp"

namespace shotcall::game {
namespace {

using namespace game_test;
using test::LcdPhase;
using test::LcdStandin;
using test::LcdStandinOptions;

TEST(LcdPollerTls, CertificateFromAnotherCaIsNeverTrusted) {
  auto standin = make_standin();
  ASSERT_TRUE(standin);
  standin->set_document(read_fixture("classic_order_view.json"));
  ASSERT_TRUE(standin->set_phase(LcdPhase::InGame));
  TempDir other;
  std::string error;
  test::LcdCertificateFiles other_files;
  ASSERT_TRUE(test::write_lcd_certificates(other.path(), {}, &other_files, &error)) << error;

  auto poller = make_poller(standin->base_url(), other_files.ca_file);
  ASSERT_TRUE(poller);
  Recorder rec;
  rec.attach(*poller);
  poller->start();
  ASSERT_TRUE(run_until([&] { return poller->polls_completed() >= 3; }, kDeadline));
  EXPECT_EQ(poller->state(), LcdState::Untrusted);
  EXPECT_NE(poller->detail().find("not signed by the pinned CA"), std::string::npos) << poller->detail();
  EXPECT_FALSE(rec.saw(LcdState::InGame));
  EXPECT_TRUE(rec.snapshots.empty());
  EXPECT_EQ(standin->game_data_answers(), 0u);  // the document never left the server
}

TEST(LcdPollerTls, PinnedRiotCaRejectsTheStandin) {
  auto standin = make_standin();
  ASSERT_TRUE(standin);
  standin->set_document(read_fixture("classic_order_view.json"));
  ASSERT_TRUE(standin->set_phase(LcdPhase::InGame));
  auto poller = make_poller(standin->base_url(), "");  // the default: data/riotgames.pem
  ASSERT_TRUE(poller);
  poller->start();
  ASSERT_TRUE(run_until([&] { return poller->polls_completed() >= 2; }, kDeadline));
  EXPECT_EQ(poller->state(), LcdState::Untrusted) << poller->detail();
  EXPECT_EQ(standin->game_data_answers(), 0u);
}

// The game's own certificate names 127.0.0.1 only in its CN; that must be accepted...
TEST(LcdPollerTls, CommonNameOnlyCertificateFor127001IsTrusted) {
  for (const bool riot_shaped : {false, true}) {
    LcdStandinOptions options;
    options.certificate.ip_subject_alt_name = false;
    options.certificate.riot_shaped = riot_shaped;  // v1 CA and leaf, no extensions at all
    auto standin = make_standin(options);
    ASSERT_TRUE(standin);
    standin->set_document(read_fixture("classic_order_view.json"));
    ASSERT_TRUE(standin->set_phase(LcdPhase::InGame));
    auto poller = make_poller(standin->base_url(), standin->ca_file());
    ASSERT_TRUE(poller);
    poller->start();
    ASSERT_TRUE(run_until([&] { return poller->state() == LcdState::InGame; }, kDeadline))
        << "riot_shaped=" << riot_shaped << ": " << poller->detail();
  }
}

// Riot's game certificate has been expired since January 2026; the game still serves it.
TEST(LcdPollerTls, ExpiredGameCertificateOnLoopbackStillFindsTheGame) {
  LcdStandinOptions options;
  options.certificate.riot_shaped = true;
  options.certificate.expired_leaf = true;
  auto standin = make_standin(options);
  ASSERT_TRUE(standin);
  standin->set_document(read_fixture("classic_order_view.json"));
  ASSERT_TRUE(standin->set_phase(LcdPhase::InGame));
  auto poller = make_poller(standin->base_url(), standin->ca_file());
  ASSERT_TRUE(poller);
  poller->start();
  ASSERT_TRUE(run_until([&] { return poller->state() == LcdState::InGame; }, kDeadline))
      << poller->detail();
}

// ...but only for the address we connected to.
TEST(LcdPollerTls, CertificateForAnotherAddressIsRejected) {
  for (const bool san : {false, true}) {
    LcdStandinOptions options;
    options.certificate.common_name = "127.0.0.2";
    options.certificate.san_ip = "127.0.0.2";
    options.certificate.ip_subject_alt_name = san;
    auto standin = make_standin(options);
    ASSERT_TRUE(standin);
    standin->set_document(read_fixture("classic_order_view.json"));
    ASSERT_TRUE(standin->set_phase(LcdPhase::InGame));
    auto poller = make_poller(standin->base_url(), standin->ca_file());
    ASSERT_TRUE(poller);
    poller->start();
    ASSERT_TRUE(run_until([&] { return poller->polls_completed() >= 2; }, kDeadline));
    EXPECT_EQ(poller->state(), LcdState::Untrusted) << "san=" << san;
    EXPECT_NE(poller->detail().find("issued for another host"), std::string::npos) << poller->detail();
    EXPECT_EQ(standin->game_data_answers(), 0u);
  }
}

TEST(LcdPollerCreate, BadCaOrUrlIsAClearError) {
  LcdPollerOptions options;
  std::string error;
  options.ca_file = "/nonexistent/riotgames.pem";
  EXPECT_FALSE(LcdPoller::create(options, &error));
  EXPECT_NE(error.find("/nonexistent/riotgames.pem"), std::string::npos) << error;

  options.ca_file = fixture_path("classic_order_view.json");  // a file, but no certificate
  EXPECT_FALSE(LcdPoller::create(options, &error));
  EXPECT_NE(error.find("no PEM certificate"), std::string::npos) << error;

  options.ca_file = "";
  for (const char* url : {"http://127.0.0.1:2999", "127.0.0.1:2999", "", "https://"}) {
    options.base_url = url;
    EXPECT_FALSE(LcdPoller::create(options, &error)) << url;
    EXPECT_NE(error.find("https://"), std::string::npos) << error;
  }

  options.base_url = "https://127.0.0.1:2999/";
  auto poller = LcdPoller::create(options, &error);
  ASSERT_TRUE(poller) << error;
  EXPECT_EQ(poller->url(), "https://127.0.0.1:2999/liveclientdata/allgamedata");
  EXPECT_EQ(poller->state(), LcdState::Unknown);  // nothing sent before start()
}

}  // namespace
}  // namespace shotcall::game
