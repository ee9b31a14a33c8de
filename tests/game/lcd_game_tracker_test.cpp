// The game-state rules, without sockets: what each poll outcome does to the state, and when a
// game counts as new.
#include "app/game/lcd_game_tracker.hpp"

#include <gtest/gtest.h>

#include "tests/game/fixtures.hpp"

namespace shotcall::game {
namespace {

using Kind = PollOutcome::Kind;

PollOutcome refused() { return {Kind::Unreachable, "Could not connect: Connection refused", 0, {}}; }
PollOutcome not_found() { return {Kind::HttpError, "HTTP 404 Not Found", 404, {}}; }
PollOutcome body(const std::string& fixture) {
  return {Kind::Body, {}, 200, game_test::read_fixture(fixture)};
}

TEST(LcdGameTracker, StartsUnknownAndReportsOnlyChanges) {
  LcdGameTracker t;
  EXPECT_EQ(t.state(), LcdState::Unknown);
  auto u = t.on_poll(refused());
  EXPECT_TRUE(u.state_changed);
  EXPECT_EQ(t.state(), LcdState::NoClient);
  EXPECT_EQ(t.detail(), "Could not connect: Connection refused");
  EXPECT_FALSE(t.on_poll(refused()).state_changed);
  EXPECT_FALSE(t.snapshot().has_value());
}

TEST(LcdGameTracker, WholeGame) {
  LcdGameTracker t;
  t.on_poll(refused());
  auto u = t.on_poll(not_found());
  EXPECT_TRUE(u.state_changed);
  EXPECT_EQ(t.state(), LcdState::Loading);
  EXPECT_EQ(t.detail(), "HTTP 404 Not Found");

  u = t.on_poll(body("classic_order_view.json"));
  EXPECT_TRUE(u.state_changed);
  EXPECT_TRUE(u.new_game);
  EXPECT_EQ(t.state(), LcdState::InGame);
  ASSERT_TRUE(t.snapshot().has_value());
  EXPECT_EQ(t.snapshot()->player_riot_id, "Shotcaller#EUW");

  // The same game again (game time moved on): nothing to announce.
  u = t.on_poll(body("extra_fields.json"));
  EXPECT_FALSE(u.state_changed);
  EXPECT_FALSE(u.new_game);

  u = t.on_poll(refused());
  EXPECT_TRUE(u.state_changed);
  EXPECT_EQ(t.state(), LcdState::GameOver);
  EXPECT_FALSE(t.snapshot().has_value());

  // Back to waiting.
  u = t.on_poll(refused());
  EXPECT_TRUE(u.state_changed);
  EXPECT_EQ(t.state(), LcdState::NoClient);
}

TEST(LcdGameTracker, AHiccupDuringAGameIsNotANewGame) {
  LcdGameTracker t;
  EXPECT_TRUE(t.on_poll(body("classic_order_view.json")).new_game);
  EXPECT_TRUE(t.on_poll({Kind::Timeout, "no answer in time", 0, {}}).state_changed);
  EXPECT_EQ(t.state(), LcdState::Loading);
  EXPECT_TRUE(t.snapshot().has_value());  // the game is remembered through Loading
  const auto u = t.on_poll(body("classic_order_view.json"));
  EXPECT_TRUE(u.state_changed);
  EXPECT_FALSE(u.new_game);
  // And a refusal after that Loading still ends the game.
  t.on_poll(not_found());
  t.on_poll(refused());
  EXPECT_EQ(t.state(), LcdState::GameOver);
}

TEST(LcdGameTracker, ANewDocumentIsANewGame) {
  LcdGameTracker t;
  EXPECT_TRUE(t.on_poll(body("classic_order_view.json")).new_game);
  const auto u = t.on_poll(body("aram_map12_de.json"));
  EXPECT_FALSE(u.state_changed);
  EXPECT_TRUE(u.new_game);
  EXPECT_EQ(t.snapshot()->game_mode, "ARAM");
}

TEST(LcdGameTracker, TheSameGameAfterGameOverIsAnnouncedAgain) {
  LcdGameTracker t;
  t.on_poll(body("classic_order_view.json"));
  t.on_poll(refused());
  EXPECT_EQ(t.state(), LcdState::GameOver);
  EXPECT_TRUE(t.on_poll(body("classic_order_view.json")).new_game);
}

TEST(LcdGameTracker, UnparsableBodyIsLoadingWithTheReason) {
  LcdGameTracker t;
  t.on_poll(body("spectator.json"));
  EXPECT_EQ(t.state(), LcdState::Loading);
  EXPECT_NE(t.detail().find("Spectator mode"), std::string::npos) << t.detail();
  t.on_poll({Kind::Body, {}, 200, ""});
  EXPECT_EQ(t.detail(), "empty body");
}

TEST(LcdGameTracker, UntrustedAndTransportErrors) {
  LcdGameTracker t;
  t.on_poll({Kind::Untrusted, "certificate not trusted: not signed by the pinned CA", 6, {}});
  EXPECT_EQ(t.state(), LcdState::Untrusted);
  EXPECT_EQ(t.detail(), "certificate not trusted: not signed by the pinned CA");
  t.on_poll({Kind::TransportError, "Connection terminated unexpectedly", 8, {}});
  EXPECT_EQ(t.state(), LcdState::Loading);
}

TEST(LcdGameTracker, StateNames) {
  EXPECT_STREQ(to_string(LcdState::NoClient), "no-client");
  EXPECT_STREQ(to_string(LcdState::InGame), "in-game");
  EXPECT_STREQ(to_string(LcdState::GameOver), "game-over");
  EXPECT_STREQ(to_string(LcdState::Untrusted), "untrusted");
}

}  // namespace
}  // namespace shotcall::game
