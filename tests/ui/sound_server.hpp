// A real sound server for one device test: PipeWire with WirePlumber and its PulseAudio server
// (pipewire-pulse), headless, on a private runtime directory and a private session bus, so the
// machine's own sound (if any) is never touched. Devices are made and unmade with `pactl` as a
// test wants them (null sinks, remapped sources); which device each stream of a program runs on
// is asked of the server too (pactl list).
#pragma once

#include <glib.h>

#include <chrono>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tests/ui/child_process.hpp"
#include "tests/ui/session_bus.hpp"

namespace shotcall::test {

class SoundServer {
 public:
  static constexpr const char* kPrograms[] = {"dbus-daemon", "pipewire", "wireplumber",
                                              "pipewire-pulse", "pactl"};

  // Starts the bus, PipeWire, WirePlumber and pipewire-pulse under `dir` (created), and waits
  // until the PulseAudio server answers. nullptr and *why when it does not come up.
  static std::unique_ptr<SoundServer> start(const std::string& dir, std::string* why) {
    g_mkdir_with_parents(dir.c_str(), 0700);
    auto s = std::unique_ptr<SoundServer>(new SoundServer(dir));
    s->bus_ = SessionBus::start(dir, why);
    if (!s->bus_) return nullptr;
    s->daemons_.push_back(
        std::make_unique<ChildProcess>(std::vector<std::string>{"pipewire"}, s->daemon_env()));
    // WirePlumber gives up when PipeWire's socket is not there yet; nothing announces it.
    const std::string socket = dir + "/pipewire-0";
    if (!s->poll([&] { return g_file_test(socket.c_str(), G_FILE_TEST_EXISTS); })) {
      *why = "PipeWire made no socket: " + s->daemons_.back()->transcript();
      return nullptr;
    }
    for (const char* program : {"wireplumber", "pipewire-pulse"})
      s->daemons_.push_back(
          std::make_unique<ChildProcess>(std::vector<std::string>{program}, s->daemon_env()));
    std::string info;
    if (!s->poll([&] { return run_program({"pactl", "info"}, s->env(), &info); })) {
      *why = "the PulseAudio server of PipeWire did not answer: " + info + s->transcripts();
      return nullptr;
    }
    return s;
  }

  ~SoundServer() {
    // pipewire-pulse, WirePlumber, PipeWire; then the bus.
    while (!daemons_.empty()) daemons_.pop_back();
  }

  // For a client of the server (the app, pactl, gst-launch): where its PulseAudio server is.
  std::map<std::string, std::string> env() const {
    return {{"PULSE_SERVER", "unix:" + dir_ + "/pulse/native"},
            {"PULSE_RUNTIME_PATH", dir_ + "/pulse"}};
  }

  // `pactl args`; its output (trimmed) in *out. False when it failed.
  bool pactl(const std::vector<std::string>& args, std::string* out) const {
    std::vector<std::string> argv = {"pactl"};
    argv.insert(argv.end(), args.begin(), args.end());
    const bool ok = run_program(argv, env(), out);
    while (!out->empty() && (out->back() == '\n' || out->back() == ' ')) out->pop_back();
    return ok;
  }

  // `pactl args` until it succeeds (up to 20 s): a default device can be set only once
  // WirePlumber runs (it keeps the "default" metadata) and knows the new device; nothing
  // announces either.
  bool pactl_until_ok(const std::vector<std::string>& args, std::string* out) const {
    return poll([&] { return pactl(args, out); });
  }

  // Loads a module; its index, or "" (and *why) when it failed.
  std::string load_module(const std::vector<std::string>& args, std::string* why) const {
    std::vector<std::string> argv = {"load-module"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string out;
    if (!pactl(argv, &out)) {
      *why += "pactl load-module " + args[0] + ": " + out + "\n";
      return "";
    }
    return out;
  }

  // The names of the devices the streams of the client named `client` (its application name,
  // "shotcall"; "" for every client's) run on: `streams` "source-outputs" with `devices`
  // "sources", or "sink-inputs" with "sinks". E.g. {"headset-mic"}.
  std::vector<std::string> stream_devices(const std::string& client, const std::string& streams,
                                          const std::string& devices) const {
    std::map<std::string, std::string> names;
    for (const auto& row : short_list(devices))
      if (row.size() > 1) names[row[0]] = row[1];
    std::vector<std::string> ids;  // the client's indexes ("71")
    for (const auto& row : short_list("clients"))
      if (row.size() > 2 && row[2] == client) ids.push_back(row[0]);
    std::vector<std::string> out;
    for (const auto& row : short_list(streams)) {
      if (row.size() < 3) continue;
      bool ours = client.empty();
      for (const auto& id : ids) ours = ours || row[2] == id;
      if (ours) out.push_back(names.count(row[1]) ? names[row[1]] : "#" + row[1]);
    }
    return out;
  }

  // What the daemons said, for failure messages.
  std::string transcripts() const {
    std::string out;
    for (const auto& d : daemons_) out += "\n" + d->transcript();
    return out;
  }

 private:
  explicit SoundServer(std::string dir) : dir_(std::move(dir)) {}

  std::map<std::string, std::string> daemon_env() const {
    auto e = env();
    e["DBUS_SESSION_BUS_ADDRESS"] = bus_->address();
    e["XDG_RUNTIME_DIR"] = dir_;
    e["PIPEWIRE_RUNTIME_DIR"] = dir_;
    e["XDG_CONFIG_HOME"] = dir_ + "/config";
    e["XDG_STATE_HOME"] = dir_ + "/state";  // WirePlumber's remembered defaults
    return e;
  }

  // Polls `done` (every 50 ms, up to 20 s) for what nothing announces.
  template <typename F>
  bool poll(F done) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      g_usleep(50 * 1000);
    }
    return true;
  }

  std::vector<std::vector<std::string>> short_list(const std::string& what) const {
    std::string text;
    pactl({"list", "short", what}, &text);
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      std::vector<std::string> row;
      std::istringstream fields(line);
      for (std::string f; std::getline(fields, f, '\t');) row.push_back(f);
      rows.push_back(row);
    }
    return rows;
  }

  std::string dir_;
  std::unique_ptr<SessionBus> bus_;
  std::vector<std::unique_ptr<ChildProcess>> daemons_;
};

}  // namespace shotcall::test
