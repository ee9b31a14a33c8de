#include "app/session/call_flow.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace shotcall::session {
namespace {

using ::testing::ElementsAre;

DetectedGame game_of(const std::string& player) {
  DetectedGame g;
  g.player_riot_id = player;
  g.target.game_id = {"7", true};
  g.target.team_id = {"100", true};
  return g;
}

TEST(CallFlow, NoGameClearsTheTarget) {
  EXPECT_EQ(next_step(std::nullopt, std::nullopt, OtherPlayer::Restart), GameStep::ClearTarget);
  EXPECT_EQ(next_step("Ann#EUW", std::nullopt, OtherPlayer::Refuse), GameStep::ClearTarget);
}

TEST(CallFlow, AGameWithoutSessionStartsOneForItsPlayer) {
  EXPECT_EQ(next_step(std::nullopt, game_of("Ann#EUW"), OtherPlayer::Restart),
            GameStep::StartAndTarget);
  EXPECT_EQ(next_step(std::nullopt, game_of("Ann#EUW"), OtherPlayer::Refuse),
            GameStep::StartAndTarget);
}

TEST(CallFlow, TheSamePlayerCaseFoldedIsRetargeted) {
  EXPECT_EQ(next_step("Ann#EUW", game_of("ann#euw"), OtherPlayer::Restart), GameStep::Retarget);
  EXPECT_EQ(next_step("Ann#EUW", game_of("ANN#EUW"), OtherPlayer::Refuse), GameStep::Retarget);
}

TEST(CallFlow, AnotherPlayerRestartsOrIsRefusedByPolicy) {
  EXPECT_EQ(next_step("Ann#EUW", game_of("Bob#EUW"), OtherPlayer::Restart),
            GameStep::RestartForPlayer);
  EXPECT_EQ(next_step("Ann#EUW", game_of("Bob#EUW"), OtherPlayer::Refuse), GameStep::RefusePlayer);
}

TEST(CallFlow, GameIdsOfDigitsAreNumbersUpTo18Digits) {
  EXPECT_TRUE(numeric_game_id("7"));
  EXPECT_TRUE(numeric_game_id("123456789012345678"));
  EXPECT_FALSE(numeric_game_id("1234567890123456789"));
  EXPECT_FALSE(numeric_game_id(""));
  EXPECT_FALSE(numeric_game_id("lcd-7"));
  EXPECT_FALSE(numeric_game_id("-7"));
}

TEST(CallFlow, ManualGameAddsThePlayerWhenMissing) {
  const DetectedGame g = make_manual_game("Ann#EUW", "42", 200, {"Bob#EUW", "Cid#EUW"});
  EXPECT_EQ(g.player_riot_id, "Ann#EUW");
  EXPECT_EQ(g.target.game_id.text, "42");
  EXPECT_TRUE(g.target.game_id.number);
  EXPECT_EQ(g.target.team_id.text, "200");
  EXPECT_TRUE(g.target.team_id.number);
  EXPECT_THAT(g.target.teammates, ElementsAre("Bob#EUW", "Cid#EUW", "Ann#EUW"));
}

TEST(CallFlow, ManualGameKeepsThePlayerNamedInAnyCase) {
  const DetectedGame g = make_manual_game("Ann#EUW", "scrim-3", 100, {"ann#euw", "Bob#EUW"});
  EXPECT_EQ(g.target.game_id.text, "scrim-3");
  EXPECT_FALSE(g.target.game_id.number);
  EXPECT_THAT(g.target.teammates, ElementsAre("ann#euw", "Bob#EUW"));
}

}  // namespace
}  // namespace shotcall::session
