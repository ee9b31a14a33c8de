// The derived game id, checked against values computed here independently of the code under
// test: texts written out by hand, hashed with GChecksum in the test, and one literal hashed
// with sha256sum in a shell.
#include "app/game/game_id.hpp"

#include <glib.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "app/game/lcd_parser.hpp"
#include "tests/game/fixtures.hpp"

namespace shotcall::game {
namespace {

std::string sha256_hex(const std::string& text) {
  GChecksum* sum = g_checksum_new(G_CHECKSUM_SHA256);
  g_checksum_update(sum, reinterpret_cast<const guchar*>(text.data()), static_cast<gssize>(text.size()));
  std::string hex = g_checksum_get_string(sum);
  g_checksum_free(sum);
  return hex;
}

// The ten players of tests/game/fixtures/classic_order_view.json (and of its Korean twin seen
// from the other team), in the order the game lists them.
std::vector<GameIdPlayer> game_a_players() {
  return {
      {"ORDER", "Shotcaller#EUW", "game_character_displayname_Annie", false},
      {"ORDER", "Ñandú#ÁÉ", "game_character_displayname_Garen", false},
      {"ORDER", "Саша#RU1", "game_character_displayname_LeeSin", false},
      {"ORDER", "ジンクス好き#JP1", "game_character_displayname_Jinx", false},
      {"ORDER", "Lane Bully#NA1", "game_character_displayname_Leona", false},
      {"CHAOS", "페이커팬#KR1", "game_character_displayname_Ahri", false},
      {"CHAOS", "Ölwechsel#DE1", "game_character_displayname_Darius", false},
      {"CHAOS", "ZED MAIN#euw", "game_character_displayname_Khazix", false},
      {"CHAOS", "Quiet One#0001", "game_character_displayname_Kaisa", false},
      {"CHAOS", "Mønster#NO1", "game_character_displayname_Thresh", false},
  };
}

// Game A's text, written out by hand: Riot IDs case-folded, lines in bytewise order (ASCII
// before Latin-1 letters (0xC3..) before Cyrillic (0xD1..) before CJK/Hangul (0xE3../0xED..)).
// Hashed in a shell:
//   printf 'CHAOS|mønster#no1|...\n...\nCLASSIC|11' | sha256sum
//   f5faa35b6f97a261eea671dcd35ecdd15a59933ca69b9457b453db560a216502
const char* const kGameAText =
    "CHAOS|mønster#no1|game_character_displayname_Thresh\n"
    "CHAOS|quiet one#0001|game_character_displayname_Kaisa\n"
    "CHAOS|zed main#euw|game_character_displayname_Khazix\n"
    "CHAOS|ölwechsel#de1|game_character_displayname_Darius\n"
    "CHAOS|페이커팬#kr1|game_character_displayname_Ahri\n"
    "ORDER|lane bully#na1|game_character_displayname_Leona\n"
    "ORDER|shotcaller#euw|game_character_displayname_Annie\n"
    "ORDER|ñandú#áé|game_character_displayname_Garen\n"
    "ORDER|саша#ru1|game_character_displayname_LeeSin\n"
    "ORDER|ジンクス好き#jp1|game_character_displayname_Jinx\n"
    "CLASSIC|11";
const char* const kGameAId = "lcd-f5faa35b6f97a261";

TEST(GameId, TextIsSortedFoldedLinesThenModeAndMap) {
  EXPECT_EQ(game_id_text(game_a_players(), "CLASSIC", 11), kGameAText);
}

TEST(GameId, IsPrefixAndFirstSixteenHexDigitsOfSha256) {
  const std::string id = derive_game_id(game_a_players(), "CLASSIC", 11);
  EXPECT_EQ(id, "lcd-" + sha256_hex(kGameAText).substr(0, 16));
  EXPECT_EQ(id, kGameAId);  // the sha256sum literal
}

TEST(GameId, PlayerOrderDoesNotMatter) {
  auto players = game_a_players();
  std::reverse(players.begin(), players.end());
  std::rotate(players.begin(), players.begin() + 3, players.end());
  EXPECT_EQ(derive_game_id(players, "CLASSIC", 11), kGameAId);
}

TEST(GameId, RiotIdCaseDoesNotMatter) {
  auto players = game_a_players();
  players[0].riot_id = "SHOTCALLER#euw";
  players[1].riot_id = "ñANDÚ#áé";
  players[2].riot_id = "САША#ru1";
  players[7].riot_id = "zed main#EUW";
  EXPECT_EQ(derive_game_id(players, "CLASSIC", 11), kGameAId);
}

TEST(GameId, DecomposedUnicodeFoldsToTheSameKey) {
  auto players = game_a_players();
  players[1].riot_id = "N\xCC\x83" "andu\xCC\x81#A\xCC\x81" "E\xCC\x81";  // NFD of Ñandú#ÁÉ
  EXPECT_EQ(derive_game_id(players, "CLASSIC", 11), kGameAId);
}

TEST(GameId, BotsAreLeftOut) {
  auto players = game_a_players();
  players.push_back({"ORDER", "Annie Bot", "game_character_displayname_Annie", true});
  players.push_back({"CHAOS", "", "game_character_displayname_Garen", true});
  EXPECT_EQ(game_id_text(players, "CLASSIC", 11), kGameAText);
}

TEST(GameId, ModeMapChampionAndTeamAllCount) {
  const auto base = game_a_players();
  EXPECT_NE(derive_game_id(base, "ARAM", 11), kGameAId);
  EXPECT_NE(derive_game_id(base, "CLASSIC", 12), kGameAId);
  auto swapped_champion = base;
  swapped_champion[0].raw_champion_name = "game_character_displayname_Ahri";
  EXPECT_NE(derive_game_id(swapped_champion, "CLASSIC", 11), kGameAId);
  auto swapped_team = base;
  swapped_team[0].team = "CHAOS";
  EXPECT_NE(derive_game_id(swapped_team, "CLASSIC", 11), kGameAId);
}

TEST(GameId, SummonerNamesStandInFoldedTheSameWay) {
  // An old build: no Riot IDs, the summonerName is passed instead.
  const std::vector<GameIdPlayer> players = {
      {"ORDER", "Ñandú", "game_character_displayname_Ashe", false},
      {"CHAOS", "Enemy One", "game_character_displayname_Yasuo", false},
  };
  const std::string text =
      "CHAOS|enemy one|game_character_displayname_Yasuo\n"
      "ORDER|ñandú|game_character_displayname_Ashe\n"
      "ARAM|12";
  EXPECT_EQ(game_id_text(players, "ARAM", 12), text);
  EXPECT_EQ(derive_game_id(players, "ARAM", 12), "lcd-" + sha256_hex(text).substr(0, 16));
}

TEST(GameId, MapNumberIsWrittenInDecimal) {
  const std::vector<GameIdPlayer> one = {{"ORDER", "A#1", "game_character_displayname_Lux", false}};
  EXPECT_EQ(game_id_text(one, "TUTORIAL_MODULE_1", 3), "ORDER|a#1|game_character_displayname_Lux\nTUTORIAL_MODULE_1|3");
  EXPECT_EQ(game_id_text(one, "CHERRY", 30), "ORDER|a#1|game_character_displayname_Lux\nCHERRY|30");
}

// Both views of one game, from a player on each team, in two display languages.
TEST(GameId, TwoPlayersOnOppositeTeamsDeriveTheSameId) {
  const auto order = parse_all_game_data(game_test::read_fixture("classic_order_view.json"));
  const auto chaos = parse_all_game_data(game_test::read_fixture("classic_chaos_view_ko.json"));
  ASSERT_TRUE(order.ok()) << order.error;
  ASSERT_TRUE(chaos.ok()) << chaos.error;
  EXPECT_EQ(order.snapshot->game_id, kGameAId);
  EXPECT_EQ(chaos.snapshot->game_id, kGameAId);

  EXPECT_EQ(order.snapshot->team, "ORDER");
  EXPECT_EQ(chaos.snapshot->team, "CHAOS");
  EXPECT_NE(order.snapshot->identity_key(), chaos.snapshot->identity_key());
  const auto a = order.snapshot->roster();
  const auto b = chaos.snapshot->roster();
  for (const auto& id : a) EXPECT_EQ(std::find(b.begin(), b.end(), id), b.end()) << id;
}

TEST(GameId, BotGameLiteral) {
  // printf 'ORDER|hüttenkäse#ch1|game_character_displayname_Lux\nORDER|little mage#oce|game_character_displayname_Sona\nORDER|tanky boi#br1|game_character_displayname_Malphite\nCLASSIC|11' | sha256sum
  //   c9818db2ee678cc8a0e8730423314137e67507c972492a97fb2d00ab8e1fc0e3
  const auto bot = parse_all_game_data(game_test::read_fixture("bot_on_own_team.json"));
  ASSERT_TRUE(bot.ok()) << bot.error;
  EXPECT_EQ(bot.snapshot->game_id, "lcd-c9818db2ee678cc8");
}

}  // namespace
}  // namespace shotcall::game
