// Issue 17: the app's desktop notifications reach a real notification daemon. Each test runs its
// own desktop: Xvfb, a private session bus (dbus-daemon with a configuration of its own, so
// nothing on it is activated behind the test's back) and dunst on that bus, printing every
// notification it receives (-print) to its stdout, which the test reads line by line. The real
// `shotcall` app runs on that bus and display (GLib picks its org.freedesktop.Notifications
// backend: no portal, no org.gtk.Notifications on this bus), finds its game through the LCD
// stand-in and meets its teammates, shotcall-peer processes, through a real signaling server.
// Who has the keyboard focus is decided from outside with xdotool: the app's window, or another
// X client (xmessage) standing in for the game.
#include <gtest/gtest.h>

#include <memory>

#include "tests/peer/peer_process.hpp"
#include "tests/support/lcd_standin.hpp"
#include "tests/support/server_process.hpp"
#include "tests/ui/child_process.hpp"
#include "tests/ui/desktop_session.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

// The fixture's ORDER side (tests/game/fixtures/classic_order_view.json): the player first.
const std::vector<std::string> kTeam = {"Shotcaller#EUW", "Ñandú#ÁÉ", "Саша#RU1",
                                        "ジンクス好き#JP1", "Lane Bully#NA1"};
const char* const kTools[] = {"Xvfb", "dbus-daemon", "dunst", "gdbus", "xdotool", "xmessage"};

// How dunst -print shows a notification's summary: one line of its block.
std::string summary_line(const std::string& summary) { return "\tsummary: '" + summary + "'"; }

class Notifications : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto missing = missing_programs(kTools); !missing.empty()) {
      const std::string why = missing.front() + " (scripts/install-deps)";
      if (g_strcmp0(g_getenv("CI"), "true") == 0) FAIL() << why;
      GTEST_SKIP() << why;
    }
    root_ = make_test_dir("shotcall-ui-notify");
  }
  void TearDown() override { remove_test_dir(root_, HasFailure()); }

  // The desktop of one test: X server, session bus, notification daemon, and the window that
  // stands for the game (which the player looks at when not at Shotcall).
  void start_desktop() {
    std::string why;
    desktop_ = DesktopSession::start(root_, AccessibilityBus::Off, &why);
    ASSERT_TRUE(desktop_) << why;

    const std::string dunstrc = root_ + "/dunstrc";
    ASSERT_TRUE(g_file_set_contents(dunstrc.c_str(), "[global]\n", -1, nullptr));
    dunst_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"dunst", "-config", dunstrc, "-print"}, desktop_env());
    std::string out;
    ASSERT_TRUE(desktop_->wait_for_bus_name("org.freedesktop.Notifications", &out))
        << out << dunst_->transcript();

    game_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"xmessage", "-title", "League of Legends (TM) Client", "The game"},
        desktop_env());
    ASSERT_TRUE(run_program({"xdotool", "search", "--sync", "--name", "League of Legends"},
                            desktop_env(), &out))
        << out << game_->transcript();
    game_xid_ = out.substr(0, out.find('\n'));
    ASSERT_FALSE(game_xid_.empty());
  }

  std::map<std::string, std::string> desktop_env() const { return desktop_->env(); }
  // The app's settings in a private keyfile store with the build tree's schema; on the session
  // bus it is a unique application, alone on this private bus.
  std::map<std::string, std::string> app_env() const { return desktop_->app_env(); }

  // The app waiting for its game (the stand-in is Down): it starts the call when told.
  void start_app() {
    server_ = std::make_unique<ServerProcess>();
    std::string error;
    LcdStandinOptions lo;
    lo.cert_dir = root_ + "/lcd";
    lo.initial_phase = LcdPhase::Down;
    lcd_ = LcdStandin::create(lo, &error);
    ASSERT_TRUE(lcd_) << error;
    ASSERT_TRUE(lcd_->set_document_file(SHOTCALL_LCD_FIXTURE, &error)) << error;
    app_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{SHOTCALL_APP_BINARY, "--server", server_->url(), "--lcd-url",
                                 lcd_->base_url(), "--lcd-ca", lcd_->ca_file(), "--source",
                                 "audiotestsrc is-live=true wave=silence", "--sink", "fakesink",
                                 "--ice-address", "127.0.0.1", "--events"},
        app_env());
    ASSERT_TRUE(app_->wait_for_lines("window-mapped 0x", 1, 60s)) << app_->transcript();
    app_xid_ = app_->find_line("window-mapped ").substr(14);
  }

  // The player looks at Shotcall: the app's window has the keyboard focus, and GTK knows it.
  void focus_app() {
    const std::size_t before = app_->count_lines("window-active on");
    std::string out;
    ASSERT_TRUE(run_program({"xdotool", "windowfocus", "--sync", app_xid_}, desktop_env(), &out))
        << out;
    if (last_active_line() == "window-active on") return;
    ASSERT_TRUE(app_->wait_for_lines("window-active on", before + 1, 30s)) << app_->transcript();
  }
  // The player looks at the game: from a focused window to the other, so the app must see the
  // change (and says so) before the test goes on.
  void focus_game() {
    ASSERT_NO_FATAL_FAILURE(focus_app());
    const std::size_t before = app_->count_lines("window-active off");
    std::string out;
    ASSERT_TRUE(run_program({"xdotool", "windowfocus", "--sync", game_xid_}, desktop_env(), &out))
        << out;
    ASSERT_TRUE(app_->wait_for_lines("window-active off", before + 1, 30s)) << app_->transcript();
  }
  std::string last_active_line() const {
    std::string last;
    for (const auto& l : app_->lines())
      if (l.rfind("window-active ", 0) == 0) last = l;
    return last;
  }

  std::unique_ptr<PeerProcess> teammate(const std::string& riot_id) {
    std::string roster;
    for (const auto& id : kTeam) roster += (roster.empty() ? "" : ",") + id;
    return std::make_unique<PeerProcess>(std::vector<std::string>{
        "--server", server_->url(), "--riot-id", riot_id, "--game", "UI_NOTIFY", "--team", "100",
        "--teammates", roster, "--source", "audiotestsrc is-live=true wave=silence", "--sink",
        "fakesink", "--ice-address", "127.0.0.1"});
  }

  void start_game() {
    std::string error;
    ASSERT_TRUE(lcd_->set_phase(LcdPhase::InGame, &error)) << error;
    ASSERT_TRUE(app_->wait_for_lines("joined ", 1, 60s)) << app_->transcript();
  }

  std::string root_;
  std::unique_ptr<DesktopSession> desktop_;
  std::unique_ptr<ChildProcess> dunst_;
  std::unique_ptr<ChildProcess> game_;
  std::string game_xid_;
  std::unique_ptr<ServerProcess> server_;  // started with the app, after the tools are checked
  std::unique_ptr<LcdStandin> lcd_;
  std::unique_ptr<ChildProcess> app_;
  std::string app_xid_;
};

TEST_F(Notifications, ArriveWhileThePlayerLooksElsewhere) {
  ASSERT_NO_FATAL_FAILURE(start_desktop());
  ASSERT_NO_FATAL_FAILURE(start_app());
  ASSERT_NO_FATAL_FAILURE(focus_game());

  // The game starts: the team's call is on, said by the daemon.
  ASSERT_NO_FATAL_FAILURE(start_game());
  ASSERT_TRUE(dunst_->wait_for_lines(summary_line("Your team's call is on"), 1, 30s))
      << dunst_->transcript() << app_->transcript();
  // (dunst prints a notification's fields one line at a time: the body follows the summary.)
  EXPECT_TRUE(dunst_->wait_for_lines("\tbody: 'In game as ", 1, 30s)) << dunst_->transcript();

  // A teammate joins, then leaves.
  auto mate = teammate(kTeam[1]);
  ASSERT_TRUE(app_->wait_for_lines("teammate-joined " + kTeam[1], 1, 60s)) << app_->transcript();
  ASSERT_TRUE(dunst_->wait_for_lines(summary_line(kTeam[1] + " joined the call"), 1, 30s))
      << dunst_->transcript();
  const ProcessExit m = mate->terminate();
  EXPECT_TRUE(m.exited && m.status == 0) << mate->transcript();
  ASSERT_TRUE(app_->wait_for_lines("teammate-left " + kTeam[1], 1, 60s)) << app_->transcript();
  ASSERT_TRUE(dunst_->wait_for_lines(summary_line(kTeam[1] + " left the call"), 1, 30s))
      << dunst_->transcript();
  EXPECT_EQ(dunst_->count_lines("\tsummary: "), 3u) << dunst_->transcript();

  const ProcessExit e = app_->terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app_->transcript();
}

TEST_F(Notifications, StayQuietWhileTheWindowIsFocused) {
  ASSERT_NO_FATAL_FAILURE(start_desktop());
  ASSERT_NO_FATAL_FAILURE(start_app());
  ASSERT_NO_FATAL_FAILURE(focus_app());

  // The call starts, a teammate joins and leaves: all on screen, nothing for the daemon.
  ASSERT_NO_FATAL_FAILURE(start_game());
  auto mate = teammate(kTeam[1]);
  ASSERT_TRUE(app_->wait_for_lines("teammate-joined " + kTeam[1], 1, 60s)) << app_->transcript();
  const ProcessExit m = mate->terminate();
  EXPECT_TRUE(m.exited && m.status == 0) << mate->transcript();
  ASSERT_TRUE(app_->wait_for_lines("teammate-left " + kTeam[1], 1, 60s)) << app_->transcript();
  EXPECT_EQ(app_->count_lines("notification "), 0u) << app_->transcript();

  // The proof of absence: the player looks away and another teammate joins. That notification
  // travels the app's one bus connection after any the app could have sent before, so the
  // daemon having it, and only it, shows that none came earlier.
  ASSERT_NO_FATAL_FAILURE(focus_game());
  auto late = teammate(kTeam[4]);
  ASSERT_TRUE(app_->wait_for_lines("teammate-joined " + kTeam[4], 1, 60s)) << app_->transcript();
  ASSERT_TRUE(dunst_->wait_for_lines(summary_line(kTeam[4] + " joined the call"), 1, 30s))
      << dunst_->transcript() << app_->transcript();
  EXPECT_EQ(dunst_->count_lines("\tsummary: "), 1u) << dunst_->transcript();

  const ProcessExit l = late->terminate();
  EXPECT_TRUE(l.exited && l.status == 0) << late->transcript();
  const ProcessExit e = app_->terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app_->transcript();
}

}  // namespace
}  // namespace shotcall::test
