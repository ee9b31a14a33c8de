// One desktop test's desktop: an X server (Xvfb), a private session bus (session_bus.hpp) and,
// when the test reads the app through AT-SPI, the accessibility bus on it; the XDG directories
// under the test's own directory, with GTK's animations off (a page or popover is on screen in
// its final state at once). The accessibility, notification, portal and translation tests run
// the real app on it and add what each needs (a notification daemon, a portal, a language).
#pragma once

#include <glib.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/ui/child_process.hpp"
#include "tests/ui/session_bus.hpp"
#include "tests/ui/xvfb.hpp"

#ifndef SHOTCALL_BUILD_SCHEMA_DIR
#error "a desktop test needs SHOTCALL_BUILD_SCHEMA_DIR (the build tree's compiled GSettings schema)"
#endif

namespace shotcall::test {

enum class AccessibilityBus { Off, On };

class DesktopSession {
 public:
  // at-spi2-core's launcher of the accessibility bus (Debian's path).
  static constexpr const char* kBusLauncher = "/usr/libexec/at-spi-bus-launcher";

  // Starts Xvfb, the session bus under `root` and, with AccessibilityBus::On, the accessibility
  // bus (started now rather than activated: this bus activates nothing). nullptr and *why when
  // any of them does not come up.
  static std::unique_ptr<DesktopSession> start(const std::string& root, AccessibilityBus a11y,
                                               std::string* why) {
    auto d = std::unique_ptr<DesktopSession>(new DesktopSession(root, a11y));
    no_animations(root + "/config");
    d->x_ = std::make_unique<Xvfb>();
    if (d->x_->display().empty()) {
      *why = "Xvfb did not start: " + d->x_->transcript();
      return nullptr;
    }
    d->bus_ = SessionBus::start(root, why);
    if (!d->bus_) return nullptr;
    if (a11y == AccessibilityBus::On) {
      d->launcher_ = std::make_unique<ChildProcess>(
          std::vector<std::string>{kBusLauncher, "--launch-immediately"}, d->env());
      std::string out;
      if (!d->wait_for_bus_name("org.a11y.Bus", &out)) {
        *why = "the accessibility bus did not start: " + out + d->launcher_->transcript();
        return nullptr;
      }
    }
    return d;
  }

  // GTK's animations off in the settings.ini under `config_home`: a test that gives the app
  // another XDG_CONFIG_HOME (a first start) calls it for that one too.
  static void no_animations(const std::string& config_home) {
    const std::string gtk_dir = config_home + "/gtk-3.0";
    g_mkdir_with_parents(gtk_dir.c_str(), 0755);
    g_file_set_contents((gtk_dir + "/settings.ini").c_str(),
                        "[Settings]\ngtk-enable-animations=false\n", -1, nullptr);
  }

  // For every program on this desktop: the display, the bus and the XDG directories.
  std::map<std::string, std::string> env() const {
    return {{"DISPLAY", x_->display()},
            {"DBUS_SESSION_BUS_ADDRESS", bus_->address()},
            {"XDG_CONFIG_HOME", root_ + "/config"},
            {"XDG_DATA_HOME", root_ + "/data"},
            {"XDG_CACHE_HOME", root_ + "/cache"},
            {"XDG_RUNTIME_DIR", root_}};
  }

  // For the app under test: env(), its settings in a private keyfile store with the build
  // tree's schema, GStreamer quiet, and GTK's accessibility bridge only where there is an
  // accessibility bus (else GTK would wait for one).
  std::map<std::string, std::string> app_env() const {
    auto e = env();
    e["GSETTINGS_BACKEND"] = "keyfile";
    e["GSETTINGS_SCHEMA_DIR"] = SHOTCALL_BUILD_SCHEMA_DIR;
    e["GST_DEBUG"] = "1";
    if (a11y_ == AccessibilityBus::Off) e["NO_AT_BRIDGE"] = "1";
    return e;
  }

  // Waits (up to 30 s) until a program owns `name` on the session bus; gdbus's words in *out.
  bool wait_for_bus_name(const std::string& name, std::string* out) const {
    return run_program({"gdbus", "wait", "--session", "--timeout", "30", name}, env(), out);
  }

  // xdotool on this display; its output in *out.
  bool xdotool(std::vector<std::string> args, std::string* out) const {
    args.insert(args.begin(), "xdotool");
    return run_program(args, env(), out);
  }

  const std::string& display() const { return x_->display(); }

 private:
  DesktopSession(std::string root, AccessibilityBus a11y) : root_(std::move(root)), a11y_(a11y) {}

  std::string root_;
  AccessibilityBus a11y_;
  // Stopped in reverse: the accessibility bus with its launcher, then the session bus, then X.
  std::unique_ptr<Xvfb> x_;
  std::unique_ptr<SessionBus> bus_;
  std::unique_ptr<ChildProcess> launcher_;
};

// A python3 that can import pyatspi (the AT-SPI checkers' language), or "" if none can:
// Debian's has it; a python3 earlier on PATH (pyenv, a venv) may not.
inline std::string find_pyatspi_python() {
  for (const char* python : {"/usr/bin/python3", "python3"}) {
    std::string out;
    if (run_program({python, "-c", "import pyatspi"}, {}, &out)) return python;
  }
  return "";
}

}  // namespace shotcall::test
