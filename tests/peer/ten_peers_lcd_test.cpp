// One game, two teams, ten shotcall-peer processes, each reading its own side of the game from
// its own stand-in of League's Live Client Data API (HTTPS, a throwaway CA). The stand-ins first
// answer 404 (the loading screen), then serve the game. Every peer must end up with exactly its
// four teammates and hear them, nobody may hear an enemy, and when the game ends everyone leaves
// and the server deletes both channels. Judged from outside: recordings, reports, /metrics.
#include <gtest/gtest.h>
#include <json-glib/json-glib.h>

#include <memory>
#include <set>

#include "tests/peer/mesh_processes.hpp"
#include "tests/peer/plain_http.hpp"
#include "tests/support/lcd_standin.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"

namespace shotcall::test {
namespace {

const char* kChampions[10] = {"Ahri", "Garen", "Lux", "Jinx", "Thresh",
                              "Zed", "Darius", "Morgana", "Vayne", "Leona"};

std::string name_of(int i) { return (i < 5 ? "Blue" : "Red") + std::to_string(i % 5 + 1) + "#LCD"; }

// The allgamedata document of one game as player `me` sees it.
std::string game_document(int me) {
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "activePlayer");
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "riotId");
  json_builder_add_string_value(b, name_of(me).c_str());
  json_builder_set_member_name(b, "level");
  json_builder_add_int_value(b, 1);
  json_builder_end_object(b);
  json_builder_set_member_name(b, "allPlayers");
  json_builder_begin_array(b);
  for (int i = 0; i < 10; ++i) {
    const std::string id = name_of(i);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "riotId");
    json_builder_add_string_value(b, id.c_str());
    json_builder_set_member_name(b, "riotIdGameName");
    json_builder_add_string_value(b, id.substr(0, id.find('#')).c_str());
    json_builder_set_member_name(b, "riotIdTagLine");
    json_builder_add_string_value(b, "LCD");
    json_builder_set_member_name(b, "championName");
    json_builder_add_string_value(b, kChampions[i]);
    json_builder_set_member_name(b, "rawChampionName");
    json_builder_add_string_value(b, (std::string{"game_character_displayname_"} + kChampions[i]).c_str());
    json_builder_set_member_name(b, "team");
    json_builder_add_string_value(b, i < 5 ? "ORDER" : "CHAOS");
    json_builder_set_member_name(b, "isBot");
    json_builder_add_boolean_value(b, FALSE);
    json_builder_set_member_name(b, "position");
    json_builder_add_string_value(b, "");
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_set_member_name(b, "gameData");
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "gameMode");
  json_builder_add_string_value(b, "CLASSIC");
  json_builder_set_member_name(b, "mapNumber");
  json_builder_add_int_value(b, 11);
  json_builder_set_member_name(b, "gameTime");
  json_builder_add_double_value(b, 12.5);
  json_builder_end_object(b);
  json_builder_set_member_name(b, "events");
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "Events");
  json_builder_begin_array(b);
  json_builder_end_array(b);
  json_builder_end_object(b);
  json_builder_end_object(b);
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  g_autofree gchar* text = json_to_string(root, FALSE);
  return text;
}

std::string metric(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name + " ");
  if (at == std::string::npos) return "";
  const auto start = at + name.size() + 2;
  return text.substr(start, text.find('\n', start) - start);
}

TEST(TenPeersFromLocalGameData, TwoTeamsFormAndNobodyHearsAnEnemy) {
  ServerProcess server;
  std::vector<double> tones{300, 420, 540, 660, 780, 900, 1020, 1140, 1260, 1380};

  std::vector<std::unique_ptr<LcdStandin>> games;
  gchar* cert_dir = g_dir_make_tmp("shotcall-lcd-certs-XXXXXX", nullptr);
  for (int i = 0; i < 10; ++i) {
    LcdStandinOptions o;
    o.cert_dir = cert_dir;  // the first writes the CA, the others share it
    o.initial_phase = LcdPhase::Loading;
    std::string error;
    games.push_back(LcdStandin::create(o, &error));
    ASSERT_TRUE(games.back()) << error;
    games.back()->set_document(game_document(i));
  }
  g_free(cert_dir);

  ToneTeam people("LCD", tones);  // only for its folders and recording names
  std::vector<std::unique_ptr<PeerProcess>> peers;
  for (int i = 0; i < 10; ++i) {
    char source[128];
    std::snprintf(source, sizeof source, "audiotestsrc is-live=true wave=sine volume=0.3 freq=%.0f",
                  tones[i]);
    peers.push_back(std::make_unique<PeerProcess>(std::vector<std::string>{
        "--server", server.url(), "--lcd-url", games[i]->base_url(), "--lcd-ca",
        games[i]->ca_file(), "--source", source, "--no-dsp", "--sink", "fakesink", "--record-dir",
        people.members()[i].dir, "--ice-address", "127.0.0.1", "--report", people.report(i)}));
  }
  // Everyone sits on the loading screen first.
  for (auto& p : peers)
    ASSERT_TRUE(p->wait_for_lines("detector loading", 1, std::chrono::seconds(60))) << p->transcript();
  for (auto& g : games) g->set_phase(LcdPhase::InGame);

  for (auto& p : peers)
    ASSERT_TRUE(p->wait_for_lines("first-audio ", 4, std::chrono::seconds(180))) << p->transcript();

  const auto recording = [&](int i, int from) {
    std::string file = name_of(from);
    for (char& c : file)
      if (c == '#') c = '_';
    return people.members()[i].dir + "/" + file + ".wav";
  };
  const auto same_team = [](int a, int b) { return (a < 5) == (b < 5); };
  ASSERT_TRUE(run_until(
      [&] {
        for (int i = 0; i < 10; ++i)
          for (int j = 0; j < 10; ++j)
            if (i != j && same_team(i, j) && ToneTeam::file_size(recording(i, j)) < wav_bytes(3))
              return false;
        return true;
      },
      std::chrono::seconds(60)));

  // Game over: every port goes away; everyone leaves and both channels are deleted.
  const std::string before = plain_http_get(server.port(), "/metrics");
  EXPECT_EQ(metric(before, "shotcall_channels"), "2") << before;
  for (auto& g : games) g->set_phase(LcdPhase::Down);
  for (auto& p : peers)
    ASSERT_TRUE(p->wait_for_lines("no-game", 1, std::chrono::seconds(30))) << p->transcript();
  EXPECT_TRUE(run_until(
      [&] { return metric(plain_http_get(server.port(), "/metrics"), "shotcall_channels") == "0"; },
      std::chrono::seconds(20)));
  for (auto& p : peers) {
    const ProcessExit e = p->terminate();
    EXPECT_TRUE(e.exited && e.status == 0) << p->transcript();
  }

  for (int i = 0; i < 10; ++i) {
    // Exactly the four teammates were recorded; no enemy, not oneself.
    std::set<std::string> files;
    GDir* d = g_dir_open(people.members()[i].dir.c_str(), 0, nullptr);
    ASSERT_NE(d, nullptr);
    while (const gchar* n = g_dir_read_name(d))
      if (g_str_has_suffix(n, ".wav")) files.insert(people.members()[i].dir + "/" + n);
    g_dir_close(d);
    std::set<std::string> expected;
    for (int j = 0; j < 10; ++j)
      if (j != i && same_team(i, j)) expected.insert(recording(i, j));
    EXPECT_EQ(files, expected) << name_of(i);

    for (int j = 0; j < 10; ++j) {
      if (j == i || !same_team(i, j)) continue;
      const ToneVerdict v = judge_recording(recording(i, j), tones);
      ASSERT_TRUE(v.ok) << v.why;
      EXPECT_EQ(v.freq, tones[j]) << name_of(i) << " heard " << v.freq << " from " << name_of(j);
      EXPECT_GT(v.ratio, kToneRatio);
    }
  }
}

}  // namespace
}  // namespace shotcall::test
