// The engine's pure helpers: ICE server URIs, recording names, speaking detection.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app/media/ice_servers.hpp"
#include "app/media/recording_path.hpp"
#include "app/media/speaking_detector.hpp"

namespace shotcall::media {
namespace {

TEST(IceServers, ConvertsBrowserUrlsToWebrtcbinUris) {
  std::vector<protocol::IceServer> servers = {
      {{"stun:stun.example.org:19302", "stun:second.example.org"}, std::nullopt, std::nullopt},
      {{"turn:turn.example.org?transport=udp", "turns:turn.example.org:5349"}, "us:er", "p@ss/w"},
      {{"turn:nocreds.example.org"}, std::nullopt, std::nullopt},
      {{"http://nope", "garbage"}, std::nullopt, std::nullopt},
  };
  GstIceUris uris = to_gst_ice_uris(servers);
  EXPECT_EQ(uris.stun, "stun://stun.example.org:19302");
  EXPECT_EQ(uris.stuns, (std::vector<std::string>{"stun://stun.example.org:19302",
                                                  "stun://second.example.org:3478"}));
  EXPECT_EQ(uris.turn, (std::vector<std::string>{
                           "turn://us%3Aer:p%40ss%2Fw@turn.example.org:3478?transport=udp",
                           "turns://us%3Aer:p%40ss%2Fw@turn.example.org:5349"}));
  EXPECT_EQ(uris.skipped.size(), 3u);  // turn without credentials, two bad URLs
}

TEST(IceServers, AUrlWithoutAPortTakesItsSchemesDefault) {
  // RFC 7065: turn: on 3478, turns: (TLS) on 5349. 3478 for turns: would reach a plain port.
  auto uris = to_gst_ice_uris(
      {{{"turn:relay.example.org?transport=tcp", "turns:relay.example.org"}, "u", "p"}});
  EXPECT_EQ(uris.turn,
            (std::vector<std::string>{"turn://u:p@relay.example.org:3478?transport=tcp",
                                      "turns://u:p@relay.example.org:5349"}));
}

TEST(IceServers, RestUsernamesKeepTheirColonEscaped) {
  // coturn's REST scheme: "<expiry>:<opaque>" and a base64 credential ('+', '/', '=').
  auto uris = to_gst_ice_uris(
      {{{"turn:127.0.0.1:3478?transport=udp"}, "1796307155:team-a", "McIG6i+7XG/Fr45=="}});
  EXPECT_EQ(uris.turn, (std::vector<std::string>{"turn://1796307155%3Ateam-a:McIG6i%2B7XG%2FFr45"
                                                 "%3D%3D@127.0.0.1:3478?transport=udp"}));
}

TEST(IceServers, EveryStunServerOnceInOrderStunsSkipped) {
  auto uris = to_gst_ice_uris({
      {{"stun:a.example.org", "stuns:tls.example.org:5349"}, std::nullopt, std::nullopt},
      {{"stun:b.example.org:3479", "stun:a.example.org:3478"}, std::nullopt, std::nullopt},
      {{"stun:c.example.org"}, std::nullopt, std::nullopt},
  });
  EXPECT_EQ(uris.stuns,
            (std::vector<std::string>{"stun://a.example.org:3478", "stun://b.example.org:3479",
                                      "stun://c.example.org:3478"}));
  EXPECT_EQ(uris.skipped, (std::vector<std::string>{"stuns:tls.example.org:5349"}));
}

TEST(IceServers, RebuiltLinksTakeTheNextStunServer) {
  auto uris = to_gst_ice_uris({{{"stun:a.example.org", "stun:b.example.org", "stun:c.example.org"},
                                std::nullopt,
                                std::nullopt}});
  EXPECT_EQ(stun_for_attempt(uris, 0), "stun://a.example.org:3478");  // the first link
  EXPECT_EQ(stun_for_attempt(uris, 1), "stun://b.example.org:3478");  // first rebuild
  EXPECT_EQ(stun_for_attempt(uris, 2), "stun://c.example.org:3478");
  EXPECT_EQ(stun_for_attempt(uris, 3), "stun://a.example.org:3478");  // round again
  EXPECT_EQ(stun_for_attempt(uris, 3002), "stun://c.example.org:3478");

  auto one = to_gst_ice_uris({{{"stun:only.example.org"}, std::nullopt, std::nullopt}});
  for (std::size_t attempt = 0; attempt < 4; ++attempt)
    EXPECT_EQ(stun_for_attempt(one, attempt), "stun://only.example.org:3478");

  auto none = to_gst_ice_uris({{{"turn:t.example.org"}, "u", "p"}});
  EXPECT_EQ(stun_for_attempt(none, 0), std::nullopt);
  EXPECT_EQ(stun_for_attempt(none, 5), std::nullopt);
}

TEST(IceServers, KeepsIpv6Hosts) {
  auto uris = to_gst_ice_uris({{{"stun:[::1]:3478"}, std::nullopt, std::nullopt}});
  EXPECT_EQ(uris.stun, "stun://[::1]:3478");
  auto noport = to_gst_ice_uris({{{"stun:[::1]"}, std::nullopt, std::nullopt}});
  EXPECT_EQ(noport.stun, "stun://[::1]:3478");
}

TEST(RecordingPath, SanitisesEveryCharacterOutsideTheSafeSet) {
  EXPECT_EQ(sanitize_display_name("Faker#KR1"), "Faker_KR1");
  EXPECT_EQ(sanitize_display_name("../../etc/passwd"), ".._.._etc_passwd");
  EXPECT_EQ(sanitize_display_name("a b\tc\n"), "a_b_c_");
  EXPECT_EQ(sanitize_display_name("Zoë"), "Zo_");  // one '_' per character, not per byte
  EXPECT_EQ(sanitize_display_name(""), "peer");
  EXPECT_EQ(sanitize_display_name(std::string(300, 'x')).size(), 100u);
  EXPECT_EQ(sanitize_display_name("ok-name_1.2"), "ok-name_1.2");
}

TEST(RecordingPath, NeverReusesAnExistingFile) {
  auto dir = std::filesystem::temp_directory_path() / "shotcall-recpath-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string first = unique_recording_path(dir.string(), "Bob#1");
  EXPECT_EQ(first, (dir / "Bob_1.wav").string());
  std::ofstream(first) << "x";
  std::string second = unique_recording_path(dir.string(), "Bob#1");
  EXPECT_EQ(second, (dir / "Bob_1-2.wav").string());
  std::ofstream(second) << "x";
  EXPECT_EQ(unique_recording_path(dir.string(), "Bob#1"), (dir / "Bob_1-3.wav").string());
  std::filesystem::remove_all(dir);
}

TEST(SpeakingDetector, OnAtThresholdOffAfterHangover) {
  SpeakingDetector d(-45.0, 300);
  EXPECT_EQ(d.feed(-60, 0), std::nullopt);
  EXPECT_EQ(d.feed(-30, 50), true);
  EXPECT_EQ(d.feed(-30, 100), std::nullopt);
  EXPECT_EQ(d.feed(-70, 150), std::nullopt);  // a pause between words
  EXPECT_EQ(d.feed(-70, 399), std::nullopt);
  EXPECT_EQ(d.feed(-40, 420), std::nullopt);  // loud again: still speaking, hangover restarts
  EXPECT_EQ(d.feed(-70, 700), std::nullopt);
  EXPECT_EQ(d.feed(-70, 720), false);
  EXPECT_FALSE(d.speaking());
  EXPECT_EQ(d.feed(-45, 800), true);  // the threshold itself counts
  EXPECT_TRUE(d.reset());
  EXPECT_FALSE(d.reset());
}

}  // namespace
}  // namespace shotcall::media
