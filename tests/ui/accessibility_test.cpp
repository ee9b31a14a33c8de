// Issue 17: what a screen reader user meets in the real app. Each test runs its own desktop:
// Xvfb, a private session bus (dbus-daemon with a configuration of its own) and the
// accessibility bus on it (at-spi-bus-launcher, which starts its own bus and at-spi2-registryd
// there). GTK finds that bus through org.a11y.Bus on the session bus, as on a GNOME desktop.
// tests/ui/accessibility_check.py (pyatspi) walks the app's AT-SPI tree from outside and reports,
// as JSON, every control with no role or no name and every one that cannot take the keyboard
// focus; it also reads the teammate rows' accessible names.
//
// In a call: the main window (and its menu), Preferences (every page), the identity page
// (Ctrl+I), History (Ctrl+H) and Keyboard Shortcuts (Ctrl+?), opened with real keys (xdotool),
// and About, opened from the main menu and closed with its Close button (AT-SPI actions);
// a teammate (a shotcall-peer) speaks with a tone, and their row says so. Then the first-run page
// of an app started without a server, with each of its modes.
#include <gtest/gtest.h>
#include <json-glib/json-glib.h>

#include <algorithm>
#include <map>
#include <memory>

#include "tests/peer/peer_process.hpp"
#include "tests/support/lcd_standin.hpp"
#include "tests/support/server_process.hpp"
#include "tests/ui/child_process.hpp"
#include "tests/ui/desktop_session.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

// The fixture's ORDER side (tests/game/fixtures/classic_order_view.json): the player first; the
// teammate plays Garen.
const std::vector<std::string> kTeam = {"Shotcaller#EUW", "Ñandú#ÁÉ", "Саша#RU1",
                                        "ジンクス好き#JP1", "Lane Bully#NA1"};
const char* const kMate = "Ñandú#ÁÉ";
const char* const kMateChampion = "Garen";
const char* const kTools[] = {"Xvfb", "dbus-daemon", "gdbus", "xdotool"};
const char* const kChecker = SHOTCALL_SOURCE_DIR "/tests/ui/accessibility_check.py";

// What the checker found, read from its JSON.
struct Findings {
  bool ok = false;     // it ran and walked the tree
  std::string output;  // what it printed, for failure messages
  std::vector<std::string> windows;
  int controls = 0;
  std::vector<std::string> unnamed, no_role, unfocusable;  // "window: path"
  std::vector<std::string> rows;
  std::vector<std::string> visited;        // the pages and popovers it opened
  std::string awaited_row;                 // the row that said what --wait-row asked, as it said it
  std::map<std::string, int> controls_in;  // window title -> its controls (with --list)
  std::vector<std::string> closed;         // the windows it closed with their Close button
};

std::vector<std::string> strings_of(JsonObject* o, const char* member) {
  std::vector<std::string> out;
  if (!json_object_has_member(o, member)) return out;
  JsonArray* a = json_object_get_array_member(o, member);
  for (guint i = 0; i < json_array_get_length(a); ++i) {
    JsonNode* n = json_array_get_element(a, i);
    if (JSON_NODE_HOLDS_VALUE(n)) {
      out.emplace_back(json_node_get_string(n));
    } else {
      JsonObject* e = json_node_get_object(n);
      out.push_back(std::string{json_object_get_string_member(e, "window")} + ": " +
                    json_object_get_string_member(e, "path"));
    }
  }
  return out;
}

Findings parse_findings(const std::string& output) {
  Findings f;
  f.output = output;
  JsonParser* parser = json_parser_new();
  if (json_parser_load_from_data(parser, output.c_str(), -1, nullptr)) {
    JsonNode* root = json_parser_get_root(parser);
    JsonObject* o = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : nullptr;
    if (o && !json_object_has_member(o, "error")) {
      f.ok = true;
      f.windows = strings_of(o, "windows");
      f.controls = static_cast<int>(json_object_get_int_member(o, "controls"));
      f.unnamed = strings_of(o, "unnamed");
      f.no_role = strings_of(o, "no_role");
      f.unfocusable = strings_of(o, "unfocusable");
      f.rows = strings_of(o, "rows");
      f.visited = strings_of(o, "visited");
      if (json_object_has_member(o, "awaited_row"))
        f.awaited_row = json_object_get_string_member(o, "awaited_row");
      f.closed = strings_of(o, "closed");
      if (json_object_has_member(o, "list")) {
        JsonArray* a = json_object_get_array_member(o, "list");
        for (guint i = 0; i < json_array_get_length(a); ++i)
          ++f.controls_in[json_object_get_string_member(json_array_get_object_element(a, i),
                                                        "window")];
      }
    }
  }
  g_object_unref(parser);
  return f;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += "\n  " + s;
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The checker's verdict on one state of the app: every control named, none without a role,
// every one reachable from the keyboard, and the window(s) looked at were there.
void expect_accessible(const Findings& f, const std::vector<std::string>& windows,
                       const char* what) {
  ASSERT_TRUE(f.ok) << what << ": the checker did not walk the tree:\n" << f.output;
  for (const auto& w : windows)
    EXPECT_TRUE(has(f.windows, w)) << what << ": no window " << w << joined(f.windows);
  EXPECT_GT(f.controls, 0) << what;
  EXPECT_TRUE(f.unnamed.empty()) << what << ": controls without a name:" << joined(f.unnamed);
  EXPECT_TRUE(f.no_role.empty()) << what << ": controls without a role:" << joined(f.no_role);
  EXPECT_TRUE(f.unfocusable.empty())
      << what << ": controls the keyboard cannot reach:" << joined(f.unfocusable);
}

class Accessibility : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::string> missing = missing_programs(kTools);
    if (!g_file_test(DesktopSession::kBusLauncher, G_FILE_TEST_IS_EXECUTABLE))
      missing.push_back(std::string{DesktopSession::kBusLauncher} + " is missing (at-spi2-core)");
    python_ = find_pyatspi_python();
    if (python_.empty()) missing.push_back("no python3 can import pyatspi (python3-pyatspi)");
    if (!missing.empty()) {
      const std::string why = joined(missing) + "\n(scripts/install-deps)";
      if (g_strcmp0(g_getenv("CI"), "true") == 0) FAIL() << why;
      GTEST_SKIP() << why;
    }
    root_ = make_test_dir("shotcall-ui-a11y");
  }
  void TearDown() override {
    app_.reset();
    desktop_.reset();
    remove_test_dir(root_, HasFailure());
  }

  void start_desktop() {
    std::string why;
    desktop_ = DesktopSession::start(root_, AccessibilityBus::On, &why);
    ASSERT_TRUE(desktop_) << why;
  }

  std::map<std::string, std::string> desktop_env() const { return desktop_->env(); }
  // The app's settings in a private keyfile store with the build tree's schema; GTK's
  // accessibility bridge on: it is what is under test.
  std::map<std::string, std::string> app_env() const { return desktop_->app_env(); }

  // Runs the checker; what it printed is kept as <test dir>/<name>.json (SHOTCALL_KEEP_TEST_FILES).
  Findings check(const std::string& name, std::vector<std::string> args) {
    args.insert(args.begin(),
                {python_, kChecker, "--app", "shotcall", "--timeout", "30", "--list"});
    std::string out;
    run_program(args, desktop_env(), &out, 90s);
    g_file_set_contents((root_ + "/" + name + ".json").c_str(), out.c_str(), -1, nullptr);
    return parse_findings(out);
  }

  void xdotool(std::vector<std::string> args) {
    std::string out;
    EXPECT_TRUE(desktop_->xdotool(std::move(args), &out)) << out;
  }

  // A key the main window's application shortcuts answer, with the window focused.
  void press_in_main_window(const std::string& keys) {
    xdotool({"windowfocus", "--sync", app_xid_});
    xdotool({"key", keys});
  }

  std::string root_;
  std::string python_;
  std::unique_ptr<DesktopSession> desktop_;
  std::unique_ptr<ChildProcess> app_;
  std::string app_xid_;
};

TEST_F(Accessibility, EveryWindowOfACallIsNamedAndReachableAndRowsReadAsSentences) {
  ASSERT_NO_FATAL_FAILURE(start_desktop());
  ServerProcess server;
  std::string error;
  LcdStandinOptions lo;
  lo.cert_dir = root_ + "/lcd";
  lo.initial_phase = LcdPhase::InGame;
  auto lcd = LcdStandin::create(lo, &error);
  ASSERT_TRUE(lcd) << error;
  ASSERT_TRUE(lcd->set_document_file(SHOTCALL_LCD_FIXTURE, &error)) << error;

  // The teammate talks all along (a tone), so their row says "speaking".
  std::string roster;
  for (const auto& id : kTeam) roster += (roster.empty() ? "" : ",") + id;
  PeerProcess mate({"--server", server.url(), "--riot-id", kMate, "--game", "UI_A11Y", "--team",
                    "100", "--teammates", roster, "--source",
                    "audiotestsrc is-live=true wave=sine volume=0.3 freq=650", "--sink", "fakesink",
                    "--ice-address", "127.0.0.1"});
  app_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{SHOTCALL_APP_BINARY, "--server", server.url(), "--lcd-url",
                               lcd->base_url(), "--lcd-ca", lcd->ca_file(), "--source",
                               "audiotestsrc is-live=true wave=silence", "--sink", "fakesink",
                               "--ice-address", "127.0.0.1", "--events"},
      app_env());
  ASSERT_TRUE(app_->wait_for_lines("window-mapped 0x", 1, 60s)) << app_->transcript();
  app_xid_ = app_->find_line("window-mapped ").substr(14);
  ASSERT_TRUE(app_->wait_for_lines("joined ", 1, 60s)) << app_->transcript();
  ASSERT_TRUE(app_->wait_for_lines(std::string{"first-audio "} + kMate, 1, 60s))
      << app_->transcript();

  // The main window and its menu; the teammate's row read once it says they speak.
  Findings main = check("main", {"--rows", "Teammates", "--wait-row", kMate, "--wait-row",
                                 "speaking", "--press", "Main menu"});
  ASSERT_NO_FATAL_FAILURE(expect_accessible(main, {"Shotcall"}, "main window"));
  // The row as it was while they spoke; and it is one of the teammate rows.
  const std::string row = main.awaited_row;
  ASSERT_EQ(row.rfind(kMate, 0), 0u) << row << joined(main.rows);
  bool listed = false;
  for (const auto& r : main.rows) {
    listed = listed || r.rfind(kMate, 0) == 0;
    // The others are not in the call: nobody else speaks.
    if (r.rfind(kMate, 0) != 0) {
      EXPECT_EQ(r.find("speaking"), std::string::npos) << r;
    }
  }
  EXPECT_TRUE(listed) << joined(main.rows);
  EXPECT_EQ(main.rows.size(), kTeam.size() - 1) << joined(main.rows);
  EXPECT_NE(row.find(std::string{", "} + kMateChampion + ","), std::string::npos) << row;
  EXPECT_NE(row.find(", Connected"), std::string::npos) << row;
  EXPECT_NE(row.find(", speaking"), std::string::npos) << row;

  // Preferences, every page.
  press_in_main_window("ctrl+comma");
  ASSERT_TRUE(app_->wait_for_lines("preferences-shown 0x", 1, 30s)) << app_->transcript();
  Findings prefs = check("preferences", {"--window", "Preferences", "--pages"});
  ASSERT_NO_FATAL_FAILURE(expect_accessible(prefs, {"Shotcall", "Preferences"}, "Preferences"));
  // The three other pages (Voice, Identity, Appearance) were each shown and walked.
  EXPECT_EQ(prefs.visited.size(), 3u) << joined(prefs.visited);
  for (const auto& v : prefs.visited) EXPECT_EQ(v.find("nothing changed"), std::string::npos) << v;

  // The identity page as Ctrl+I opens it (in a call: the server's word, the bound devices).
  press_in_main_window("ctrl+i");
  ASSERT_TRUE(app_->wait_for_lines("identity-shown 0x", 1, 30s)) << app_->transcript();
  ASSERT_TRUE(app_->wait_for_lines("devices ", 1, 30s)) << app_->transcript();
  Findings identity = check("identity", {"--window", "Preferences"});
  ASSERT_NO_FATAL_FAILURE(expect_accessible(identity, {"Preferences"}, "identity page"));

  // History: the games played (this one among them).
  press_in_main_window("ctrl+h");
  ASSERT_TRUE(app_->wait_for_lines("history-shown ", 1, 30s)) << app_->transcript();
  Findings history = check("history", {"--window", "History"});
  ASSERT_NO_FATAL_FAILURE(expect_accessible(history, {"History"}, "History"));

  // Keyboard shortcuts (the app says nothing when it opens: the checker waits for the window).
  press_in_main_window("ctrl+question");
  Findings shortcuts = check("shortcuts", {"--window", "Keyboard Shortcuts"});
  ASSERT_NO_FATAL_FAILURE(
      expect_accessible(shortcuts, {"Keyboard Shortcuts"}, "Keyboard Shortcuts"));

  // About, as a user reaches it: the main menu, its "About Shotcall"; closed with its own Close
  // button (the checker waits until the window is gone).
  Findings about = check("about", {"--open", "Main menu", "--open", "About Shotcall", "--window",
                                   "About Shotcall", "--close", "About Shotcall"});
  ASSERT_NO_FATAL_FAILURE(expect_accessible(about, {"About Shotcall"}, "About"));
  // Its controls were there to check: the website and licence links, Close.
  EXPECT_GE(about.controls_in["About Shotcall"], 3) << about.output;
  EXPECT_TRUE(has(about.closed, "About Shotcall")) << about.output;

  const ProcessExit m = mate.terminate();
  EXPECT_TRUE(m.exited && m.status == 0) << mate.transcript();
  const ProcessExit e = app_->terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app_->transcript();
}

TEST_F(Accessibility, FirstRunPageIsNamedAndReachableInEveryMode) {
  ASSERT_NO_FATAL_FAILURE(start_desktop());
  // A first start: no settings, no server on the command line.
  app_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{SHOTCALL_APP_BINARY, "--source",
                               "audiotestsrc is-live=true wave=silence", "--sink", "fakesink",
                               "--ice-address", "127.0.0.1", "--events"},
      app_env());
  ASSERT_TRUE(app_->wait_for_lines("first-run-mapped 0x", 1, 60s)) << app_->transcript();
  Findings page = check(
      "first-run", {"--window", "Set up Shotcall", "--press", "On another computer on my network",
                    "--press", "The server watches my Riot ID"});
  ASSERT_NO_FATAL_FAILURE(expect_accessible(page, {"Set up Shotcall"}, "first-run page"));
  // Every mode's fields were there to check: the three choices, the fields and buttons.
  EXPECT_GE(page.controls, 8) << page.output;

  const ProcessExit e = app_->terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app_->transcript();
}

}  // namespace
}  // namespace shotcall::test
