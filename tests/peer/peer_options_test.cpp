#include <gtest/gtest.h>

#include "app/cli/peer_options.hpp"

namespace shotcall::cli {
namespace {

ParseResult parse(std::vector<std::string> args) { return parse_peer_options(args); }

std::string error_of(std::vector<std::string> args) {
  const auto r = parse(std::move(args));
  const auto* e = std::get_if<ParseError>(&r);
  return e ? e->message : "";
}

const std::vector<std::string> kManual{"--server", "ws://127.0.0.1:1/ws", "--riot-id", "Ahri#EUW",
                                       "--game", "EUW1_1", "--team", "100",
                                       "--teammates", "Garen#EUW,Lux#EUW"};

TEST(PeerOptions, ManualGameWithEveryOption) {
  auto args = kManual;
  args.insert(args.end(), {"--source", "audiotestsrc freq=300", "--sink=fakesink", "--record-dir",
                           "/tmp/r", "--ice-address", "127.0.0.1", "--ice-address", "::1",
                           "--duration", "2.5", "--report", "r.json", "--mute", "--deafen",
                           "--jitter-ms", "30", "--bitrate", "24000", "--frame-ms", "10", "--no-dsp"});
  const auto r = parse(args);
  ASSERT_TRUE(std::holds_alternative<PeerOptions>(r)) << error_of(args);
  const auto& o = std::get<PeerOptions>(r);
  EXPECT_EQ(o.team, 100);
  EXPECT_EQ(o.teammates, (std::vector<std::string>{"Ahri#EUW", "Garen#EUW", "Lux#EUW"}));
  EXPECT_EQ(o.source, "audiotestsrc freq=300");
  EXPECT_EQ(o.sink, "fakesink");
  EXPECT_EQ(o.ice_addresses, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_DOUBLE_EQ(*o.duration_s, 2.5);
  EXPECT_TRUE(o.mute && o.deafen && o.no_dsp);
  EXPECT_EQ(o.jitter_ms, 30);
  EXPECT_EQ(o.bitrate, 24000);
  EXPECT_EQ(o.frame_ms, 10);
}

TEST(PeerOptions, ThePlayerIsNotAddedTwice) {
  auto args = kManual;
  args.back() = "ahri#euw,Garen#EUW";
  const auto r = parse(args);
  const auto& o = std::get<PeerOptions>(r);
  EXPECT_EQ(o.teammates, (std::vector<std::string>{"ahri#euw", "Garen#EUW"}));
}

TEST(PeerOptions, LocalGameDataNeedsNoRiotId) {
  const auto r = parse({"--server", "wss://voice.example/ws", "--lcd-url", "https://127.0.0.1:2999",
                        "--lcd-ca", "ca.pem"});
  ASSERT_TRUE(std::holds_alternative<PeerOptions>(r));
  EXPECT_FALSE(std::get<PeerOptions>(r).riot_id);
}

TEST(PeerOptions, BadArgumentsSayWhatIsWrong) {
  EXPECT_EQ(error_of({}), "--server is required");
  EXPECT_EQ(error_of({"--server", "http://x/ws", "--watch", "--riot-id", "A#1"}),
            "--server must be a ws:// or wss:// URL");
  EXPECT_EQ(error_of({"--server", "ws://x/ws", "--riot-id", "A#1"}),
            "say how to find the game: --game/--team/--teammates, --lcd-url or --watch");
  EXPECT_EQ(error_of({"--server", "ws://x/ws", "--watch"}),
            "--riot-id is required unless the game is read with --lcd-url");
  EXPECT_EQ(error_of({"--server", "ws://x/ws", "--watch", "--riot-id", "nohash"}),
            "--riot-id must look like Name#TAG");
  EXPECT_EQ(error_of({"--server", "ws://x/ws", "--watch", "--lcd-url", "https://a", "--riot-id", "A#1"}),
            "choose one of --game/--team/--teammates, --lcd-url and --watch");
  EXPECT_EQ(error_of({"--bogus"}), "unknown option --bogus");
  EXPECT_EQ(error_of({"--server"}), "--server needs a value");

  auto team = kManual;
  team[7] = "300";
  EXPECT_EQ(error_of(team), "--team must be 100 or 200");
  auto mates = kManual;
  mates.back() = "Garen#EUW,broken";
  EXPECT_EQ(error_of(mates), "--teammates: 'broken' is not a Riot ID (Name#TAG)");
  for (const char* d : {"0", "-1", "abc", "2s"}) {
    auto args = kManual;
    args.insert(args.end(), {"--duration", d});
    EXPECT_EQ(error_of(args), "--duration must be a positive number of seconds") << d;
  }
  auto frame = kManual;
  frame.insert(frame.end(), {"--frame-ms", "15"});
  EXPECT_EQ(error_of(frame), "--frame-ms must be 10 or 20");
  auto flag = kManual;
  flag.push_back("--mute=yes");
  EXPECT_EQ(error_of(flag), "--mute takes no value");
}

TEST(PeerOptions, VerifyRiotNeedsARiotIdAndAKeyButNoGame) {
  const auto r = parse({"--server", "ws://127.0.0.1:1/ws", "--riot-id", "Ahri#EUW", "--verify-riot"});
  ASSERT_TRUE(std::holds_alternative<PeerOptions>(r));
  EXPECT_TRUE(std::get<PeerOptions>(r).verify_riot);
  EXPECT_EQ(error_of({"--server", "ws://x/ws", "--verify-riot"}), "--verify-riot needs --riot-id");
  EXPECT_EQ(error_of({"--server", "ws://x/ws", "--riot-id", "A#1", "--verify-riot", "--no-key"}),
            "--no-key cannot go with --key, --link, --approve or --verify-riot");
  EXPECT_NE(peer_usage().find("verify-icon ICON round N"), std::string::npos);
}

TEST(PeerOptions, HelpAndVersion) {
  EXPECT_TRUE(std::holds_alternative<HelpRequested>(parse({"--help"})));
  EXPECT_TRUE(std::holds_alternative<VersionRequested>(parse({"--version"})));
  EXPECT_NE(peer_usage().find("--teammates"), std::string::npos);
}

TEST(PeerOptions, IceTransportPolicyDefaultsToAll) {
  const auto r = parse(kManual);
  ASSERT_TRUE(std::holds_alternative<PeerOptions>(r)) << error_of(kManual);
  EXPECT_FALSE(std::get<PeerOptions>(r).ice_relay_only);
}

TEST(PeerOptions, IceTransportPolicyRelayAndAll) {
  for (const auto& [args, relay] : std::vector<std::pair<std::vector<std::string>, bool>>{
           {{"--ice-transport-policy", "relay"}, true},
           {{"--ice-transport-policy=relay"}, true},
           {{"--ice-transport-policy", "all"}, false},
           {{"--ice-transport-policy", "relay", "--ice-transport-policy", "all"}, false}}) {
    auto full = kManual;
    full.insert(full.end(), args.begin(), args.end());
    const auto r = parse(full);
    ASSERT_TRUE(std::holds_alternative<PeerOptions>(r)) << error_of(full);
    EXPECT_EQ(std::get<PeerOptions>(r).ice_relay_only, relay) << args.back();
  }
}

TEST(PeerOptions, IceTransportPolicyRejectsOtherWords) {
  for (const std::string bad : {"Relay", "none", "", "relay "}) {
    auto args = kManual;
    args.insert(args.end(), {"--ice-transport-policy", bad});
    EXPECT_EQ(error_of(args), "--ice-transport-policy must be all or relay") << bad;
  }
  auto missing = kManual;
  missing.push_back("--ice-transport-policy");
  EXPECT_EQ(error_of(missing), "--ice-transport-policy needs a value");
  EXPECT_NE(peer_usage().find("--ice-transport-policy all|relay"), std::string::npos);
}

}  // namespace
}  // namespace shotcall::cli
