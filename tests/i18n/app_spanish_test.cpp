// Issue 17: the real app in Spanish. shotcall runs with LANGUAGE=es LC_ALL=C.UTF-8 on its own
// desktop (Xvfb, a private session bus and the accessibility bus on it, as the accessibility test
// in tests/ui), in a call with a teammate who speaks (a real server, the game's stand-in, a
// shotcall-peer), then on its first-run page. tests/i18n/translations_check.py reads every text
// of the main window, Preferences (every page), History and the first-run page through AT-SPI
// and compares them with po/es.po: Spanish from the C++ code (the status line, a count in its
// plural form) and from the .ui files is there, and no text is an English message the catalog
// translates (those it lists: the untranslated-string finder). Screenshots in test-output/ui/.
#include <gtest/gtest.h>
#include <json-glib/json-glib.h>

#include <memory>
#include <set>

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
const char* const kMate = "Ñandú#ÁÉ";
const char* const kTools[] = {"Xvfb", "dbus-daemon", "gdbus", "xdotool", "import"};
const char* const kChecker = SHOTCALL_SOURCE_DIR "/tests/i18n/translations_check.py";
const char* const kCatalog = SHOTCALL_SOURCE_DIR "/po/es.po";

// English messages (as in po/es.po) whose Spanish the windows of a call must show: from the C++
// code, a plural form, and the .ui files. When one is reworded, take the new one from there.
const char* const kInCall[] = {
    "In game on {map} as {side}",                   // status_text.cpp: the status line
    "Connected with {count} of {total} teammate.",  // status_text.cpp: a plural (trn)
    "Teammates",                                    // main_window.ui: the list's accessible name
    "Main menu",                                    // main_window.ui
    "Voice",                                        // preferences.ui: a page
    "Appearance",                                   // preferences.ui: a page
    "Your recent games",                            // history_window.ui
};
// ... and the first-run page.
const char* const kFirstRun[] = {
    "Where does League run?",  // first_run.ui
};

struct Reading {
  bool ok = false;
  std::string output;
  std::set<std::string> found, missing;
  std::vector<std::string> offenders;  // "text    (where)"
};

Reading parse_reading(const std::string& output) {
  Reading r;
  r.output = output;
  JsonParser* parser = json_parser_new();
  if (json_parser_load_from_data(parser, output.c_str(), -1, nullptr)) {
    JsonNode* root = json_parser_get_root(parser);
    JsonObject* o = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : nullptr;
    if (o && !json_object_has_member(o, "error")) {
      r.ok = true;
      JsonObject* found = json_object_get_object_member(o, "found");
      GList* names = json_object_get_members(found);
      for (GList* n = names; n; n = n->next) r.found.insert(static_cast<const char*>(n->data));
      g_list_free(names);
      JsonArray* missing = json_object_get_array_member(o, "missing");
      for (guint i = 0; i < json_array_get_length(missing); ++i)
        r.missing.insert(json_array_get_string_element(missing, i));
      JsonArray* offenders = json_object_get_array_member(o, "offenders");
      for (guint i = 0; i < json_array_get_length(offenders); ++i) {
        JsonObject* e = json_array_get_object_element(offenders, i);
        r.offenders.push_back(std::string{json_object_get_string_member(e, "text")} + "    (" +
                              json_object_get_string_member(e, "where") + ")");
      }
    }
  }
  g_object_unref(parser);
  return r;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += "\n  " + s;
  return out;
}

class Translations : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::string> missing = missing_programs(kTools);
    if (!g_file_test(DesktopSession::kBusLauncher, G_FILE_TEST_IS_EXECUTABLE))
      missing.push_back(std::string{DesktopSession::kBusLauncher} + " is missing (at-spi2-core)");
    python_ = find_pyatspi_python();
    if (python_.empty()) missing.push_back("no python3 can import pyatspi (python3-pyatspi)");
    if (!missing.empty()) {
      std::string why;
      for (const auto& m : missing) why += "\n  " + m;
      why += "\n(scripts/install-deps)";
      if (g_strcmp0(g_getenv("CI"), "true") == 0) FAIL() << why;
      GTEST_SKIP() << why;
    }
    root_ = make_test_dir("shotcall-i18n-es");
    g_mkdir_with_parents(SHOTCALL_TEST_OUTPUT_DIR, 0755);
    std::string why;
    desktop_ = DesktopSession::start(root_, AccessibilityBus::On, &why);
    ASSERT_TRUE(desktop_) << why;
  }
  void TearDown() override {
    app_.reset();
    desktop_.reset();
    remove_test_dir(root_, HasFailure());
  }

  std::map<std::string, std::string> desktop_env() const { return desktop_->env(); }

  // The player's language: Spanish, in the one UTF-8 locale CI generates (glibc then reads
  // LANGUAGE), with the build tree's catalogs (the app finds them from its own path).
  std::map<std::string, std::string> app_env() const {
    auto env = desktop_->app_env();
    env["LANGUAGE"] = "es";
    env["LC_ALL"] = "C.UTF-8";
    return env;
  }

  // What the checker read in the app's windows now; kept as <test dir>/<name>.json.
  Reading read(const std::string& name, const char* const* expect, std::size_t n,
               std::vector<std::string> args = {}) {
    args.insert(args.begin(),
                {python_, kChecker, "--catalog", kCatalog, "--app", "shotcall", "--timeout", "30"});
    for (std::size_t i = 0; i < n; ++i) {
      args.push_back("--expect");
      args.push_back(expect[i]);
    }
    std::string out;
    auto env = desktop_env();
    env["LC_ALL"] = "C.UTF-8";  // the checker prints UTF-8
    run_program(args, env, &out, 120s);
    g_file_set_contents((root_ + "/" + name + ".json").c_str(), out.c_str(), -1, nullptr);
    return parse_reading(out);
  }

  // No English the catalog translates; what was expected is added to `found`.
  void expect_spanish(const Reading& r, const char* what, std::set<std::string>* found) {
    ASSERT_TRUE(r.ok) << what << ": the checker did not read the windows:\n" << r.output;
    EXPECT_TRUE(r.offenders.empty())
        << what << ": English shown that po/es.po translates (or leaves untranslated):"
        << joined(r.offenders);
    found->insert(r.found.begin(), r.found.end());
  }

  void screenshot(const std::string& xid, const std::string& name) {
    const std::string png = std::string{SHOTCALL_TEST_OUTPUT_DIR} + "/" + name;
    std::string out;
    EXPECT_TRUE(
        run_program({"import", "-display", desktop_->display(), "-window", xid, png}, {}, &out))
        << out;
  }

  void press_in_main_window(const std::string& keys) {
    std::string out;
    EXPECT_TRUE(desktop_->xdotool({"windowfocus", "--sync", app_xid_}, &out)) << out;
    EXPECT_TRUE(desktop_->xdotool({"key", keys}, &out)) << out;
  }

  std::string root_;
  std::string python_;
  std::unique_ptr<DesktopSession> desktop_;
  std::unique_ptr<ChildProcess> app_;
  std::string app_xid_;
};

TEST_F(Translations, AppWindowsShowSpanish) {
  ServerProcess server;
  std::string error;
  LcdStandinOptions lo;
  lo.cert_dir = root_ + "/lcd";
  lo.initial_phase = LcdPhase::InGame;
  auto lcd = LcdStandin::create(lo, &error);
  ASSERT_TRUE(lcd) << error;
  ASSERT_TRUE(lcd->set_document_file(SHOTCALL_LCD_FIXTURE, &error)) << error;
  std::string roster;
  for (const auto& id : kTeam) roster += (roster.empty() ? "" : ",") + id;
  PeerProcess mate({"--server", server.url(), "--riot-id", kMate, "--game", "UI_I18N", "--team",
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

  std::set<std::string> found;
  const std::size_t n = std::size(kInCall);
  ASSERT_NO_FATAL_FAILURE(expect_spanish(read("main", kInCall, n), "main window", &found));
  screenshot(app_xid_, "translations-es-main.png");

  press_in_main_window("ctrl+comma");
  ASSERT_TRUE(app_->wait_for_lines("preferences-shown 0x", 1, 30s)) << app_->transcript();
  const std::string prefs_xid = app_->find_line("preferences-shown ").substr(18);
  screenshot(prefs_xid, "translations-es-preferences.png");
  ASSERT_NO_FATAL_FAILURE(
      expect_spanish(read("preferences", kInCall, n, {"--pages"}), "Preferences", &found));

  press_in_main_window("ctrl+h");
  ASSERT_TRUE(app_->wait_for_lines("history-shown ", 1, 30s)) << app_->transcript();
  ASSERT_NO_FATAL_FAILURE(expect_spanish(read("history", kInCall, n), "History", &found));

  for (const char* msgid : kInCall)
    EXPECT_TRUE(found.count(msgid)) << "no window of the call showed the Spanish for \"" << msgid
                                    << "\" (po/es.po); readings in " << root_;

  const ProcessExit m = mate.terminate();
  EXPECT_TRUE(m.exited && m.status == 0) << mate.transcript();
  const ProcessExit e = app_->terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app_->transcript();

  // A first start: no settings, no server on the command line.
  const std::string fresh = root_ + "/first-run";
  DesktopSession::no_animations(fresh + "/config");
  app_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{SHOTCALL_APP_BINARY, "--source",
                               "audiotestsrc is-live=true wave=silence", "--sink", "fakesink",
                               "--ice-address", "127.0.0.1", "--events"},
      [&] {
        auto env = app_env();
        env["XDG_CONFIG_HOME"] = fresh + "/config";
        env["XDG_DATA_HOME"] = fresh + "/data";
        return env;
      }());
  ASSERT_TRUE(app_->wait_for_lines("first-run-mapped 0x", 1, 60s)) << app_->transcript();
  screenshot(app_->find_line("first-run-mapped ").substr(17), "translations-es-first-run.png");
  std::set<std::string> first_run;
  ASSERT_NO_FATAL_FAILURE(expect_spanish(read("first-run", kFirstRun, std::size(kFirstRun)),
                                         "first-run page", &first_run));
  for (const char* msgid : kFirstRun)
    EXPECT_TRUE(first_run.count(msgid))
        << "the first-run page did not show the Spanish for \"" << msgid << "\"";
  const ProcessExit f = app_->terminate();
  EXPECT_TRUE(f.exited && !f.signaled && f.status == 0) << app_->transcript();
}

}  // namespace
}  // namespace shotcall::test
