// Preferences → Identity as the IdentityModel derives it from identity-1's messages, and the
// words of every identity error (shared/protocol-identity.md).
#include <gtest/gtest.h>

#include <cstdlib>

#include "signaling/identity/ed25519.hpp"
#include "signaling/identity/fingerprint.hpp"
#include "ui/identity_model.hpp"
#include "ui/view_model.hpp"

namespace shotcall::ui {
namespace {

using protocol::ErrorCode;
using protocol::IdentityLevel;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string key_of(std::uint8_t fill) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(fill);
  return identity::KeyPair::from_seed(seed)->public_base64url();
}

protocol::HelloReply hello(std::vector<std::string> features, std::string policy = "none") {
  return {"Y2hhbGxlbmdlY2hhbGxlbmdl", std::move(features), std::move(policy)};
}

// A model connected to an identity-1 server that can ask Riot.
IdentityModel connected(std::vector<std::string> features = {"identity-1", "riot-verify"}) {
  IdentityModel m;
  m.set_device_key(key_of(1), true);
  m.on_session(true, "Shotcaller#EUW");
  m.on_hello(hello(std::move(features)));
  m.on_registered(true);
  return m;
}

protocol::Error error(ErrorCode code, const char* re, std::optional<std::int64_t> retry = {}) {
  return {code, "server words", std::string{re}, retry};
}

class IdentityWords : public ::testing::Test {
 protected:
  // Dates in the device list are local time: pin it.
  void SetUp() override { setenv("TZ", "UTC", 1); }
};

TEST(IdentityBadgeText, RiotIsVerifiedNoneAndKeyAreNot) {
  EXPECT_EQ(identity_badge(IdentityLevel::Riot).label, "verified");
  EXPECT_TRUE(identity_badge(IdentityLevel::Riot).verified);
  EXPECT_EQ(identity_badge(IdentityLevel::Key).label, "not verified");
  EXPECT_EQ(identity_badge(IdentityLevel::None).label, "not verified");
  EXPECT_FALSE(identity_badge(IdentityLevel::Key).verified);
  // The two unverified levels say different things about what the server checked.
  EXPECT_NE(identity_badge(IdentityLevel::Key).description,
            identity_badge(IdentityLevel::None).description);
  EXPECT_TRUE(contains(identity_badge(IdentityLevel::Riot).description, "Riot"));
  EXPECT_TRUE(contains(identity_badge(IdentityLevel::Key).description, "key"));
}

TEST(IdentityErrorText, EveryNewCodeSaysWhatToDo) {
  const std::pair<ErrorCode, const char*> expected[] = {
      {ErrorCode::RiotIdBound, "Link this device"},
      {ErrorCode::ProofRequired, "Verify with Riot"},
      {ErrorCode::BadProof, "server address"},
      {ErrorCode::Unavailable, "Try again in a minute"},
      {ErrorCode::VerifyUnavailable, "cannot ask Riot"},
      {ErrorCode::VerifyBusy, "Try again later"},
      {ErrorCode::VerifyFailed, "start again"},
      {ErrorCode::BadLinkCode, "Link this device"},
      {ErrorCode::NoSuchKey, "not bound"},
  };
  for (const auto& [code, words] : expected)
    EXPECT_TRUE(contains(identity_error_text(code), words))
        << protocol::to_wire(code) << ": " << identity_error_text(code);
  EXPECT_EQ(identity_error_text(ErrorCode::ChannelFull), "");
}

TEST(IdentityErrorText, VerifyBusySaysWhenToRetry) {
  EXPECT_TRUE(contains(identity_error_text(ErrorCode::VerifyBusy, 90'000), "in 2 minutes"));
  EXPECT_TRUE(contains(identity_error_text(ErrorCode::VerifyBusy, 4'500), "in 5 seconds"));
  EXPECT_EQ(wait_in_words(1), "1 second");
  EXPECT_EQ(wait_in_words(60'000), "1 minute");
  EXPECT_EQ(wait_in_words(3 * 3600'000), "3 hours");
}

TEST(IdentityModelTest, RiotVerificationTwoRoundsThenVerified) {
  IdentityModel m = connected();
  IdentityView v = m.view();
  EXPECT_TRUE(v.verify_enabled);
  EXPECT_FALSE(v.check_enabled);
  EXPECT_TRUE(contains(v.verify_text, "Shotcaller#EUW"));

  m.on_verify_requested();
  EXPECT_FALSE(m.view().verify_enabled);  // no second request while the first is out

  m.on_challenge({"Shotcaller#EUW", "profile-icon", 17, 1, 1'800'000'000'000});
  v = m.view();
  ASSERT_EQ(v.icon_id, std::optional<int>{17});
  EXPECT_EQ(v.round, 1);
  EXPECT_TRUE(v.check_enabled);
  EXPECT_TRUE(contains(v.verify_text, "Step 1 of 2"));
  EXPECT_TRUE(contains(v.verify_text, "icon 17"));
  EXPECT_TRUE(contains(v.verify_text, "League client"));
  EXPECT_TRUE(contains(v.verify_text, "press Check"));

  // Riot does not show it yet: the same challenge comes back.
  m.on_check_requested();
  EXPECT_FALSE(m.view().check_enabled);
  m.on_challenge({"Shotcaller#EUW", "profile-icon", 17, 1, 1'800'000'000'000});
  v = m.view();
  EXPECT_TRUE(contains(v.verify_text, "does not show icon 17 yet"));
  EXPECT_EQ(v.verify_tone, Tone::Warning);

  m.on_check_requested();
  m.on_challenge({"Shotcaller#EUW", "profile-icon", 4, 2, 1'800'000'000'000});
  v = m.view();
  EXPECT_EQ(v.icon_id, std::optional<int>{4});
  EXPECT_TRUE(contains(v.verify_text, "Step 2 of 2"));
  EXPECT_EQ(v.verify_tone, Tone::Neutral);

  m.on_check_requested();
  m.on_verified({"Shotcaller#EUW", IdentityLevel::Riot});
  v = m.view();
  EXPECT_FALSE(v.icon_id);
  EXPECT_EQ(v.verify_tone, Tone::Good);
  EXPECT_TRUE(contains(v.verify_text, "Verified"));
  EXPECT_TRUE(contains(v.server_text, "You are verified"));
}

TEST(IdentityModelTest, ServerWithoutRiotVerifySaysSoAndWhy) {
  IdentityModel m = connected({"identity-1"});
  const IdentityView v = m.view();
  EXPECT_FALSE(v.verify_enabled);
  EXPECT_TRUE(contains(v.verify_text, "does not offer Riot verification"));
  EXPECT_TRUE(contains(v.verify_text, "Riot API key"));
  // The rest of identity-1 still works there.
  EXPECT_TRUE(v.approve_enabled);
  EXPECT_TRUE(v.link_enabled);
}

TEST(IdentityModelTest, OlderServerAndInsecureAddressDisableEverything) {
  IdentityModel v1;
  v1.set_device_key(key_of(1), true);
  v1.on_session(true, "Shotcaller#EUW");
  v1.on_server_is_v1();
  v1.on_registered(true);
  EXPECT_FALSE(v1.view().can_act);
  EXPECT_TRUE(contains(v1.view().server_text, "older Shotcall server"));

  IdentityModel plain;
  plain.set_device_key(key_of(1), false);
  plain.on_session(true, "Shotcaller#EUW");
  plain.on_hello(hello({"identity-1", "riot-verify"}));
  plain.on_registered(true);
  EXPECT_FALSE(plain.view().verify_enabled);
  EXPECT_FALSE(plain.view().link_enabled);
  EXPECT_TRUE(contains(plain.view().server_text, "wss://"));

  IdentityModel stopped;
  EXPECT_FALSE(stopped.view().can_act);
  EXPECT_TRUE(contains(stopped.view().server_text, "not connected"));
}

TEST(IdentityModelTest, VerificationErrorsInWords) {
  IdentityModel m = connected();
  m.on_verify_requested();
  EXPECT_TRUE(m.on_error(error(ErrorCode::VerifyBusy, "verify-riot", 30'000)));
  IdentityView v = m.view();
  EXPECT_EQ(v.verify_tone, Tone::Error);
  EXPECT_TRUE(contains(v.verify_text, "in 30 seconds"));
  EXPECT_TRUE(v.verify_enabled);  // may start again

  m.on_verify_requested();
  m.on_challenge({"Shotcaller#EUW", "profile-icon", 3, 1, 1'800'000'000'000});
  m.on_check_requested();
  EXPECT_TRUE(m.on_error(error(ErrorCode::VerifyFailed, "verify-riot-check")));
  EXPECT_TRUE(contains(m.view().verify_text, "10 minutes ran out"));
  EXPECT_FALSE(m.view().check_enabled);

  // Errors of other requests are not this page's.
  EXPECT_FALSE(m.on_error(error(ErrorCode::ChannelFull, "join-channel")));

  // Refused before it went out: said where the player pressed.
  m.on_request_failed(IdentityModel::Part::Verify, "not connected to the server yet");
  EXPECT_EQ(m.view().verify_text, "not connected to the server yet");
  m.on_request_failed(IdentityModel::Part::Approve, "A code has 8 letters and digits");
  EXPECT_EQ(m.view().approve_text, "A code has 8 letters and digits");
}

TEST(IdentityModelTest, LinkThisDeviceShowsCodeAndFingerprintUntilApproved) {
  IdentityModel m = connected();
  m.on_link_requested();
  EXPECT_FALSE(m.view().link_enabled);
  EXPECT_TRUE(m.linking());
  m.on_link_code({"ABCD2345", "7QK3M9XZ", 1'800'000'000'000});
  IdentityView v = m.view();
  EXPECT_EQ(v.link_code, "ABCD-2345");
  EXPECT_TRUE(contains(v.link_text, "7QK3M9XZ"));
  EXPECT_TRUE(contains(v.link_text, "Approve another device"));
  m.on_link_approved({key_of(1)});
  EXPECT_FALSE(m.linking());
  EXPECT_TRUE(contains(m.view().link_text, "linked"));
  EXPECT_TRUE(m.view().link_code.empty());
}

TEST(IdentityModelTest, LinkRequestRefused) {
  IdentityModel m = connected();
  m.on_link_requested();
  EXPECT_TRUE(m.on_error(error(ErrorCode::BadProof, "link-request")));
  EXPECT_TRUE(contains(m.view().link_text, "did not accept this device's proof"));
  EXPECT_TRUE(m.view().link_enabled);
}

TEST(IdentityModelTest, ApprovingShowsTheApprovedKeysFingerprintToCompare) {
  IdentityModel m = connected();
  m.on_approve_requested("ABCD2345");
  EXPECT_FALSE(m.view().approve_enabled);
  EXPECT_TRUE(contains(m.view().approve_text, "compare fingerprints"));
  const std::string other = key_of(2);
  m.on_link_approved({other});
  const IdentityView v = m.view();
  EXPECT_EQ(v.approve_tone, Tone::Good);
  EXPECT_TRUE(contains(v.approve_text, fingerprint_of(other)));
  EXPECT_TRUE(contains(v.approve_text, "Unlink"));

  m.on_approve_requested("ZZZZ0000");
  EXPECT_TRUE(m.on_error(error(ErrorCode::BadLinkCode, "link-approve")));
  EXPECT_TRUE(contains(m.view().approve_text, "unknown, expired or already used"));
  EXPECT_EQ(m.view().approve_tone, Tone::Error);
}

TEST_F(IdentityWords, DevicesWithFingerprintLevelAndDates) {
  IdentityModel m = connected();
  EXPECT_TRUE(contains(m.view().devices_text, "Loading"));
  const std::string mine = key_of(1), other = key_of(2);
  // 2026-12-03 10:15 UTC and 2026-12-03 10:20 UTC.
  m.on_devices({{{mine, IdentityLevel::Riot, 1'796'292'900'000, 1'796'293'200'000},
                 {other, IdentityLevel::Key, 1'796'292'900'000, 0}}});
  IdentityView v = m.view();
  ASSERT_EQ(v.devices.size(), 2u);
  EXPECT_TRUE(v.devices[0].this_device);
  EXPECT_FALSE(v.devices[1].this_device);
  EXPECT_EQ(v.devices[0].fingerprint, v.my_fingerprint);
  EXPECT_EQ(v.devices[0].level, "verified with Riot");
  EXPECT_EQ(v.devices[1].level, "device key");
  EXPECT_EQ(v.devices[0].bound, "bound 3 Dec 2026, 10:15");
  EXPECT_EQ(v.devices[0].last_used, "last used 3 Dec 2026, 10:20");
  EXPECT_EQ(v.devices[1].last_used, "never used");
  EXPECT_TRUE(v.devices_text.empty());

  EXPECT_TRUE(contains(v.server_text, "You are verified"));  // this device's level, listed

  m.on_unlink_requested(other);
  m.on_device_unlinked({other});
  v = m.view();
  ASSERT_EQ(v.devices.size(), 1u);
  EXPECT_TRUE(contains(v.devices_text, "Unlinked the device " + fingerprint_of(other)));

  EXPECT_TRUE(m.on_error(error(ErrorCode::NoSuchKey, "unlink-device")));
  EXPECT_EQ(m.view().devices_tone, Tone::Error);
  EXPECT_TRUE(contains(m.view().devices_text, "not bound to your Riot ID any more"));
}

TEST(IdentityFingerprint, OfTheDecodedKey) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(7);
  const auto pair = identity::KeyPair::from_seed(seed);
  EXPECT_EQ(fingerprint_of(pair->public_base64url()), identity::key_fingerprint(pair->public_key));
  EXPECT_EQ(fingerprint_of(pair->public_base64url()).size(), 8u);
  EXPECT_EQ(fingerprint_of("not a key"), "");
  EXPECT_EQ(link_code_in_words("ABCDEFGH"), "ABCD-EFGH");
}

TEST(ViewModelIdentity, RefusedRegistrationInWords) {
  ViewModel vm;
  vm.set_mode(DetectionMode::Server);
  vm.on_session_started("Shotcaller#EUW");
  EXPECT_TRUE(vm.on_server_error(error(ErrorCode::RiotIdBound, "register-user")));
  vm.on_link(net::LinkState::Refused, "the server's own words");
  const StatusText s = vm.status();
  EXPECT_EQ(s.headline, "The server turned you away");
  EXPECT_EQ(s.detail, identity_error_text(ErrorCode::RiotIdBound));
  EXPECT_EQ(s.tone, Tone::Error);
  // A later successful registration forgets it.
  vm.on_link(net::LinkState::Registered, "");
  vm.on_link(net::LinkState::Refused, "riot-id-in-use");
  EXPECT_NE(vm.status().detail, identity_error_text(ErrorCode::RiotIdBound));
  // The identity page's own requests go to the page.
  EXPECT_TRUE(vm.on_server_error(error(ErrorCode::VerifyFailed, "verify-riot-check")));
  EXPECT_FALSE(vm.on_server_error(error(ErrorCode::ChannelFull, "join-channel")));
}

}  // namespace
}  // namespace shotcall::ui
