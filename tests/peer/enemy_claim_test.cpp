// The enemy in the team's call, end to end (identity-1): ten shotcall-peer processes in one game,
// two teams of five, and an enemy client that claims the Riot ID of a blue player who is not
// connected yet. Riot IDs are public (every loading screen shows all ten), so only a proof may
// win a seat. Judged from outside: exit codes, event lines, recordings.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "tests/peer/mesh_processes.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

TEST(EnemyClaim, ABoundAbsentTeammateCannotBeImpersonatedAndTakesTheSeatAtOnce) {
  ServerProcess server;
  ToneTeam blue("BLUE", {300, 450, 650, 850, 1100});
  ToneTeam red("RED", {380, 520, 740, 960, 1240});
  constexpr std::size_t kAbsent = 4;

  // Blue's fifth player has used Shotcall on this server before: their device key is bound.
  {
    PeerProcess before(blue.peer_args(kAbsent, server.url(), "EARLIER_GAME"));
    ASSERT_TRUE(before.wait_for_lines("registered ", 1, 30s)) << before.transcript();
    const ProcessExit e = before.terminate();
    ASSERT_TRUE(e.exited && e.status == 0) << before.transcript();
  }

  std::vector<std::unique_ptr<PeerProcess>> peers;
  for (std::size_t i = 0; i < 5; ++i) {
    peers.push_back(std::make_unique<PeerProcess>(red.peer_args(i, server.url(), "ONE_GAME")));
    if (i != kAbsent)
      peers.push_back(std::make_unique<PeerProcess>(blue.peer_args(i, server.url(), "ONE_GAME")));
  }
  for (auto& p : peers)
    ASSERT_TRUE(p->wait_for_lines("registered ", 1, 60s)) << p->transcript();

  // The enemy knows every name on the loading screen and claims the absent blue player, once as
  // a plain v1 client and once with a key of its own: both refused, neither gets a seat.
  const std::string enemy_dir = red.members()[0].dir + "/enemy";
  for (const bool own_key : {false, true}) {
    auto args = blue.peer_args(kAbsent, server.url(), "ONE_GAME");
    const auto record_at = std::find(args.begin(), args.end(), "--record-dir");
    if (record_at != args.end()) *(record_at + 1) = enemy_dir;
    if (own_key)
      args.insert(args.end(), {"--key", enemy_dir + "/enemy.key"});
    else
      args.push_back("--no-key");
    PeerProcess enemy(args);
    const ProcessExit e = enemy.wait_exit(30s);
    ASSERT_TRUE(e.exited) << enemy.transcript();
    EXPECT_EQ(e.status, 1) << enemy.transcript();
    EXPECT_NE(enemy.stderr_text().find("bound to another device"), std::string::npos)
        << enemy.transcript();
    EXPECT_FALSE(enemy.has_line("joined ")) << enemy.transcript();
  }

  // The real player arrives afterwards and takes the seat at once: no riot-id-in-use, no wait.
  peers.push_back(std::make_unique<PeerProcess>(blue.peer_args(kAbsent, server.url(), "ONE_GAME")));
  for (auto& p : peers)
    ASSERT_TRUE(p->wait_for_lines("first-audio ", 4, 180s)) << p->transcript();

  ASSERT_TRUE(run_until(
      [&] {
        for (std::size_t i = 0; i < 5; ++i)
          for (std::size_t j = 0; j < 5; ++j)
            if (i != j && (ToneTeam::file_size(blue.recording(i, j)) < wav_bytes(2) ||
                           ToneTeam::file_size(red.recording(i, j)) < wav_bytes(2)))
              return false;
        return true;
      },
      60s));
  for (auto& p : peers) {
    const ProcessExit e = p->terminate();
    EXPECT_TRUE(e.exited && e.status == 0) << p->transcript();
  }

  // Every blue player heard the real fifth player's tone; the enemy recorded nobody.
  for (std::size_t i = 0; i < 5; ++i) {
    if (i == kAbsent) continue;
    const ToneVerdict v = judge_recording(blue.recording(i, kAbsent), blue.tones());
    ASSERT_TRUE(v.ok) << v.why;
    EXPECT_EQ(v.freq, blue.members()[kAbsent].tone_hz);
    EXPECT_GT(v.ratio, kToneRatio);
  }
  GDir* d = g_dir_open(enemy_dir.c_str(), 0, nullptr);
  if (d) {
    while (const gchar* n = g_dir_read_name(d))
      EXPECT_FALSE(g_str_has_suffix(n, ".wav")) << "the enemy recorded " << n;
    g_dir_close(d);
  }
}

TEST(EnemyClaim, UnderPolicyRiotAnUnverifiedClaimNeverGetsASeat) {
  ServerProcess server({"--identity", "riot"});
  ToneTeam blue("RIOT", {300, 450});
  auto args = blue.peer_args(0, server.url(), "POLICY_GAME");
  args.push_back("--no-key");
  PeerProcess enemy(args);
  ASSERT_TRUE(enemy.wait_for_lines("registered ", 1, 30s)) << enemy.transcript();
  ASSERT_TRUE(enemy.wait_for_lines("server-error proof-required", 1, 30s)) << enemy.transcript();
  EXPECT_FALSE(enemy.has_line("joined ")) << enemy.transcript();
}

}  // namespace
}  // namespace shotcall::test
