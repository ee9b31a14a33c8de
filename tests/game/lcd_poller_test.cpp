// LcdPoller against a real HTTPS stand-in of the game's Live Client Data API on 127.0.0.1:
// real sockets, real TLS, each phase of a game driven by the test.
#include "app/game/lcd_poller.hpp"

#include <gio/gio.h>
#include <gtest/gtest.h>

#include "tests/game/fixtures.hpp"
#include "tests/game/poller_helpers.hpp"

namespace shotcall::game {
namespace {

using namespace game_test;
using test::LcdPhase;
using test::LcdStandin;
using test::LcdStandinOptions;

class LcdPollerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    standin_ = make_standin();
    ASSERT_TRUE(standin_);
    poller_ = make_poller(standin_->base_url(), standin_->ca_file());
    ASSERT_TRUE(poller_);
    rec_.attach(*poller_);
  }

  bool wait_state(LcdState s) {
    return run_until([&] { return poller_->state() == s; }, kDeadline);
  }
  // Waits for `n` more answers (or timeouts) to be handled.
  bool wait_polls(std::uint64_t n) {
    const auto target = poller_->polls_completed() + n;
    return run_until([&] { return poller_->polls_completed() >= target; }, kDeadline);
  }

  std::unique_ptr<LcdStandin> standin_;
  std::unique_ptr<LcdPoller> poller_;
  Recorder rec_;
};

TEST_F(LcdPollerTest, ConnectionRefusedIsNoClient) {
  poller_->start();
  ASSERT_TRUE(wait_state(LcdState::NoClient)) << to_string(poller_->state());
  EXPECT_FALSE(poller_->detail().empty());
  ASSERT_TRUE(wait_polls(2));
  EXPECT_EQ(rec_.states, std::vector<LcdState>{LcdState::NoClient});  // reported once
  EXPECT_EQ(standin_->requests(), 0u);
}

TEST_F(LcdPollerTest, NotFoundIsLoading) {
  ASSERT_TRUE(standin_->set_phase(LcdPhase::Loading));
  poller_->start();
  ASSERT_TRUE(wait_state(LcdState::Loading)) << to_string(poller_->state());
  EXPECT_NE(poller_->detail().find("404"), std::string::npos) << poller_->detail();
  EXPECT_GE(standin_->requests(), 1u);
  EXPECT_TRUE(rec_.snapshots.empty());
}

TEST_F(LcdPollerTest, DocumentIsInGameWithTheSnapshotOnce) {
  standin_->set_document(read_fixture("classic_order_view.json"));
  ASSERT_TRUE(standin_->set_phase(LcdPhase::InGame));
  poller_->start();
  ASSERT_TRUE(wait_state(LcdState::InGame)) << poller_->detail();
  ASSERT_EQ(rec_.snapshots.size(), 1u);
  const GameSnapshot& s = rec_.snapshots[0];
  EXPECT_EQ(s.player_riot_id, "Shotcaller#EUW");
  EXPECT_EQ(s.team_id, 100);
  EXPECT_EQ(s.game_id, kGameAId);
  EXPECT_EQ(s.roster(), (std::vector<std::string>{"Shotcaller#EUW", "Ñandú#ÁÉ", "Саша#RU1",
                                                  "ジンクス好き#JP1", "Lane Bully#NA1"}));
  ASSERT_TRUE(poller_->snapshot().has_value());

  // More polls of the same game: no further snapshot callbacks.
  const auto answers = standin_->game_data_answers();
  ASSERT_TRUE(wait_polls(3));
  EXPECT_GE(standin_->game_data_answers(), answers + 3);
  EXPECT_EQ(rec_.snapshots.size(), 1u);
  EXPECT_EQ(rec_.states, std::vector<LcdState>{LcdState::InGame});
  EXPECT_EQ(standin_->max_in_flight(), 1);
}

TEST_F(LcdPollerTest, WholeGameFromNoClientToGameOverAndTheNextGame) {
  poller_->start();
  ASSERT_TRUE(wait_state(LcdState::NoClient));
  ASSERT_TRUE(standin_->set_phase(LcdPhase::Loading));
  ASSERT_TRUE(wait_state(LcdState::Loading));
  standin_->set_document(read_fixture("classic_chaos_view_ko.json"));
  ASSERT_TRUE(standin_->set_phase(LcdPhase::InGame));
  ASSERT_TRUE(wait_state(LcdState::InGame)) << poller_->detail();
  ASSERT_EQ(rec_.snapshots.size(), 1u);
  EXPECT_EQ(rec_.snapshots[0].team, "CHAOS");
  EXPECT_EQ(rec_.snapshots[0].game_id, kGameAId);

  // The game exits: its port closes.
  ASSERT_TRUE(standin_->set_phase(LcdPhase::Down));
  ASSERT_TRUE(wait_state(LcdState::GameOver));
  EXPECT_FALSE(poller_->snapshot().has_value());
  ASSERT_TRUE(wait_state(LcdState::NoClient));  // then back to waiting

  // The next game.
  standin_->set_document(read_fixture("bot_on_own_team.json"));
  ASSERT_TRUE(standin_->set_phase(LcdPhase::InGame));
  ASSERT_TRUE(wait_state(LcdState::InGame)) << poller_->detail();
  ASSERT_EQ(rec_.snapshots.size(), 2u);
  EXPECT_EQ(rec_.snapshots[1].game_id, "lcd-c9818db2ee678cc8");
  EXPECT_EQ(rec_.states, (std::vector<LcdState>{LcdState::NoClient, LcdState::Loading, LcdState::InGame,
                                                LcdState::GameOver, LcdState::NoClient, LcdState::InGame}));
  EXPECT_EQ(standin_->max_in_flight(), 1);
}

TEST_F(LcdPollerTest, ANewDocumentIsANewGame) {
  standin_->set_document(read_fixture("classic_order_view.json"));
  ASSERT_TRUE(standin_->set_phase(LcdPhase::InGame));
  poller_->start();
  ASSERT_TRUE(run_until([&] { return rec_.snapshots.size() == 1; }, kDeadline));
  standin_->set_document(read_fixture("aram_map12_de.json"));
  ASSERT_TRUE(run_until([&] { return rec_.snapshots.size() == 2; }, kDeadline));
  EXPECT_EQ(rec_.snapshots[1].game_mode, "ARAM");
  EXPECT_EQ(rec_.snapshots[1].player_riot_id, "Глория#EUNE");
  EXPECT_EQ(rec_.states, std::vector<LcdState>{LcdState::InGame});
}

TEST_F(LcdPollerTest, UnparsableBodyIsLoadingUntilItParses) {
  standin_->set_document(read_fixture("truncated.json"));
  ASSERT_TRUE(standin_->set_phase(LcdPhase::InGame));
  poller_->start();
  ASSERT_TRUE(wait_state(LcdState::Loading));
  EXPECT_NE(poller_->detail().find("not JSON"), std::string::npos) << poller_->detail();
  standin_->set_document(read_fixture("classic_order_view.json"));
  ASSERT_TRUE(wait_state(LcdState::InGame));
}

// A server slower than the poll interval: the poller waits for each answer.
TEST(LcdPollerTiming, SlowServerNeverSeesTwoRequestsAtOnce) {
  auto standin = make_standin();
  ASSERT_TRUE(standin);
  standin->set_document(read_fixture("classic_order_view.json"));
  standin->set_response_delay(700ms);
  ASSERT_TRUE(standin->set_phase(LcdPhase::InGame));
  auto poller = make_poller(standin->base_url(), standin->ca_file(), 20ms, 20s);
  ASSERT_TRUE(poller);
  const auto started = std::chrono::steady_clock::now();
  poller->start();
  ASSERT_TRUE(run_until([&] { return standin->game_data_answers() >= 4; }, kDeadline));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(standin->max_in_flight(), 1);
  EXPECT_EQ(standin->abandoned(), 0u);
  EXPECT_EQ(poller->state(), LcdState::InGame);
  EXPECT_GE(elapsed, 4 * 700ms);  // one after the other, never side by side
}

// A server that never answers: each request is given up after the timeout and the next one
// only then sent.
TEST(LcdPollerTiming, HangingServerTimesOutOneRequestAtATime) {
  auto standin = make_standin();
  ASSERT_TRUE(standin);
  standin->set_response_delay(std::chrono::minutes(10));
  ASSERT_TRUE(standin->set_phase(LcdPhase::Loading));
  auto poller = make_poller(standin->base_url(), standin->ca_file(), 100ms, 400ms);
  ASSERT_TRUE(poller);
  poller->start();
  ASSERT_TRUE(run_until([&] { return standin->requests() >= 4; }, kDeadline))
      << "requests " << standin->requests() << ", polls " << poller->polls_completed() << ", abandoned "
      << standin->abandoned() << ", state " << to_string(poller->state()) << ": " << poller->detail();
  EXPECT_EQ(poller->state(), LcdState::Loading);
  EXPECT_EQ(poller->detail(), "no answer in time");
  EXPECT_GE(standin->abandoned(), 3u);
  EXPECT_EQ(standin->max_in_flight(), 1);
}

}  // namespace
}  // namespace shotcall::game
