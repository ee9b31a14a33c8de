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
  EXPECT_EQ(uris.turn, (std::vector<std::string>{
                           "turn://us%3Aer:p%40ss%2Fw@turn.example.org:3478?transport=udp",
                           "turns://us%3Aer:p%40ss%2Fw@turn.example.org:5349"}));
  EXPECT_EQ(uris.skipped.size(), 4u);  // second stun, turn without credentials, two bad URLs
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
