// parse_all_game_data() on realistic allgamedata documents (tests/game/fixtures) and on bodies
// that are broken in the ways a socket can break them.
#include "app/game/lcd_parser.hpp"

#include <glib.h>
#include <gtest/gtest.h>

#include "tests/game/fixtures.hpp"

namespace shotcall::game {
namespace {

using game_test::read_fixture;
using game_test::replace_first;

LcdParseResult parse_fixture(const std::string& name) { return parse_all_game_data(read_fixture(name)); }

std::string sha256_prefix(const std::string& text) {
  gchar* hex = g_compute_checksum_for_string(G_CHECKSUM_SHA256, text.c_str(), static_cast<gssize>(text.size()));
  std::string id = "lcd-" + std::string{hex}.substr(0, 16);
  g_free(hex);
  return id;
}

TEST(LcdParser, ClassicGameFromOrder) {
  const auto r = parse_fixture("classic_order_view.json");
  ASSERT_TRUE(r.ok()) << r.error;
  const GameSnapshot& s = *r.snapshot;
  EXPECT_EQ(s.player_riot_id, "Shotcaller#EUW");
  EXPECT_EQ(s.team, "ORDER");
  EXPECT_EQ(s.team_id, 100);
  EXPECT_EQ(s.game_mode, "CLASSIC");
  EXPECT_EQ(s.map_number, 11);
  EXPECT_EQ(s.map_name, "Map11");
  EXPECT_DOUBLE_EQ(s.game_time, 845.3127);
  EXPECT_EQ(s.game_id, "lcd-f5faa35b6f97a261");
  EXPECT_EQ(s.roster(), (std::vector<std::string>{"Shotcaller#EUW", "Ñandú#ÁÉ", "Саша#RU1",
                                                  "ジンクス好き#JP1", "Lane Bully#NA1"}));
  ASSERT_EQ(s.teammates.size(), 5u);
  EXPECT_TRUE(s.teammates[0].is_player);
  for (std::size_t i = 1; i < 5; ++i) EXPECT_FALSE(s.teammates[i].is_player);
  EXPECT_EQ(s.teammates[0].champion_id, "Annie");
  EXPECT_EQ(s.teammates[0].position, "MIDDLE");
  EXPECT_EQ(s.teammates[2].champion_id, "LeeSin");
  EXPECT_EQ(s.teammates[2].champion_name, "Lee Sin");
  EXPECT_EQ(s.teammates[2].position, "JUNGLE");
  EXPECT_EQ(s.teammates[4].champion_id, "Leona");
  EXPECT_EQ(s.teammates[4].position, "UTILITY");
}

TEST(LcdParser, SameGameFromChaosInKorean) {
  const auto r = parse_fixture("classic_chaos_view_ko.json");
  ASSERT_TRUE(r.ok()) << r.error;
  const GameSnapshot& s = *r.snapshot;
  EXPECT_EQ(s.player_riot_id, "Ölwechsel#DE1");
  EXPECT_EQ(s.team, "CHAOS");
  EXPECT_EQ(s.team_id, 200);
  EXPECT_EQ(s.roster(), (std::vector<std::string>{"페이커팬#KR1", "Ölwechsel#DE1", "ZED MAIN#euw",
                                                  "Quiet One#0001", "Mønster#NO1"}));
  EXPECT_TRUE(s.teammates[1].is_player);
  // championName is translated, rawChampionName is not: ids stay English, names are Korean.
  EXPECT_EQ(s.teammates[1].champion_id, "Darius");
  EXPECT_EQ(s.teammates[1].champion_name, "다리우스");
  EXPECT_EQ(s.teammates[2].champion_id, "Khazix");
  EXPECT_EQ(s.teammates[2].champion_name, "카직스");
  EXPECT_EQ(s.game_id, "lcd-f5faa35b6f97a261");
}

TEST(LcdParser, ActivePlayerMatchedCaseInsensitively) {
  std::string body = read_fixture("classic_order_view.json");
  // The activePlayer block comes first in the document, so the first occurrences are its own.
  body = replace_first(body, "\"riotId\": \"Shotcaller#EUW\"", "\"riotId\": \"SHOTCALLER#euw\"");
  body = replace_first(body, "\"summonerName\": \"Shotcaller#EUW\"", "\"summonerName\": \"nobody\"");
  const auto r = parse_all_game_data(body);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.snapshot->player_riot_id, "SHOTCALLER#euw");  // the activePlayer's own copy
  EXPECT_EQ(r.snapshot->team, "ORDER");
  EXPECT_TRUE(r.snapshot->teammates[0].is_player);
  EXPECT_EQ(r.snapshot->teammates[0].riot_id, "Shotcaller#EUW");
}

TEST(LcdParser, ActivePlayerMatchedAcrossUnicodeCaseAndNormalisation) {
  std::string body = read_fixture("classic_chaos_view_ko.json");
  // Make Ñandú#ÁÉ (ORDER) the active player, spelt lower-case and decomposed (NFD).
  body = replace_first(body, "\"riotId\": \"Ölwechsel#DE1\"",
                       "\"riotId\": \"n\\u0303andu\\u0301#a\\u0301e\\u0301\"");
  const auto r = parse_all_game_data(body);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.snapshot->team, "ORDER");
  EXPECT_TRUE(r.snapshot->teammates[1].is_player);
  EXPECT_EQ(r.snapshot->teammates[1].riot_id, "Ñandú#ÁÉ");
}

TEST(LcdParser, BotOnOwnTeamIsNotOnTheRoster) {
  const auto r = parse_fixture("bot_on_own_team.json");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.snapshot->player_riot_id, "Little Mage#OCE");
  EXPECT_EQ(r.snapshot->roster(),
            (std::vector<std::string>{"Hüttenkäse#CH1", "Little Mage#OCE", "Tanky Boi#BR1"}));
  EXPECT_TRUE(r.snapshot->teammates[1].is_player);
}

TEST(LcdParser, AramOnHowlingAbyssWithGermanNames) {
  const auto r = parse_fixture("aram_map12_de.json");
  ASSERT_TRUE(r.ok()) << r.error;
  const GameSnapshot& s = *r.snapshot;
  EXPECT_EQ(s.game_mode, "ARAM");
  EXPECT_EQ(s.map_number, 12);
  EXPECT_EQ(s.map_name, "Map12");
  EXPECT_EQ(s.player_riot_id, "Глория#EUNE");
  EXPECT_EQ(s.team_id, 100);
  ASSERT_EQ(s.teammates.size(), 5u);
  EXPECT_EQ(s.teammates[0].champion_id, "Nunu");
  EXPECT_EQ(s.teammates[0].champion_name, "Nunu und Willump");
  EXPECT_EQ(s.teammates[3].champion_id, "MonkeyKing");
  EXPECT_EQ(s.teammates[3].champion_name, "Wukong");
  for (const auto& t : s.teammates) EXPECT_EQ(t.position, "");
  const std::string text =
      "CHAOS|ez clap#oce|game_character_displayname_Ezreal\n"
      "CHAOS|luxuria#tr1|game_character_displayname_Lux\n"
      "CHAOS|ojo grande#las|game_character_displayname_Velkoz\n"
      "CHAOS|sion ult#na1|game_character_displayname_Sion\n"
      "CHAOS|김치찌개#kr2|game_character_displayname_KogMaw\n"
      "ORDER|affenkönig#afk|game_character_displayname_MonkeyKing\n"
      "ORDER|brückenbauer#de1|game_character_displayname_Nunu\n"
      "ORDER|könig jarvan#de1|game_character_displayname_JarvanIV\n"
      "ORDER|mundo fan#euw|game_character_displayname_DrMundo\n"
      "ORDER|глория#eune|game_character_displayname_Renata\n"
      "ARAM|12";
  EXPECT_EQ(s.game_id, sha256_prefix(text));
}

TEST(LcdParser, OldBuildWithSummonerNamesOnly) {
  const auto r = parse_fixture("legacy_summoner_name.json");
  ASSERT_TRUE(r.ok()) << r.error;
  const GameSnapshot& s = *r.snapshot;
  EXPECT_EQ(s.player_riot_id, "Ñandú");  // \u00d1and\u00fa in the document
  EXPECT_EQ(s.roster(), (std::vector<std::string>{"Ñandú", "xXJungleKingXx", "Top Diff", "MidOrFeed",
                                                  "Ward Bot 3000"}));
  const std::string text =
      "CHAOS|enemy five|game_character_displayname_Nami\n"
      "CHAOS|enemy four|game_character_displayname_Malphite\n"
      "CHAOS|enemy one|game_character_displayname_Yasuo\n"
      "CHAOS|enemy three|game_character_displayname_Elise\n"
      "CHAOS|enemy two|game_character_displayname_Vayne\n"
      "ORDER|midorfeed|game_character_displayname_Syndra\n"
      "ORDER|top diff|game_character_displayname_Fiora\n"
      "ORDER|ward bot 3000|game_character_displayname_Janna\n"
      "ORDER|xxjunglekingxx|game_character_displayname_Warwick\n"
      "ORDER|ñandú|game_character_displayname_Ashe\n"
      "CLASSIC|11";
  EXPECT_EQ(s.game_id, sha256_prefix(text));
}

TEST(LcdParser, UnknownFieldsIgnoredOptionalFieldsMissing) {
  const auto r = parse_fixture("extra_fields.json");
  ASSERT_TRUE(r.ok()) << r.error;
  const GameSnapshot& s = *r.snapshot;
  // Same game as classic_order_view: riotId rebuilt from its parts, a mistyped isBot read as
  // "not a bot", so the id matches.
  EXPECT_EQ(s.game_id, "lcd-f5faa35b6f97a261");
  EXPECT_EQ(s.teammates[2].riot_id, "Саша#RU1");
  EXPECT_EQ(s.teammates[1].position, "");
  EXPECT_EQ(s.teammates[1].champion_name, "");
  EXPECT_EQ(s.teammates[1].champion_id, "Garen");
  EXPECT_EQ(s.map_name, "");
  EXPECT_DOUBLE_EQ(s.game_time, 0.0);
}

TEST(LcdParser, IntegralMapNumberWrittenAsDecimalFraction) {
  std::string body = replace_first(read_fixture("aram_map12_de.json"), "\"mapNumber\": 12", "\"mapNumber\": 12.0");
  const auto r = parse_all_game_data(body);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.snapshot->map_number, 12);
}

TEST(LcdParser, ChampionIdFromRawName) {
  EXPECT_EQ(champion_id_from_raw("game_character_displayname_Annie"), "Annie");
  EXPECT_EQ(champion_id_from_raw("game_character_displayname_"), "");
  EXPECT_EQ(champion_id_from_raw("Annie"), "Annie");
}

struct Broken {
  const char* fixture;
  const char* error_part;
};

class LcdParserBroken : public ::testing::TestWithParam<Broken> {};

TEST_P(LcdParserBroken, IsAnErrorWithAMessage) {
  const auto r = parse_fixture(GetParam().fixture);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find(GetParam().error_part), std::string::npos) << r.error;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, LcdParserBroken,
    ::testing::Values(Broken{"truncated.json", "not JSON"}, Broken{"not_json.json", "not JSON"},
                      Broken{"empty.json", "empty body"}, Broken{"array_root.json", "not a JSON object"},
                      Broken{"missing_active_player.json", "no activePlayer"},
                      Broken{"active_player_not_listed.json", "Somebody Else#404 is not in allPlayers"},
                      Broken{"spectator.json", "Spectator mode"}));

std::string game_a() { return read_fixture("classic_order_view.json"); }

TEST(LcdParserBrokenInline, StructuralProblems) {
  const std::pair<std::string, std::string> cases[] = {
      {"{}", "no activePlayer"},
      {"null", "not a JSON object"},
      {"\"Shotcaller#EUW\"", "not a JSON object"},
      {"   \n", "empty body"},
      {std::string{"{\"a\": \"\xff\xfe\"}"}, "UTF-8"},
      {R"({"activePlayer": {"riotId": "A#1"}})", "no allPlayers"},
      {R"({"activePlayer": {"riotId": "A#1"}, "allPlayers": {}})", "no allPlayers"},
      {R"({"activePlayer": {"riotId": "A#1"}, "allPlayers": [42]})", "allPlayers[0] is not an object"},
      {R"({"activePlayer": {"level": 3}, "allPlayers": []})", "activePlayer has no riotId"},
      {R"({"activePlayer": {"riotId": "A#1"}, "allPlayers": [{"riotId": "A#1", "rawChampionName": "x"}]})",
       "has no team"},
      {R"({"activePlayer": {"riotId": "A#1"}, "allPlayers": [{"riotId": "A#1", "team": "ORDER"}]})",
       "has no rawChampionName"},
      {R"({"activePlayer": {"riotId": "A#1"}, "allPlayers": [{"team": "ORDER", "rawChampionName": "x"}]})",
       "has no riotId or summonerName"},
      {R"({"activePlayer": {"riotId": "A#1"}, "allPlayers": [{"riotId": "A#1", "team": "ORDER", "rawChampionName": "x"}]})",
       "no gameData"},
      {R"({"activePlayer": {"riotId": "A#1"}, "allPlayers": [{"riotId": "A#1", "team": "ORDER", "rawChampionName": "x"}], "gameData": {"mapNumber": 11}})",
       "no gameMode"},
      {R"({"activePlayer": {"riotId": "A#1"}, "allPlayers": [{"riotId": "A#1", "team": "ORDER", "rawChampionName": "x"}], "gameData": {"gameMode": "CLASSIC", "mapNumber": "11"}})",
       "no integer mapNumber"},
      {R"({"activePlayer": {"riotId": "A#1"}, "allPlayers": [{"riotId": "A#1", "team": "NEUTRAL", "rawChampionName": "x"}], "gameData": {"gameMode": "CLASSIC", "mapNumber": 11}})",
       "is unknown"},
      {R"({"activePlayer": {"riotId": "A#1"}, "allPlayers": [{"riotId": "a#1", "team": "ORDER", "rawChampionName": "x"}, {"riotId": "A#1", "team": "CHAOS", "rawChampionName": "y"}], "gameData": {"gameMode": "CLASSIC", "mapNumber": 11}})",
       "several players"},
  };
  for (const auto& [body, part] : cases) {
    const auto r = parse_all_game_data(body);
    EXPECT_FALSE(r.ok()) << body;
    EXPECT_NE(r.error.find(part), std::string::npos) << body << " -> " << r.error;
  }
}

TEST(LcdParserBrokenInline, TheSmallestValidDocument) {
  const auto r = parse_all_game_data(
      R"({"activePlayer": {"riotId": "A#1"}, "allPlayers": [{"riotId": "A#1", "team": "CHAOS", "rawChampionName": "game_character_displayname_Lux"}], "gameData": {"gameMode": "CLASSIC", "mapNumber": 11}})");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.snapshot->team_id, 200);
  EXPECT_EQ(r.snapshot->game_id, sha256_prefix("CHAOS|a#1|game_character_displayname_Lux\nCLASSIC|11"));
}

// Every cut of a real document (a body torn off mid-transfer) is an error, never a crash.
TEST(LcdParserBrokenInline, EveryPrefixIsAnError) {
  const std::string body = game_a();
  ASSERT_FALSE(body.empty());
  for (std::size_t len = 0; len + 2 < body.size(); len += 61) {
    EXPECT_FALSE(parse_all_game_data(std::string_view{body}.substr(0, len)).ok()) << len;
  }
  EXPECT_TRUE(parse_all_game_data(body).ok());
}

}  // namespace
}  // namespace shotcall::game
