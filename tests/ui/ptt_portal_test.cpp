// Issue 17: push-to-talk through the desktop's org.freedesktop.portal.GlobalShortcuts portal.
// Each test runs its own desktop: Xvfb, a private session bus (dbus-daemon with a configuration
// of its own, nothing activated behind the test's back) and, on it, the portal of
// tests/ui/global_shortcuts_portal.py, which implements the interface as its specification says
// (Request and Session objects, Response signals, bindings kept per application in a file) and
// prints what the app asked of it. The test presses and releases the shortcut through the
// portal's control object: the portal sends Activated and Deactivated, as a desktop does for a
// key held in any window.
//
// The real `shotcall` app runs with XDG_SESSION_TYPE=wayland on Xvfb: a Wayland session where
// GDK talks to XWayland, as the game (a Wine/X11 program) often makes it. There an X11 key grab
// only sees keys while an X11 window has the focus, so the app asks the portal first; the same
// code path as on a pure Wayland display, where GDK has no X11 at all. The X11 grab of a plain
// X11 session is tested by AppEndToEnd.PushToTalkKeyAndShortcutsWorkOnX11.
#include <gtest/gtest.h>

#include <memory>

#include "tests/support/server_process.hpp"
#include "tests/ui/child_process.hpp"
#include "tests/ui/desktop_session.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

const char* const kTools[] = {"Xvfb", "dbus-daemon", "gdbus", "gsettings", "xdotool"};
// Debian's python3 has python3-gi; a python3 earlier on PATH (pyenv, a venv) may not.
constexpr const char* kPython = "/usr/bin/python3";
constexpr const char* kPortal = SHOTCALL_SOURCE_DIR "/tests/ui/global_shortcuts_portal.py";

class PortalPushToTalk : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::string> missing = missing_programs(kTools);
    std::string out;
    if (!run_program({kPython, "-c", "import gi; gi.require_version('Gio', '2.0')"}, {}, &out))
      missing.push_back(std::string{kPython} + " cannot import gi (python3-gi): " + out);
    if (!missing.empty()) {
      std::string why;
      for (const auto& m : missing) why += m + "; ";
      why += "see scripts/install-deps";
      if (g_strcmp0(g_getenv("CI"), "true") == 0) FAIL() << why;
      GTEST_SKIP() << why;
    }
    root_ = make_test_dir("shotcall-ui-ptt-portal");
  }
  void TearDown() override { remove_test_dir(root_, HasFailure()); }

  // X server, session bus, signaling server, and the app's settings: push-to-talk on F8.
  void start_desktop() {
    std::string why;
    desktop_ = DesktopSession::start(root_, AccessibilityBus::Off, &why);
    ASSERT_TRUE(desktop_) << why;
    server_ = std::make_unique<ServerProcess>();
    std::string out;
    ASSERT_TRUE(run_program(
        {"gsettings", "set", "io.github.shotcall.Shotcall", "voice-mode", "push-to-talk"},
        app_env(), &out))
        << out;
    ASSERT_TRUE(run_program(
        {"gsettings", "set", "io.github.shotcall.Shotcall", "ptt-shortcut", "F8"}, app_env(), &out))
        << out;
  }

  // The portal on the bus; `refuse`: the user declines every new shortcut.
  void start_portal(bool refuse) {
    std::vector<std::string> argv = {kPython, kPortal, "--store", root_ + "/portal-store.json"};
    if (refuse) argv.push_back("--refuse");
    portal_ = std::make_unique<ChildProcess>(argv, desktop_env());
    ASSERT_TRUE(portal_->wait_for_lines("ready", 1, 30s)) << portal_->transcript();
  }

  std::map<std::string, std::string> desktop_env() const { return desktop_->env(); }
  std::map<std::string, std::string> app_env() const {
    auto env = desktop_->app_env();
    env["XDG_SESSION_TYPE"] = "wayland";  // GDK on XWayland: see the file's comment
    env["WAYLAND_DISPLAY"] = "";          // (none here: GDK picks X11, the test's display)
    env["GDK_BACKEND"] = "x11";
    return env;
  }

  // The app in its team's call (a real signaling server), its microphone a loud tone.
  std::unique_ptr<ChildProcess> start_app() {
    auto app = std::make_unique<ChildProcess>(
        std::vector<std::string>{SHOTCALL_APP_BINARY, "--server", server_->url(), "--riot-id",
                                 "Caller#PTT", "--game", "UI_PORTAL", "--team", "200",
                                 "--teammates", "Caller#PTT,Mate#PTT", "--source",
                                 "audiotestsrc is-live=true wave=sine volume=0.3", "--sink",
                                 "fakesink", "--ice-address", "127.0.0.1", "--events"},
        app_env());
    EXPECT_TRUE(app->wait_for_lines("window-mapped 0x", 1, 60s)) << app->transcript();
    EXPECT_TRUE(app->wait_for_lines("joined UI_PORTAL_200_", 1, 60s)) << app->transcript();
    return app;
  }

  // A call to the portal's control object (the test standing in for the user and desktop).
  void control(const std::string& method, std::vector<std::string> args) {
    std::vector<std::string> argv = {"gdbus",
                                     "call",
                                     "--session",
                                     "--dest",
                                     "org.freedesktop.portal.Desktop",
                                     "--object-path",
                                     "/org/shotcall/test/control",
                                     "--method",
                                     "org.shotcall.test.PortalControl." + method};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string out;
    ASSERT_TRUE(run_program(argv, desktop_env(), &out)) << out;
  }
  // Holds or lets go of the shortcut, as the desktop sees it.
  void portal_key(bool pressed) { control(pressed ? "Press" : "Release", {"push-to-talk"}); }

  // The window's sentence about push-to-talk, once it is not the "asking" one.
  static std::string final_hint(const ChildProcess& app) {
    std::string last;
    for (const auto& l : app.lines())
      if (l.rfind("ptt-hint ", 0) == 0) last = l.substr(9);
    return last;
  }

  // What the window says works instead of the portal, and that it does: F8 in the window.
  // `before`: how many times the portal's key had turned the microphone on.
  void expect_window_key_and_voice_activity_offered(ChildProcess& app, std::size_t before = 0) {
    ASSERT_TRUE(app.wait_for_lines("ptt-hint No push-to-talk key in other windows", 1, 60s))
        << app.transcript();
    // (After the first "ptt window-only", while the app was asking the desktop.)
    ASSERT_TRUE(app.wait_for_lines("ptt window-only", 2, 30s)) << app.transcript();
    const std::string hint = final_hint(app);
    EXPECT_NE(hint.find("Hold F8 while Shotcall's window is focused"), std::string::npos) << hint;
    EXPECT_NE(hint.find("voice activity"), std::string::npos) << hint;
    EXPECT_NE(hint.find("X11 session"), std::string::npos) << hint;

    const std::string xid = app.find_line("window-mapped ").substr(14);
    std::string out;
    ASSERT_TRUE(run_program({"xdotool", "windowfocus", "--sync", xid}, desktop_env(), &out)) << out;
    EXPECT_EQ(app.count_lines("transmitting on"), before) << app.transcript();
    ASSERT_TRUE(run_program({"xdotool", "keydown", "F8"}, desktop_env(), &out)) << out;
    ASSERT_TRUE(app.wait_for_lines("transmitting on", before + 1, 30s)) << app.transcript();
    ASSERT_TRUE(run_program({"xdotool", "keyup", "F8"}, desktop_env(), &out)) << out;
    ASSERT_TRUE(app.wait_for_lines("transmitting off", before + 1, 30s)) << app.transcript();
  }

  std::string root_;
  std::unique_ptr<DesktopSession> desktop_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<ChildProcess> portal_;
};

TEST_F(PortalPushToTalk, ActivatedAndDeactivatedDriveTheMicrophoneAndTheBindingSurvivesARestart) {
  ASSERT_NO_FATAL_FAILURE(start_desktop());
  ASSERT_NO_FATAL_FAILURE(start_portal(false));

  // First run: nothing bound yet, so the app binds, and the user confirms its F8.
  auto app = start_app();
  ASSERT_TRUE(app->wait_for_lines("ptt portal", 1, 60s))
      << app->transcript() << portal_->transcript();
  // (The portal prints before it answers; its lines come through a pipe of their own.)
  ASSERT_TRUE(portal_->wait_for_lines("bound push-to-talk F8", 1, 30s)) << portal_->transcript();
  EXPECT_EQ(portal_->count_lines("listed shotcall "), 1u) << portal_->transcript();
  EXPECT_EQ(portal_->count_lines("confirm push-to-talk F8"), 1u) << portal_->transcript();
  EXPECT_EQ(final_hint(*app), "Push to talk: F8, in any window.") << app->transcript();

  // A loud tone, but nothing goes out until the desktop says the key is down.
  EXPECT_EQ(app->count_lines("transmitting on"), 0u) << app->transcript();
  ASSERT_NO_FATAL_FAILURE(portal_key(true));
  ASSERT_TRUE(app->wait_for_lines("transmitting on", 1, 30s)) << app->transcript();
  ASSERT_NO_FATAL_FAILURE(portal_key(false));
  ASSERT_TRUE(app->wait_for_lines("transmitting off", 1, 30s)) << app->transcript();
  ASSERT_TRUE(portal_->wait_for_lines("deactivated push-to-talk 1", 1, 30s))
      << portal_->transcript();
  EXPECT_EQ(portal_->count_lines("activated push-to-talk 1"), 1u) << portal_->transcript();
  ProcessExit e = app->terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app->transcript();

  // Second run, a new process and session: the desktop lists the stored binding, and the app
  // takes it without binding again (no second confirmation from the user).
  app = start_app();
  ASSERT_TRUE(app->wait_for_lines("ptt portal", 1, 60s))
      << app->transcript() << portal_->transcript();
  EXPECT_EQ(final_hint(*app), "Push to talk: F8, in any window.") << app->transcript();
  ASSERT_NO_FATAL_FAILURE(portal_key(true));
  ASSERT_TRUE(app->wait_for_lines("transmitting on", 1, 30s)) << app->transcript();
  ASSERT_NO_FATAL_FAILURE(portal_key(false));
  ASSERT_TRUE(app->wait_for_lines("transmitting off", 1, 30s)) << app->transcript();
  // The portal printed all it was asked before these, in order: the second session listed its
  // binding and bound nothing. The first run's session ended with its process, so only the
  // new one was activated.
  ASSERT_TRUE(portal_->wait_for_lines("deactivated push-to-talk 1", 2, 30s))
      << portal_->transcript();
  EXPECT_EQ(portal_->count_lines("session "), 2u) << portal_->transcript();
  EXPECT_EQ(portal_->count_lines("listed shotcall push-to-talk"), 1u) << portal_->transcript();
  EXPECT_EQ(portal_->count_lines("confirm "), 1u) << portal_->transcript();
  EXPECT_EQ(portal_->count_lines("bound "), 1u) << portal_->transcript();
  EXPECT_EQ(portal_->count_lines("activated push-to-talk 1"), 2u) << portal_->transcript();
  e = app->terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app->transcript();
}

// The user picks another key in the desktop's settings (ShortcutsChanged), then the desktop ends
// the session (Session.Closed): the window follows both.
TEST_F(PortalPushToTalk, TheWindowFollowsTheDesktopChangingOrEndingTheShortcut) {
  ASSERT_NO_FATAL_FAILURE(start_desktop());
  ASSERT_NO_FATAL_FAILURE(start_portal(false));
  auto app = start_app();
  ASSERT_TRUE(app->wait_for_lines("ptt portal", 1, 60s))
      << app->transcript() << portal_->transcript();
  ASSERT_NO_FATAL_FAILURE(control("ChangeTrigger", {"push-to-talk", "CTRL+F9"}));
  ASSERT_TRUE(app->wait_for_lines("ptt-hint Push to talk: CTRL+F9, in any window.", 1, 30s))
      << app->transcript();
  ASSERT_NO_FATAL_FAILURE(portal_key(true));
  ASSERT_TRUE(app->wait_for_lines("transmitting on", 1, 30s)) << app->transcript();
  ASSERT_NO_FATAL_FAILURE(portal_key(false));
  ASSERT_TRUE(app->wait_for_lines("transmitting off", 1, 30s)) << app->transcript();

  // The session ends while the key is held: no Deactivated will come, the microphone closes.
  ASSERT_NO_FATAL_FAILURE(portal_key(true));
  ASSERT_TRUE(app->wait_for_lines("transmitting on", 2, 30s)) << app->transcript();
  ASSERT_NO_FATAL_FAILURE(control("CloseSessions", {}));
  ASSERT_TRUE(app->wait_for_lines("transmitting off", 2, 30s)) << app->transcript();
  ASSERT_NO_FATAL_FAILURE(expect_window_key_and_voice_activity_offered(*app, 2));
  EXPECT_NE(final_hint(*app).find("ended Shotcall's shortcut session"), std::string::npos)
      << app->transcript();
  const ProcessExit e = app->terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app->transcript();
}

TEST_F(PortalPushToTalk, RefusedTheWindowSaysWhatWorksInstead) {
  ASSERT_NO_FATAL_FAILURE(start_desktop());
  ASSERT_NO_FATAL_FAILURE(start_portal(true));
  auto app = start_app();
  ASSERT_NO_FATAL_FAILURE(expect_window_key_and_voice_activity_offered(*app));
  EXPECT_EQ(app->count_lines("ptt portal"), 0u) << app->transcript();
  ASSERT_TRUE(portal_->wait_for_lines("refused push-to-talk", 1, 30s)) << portal_->transcript();
  EXPECT_NE(final_hint(*app).find("declined"), std::string::npos) << app->transcript();
  const ProcessExit e = app->terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app->transcript();
}

TEST_F(PortalPushToTalk, AbsentTheWindowSaysWhatWorksInstead) {
  ASSERT_NO_FATAL_FAILURE(start_desktop());
  auto app = start_app();
  ASSERT_NO_FATAL_FAILURE(expect_window_key_and_voice_activity_offered(*app));
  EXPECT_EQ(app->count_lines("ptt portal"), 0u) << app->transcript();
  EXPECT_NE(final_hint(*app).find("offers no global shortcuts"), std::string::npos)
      << app->transcript();
  const ProcessExit e = app->terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app->transcript();
}

}  // namespace
}  // namespace shotcall::test
