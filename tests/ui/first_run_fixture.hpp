// The first-run end-to-end tests' fixture: the real app under Xvfb with a private settings
// store, driven with xdotool (first_run_test.cpp, first_run_nat_test.cpp).
#pragma once

#include <glib/gstdio.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/ui/child_process.hpp"
#include "tests/ui/xvfb.hpp"

namespace shotcall::test {

using namespace std::chrono_literals;

inline constexpr const char* kSchema = "io.github.shotcall.Shotcall";

class FirstRunEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = make_test_dir("shotcall-first-run");
    const std::string gtk_dir = root_ + "/config/gtk-3.0";
    g_mkdir_with_parents(gtk_dir.c_str(), 0755);
    g_file_set_contents((gtk_dir + "/settings.ini").c_str(),
                        "[Settings]\ngtk-enable-animations=false\n", -1, nullptr);
  }
  void TearDown() override { remove_test_dir(root_, HasFailure()); }

  // A private keyfile settings store and the build tree's schema, no session bus.
  std::map<std::string, std::string> app_env() const {
    return {{"DISPLAY", x_.display()},
            {"GSETTINGS_BACKEND", "keyfile"},
            {"GSETTINGS_SCHEMA_DIR", SHOTCALL_BUILD_SCHEMA_DIR},
            {"XDG_CONFIG_HOME", root_ + "/config"},
            {"XDG_DATA_HOME", root_ + "/data"},
            {"XDG_CACHE_HOME", root_ + "/cache"},
            {"DBUS_SESSION_BUS_ADDRESS", "unix:path=" + root_ + "/no-session-bus"},
            {"NO_AT_BRIDGE", "1"},
            {"GST_DEBUG", "1"}};
  }
  void set(const std::string& key, const std::string& value) {
    std::string out;
    ASSERT_TRUE(run_program({"gsettings", "set", kSchema, key, value}, app_env(), &out)) << out;
  }
  std::string get(const std::string& key) {
    std::string out;
    EXPECT_TRUE(run_program({"gsettings", "get", kSchema, key}, app_env(), &out)) << out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }
  void xdotool(std::vector<std::string> args) {
    args.insert(args.begin(), "xdotool");
    std::string out;
    EXPECT_TRUE(run_program(args, {{"DISPLAY", x_.display()}}, &out)) << out;
  }
  // No microphone or speakers here: a tone and a sink, chosen in the settings (the command
  // line's --source/--sink would work too; the page does not ask about devices).
  void preset_devices() {
    set("input-device", "audiotestsrc is-live=true wave=sine volume=0.3 freq=440");
    set("output-device", "fakesink");
  }
  // The app as a new player starts it: no options but the event lines and loopback ICE.
  // `prefix`: a network namespace's exec_prefix() to run it there.
  std::unique_ptr<ChildProcess> start_app(std::vector<std::string> prefix = {}) {
    for (const char* a : {SHOTCALL_APP_BINARY, "--ice-address", "127.0.0.1", "--events"})
      prefix.push_back(a);
    return std::make_unique<ChildProcess>(prefix, app_env());
  }
  // Waits for the page and gives it the keyboard; its X11 id.
  std::string first_run_page(ChildProcess& app) {
    EXPECT_TRUE(app.wait_for_lines("first-run-mapped 0x", 1, 60s)) << app.transcript();
    const std::string line = app.find_line("first-run-mapped ");
    const std::string xid = line.size() > 17 ? line.substr(17) : "";
    xdotool({"windowfocus", "--sync", xid});
    return xid;
  }
  // The server field: replace what is there, test, and read the verdict's first words.
  void enter_and_test_server(ChildProcess& app, const std::string& url) {
    xdotool({"key", "alt+v"});
    xdotool({"key", "ctrl+a"});
    xdotool({"type", url});
    xdotool({"key", "alt+t"});
    ASSERT_TRUE(app.wait_for_lines("first-run-probe ", 1, 30s)) << app.transcript();
    EXPECT_EQ(app.find_line("first-run-probe "),
              "first-run-probe usable Reached the Shotcall server at " + url + ".");
  }

  // For a person to look at: test-output/ui/<name>.png.
  void screenshot(const std::string& xid, const std::string& name) {
    g_mkdir_with_parents(SHOTCALL_TEST_OUTPUT_DIR, 0755);
    std::string out;
    EXPECT_TRUE(run_program({"import", "-display", x_.display(), "-window", xid,
                             std::string{SHOTCALL_TEST_OUTPUT_DIR} + "/" + name + ".png"},
                            {}, &out))
        << out;
  }

  Xvfb x_;
  std::string root_;
};

}  // namespace shotcall::test
