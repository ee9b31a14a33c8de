// shotcall-peer --verify-riot end to end: the real peer and server, the stand-in Riot API in this
// process. The test plays the player: each `verify-icon ICON round N` line the peer prints, it
// "sets" in the stand-in's summoner (a new revisionDate), until the peer prints `verified` and
// exits 0. The server reads Riot at most every 10 s, so this takes about 20 s.
#include <glib.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/peer/peer_process.hpp"
#include "tests/riot/riot_standin.hpp"

namespace shotcall::test {
namespace {

using riot::test::RiotStandin;

constexpr const char* kKey = "RGAPI-peer-verify-test-key";
constexpr const char* kPuuid = "puuid-verify-peer";

std::int64_t wall_ms() { return g_get_real_time() / 1000; }

// The last `verify-icon ICON round N` line (other lines may have come after it).
std::string last_icon_line(const PeerProcess& peer) {
  std::string last;
  for (const auto& line : peer.lines())
    if (line.rfind("verify-icon ", 0) == 0) last = line;
  return last;
}

// Its icon.
int last_icon(const PeerProcess& peer) {
  const std::string line = last_icon_line(peer);
  return line.empty() ? -1 : std::stoi(line.substr(12));
}

TEST(PeerVerify, PrintsEachIconAndExitsZeroOnceVerified) {
  std::string error;
  auto standin = RiotStandin::start(0, &error);
  ASSERT_TRUE(standin) << error;
  standin->set_api_key(kKey);
  standin->add_account(kPuuid, "Verifier", "EUW");
  standin->set_summoner(kPuuid, 0, wall_ms() - 60'000);
  ServerProcess server({"--riot-api-key-env", "SHOTCALL_E2E_RIOT_KEY", "--riot-platform", "euw1",
                        "--riot-api-base", standin->base_url()},
                       {{"SHOTCALL_E2E_RIOT_KEY", kKey}});
  PeerProcess peer({"--server", server.url(), "--riot-id", "Verifier#EUW", "--verify-riot",
                    "--source", "audiotestsrc is-live=true", "--sink", "fakesink", "--no-dsp"});

  int shown_icon = 0;  // the icon the account shows
  for (int round = 1; round <= 2; ++round) {
    ASSERT_TRUE(peer.wait_for_lines("verify-icon ", round, std::chrono::seconds(40)))
        << peer.transcript();
    const std::string expected = " round " + std::to_string(round);
    EXPECT_NE(last_icon_line(peer).find(expected), std::string::npos) << peer.transcript();
    const int icon = last_icon(peer);
    // A default icon, never the one the account shows (0 in round 1, round 1's in round 2: 0 may
    // come back in round 2).
    ASSERT_GE(icon, 0) << peer.transcript();
    ASSERT_LE(icon, 28) << peer.transcript();
    ASSERT_NE(icon, shown_icon) << peer.transcript();
    standin->set_summoner(kPuuid, icon, wall_ms() + 1000);
    shown_icon = icon;
  }
  ASSERT_TRUE(peer.wait_for_lines("verified", 1, std::chrono::seconds(40))) << peer.transcript();
  const ProcessExit exit = peer.wait_exit(std::chrono::seconds(15));
  EXPECT_TRUE(exit.exited && !exit.signaled) << peer.transcript();
  EXPECT_EQ(exit.status, 0) << peer.transcript();
  EXPECT_EQ(peer.count_lines("verify-icon "), 2u);  // each icon printed once, not per check
}

}  // namespace
}  // namespace shotcall::test
