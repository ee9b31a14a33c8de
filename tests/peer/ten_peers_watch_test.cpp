// The "done when": ten `shotcall-peer --watch` processes, with no game data of their own,
// against a signaling server that watches their games through the stand-in Riot API. The server
// finds the game, splits the ten into their two teams, and each peer hears exactly its four
// teammates; the stand-in saw no more requests than the limits allow, and never without the key.
// When the game ends, every peer leaves and both channels go. Judged from outside: recordings,
// the stand-in's request log, the server's stderr and /metrics.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>

#include "tests/peer/mesh_processes.hpp"
#include "tests/riot/riot_standin.hpp"
#include "tests/support/http_get.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"

namespace shotcall::test {
namespace {

using riot::test::RiotStandin;
using riot::test::StandinGame;
using riot::test::StandinRequest;

constexpr const char* kKey = "RGAPI-0b5e55ed-7a1c-4c3b-9d2e-peerse2ekeysecret";
constexpr const char* kLimits = "20:1,100:10";
constexpr std::int64_t kGameId = 7001234567;

std::string puuid_of(const std::string& riot_id) {
  gchar* sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, riot_id.c_str(), -1);
  std::string p = std::string("puuid-") + sum;
  g_free(sum);
  return p;
}

std::string metric(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name + " ");
  if (at == std::string::npos) return "";
  const auto start = at + name.size() + 2;
  return text.substr(start, text.find('\n', start) - start);
}

// The most requests of one routing value within any `window_ms` (sliding).
int busiest_window(const std::vector<StandinRequest>& log, const std::string& routing,
                   std::int64_t window_ms) {
  std::vector<std::int64_t> times;
  for (const auto& r : log)
    if (r.routing == routing) times.push_back(r.time_ms);
  std::sort(times.begin(), times.end());
  int most = 0;
  std::size_t first = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    while (times[i] - times[first] >= window_ms) ++first;
    most = std::max(most, static_cast<int>(i - first + 1));
  }
  return most;
}

std::set<std::string> wav_files(const std::string& dir) {
  std::set<std::string> files;
  GDir* d = g_dir_open(dir.c_str(), 0, nullptr);
  if (!d) return files;
  while (const gchar* n = g_dir_read_name(d))
    if (g_str_has_suffix(n, ".wav")) files.insert(dir + "/" + n);
  g_dir_close(d);
  return files;
}


TEST(TenPeersWatching, TheServerSplitsTheGameIntoTwoTeamsWithinRiotsLimits) {
  std::string error;
  auto standin = RiotStandin::start(0, &error);
  ASSERT_TRUE(standin) << error;
  standin->set_api_key(kKey);
  standin->set_rate_limits(kLimits);

  ToneTeam blue("BLUE", {300, 420, 540, 660, 780});
  ToneTeam red("RED", {900, 1020, 1140, 1260, 1380});
  const ToneTeam* teams[2] = {&blue, &red};
  std::vector<double> all_tones = blue.tones();
  for (double t : red.tones()) all_tones.push_back(t);
  StandinGame game;
  game.game_id = kGameId;
  int champion = 1;
  for (int t = 0; t < 2; ++t) {
    for (const auto& m : teams[t]->members()) {
      const std::string name = m.riot_id.substr(0, m.riot_id.find('#'));
      standin->add_account(puuid_of(m.riot_id), name, m.riot_id.substr(m.riot_id.find('#') + 1));
      game.participants.push_back({puuid_of(m.riot_id), m.riot_id, t == 0 ? 100 : 200, ++champion, false});
    }
  }

  ServerProcess server({"--riot-api-key-env", "SHOTCALL_E2E_RIOT_KEY", "--riot-platform", "euw1",
                        "--riot-api-base", standin->base_url(), "--riot-rate-limits", kLimits,
                        "--riot-poll-interval", "500", "--riot-game-check-interval", "1000",
                        "--riot-end-confirmations", "2"},
                       {{"SHOTCALL_E2E_RIOT_KEY", kKey}});

  // peers[t * 5 + i]: member i of team t.
  std::vector<std::unique_ptr<PeerProcess>> peers;
  {
    for (int t = 0; t < 2; ++t) {
      for (std::size_t i = 0; i < 5; ++i) {
        const TeamMember& m = teams[t]->members()[i];
        char source[128];
        std::snprintf(source, sizeof source, "audiotestsrc is-live=true wave=sine volume=0.3 freq=%.0f",
                      m.tone_hz);
        peers.push_back(std::make_unique<PeerProcess>(std::vector<std::string>{
            "--server", server.url(), "--riot-id", m.riot_id, "--watch", "--source", source,
            "--no-dsp", "--sink", "fakesink", "--record-dir", m.dir, "--ice-address", "127.0.0.1", "--report",
            teams[t]->report(i)}));
      }
    }
  }
  // Everyone is watched before the game starts: the server has to find it by polling.
  for (auto& p : peers)
    ASSERT_TRUE(p->wait_for_lines("watching ", 1, std::chrono::seconds(60))) << p->transcript();
  standin->add_game(game);

  for (auto& p : peers)
    ASSERT_TRUE(p->wait_for_lines("first-audio ", 4, std::chrono::seconds(180))) << p->transcript();
  ASSERT_TRUE(run_until(
      [&] {
        for (int t = 0; t < 2; ++t)
          for (std::size_t i = 0; i < 5; ++i)
            for (std::size_t j = 0; j < 5; ++j)
              if (i != j && ToneTeam::file_size(teams[t]->recording(i, j)) < wav_bytes(3))
                return false;
        return true;
      },
      std::chrono::seconds(60)));
  const std::string during = http_get(server.http_url("/metrics")).body;
  EXPECT_EQ(metric(during, "shotcall_channels"), "2") << during;
  EXPECT_EQ(metric(during, "shotcall_riot_games"), "1") << during;

  // Game over: the stand-in stops serving it; every peer is told, leaves, and both channels go.
  standin->end_game(kGameId);
  for (auto& p : peers)
    ASSERT_TRUE(p->wait_for_lines("phase no-game", 2, std::chrono::seconds(60))) << p->transcript();
  EXPECT_TRUE(run_until(
      [&] { return metric(http_get(server.http_url("/metrics")).body, "shotcall_channels") == "0"; },
      std::chrono::seconds(30)));
  for (auto& p : peers) {
    const ProcessExit e = p->terminate();
    EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << p->transcript();
  }

  for (int t = 0; t < 2; ++t) {
    for (std::size_t i = 0; i < 5; ++i) {
      const std::string& me = teams[t]->members()[i].riot_id;
      // Exactly the four teammates were recorded: nobody from the other team, not oneself.
      std::set<std::string> expected;
      for (std::size_t j = 0; j < 5; ++j)
        if (j != i) expected.insert(teams[t]->recording(i, j));
      EXPECT_EQ(wav_files(teams[t]->members()[i].dir), expected) << me;
      for (std::size_t j = 0; j < 5; ++j) {
        if (j == i) continue;
        const ToneVerdict v = judge_recording(teams[t]->recording(i, j), all_tones);
        ASSERT_TRUE(v.ok) << v.why;
        EXPECT_GE(v.seconds, 3.0);
        EXPECT_EQ(v.freq, teams[t]->members()[j].tone_hz)
            << me << " heard " << v.freq << " Hz from " << teams[t]->members()[j].riot_id;
        EXPECT_GT(v.ratio, kToneRatio) << teams[t]->recording(i, j);
      }
    }
  }

  // Riot's side: within every window, the key on every request, and no 429 ever needed.
  const auto log = standin->requests();
  EXPECT_TRUE(standin->limit_violations().empty()) << standin->limit_violations().front();
  for (const char* routing : {"platform", "regional"}) {
    EXPECT_LE(busiest_window(log, routing, 1000), 20) << routing;
    EXPECT_LE(busiest_window(log, routing, 10000), 100) << routing;
  }
  for (const auto& r : log) {
    EXPECT_EQ(r.token, std::optional<std::string>{kKey}) << r.path;
    EXPECT_NE(r.status, 429) << r.path;
  }
  // At most one account lookup each (fewer when a game answer named a player first).
  EXPECT_LE(standin->count(riot::test::StandinEndpoint::AccountByRiotId), 10u);
  EXPECT_EQ(server.stderr_text().find(kKey), std::string::npos) << server.stderr_text();
  EXPECT_EQ(http_get(server.http_url("/metrics")).body.find(kKey), std::string::npos);
}

}  // namespace
}  // namespace shotcall::test
