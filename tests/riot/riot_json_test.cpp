// The Riot body parsers, on the documented shapes (a full spectator fixture written from
// riot-data.md), on extra and missing fields, and on bodies that are not what they claim.
#include <glib.h>
#include <gtest/gtest.h>

#include <string>

#include "signaling/riot/riot_json.hpp"

namespace shotcall::riot {
namespace {

std::string fixture() {
  gchar* text = nullptr;
  gsize length = 0;
  const std::string path = std::string(SHOTCALL_RIOT_TEST_DATA) + "/spectator_game_euw.json";
  if (!g_file_get_contents(path.c_str(), &text, &length, nullptr)) return {};
  std::string out(text, length);
  g_free(text);
  return out;
}

TEST(RiotAccount, ParsesTheDocumentedShapeAndIgnoresExtraFields) {
  const auto r = parse_account(
      R"({"puuid":"p-123","gameName":"Tïlda Ström","tagLine":"EUW","extra":{"x":[1,2]}})");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value->puuid, "p-123");
  EXPECT_EQ(r.value->game_name, "Tïlda Ström");
  EXPECT_EQ(r.value->tag_line, "EUW");
  EXPECT_EQ(r.value->riot_id(), "Tïlda Ström#EUW");
}

TEST(RiotAccount, RefusesBodiesWithoutTheRequiredFields) {
  for (const char* body : {R"({"gameName":"A","tagLine":"B"})", R"({"puuid":"","gameName":"A","tagLine":"B"})",
                           R"({"puuid":7,"gameName":"A","tagLine":"B"})", R"({"puuid":"p","tagLine":"B"})",
                           R"({"puuid":"p","gameName":"A","tagLine":null})", "[]", "\"p\"", "", "{",
                           "null", "{\"puuid\":\"p\"", "\xff\xfe"}) {
    const auto r = parse_account(body);
    EXPECT_FALSE(r.ok()) << body;
    EXPECT_FALSE(r.error.empty()) << body;
  }
}

TEST(RiotSummoner, ParsesIconAndRevisionDateAndRefusesBodiesWithoutThem) {
  const auto s = parse_summoner(
      R"({"puuid":"p-1","profileIconId":7,"revisionDate":1700000000123,"summonerLevel":30})");
  ASSERT_TRUE(s.ok()) << s.error;
  EXPECT_EQ(s.value->puuid, "p-1");
  EXPECT_EQ(s.value->profile_icon_id, 7);
  EXPECT_EQ(s.value->revision_date_ms, 1700000000123);
  for (const char* bad : {R"({"puuid":"p","revisionDate":1})", R"({"profileIconId":1})",
                          R"({"profileIconId":-1,"revisionDate":1})",
                          R"({"profileIconId":"7","revisionDate":1})", "[]", "not json"})
    EXPECT_FALSE(parse_summoner(bad).ok()) << bad;
}

TEST(RiotActiveGame, ParsesTheFullDocumentedFixture) {
  const std::string body = fixture();
  ASSERT_FALSE(body.empty()) << "fixture missing";
  const auto r = parse_active_game(body);
  ASSERT_TRUE(r.ok()) << r.error;
  const ActiveGame& g = *r.value;
  EXPECT_EQ(g.game_id, 6912345678LL);  // past 2^32: must stay a 64-bit integer
  EXPECT_EQ(g.platform_id, "EUW1");
  EXPECT_EQ(g.game_mode, "CLASSIC");
  EXPECT_EQ(g.map_id, 11);
  EXPECT_EQ(g.game_start_time, 1718035200000LL);
  ASSERT_EQ(g.participants.size(), 10u);
  EXPECT_EQ(g.participants[0].riot_id, "Ahri Main#EUW");
  EXPECT_EQ(g.participants[0].team_id, 100);
  EXPECT_EQ(g.participants[0].champion_id, 103);
  EXPECT_EQ(g.participants[0].puuid.size(), 78u);
  EXPECT_FALSE(g.participants[0].bot);
  EXPECT_EQ(g.participants[3].riot_id, "세나#KR1");
  EXPECT_EQ(g.participants[9].team_id, 200);
  EXPECT_EQ(channel_game_id(g), "EUW1_6912345678");
}

TEST(RiotActiveGame, OptionalFieldsMayBeAbsentOrNull) {
  const auto r = parse_active_game(R"({"gameId":42,"platformId":"NA1","participants":[
      {"teamId":100,"puuid":"a","riotId":"A#1","championId":1,"bot":false},
      {"teamId":100,"puuid":null,"championId":2,"bot":true},
      {"teamId":200,"puuid":"c"},
      {"teamId":200.0,"puuid":"d","riotId":null}]})");
  ASSERT_TRUE(r.ok()) << r.error;
  const ActiveGame& g = *r.value;
  EXPECT_EQ(g.game_mode, "");
  EXPECT_EQ(g.map_id, 0);
  EXPECT_EQ(g.game_start_time, 0);
  EXPECT_EQ(g.participants[1].puuid, "");
  EXPECT_TRUE(g.participants[1].bot);
  EXPECT_EQ(g.participants[2].riot_id, "");  // absent riotId: empty
  EXPECT_FALSE(g.participants[2].bot);
  EXPECT_EQ(g.participants[3].team_id, 200);  // integral double accepted
  EXPECT_EQ(g.participants[3].riot_id, "");
  EXPECT_EQ(channel_game_id(g), "NA1_42");
}

TEST(RiotActiveGame, MalformedBodiesGiveClearErrors) {
  struct Case {
    const char* body;
    const char* expected_in_error;
  };
  for (const Case& c : std::initializer_list<Case>{
           {R"({"platformId":"EUW1","participants":[]})", "gameId"},
           {R"({"gameId":"6912345678","platformId":"EUW1","participants":[]})", "gameId"},
           {R"({"gameId":1.5,"platformId":"EUW1","participants":[]})", "gameId"},
           {R"({"gameId":1,"participants":[]})", "platformId"},
           {R"({"gameId":1,"platformId":"","participants":[]})", "platformId"},
           {R"({"gameId":1,"platformId":"EUW1"})", "participants"},
           {R"({"gameId":1,"platformId":"EUW1","participants":{}})", "participants"},
           {R"({"gameId":1,"platformId":"EUW1","participants":[{"teamId":100},7]})", "participants[1]"},
           {R"({"gameId":1,"platformId":"EUW1","participants":[{"puuid":"a"}]})", "participants[0].teamId"},
           {R"({"gameId":1,"platformId":"EUW1","participants":[{"teamId":-100}]})", "teamId"},
           {R"({"gameId":1,"platformId":"EUW1","participants":[{"teamId":"100"}]})", "teamId"},
           {R"({"gameId":1e300,"platformId":"EUW1","participants":[]})", "gameId"},
           {"[1,2,3]", "object"},
           {"", "empty"},
           {"{\"gameId\":", "JSON"},
       }) {
    const auto r = parse_active_game(c.body);
    EXPECT_FALSE(r.ok()) << c.body;
    EXPECT_NE(r.error.find(c.expected_in_error), std::string::npos) << c.body << " -> " << r.error;
  }
}

TEST(RiotActiveGame, SurvivesHostileInput) {
  std::string deep(100000, '[');
  EXPECT_FALSE(parse_active_game(deep).ok());
  EXPECT_FALSE(parse_active_game(std::string(2 << 20, ' ')).ok());  // over the size cap
  std::string with_nul = R"({"gameId":1,"platformId":"EUW1","participants":[]})";
  with_nul.insert(5, 1, '\0');
  EXPECT_FALSE(parse_active_game(with_nul).ok());
}

TEST(RiotError, ParsesRiotsErrorBody) {
  const auto r = parse_riot_error(
      R"({"status":{"message":"Data not found - spectator game info isn't found","status_code":404}})");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value->status_code, 404);
  EXPECT_EQ(r.value->message, "Data not found - spectator game info isn't found");
  const auto no_message = parse_riot_error(R"({"status":{"status_code":429}})");
  ASSERT_TRUE(no_message.ok());
  EXPECT_EQ(no_message.value->message, "");
  EXPECT_FALSE(parse_riot_error(R"({"status":{"message":"x"}})").ok());
  EXPECT_FALSE(parse_riot_error(R"({"status":"404"})").ok());
  EXPECT_FALSE(parse_riot_error("<html>Bad Gateway</html>").ok());
}

TEST(RiotRoster, GivesTheWatchedPlayersTeamWithoutBotsOrNamelessPlayers) {
  ActiveGame g;
  g.game_id = 1;
  g.platform_id = "EUW1";
  g.participants = {
      {"p1", "Ahri Main#EUW", 100, 103, false}, {"p2", "Zoë#LUX", 200, 142, false},
      {"", "Annie Bot", 100, 1, true},          {"p4", "", 100, 64, false},
      {"p5", "Tïlda Ström#EUW", 100, 222, false}, {"p6", "Top Gap#777", 200, 122, false},
  };
  const auto blue = team_roster_for_puuid(g, "p5");
  ASSERT_TRUE(blue);
  EXPECT_EQ(blue->team_id, 100);
  EXPECT_EQ(blue->riot_ids, (std::vector<std::string>{"Ahri Main#EUW", "Tïlda Ström#EUW"}));
  const auto red = team_roster_for_puuid(g, "p2");
  ASSERT_TRUE(red);
  EXPECT_EQ(red->team_id, 200);
  EXPECT_EQ(red->riot_ids, (std::vector<std::string>{"Zoë#LUX", "Top Gap#777"}));
  EXPECT_FALSE(team_roster_for_puuid(g, "nobody"));
  EXPECT_FALSE(team_roster_for_puuid(g, ""));  // the bot's empty puuid matches nothing

  // By Riot ID, case-insensitively with Unicode folding.
  const auto by_id = team_roster_for_riot_id(g, "TÏLDA STRÖM#euw");
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->team_id, 100);
  EXPECT_FALSE(team_roster_for_riot_id(g, "Tilda Strom#EUW"));
  EXPECT_FALSE(team_roster_for_riot_id(g, "\xff#x"));
}

TEST(RiotId, SplitsAtTheHash) {
  EXPECT_EQ(split_riot_id("Ahri Main#EUW"), std::make_optional(std::make_pair(std::string("Ahri Main"), std::string("EUW"))));
  EXPECT_EQ(split_riot_id("세나#KR1")->first, "세나");
  EXPECT_FALSE(split_riot_id("NoTag"));
  EXPECT_FALSE(split_riot_id("#EUW"));
  EXPECT_FALSE(split_riot_id("Name#"));
}

}  // namespace
}  // namespace shotcall::riot
