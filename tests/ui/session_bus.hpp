// A private D-Bus session bus for one desktop test: its own configuration with no service
// directories, so nothing on it is started by activation (not even a daemon the machine has
// registered for auto-start): a test starts what it wants on it, and nothing else is there.
#pragma once

#include <glib.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/ui/child_process.hpp"

namespace shotcall::test {

class SessionBus {
 public:
  // Starts dbus-daemon listening on `dir`/bus (its configuration is written there too). nullptr
  // and *why when it does not come up.
  static std::unique_ptr<SessionBus> start(const std::string& dir, std::string* why) {
    const std::string config = dir + "/session-bus.conf";
    const std::string text =
        "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
        " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
        "<busconfig>\n"
        "  <type>session</type>\n"
        "  <listen>unix:path=" +
        dir +
        "/bus</listen>\n"
        "  <auth>EXTERNAL</auth>\n"
        "  <policy context=\"default\">\n"
        "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
        "    <allow eavesdrop=\"true\"/>\n"
        "    <allow own=\"*\"/>\n"
        "  </policy>\n"
        "</busconfig>\n";
    if (!g_file_set_contents(config.c_str(), text.c_str(), -1, nullptr)) {
      *why = "cannot write " + config;
      return nullptr;
    }
    auto bus = std::unique_ptr<SessionBus>(new SessionBus);
    bus->daemon_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"dbus-daemon", "--config-file=" + config, "--nofork",
                                 "--print-address"},
        std::map<std::string, std::string>{});
    if (!bus->daemon_->wait_for_lines("unix:", 1, std::chrono::seconds(30))) {
      *why = "dbus-daemon did not start: " + bus->daemon_->transcript();
      return nullptr;
    }
    bus->address_ = bus->daemon_->find_line("unix:");
    return bus;
  }

  // For DBUS_SESSION_BUS_ADDRESS.
  const std::string& address() const { return address_; }

 private:
  SessionBus() = default;
  std::unique_ptr<ChildProcess> daemon_;
  std::string address_;
};

}  // namespace shotcall::test
