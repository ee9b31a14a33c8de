// The "played together before" mark of a teammate's row (ui/teammate_rows), filled from the
// history's count.
#include <gtest/gtest.h>

#include "signaling/protocol/riot_id.hpp"
#include "ui/teammate_rows.hpp"

namespace shotcall::ui {
namespace {

TEST(PlayedBefore, Words) {
  EXPECT_EQ(played_before_text(0), "");
  EXPECT_EQ(played_before_text(-1), "");
  EXPECT_EQ(played_before_text(1), "Played together once before");
  EXPECT_EQ(played_before_text(3), "Played together 3 times before");
}

TEST(PlayedBefore, ShownOnTheRowAndSaidToAScreenReader) {
  std::vector<RosterEntry> roster{{"Me#EUW", "Ahri", "MIDDLE", 0},
                                  {"Ñandú#ÁÉ", "Garen", "TOP", 0},
                                  {"Lux#NA1", "Lux", "UTILITY", 1}};
  PeerLinkView link;
  link.key = protocol::fold_riot_id("Ñandú#ÁÉ");
  link.riot_id = "Ñandú#ÁÉ";
  link.in_channel = true;
  link.played_before = 3;
  const auto rows = build_rows(roster, {link}, protocol::fold_riot_id("Me#EUW"), PeerMemory{});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].played_before_text, "Played together 3 times before");
  EXPECT_TRUE(rows[0].accessible_summary.ends_with(", Played together 3 times before"))
      << rows[0].accessible_summary;
  // Someone who does not run Shotcall: the roster's count.
  EXPECT_EQ(rows[1].played_before_text, "Played together once before");
  EXPECT_TRUE(rows[1].accessible_summary.ends_with(", Played together once before"))
      << rows[1].accessible_summary;
}

TEST(PlayedBefore, NothingForSomeoneNew) {
  const auto rows = build_rows({{"Me#EUW", "", "", 0}, {"New#EUW", "", "", 0}}, {},
                               protocol::fold_riot_id("Me#EUW"), PeerMemory{});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].played_before_text, "");
  EXPECT_EQ(rows[0].accessible_summary.find("Played"), std::string::npos);
}

}  // namespace
}  // namespace shotcall::ui
