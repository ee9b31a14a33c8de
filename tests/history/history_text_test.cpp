#include "app/history/history_text.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace shotcall::history {
namespace {

class HistoryText : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

GameRecord sample() {
  GameRecord g;
  g.started_at_ms = 1'796'316'000'000;  // Thu 3 Dec 2026, 16:40 UTC
  g.duration_s = 1925;
  g.game_id = "42";
  g.map = "Summoner's Rift";
  g.mode = "CLASSIC";
  g.side = "Blue";
  g.my_riot_id = "Me#EUW";
  g.my_champion = "Ahri";
  g.teammates = {{"Ñandú#ÁÉ", "Garen", true, {LinkRoute::Direct, 38.4, 4, 996, 3}},
                 {"Lux#NA1", "Lux", false, {}}};
  return g;
}

TEST_F(HistoryText, DescribesAGame) {
  const GameText t = describe_game(sample());
  EXPECT_EQ(t.when, "Thu 3 Dec 2026, 16:40");
  EXPECT_EQ(t.title, "Summoner's Rift · Classic");
  EXPECT_EQ(t.summary, "Blue side · Ahri · 32 min 5 s");
  ASSERT_EQ(t.teammates.size(), 2u);
  EXPECT_EQ(t.teammates[0], "Garen — Ñandú#ÁÉ: in voice, direct, 38 ms, 0.4% loss");
  EXPECT_EQ(t.teammates[1], "Lux — Lux#NA1: not in voice");
  EXPECT_EQ(t.accessible,
            "Summoner's Rift · Classic, Thu 3 Dec 2026, 16:40, Blue side · Ahri · 32 min 5 s. "
            "1 of 2 teammates in voice; Garen — Ñandú#ÁÉ: in voice, direct, 38 ms, 0.4% loss; "
            "Lux — Lux#NA1: not in voice.");
}

TEST_F(HistoryText, SaysWhatIsNotKnown) {
  GameRecord g = sample();
  g.map.clear();
  g.mode.clear();
  g.side.clear();
  g.my_champion.clear();
  g.duration_s = 45;
  g.teammates = {{"Ezreal#EUW", "", true, {}}};
  const GameText t = describe_game(g);
  EXPECT_EQ(t.title, "Unknown map");
  EXPECT_EQ(t.summary, "45 s");
  EXPECT_EQ(t.teammates[0], "Ezreal#EUW: in voice, quality unknown");
  EXPECT_NE(t.accessible.find("1 of 1 teammate in voice"), std::string::npos) << t.accessible;
}

TEST_F(HistoryText, LinkWords) {
  TeammateRecord t{"A#1", "", true, {LinkRoute::Relayed, 120, 5, 195, 0}};
  EXPECT_EQ(link_words(t), "in voice, relayed, 120 ms, 2.5% loss");
  t.link.rtt_ms = -1;  // audio arrived, no round trip measured
  t.link.route = LinkRoute::Unknown;
  EXPECT_EQ(link_words(t), "in voice, 2.5% loss");
}

TEST_F(HistoryText, Durations) {
  EXPECT_EQ(duration_words(0), "0 s");
  EXPECT_EQ(duration_words(59), "59 s");
  EXPECT_EQ(duration_words(60), "1 min 0 s");
  EXPECT_EQ(duration_words(3720), "1 h 2 min");
  EXPECT_EQ(duration_words(-5), "0 s");
}

TEST_F(HistoryText, Modes) {
  EXPECT_EQ(mode_words("ARAM"), "ARAM");
  EXPECT_EQ(mode_words("CHERRY"), "Arena");
  EXPECT_EQ(mode_words("SOMETHINGNEW"), "SOMETHINGNEW");
}

}  // namespace
}  // namespace shotcall::history
