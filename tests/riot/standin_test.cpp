// The stand-in itself, over real HTTP: the shapes it serves, the headers, its limit checking,
// and the riot-standin program. Tests of the watcher rely on all of this.
#include <glib.h>
#include <gtest/gtest.h>
#include <json-glib/json-glib.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <memory>

#include "tests/riot/riot_test_support.hpp"

namespace shotcall::riot::test {
namespace {

std::unique_ptr<RiotStandin> start_standin() {
  std::string error;
  auto s = RiotStandin::start(0, &error);
  EXPECT_TRUE(s) << error;
  if (s) {
    s->set_api_key(kTestKey);
    s->set_rate_limits("20:1,100:120");
  }
  return s;
}

TEST(RiotStandinServer, ServesAccountsAndRiotsNotFoundBody) {
  auto s = start_standin();
  ASSERT_TRUE(s);
  s->add_game(ten_player_game());
  auto a = http_get(s->base_url() + "/riot/account/v1/accounts/by-riot-id/T%C3%AFlda%20Str%C3%B6m/euw");
  EXPECT_EQ(a.status, 200);
  EXPECT_NE(a.body.find("\"gameName\":\"Tïlda Ström\""), std::string::npos) << a.body;
  EXPECT_NE(a.body.find(test_puuid("Tïlda Ström#EUW")), std::string::npos);
  EXPECT_EQ(a.headers["X-App-Rate-Limit"], "20:1,100:120");
  EXPECT_EQ(a.headers["X-App-Rate-Limit-Count"], "1:1,1:120");

  auto missing = http_get(s->base_url() + "/riot/account/v1/accounts/by-riot-id/Nobody/000");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("\"status_code\":404"), std::string::npos);
  EXPECT_NE(missing.headers["X-App-Rate-Limit-Count"].find(",2:120"), std::string::npos);

  auto reqs = s->requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].endpoint, StandinEndpoint::AccountByRiotId);
  EXPECT_EQ(reqs[0].routing, "regional");
  EXPECT_EQ(reqs[0].args, (std::vector<std::string>{"Tïlda Ström", "euw"}));
  EXPECT_EQ(reqs[0].token, std::string(kTestKey));
}

TEST(RiotStandinServer, ServesSummonersByPuuidAsTheTestChangesThem) {
  auto s = start_standin();
  ASSERT_TRUE(s);
  const std::string path = s->base_url() + "/lol/summoner/v4/summoners/by-puuid/";
  auto unknown = http_get(path + "puuid-1");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("\"status_code\":404"), std::string::npos);

  s->set_summoner("puuid-1", 7, 1'700'000'000'000);
  auto first = http_get(path + "puuid-1");
  ASSERT_EQ(first.status, 200);
  EXPECT_NE(first.body.find("\"puuid\":\"puuid-1\""), std::string::npos) << first.body;
  EXPECT_NE(first.body.find("\"profileIconId\":7,"), std::string::npos) << first.body;
  EXPECT_NE(first.body.find("\"revisionDate\":1700000000000"), std::string::npos) << first.body;
  EXPECT_NE(first.body.find("\"summonerLevel\""), std::string::npos) << first.body;

  s->set_summoner("puuid-1", 12, 1'700'000'000'500);
  auto changed = http_get(path + "puuid-1");
  EXPECT_NE(changed.body.find("\"profileIconId\":12,"), std::string::npos) << changed.body;
  EXPECT_NE(changed.body.find("\"revisionDate\":1700000000500"), std::string::npos);

  const auto reqs = s->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[1].endpoint, StandinEndpoint::SummonerByPuuid);
  EXPECT_EQ(reqs[1].routing, "platform");  // a platform host, counted with spectator-v5
  EXPECT_EQ(reqs[1].args, (std::vector<std::string>{"puuid-1"}));
  EXPECT_EQ(changed.headers["X-App-Rate-Limit-Count"], "3:1,3:120");
}

TEST(RiotStandinServer, ServesTheGameWithEveryDocumentedField) {
  auto s = start_standin();
  ASSERT_TRUE(s);
  s->add_game(ten_player_game(42));
  auto g = http_get(s->base_url() + "/lol/spectator/v5/active-games/by-summoner/" + test_puuid("Top Gap#777"));
  ASSERT_EQ(g.status, 200);
  JsonParser* parser = json_parser_new();
  ASSERT_TRUE(json_parser_load_from_data(parser, g.body.c_str(), -1, nullptr));
  JsonObject* o = json_node_get_object(json_parser_get_root(parser));
  for (const char* field : {"gameId", "gameType", "gameStartTime", "mapId", "gameLength", "platformId",
                            "gameMode", "gameQueueConfigId", "bannedChampions", "observers", "participants"}) {
    EXPECT_TRUE(json_object_has_member(o, field)) << field;
  }
  JsonObject* p = json_array_get_object_element(json_object_get_array_member(o, "participants"), 0);
  for (const char* field : {"puuid", "riotId", "teamId", "championId", "bot", "spell1Id", "spell2Id",
                            "profileIconId", "perks", "gameCustomizationObjects"}) {
    EXPECT_TRUE(json_object_has_member(p, field)) << field;
  }
  EXPECT_EQ(json_object_get_int_member(o, "gameId"), 42);
  g_object_unref(parser);

  s->end_game(42);
  auto gone = http_get(s->base_url() + "/lol/spectator/v5/active-games/by-summoner/" + test_puuid("Top Gap#777"));
  EXPECT_EQ(gone.status, 404);
  EXPECT_NE(gone.body.find("spectator game info isn't found"), std::string::npos);
  EXPECT_EQ(s->requests().back().routing, "platform");
}

TEST(RiotStandinServer, ChecksTheKey) {
  auto s = start_standin();
  ASSERT_TRUE(s);
  EXPECT_EQ(http_get(s->base_url() + "/lol/spectator/v5/active-games/by-summoner/x", "").status, 401);
  EXPECT_EQ(http_get(s->base_url() + "/lol/spectator/v5/active-games/by-summoner/x", "RGAPI-wrong").status, 403);
  EXPECT_EQ(http_get(s->base_url() + "/lol/spectator/v5/active-games/by-summoner/x").status, 404);
}

TEST(RiotStandinServer, DetectsAndRefusesRequestsPastALimit) {
  auto s = start_standin();
  ASSERT_TRUE(s);
  s->set_rate_limits("3:60,100:120");  // a long window: the test does not race the clock
  const std::string url = s->base_url() + "/lol/spectator/v5/active-games/by-summoner/x";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(http_get(url).status, 404);
  EXPECT_TRUE(s->limit_violations().empty());
  auto over = http_get(url);
  EXPECT_EQ(over.status, 429);
  EXPECT_EQ(over.headers["X-Rate-Limit-Type"], "application");
  EXPECT_GE(std::atoi(over.headers["Retry-After"].c_str()), 50);
  EXPECT_EQ(s->limit_violations().size(), 1u);
  // Routing values are counted apart.
  EXPECT_EQ(http_get(s->base_url() + "/riot/account/v1/accounts/by-riot-id/a/b").status, 404);
  EXPECT_EQ(s->limit_violations().size(), 1u);
}

TEST(RiotStandinServer, FailsAndStallsOnDemand) {
  auto s = start_standin();
  ASSERT_TRUE(s);
  const std::string url = s->base_url() + "/lol/spectator/v5/active-games/by-summoner/x";
  s->fail_next(429, 1, 3);
  auto limited = http_get(url);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.headers["Retry-After"], "3");
  s->fail_next(503, 2);
  EXPECT_EQ(http_get(url).status, 503);
  EXPECT_EQ(http_get(url).status, 503);
  EXPECT_EQ(http_get(url).status, 404);
  s->add_foreign_requests("platform", 10);
  const std::string counts = http_get(url).headers["X-App-Rate-Limit-Count"];
  EXPECT_NE(counts.find(",15:120"), std::string::npos) << counts;  // 4 + 10 foreign + this one
}

TEST(RiotStandinProgram, ServesAGameFileAndSaysWhereItListens) {
  const std::string game = std::string(SHOTCALL_RIOT_TEST_DATA) + "/spectator_game_euw.json";
  const char* argv[] = {SHOTCALL_RIOT_STANDIN_BINARY, "--port", "0", "--game", game.c_str(), nullptr};
  GPid pid = 0;
  int out_fd = -1;
  GError* error = nullptr;
  ASSERT_TRUE(g_spawn_async_with_pipes(nullptr, const_cast<char**>(argv), nullptr, G_SPAWN_DEFAULT,
                                       nullptr, nullptr, &pid, nullptr, &out_fd, nullptr, &error))
      << (error ? error->message : "");
  // Read the first line (blocking read with a guard: the program prints it at once).
  std::string line;
  char c = 0;
  while (line.size() < 200 && read(out_fd, &c, 1) == 1 && c != '\n') line += c;
  const std::string prefix = "listening on http://127.0.0.1:";
  ASSERT_EQ(line.rfind(prefix, 0), 0u) << line;
  const std::string base = line.substr(std::string("listening on ").size());
  // Participants of the file resolve and see the game.
  auto account = http_get(base + "/riot/account/v1/accounts/by-riot-id/Ahri%20Main/EUW", "");
  EXPECT_EQ(account.status, 200) << account.body;
  auto g = http_get(base + "/lol/spectator/v5/active-games/by-summoner/"
                           "WnyOovRSb-V6c9STSaWteuuqZYUZolYiKBoDG9pu2SavjZdw9X2PP6eG5uy9YKFNsnF6erTJ14mWef", "");
  EXPECT_EQ(g.status, 200);
  EXPECT_NE(g.body.find("\"gameId\": 6912345678"), std::string::npos);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(out_fd);
  g_spawn_close_pid(pid);
}

}  // namespace
}  // namespace shotcall::riot::test
