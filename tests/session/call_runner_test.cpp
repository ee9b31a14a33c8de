// CallRunner on the main loop with fake detectors that report games on demand, against the real
// shotcall-signal: what each report does to the session, and the lines it prints.
#include "app/session/call_runner.hpp"

#include <gmock/gmock.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"

namespace shotcall::session {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

// Reports what the test tells it to, when it tells it.
class FakeDetector : public GameDetector {
 public:
  void start(Events events) override { events_ = std::move(events); }
  void stop() override {
    stopped_ = true;
    if (on_stop) on_stop();
  }
  std::function<void()> on_stop;  // the test's own record: the runner may free the fake
  void report(const std::optional<DetectedGame>& game) { events_.on_game(game); }
  void state(DetectorState s, const std::string& detail) { events_.on_state(s, detail); }
  bool stopped() const { return stopped_; }

 private:
  Events events_;
  bool stopped_ = false;
};

DetectedGame game_of(const std::string& player) {
  return make_manual_game(player, "7", 100, {"Ann#EUW", "Bob#EUW"});
}

class CallRunnerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { gst_init(nullptr, nullptr); }

  CallRunnerConfig config() const {
    CallRunnerConfig c;
    c.server_url = server_.url();
    c.device_keys = DeviceKeys::Off;  // nothing written to the tester's home
    c.detection = Detection::Manual;
    c.voice.source = "audiotestsrc is-live=true";
    c.voice.sink = "fakesink sync=true";
    return c;
  }

  CallRunnerEvents events() {
    CallRunnerEvents e;
    e.on_event = [this](const std::string& line) { lines_.push_back(line); };
    e.on_session_started = [this](const std::string& riot_id) { started_.push_back(riot_id); };
    e.on_session_stopped = [this] { ++stopped_; };
    e.on_session_failed = [this](const std::string& error) { failed_.push_back(error); };
    e.on_game = [this](const std::optional<DetectedGame>& g) { games_.push_back(g.has_value()); };
    e.session.on_link = [this](net::LinkState state, const std::string&) {
      registered_ = registered_ || state == net::LinkState::Registered;
    };
    return e;
  }

  // A factory handing the runner a fake the test keeps a hand on.
  DetectorFactory fake_factory() {
    return [this](const CallRunnerConfig&, std::string*) {
      auto d = std::make_unique<FakeDetector>();
      d->on_stop = [this] { detector_stopped_ = true; };
      fake_ = d.get();
      return std::unique_ptr<GameDetector>(std::move(d));
    };
  }

  bool said(const std::string& line) const {
    return std::find(lines_.begin(), lines_.end(), line) != lines_.end();
  }
  bool wait_for(const std::string& line) {
    return test::run_until([&] { return said(line); }, 15s);
  }

  test::ServerProcess server_;
  FakeDetector* fake_ = nullptr;
  std::vector<std::string> lines_;
  std::vector<std::string> started_;
  std::vector<std::string> failed_;
  std::vector<bool> games_;
  int stopped_ = 0;
  bool registered_ = false;
  bool detector_stopped_ = false;
};

TEST_F(CallRunnerTest, AGameStartsTheSessionOfItsPlayerWhoJoinsTheChannel) {
  CallRunner runner(config(), events(), fake_factory());
  std::string error;
  ASSERT_TRUE(runner.start(&error)) << error;
  ASSERT_NE(fake_, nullptr);
  EXPECT_EQ(runner.session(), nullptr);  // the game names the player

  fake_->state(DetectorState::InGame, "");
  fake_->report(game_of("Ann#EUW"));
  EXPECT_THAT(started_, ElementsAre("Ann#EUW"));
  ASSERT_NE(runner.session(), nullptr);
  EXPECT_EQ(runner.player(), std::optional<std::string>{"Ann#EUW"});
  ASSERT_TRUE(runner.game());
  EXPECT_EQ(lines_.at(0), "detector in-game");
  EXPECT_EQ(lines_.at(1), "game 7 100");
  EXPECT_TRUE(wait_for("phase in-channel"));

  // The same player again (any case) follows the game without a new session.
  fake_->report(game_of("ann#euw"));
  EXPECT_THAT(started_, ElementsAre("Ann#EUW"));

  fake_->report(std::nullopt);
  EXPECT_TRUE(said("no-game"));
  EXPECT_FALSE(runner.game());
  EXPECT_NE(runner.session(), nullptr);  // the session waits for the next game
  EXPECT_THAT(games_, ElementsAre(true, true, false));

  runner.stop();
  EXPECT_TRUE(detector_stopped_);
  EXPECT_EQ(runner.session(), nullptr);
}

TEST_F(CallRunnerTest, AnotherPlayerOnThisComputerGetsTheirOwnSession) {
  CallRunner runner(config(), events(), fake_factory());
  std::string error;
  ASSERT_TRUE(runner.start(&error)) << error;
  fake_->report(game_of("Ann#EUW"));
  ASSERT_TRUE(wait_for("phase in-channel"));

  fake_->report(game_of("Bob#EUW"));
  // Restarted outside the detector's callback, on the main loop.
  EXPECT_THAT(started_, ElementsAre("Ann#EUW"));
  ASSERT_TRUE(test::run_until([&] { return started_.size() == 2; }, 10s));
  EXPECT_THAT(started_, ElementsAre("Ann#EUW", "Bob#EUW"));
  EXPECT_EQ(stopped_, 1);
  EXPECT_EQ(runner.player(), std::optional<std::string>{"Bob#EUW"});
  EXPECT_EQ(runner.game()->player_riot_id, "Bob#EUW");
}

TEST_F(CallRunnerTest, ThePeerPolicyRefusesAnotherPlayer) {
  CallRunnerConfig c = config();
  c.other_player = OtherPlayer::Refuse;
  CallRunner runner(c, events(), fake_factory());
  std::string error;
  ASSERT_TRUE(runner.start(&error)) << error;
  fake_->report(game_of("Ann#EUW"));
  fake_->report(game_of("Bob#EUW"));
  EXPECT_TRUE(said("error the game is played by Bob#EUW, not Ann#EUW"));
  // No restart comes later either: it would be an idle callback, and none is left to run.
  while (g_main_context_iteration(nullptr, FALSE)) {
  }
  EXPECT_THAT(started_, ElementsAre("Ann#EUW"));
  EXPECT_EQ(runner.game()->player_riot_id, "Ann#EUW");
}

TEST_F(CallRunnerTest, ServerDetectionStartsTheSessionAtOnceFollowingOffers) {
  CallRunnerConfig c = config();
  c.detection = Detection::Server;
  c.riot_id = "Ann#EUW";
  c.session_at_start = true;
  CallRunnerEvents e = events();
  bool follows = false;
  e.on_session_options = [&](const SessionOptions& so) { follows = so.follow_offers; };
  CallRunner runner(c, std::move(e));  // the real factory: no detector for the server's watch
  std::string error;
  ASSERT_TRUE(runner.start(&error)) << error;
  EXPECT_FALSE(runner.has_detector());
  EXPECT_THAT(started_, ElementsAre("Ann#EUW"));
  EXPECT_TRUE(follows);
  EXPECT_TRUE(test::run_until([&] { return registered_; }, 10s));
}

// Two players of one game, one runner each: the window's lines (identities, no routes) and the
// peer's (routes, no identities) come from the same links.
TEST_F(CallRunnerTest, TwoPlayersOfOneGameLinkAndEachPrintsItsLines) {
  CallRunnerConfig ann = config();
  ann.voice.local_addresses = {"127.0.0.1"};
  ann.lines = {.routes = false, .identities = true};
  CallRunner a(ann, events(), fake_factory());
  std::string error;
  ASSERT_TRUE(a.start(&error)) << error;
  FakeDetector* ann_detector = fake_;

  CallRunnerConfig bob = ann;
  bob.lines = {.routes = true, .identities = false};
  std::vector<std::string> bob_lines;
  CallRunnerEvents bob_events;
  bob_events.on_event = [&](const std::string& line) { bob_lines.push_back(line); };
  CallRunner b(bob, std::move(bob_events), fake_factory());
  ASSERT_TRUE(b.start(&error)) << error;

  ann_detector->report(game_of("Ann#EUW"));
  fake_->report(game_of("Bob#EUW"));
  const auto starts_with = [](const std::vector<std::string>& lines, const std::string& head) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.rfind(head, 0) == 0; });
  };
  ASSERT_TRUE(test::run_until(
      [&] {
        return starts_with(lines_, "first-audio Bob#EUW ") &&
               starts_with(bob_lines, "first-audio Ann#EUW ") &&
               starts_with(bob_lines, "route Ann#EUW direct host host");
      },
      20s));
  EXPECT_TRUE(said("peer Bob#EUW connected"));
  EXPECT_TRUE(said("identity Bob#EUW none"));
  EXPECT_FALSE(starts_with(lines_, "route "));
  EXPECT_FALSE(starts_with(bob_lines, "identity "));
  // Each line once: a phase is said when it changes, first audio once.
  EXPECT_EQ(std::count(lines_.begin(), lines_.end(), "peer Bob#EUW connected"), 1);
  EXPECT_EQ(std::count_if(lines_.begin(), lines_.end(),
                          [](const std::string& l) { return l.rfind("first-audio ", 0) == 0; }),
            1);
}

// No server: nothing gets as far as a session.
TEST(CallRunnerStart, ADetectorThatCannotBeMadeStartsNothing) {
  CallRunnerConfig c;
  c.server_url = "ws://127.0.0.1:9/ws";
  c.detection = Detection::Lan;  // without an address
  c.riot_id = "Ann#EUW";
  c.session_at_start = true;
  CallRunnerEvents e;
  int started = 0;
  e.on_session_started = [&](const std::string&) { ++started; };
  CallRunner runner(c, std::move(e));
  std::string error;
  EXPECT_FALSE(runner.start(&error));
  EXPECT_EQ(error, "no address for the computer the game runs on");
  EXPECT_EQ(started, 0);
  EXPECT_EQ(runner.session(), nullptr);
}

// Lan mode without an lcd_url reads the game computer's address on Riot's port
// (make_lcd_detector builds it).
TEST(CallRunnerLan, TheGameComputersAddressOnRiotsPort) {
  EXPECT_EQ(lan_lcd_base_url("192.168.1.20"), "https://192.168.1.20:2999");
  EXPECT_EQ(lan_lcd_base_url("fd00::20"), "https://[fd00::20]:2999");
}

}  // namespace
}  // namespace shotcall::session
