// coturn's time-limited credentials (signaling/core/turn_credentials.hpp): HMAC-SHA1 against
// RFC 2202's vectors, base64 against RFC 4648's, and a whole credential against one computed
// outside the project.
#include "signaling/core/turn_credentials.hpp"

#include <gtest/gtest.h>

#include <string>

namespace shotcall::core {
namespace {

std::string hex(const std::array<std::uint8_t, 20>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
  return out;
}

std::string repeat(unsigned char byte, std::size_t n) {
  return std::string(n, static_cast<char>(byte));
}

// RFC 2202 section 3, test cases 1 to 7.
TEST(TurnCredentials, HmacSha1MatchesRfc2202) {
  std::string key4;
  for (int i = 1; i <= 25; ++i) key4 += static_cast<char>(i);
  const struct {
    std::string key, data, digest;
  } cases[] = {
      {repeat(0x0b, 20), "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"},
      {"Jefe", "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
      {repeat(0xaa, 20), repeat(0xdd, 50), "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
      {key4, repeat(0xcd, 50), "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
      {repeat(0x0c, 20), "Test With Truncation", "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
      {repeat(0xaa, 80), "Test Using Larger Than Block-Size Key - Hash Key First",
       "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
      {repeat(0xaa, 80),
       "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
       "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
  };
  for (const auto& c : cases) EXPECT_EQ(hex(hmac_sha1(c.key, c.data)), c.digest) << c.data;
}

// RFC 4648 section 10: padding included, as coturn compares it.
TEST(TurnCredentials, Base64MatchesRfc4648) {
  const auto b64 = [](std::string_view s) {
    return base64_encode(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  };
  EXPECT_EQ(b64(""), "");
  EXPECT_EQ(b64("f"), "Zg==");
  EXPECT_EQ(b64("fo"), "Zm8=");
  EXPECT_EQ(b64("foo"), "Zm9v");
  EXPECT_EQ(b64("foob"), "Zm9vYg==");
  EXPECT_EQ(b64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(b64("foobar"), "Zm9vYmFy");
}

// The expected credential was computed outside this code, with
//   printf '%s' '1700043200:p1' |
//     openssl dgst -sha1 -hmac 'north-wind-relay-secret-0001' -binary | base64
// and checked with Python's hmac.new(secret, username, hashlib.sha1) + base64.b64encode.
constexpr const char* kSecret = "north-wind-relay-secret-0001";
constexpr const char* kCredential = "4nu1JHnU1TzwPe68P1ItsR/ObMQ=";

TEST(TurnCredentials, MintsCoturnsRestSchemeCredential) {
  const TurnCredential c = mint_turn_credential(kSecret, 1700043200, "p1");
  EXPECT_EQ(c.username, "1700043200:p1");
  EXPECT_EQ(c.credential, kCredential);
}

TEST(TurnCredentials, AnotherSecretExpiryOrIdGivesAnotherCredential) {
  EXPECT_NE(mint_turn_credential("north-wind-relay-secret-0002", 1700043200, "p1").credential,
            kCredential);
  EXPECT_NE(mint_turn_credential(kSecret, 1700043201, "p1").credential, kCredential);
  EXPECT_NE(mint_turn_credential(kSecret, 1700043200, "p2").credential, kCredential);
}

TEST(TurnCredentials, IceServerExpiresTtlAfterNowInWholeSeconds) {
  const TurnSecretConfig config{
      {"turn:relay.example:3478?transport=udp", "turn:relay.example:3478?transport=tcp",
       "turns:relay.example:5349"},
      kSecret,
      43200};
  // 999 ms past the second still counts as that second: the credential never outlives its ttl.
  const protocol::IceServer ice = turn_ice_server(config, 1'700'000'000'999, "p1");
  EXPECT_EQ(ice.urls, config.urls);
  EXPECT_EQ(ice.username, "1700043200:p1");
  EXPECT_EQ(ice.credential, kCredential);
}

}  // namespace
}  // namespace shotcall::core
