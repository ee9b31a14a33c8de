// Issue 17, devices that come and go: a real sound server (PipeWire with its PulseAudio server
// and WirePlumber, headless on a private runtime directory and a private session bus) with
// virtual devices made and unmade by `pactl` (null sinks; a null sink of class
// Audio/Source/Virtual for a microphone). A voice engine in a call with a teammate uses the
// "headset" pair; the headset is unplugged mid-call (its modules unloaded), the call goes on on
// the default devices, the headset is plugged back and the engine goes back to it. The app's own
// DeviceMonitor (the Preferences lists) watches the same server and drives the engine, as the
// app does; which device each of our streams really runs on is asked of the server (pactl).
#include <gio/gio.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "app/media/device_fallback.hpp"
#include "tests/media/mesh_harness.hpp"
#include "ui/device_monitor.hpp"

namespace shotcall::test {
namespace {

const char* const kTools[] = {"dbus-daemon", "pipewire", "pipewire-pulse", "wireplumber", "pactl"};

const std::string kHeadsetMic = "pulsesrc device=headset-mic";
const std::string kHeadset = "pulsesink device=headset";

bool run(const std::vector<std::string>& argv, std::string* out) {
  std::vector<gchar*> args;
  for (const auto& a : argv) args.push_back(const_cast<gchar*>(a.c_str()));
  args.push_back(nullptr);
  gchar* std_out = nullptr;
  gchar* std_err = nullptr;
  gint status = 0;
  GError* error = nullptr;
  const bool spawned = g_spawn_sync(nullptr, args.data(), nullptr, G_SPAWN_SEARCH_PATH, nullptr,
                                    nullptr, &std_out, &std_err, &status, &error);
  if (out) *out = std::string(std_out ? std_out : "") + (std_err ? std_err : "");
  if (!spawned && out) *out = error ? error->message : "spawn failed";
  g_clear_error(&error);
  g_free(std_out);
  g_free(std_err);
  return spawned && g_spawn_check_wait_status(status, nullptr);
}

std::string pactl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"pactl"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string out;
  if (!run(argv, &out)) ADD_FAILURE() << "pactl failed: " << out;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// Runs `pactl args` until it succeeds: a default device can be set only once WirePlumber runs
// (it keeps the "default" metadata) and the new device is known to it; nothing announces either.
::testing::AssertionResult pactl_until_ok(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"pactl"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::string out;
  while (!run(argv, &out)) {
    if (std::chrono::steady_clock::now() > deadline) {
      return ::testing::AssertionFailure() << "pactl " << args[0] << " kept failing: " << out;
    }
    g_usleep(50 * 1000);
  }
  return ::testing::AssertionSuccess();
}

std::vector<std::vector<std::string>> short_list(const std::string& what) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(pactl({"list", "short", what}));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> row;
    std::istringstream fields(line);
    for (std::string f; std::getline(fields, f, '\t');) row.push_back(f);
    rows.push_back(row);
  }
  return rows;
}

// The names of the devices our streams run on (a source-output's or sink-input's device),
// e.g. {"headset-mic"}.
std::vector<std::string> stream_devices(const std::string& streams, const std::string& devices) {
  std::map<std::string, std::string> names;
  for (const auto& row : short_list(devices)) {
    if (row.size() > 1) names[row[0]] = row[1];
  }
  std::vector<std::string> out;
  for (const auto& row : short_list(streams)) {
    if (row.size() > 1) out.push_back(names.count(row[1]) ? names[row[1]] : "#" + row[1]);
  }
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return "[" + out + "]";
}

std::vector<std::string> fragments(const std::vector<ui::AudioDevice>& devices) {
  std::vector<std::string> out;
  for (const auto& d : devices) out.push_back(d.fragment);
  return out;
}

// The monitor's fragments carry other properties ("pulsesrc blocksize=0 device=headset-mic"):
// the device is what counts.
bool listed(const std::vector<ui::AudioDevice>& devices, const std::string& fragment) {
  return media::device_present(fragment, fragments(devices));
}

bool has_monitor(const std::vector<ui::AudioDevice>& devices) {
  for (const auto& d : devices) {
    if (d.fragment.find(".monitor") != std::string::npos) return true;
  }
  return false;
}

// A child process of the sound server, stopped with SIGTERM.
struct Child {
  GSubprocess* proc = nullptr;
  ~Child() {
    if (!proc) return;
    g_subprocess_send_signal(proc, SIGTERM);
    g_subprocess_wait(proc, nullptr, nullptr);
    g_object_unref(proc);
  }
};

class DeviceHotplug : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : kTools) {
      gchar* path = g_find_program_in_path(tool);
      const bool found = path != nullptr;
      g_free(path);
      if (found) continue;
      const std::string why = std::string{tool} + " is not installed (scripts/install-deps)";
      if (g_strcmp0(g_getenv("CI"), "true") == 0) FAIL() << why;
      GTEST_SKIP() << why;
    }
    root_ = make_temp_dir();
    ASSERT_NO_FATAL_FAILURE(start_sound_server());
  }

  void TearDown() override {
    mesh_.reset();
    monitor_.reset();
    children_.clear();  // pipewire-pulse, wireplumber, pipewire, then the bus
    if (!root_.empty()) {
      if (HasFailure()) {
        std::fprintf(stderr, "sound server files kept in %s\n", root_.c_str());
      } else {
        run({"rm", "-rf", root_}, nullptr);
      }
    }
  }

  void spawn(const std::vector<std::string>& argv, GSubprocessFlags flags, Child* child) {
    GSubprocessLauncher* launcher = g_subprocess_launcher_new(flags);
    if (!(flags & G_SUBPROCESS_FLAGS_STDOUT_PIPE)) {
      const std::string log = root_ + "/" + argv[0] + ".log";
      g_subprocess_launcher_set_stdout_file_path(launcher, log.c_str());
      g_subprocess_launcher_set_stderr_file_path(launcher, log.c_str());
    }
    std::vector<const gchar*> args;
    for (const auto& a : argv) args.push_back(a.c_str());
    args.push_back(nullptr);
    GError* error = nullptr;
    child->proc = g_subprocess_launcher_spawnv(launcher, args.data(), &error);
    g_object_unref(launcher);
    ASSERT_TRUE(child->proc) << argv[0] << ": " << (error ? error->message : "?");
  }

  // The test process itself talks to the server too (GStreamer's pulse elements, the device
  // monitor, pactl): the environment is this process's.
  void start_sound_server() {
    const std::string bus_conf = root_ + "/session-bus.conf";
    const std::string conf =
        "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
        " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
        "<busconfig><type>session</type><listen>unix:path=" +
        root_ +
        "/bus</listen><auth>EXTERNAL</auth>\n"
        "<policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>"
        "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n";
    ASSERT_TRUE(g_file_set_contents(bus_conf.c_str(), conf.c_str(), -1, nullptr));
    auto bus = std::make_unique<Child>();
    spawn({"dbus-daemon", "--config-file=" + bus_conf, "--nofork", "--print-address"},
          G_SUBPROCESS_FLAGS_STDOUT_PIPE, bus.get());
    GDataInputStream* out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(bus->proc));
    gchar* address = g_data_input_stream_read_line(out, nullptr, nullptr, nullptr);
    g_object_unref(out);
    ASSERT_TRUE(address) << "dbus-daemon printed no address";
    const std::string bus_address = address;
    g_free(address);
    children_.push_back(std::move(bus));

    const std::map<std::string, std::string> env = {
        {"DBUS_SESSION_BUS_ADDRESS", bus_address},
        {"XDG_RUNTIME_DIR", root_},
        {"PIPEWIRE_RUNTIME_DIR", root_},
        {"PULSE_RUNTIME_PATH", root_ + "/pulse"},
        {"XDG_CONFIG_HOME", root_ + "/config"},
        {"XDG_STATE_HOME", root_ + "/state"},  // WirePlumber's remembered defaults
        {"PULSE_SERVER", "unix:" + root_ + "/pulse/native"},
    };
    for (const auto& [k, v] : env) g_setenv(k.c_str(), v.c_str(), TRUE);
    for (const char* program : {"pipewire", "wireplumber", "pipewire-pulse"}) {
      auto child = std::make_unique<Child>();
      spawn({program}, G_SUBPROCESS_FLAGS_NONE, child.get());
      children_.push_back(std::move(child));
      if (std::string{program} != "pipewire") continue;
      // WirePlumber gives up when PipeWire's socket is not there yet.
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      const std::string socket = root_ + "/pipewire-0";
      while (!g_file_test(socket.c_str(), G_FILE_TEST_EXISTS)) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline)
            << "PipeWire made no socket" << log("pipewire");
        g_usleep(20 * 1000);
      }
    }
    // Ready when its PulseAudio server answers (the socket appears once PipeWire runs).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::string info;
    while (!run({"pactl", "info"}, &info)) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "the PulseAudio server of PipeWire did not answer: " << info << log("pipewire")
          << log("pipewire-pulse") << log("wireplumber");
      g_usleep(100 * 1000);
    }
    // The machine's own devices: the defaults when the headset is away.
    pactl({"load-module", "module-null-sink", "sink_name=builtin",
           "sink_properties=device.description=Builtin"});
    pactl({"load-module", "module-null-sink", "sink_name=builtin-mic",
           "media.class=Audio/Source/Virtual", "sink_properties=device.description=BuiltinMic"});
    ASSERT_NO_FATAL_FAILURE(plug_headset());
  }

  std::string log(const std::string& program) const {
    gchar* text = nullptr;
    g_file_get_contents((root_ + "/" + program + ".log").c_str(), &text, nullptr, nullptr);
    std::string out = "\n--- " + program + ":\n" + (text ? text : "");
    g_free(text);
    return out;
  }

  void plug_headset() {
    headset_modules_ = {
        pactl({"load-module", "module-null-sink", "sink_name=headset",
               "sink_properties=device.description=Headset"}),
        pactl({"load-module", "module-null-sink", "sink_name=headset-mic",
               "media.class=Audio/Source/Virtual",
               "sink_properties=device.description=HeadsetMic"}),
    };
    // A new device may become the default (WirePlumber's choice): the default stays builtin,
    // so that "the default device" and "the headset" are told apart.
    ASSERT_TRUE(pactl_until_ok({"set-default-sink", "builtin"})) << log("wireplumber");
    ASSERT_TRUE(pactl_until_ok({"set-default-source", "builtin-mic"})) << log("wireplumber");
  }

  void unplug_headset() {
    for (const auto& m : headset_modules_) pactl({"unload-module", m});
    headset_modules_.clear();
  }

  std::string root_;
  std::vector<std::unique_ptr<Child>> children_;
  std::vector<std::string> headset_modules_;
  std::unique_ptr<ui::DeviceMonitor> monitor_;
  std::unique_ptr<Mesh> mesh_;
};

TEST_F(DeviceHotplug, CallMovesToTheDefaultDeviceAndBackToTheHeadset) {
  int changes = 0;
  media::VoiceEngine* engine_in_call = nullptr;
  monitor_ = std::make_unique<ui::DeviceMonitor>();
  monitor_->start([&] {
    ++changes;
    // As the app does: every change of the lists goes to the engine.
    if (engine_in_call) {
      engine_in_call->devices_changed(fragments(monitor_->inputs()),
                                      fragments(monitor_->outputs()));
    }
  });
  mesh_ = std::make_unique<Mesh>();
  ASSERT_TRUE(mesh_->run_until(
      [&] {
        return listed(monitor_->inputs(), kHeadsetMic) && listed(monitor_->outputs(), kHeadset);
      },
      20))
      << "the Preferences lists never showed the headset: inputs "
      << joined(fragments(monitor_->inputs())) << ", outputs "
      << joined(fragments(monitor_->outputs()));

  // An output's monitor is no microphone: the Preferences do not offer it.
  EXPECT_FALSE(has_monitor(monitor_->inputs())) << joined(fragments(monitor_->inputs()));

  media::VoiceConfig me = mesh_->config(0);
  me.source = kHeadsetMic;
  me.sink = kHeadset;
  me.dtx = false;  // a packet every frame, silence or not: the teammate's counter keeps moving
  mesh_->add("me", me);
  mesh_->add("mate", mesh_->config(440));
  mesh_->join("mate", "me");
  ASSERT_TRUE(mesh_->run_until([&] { return mesh_->connected("me", "mate"); }, 30))
      << mesh_->history("me");
  auto& engine = *mesh_->node("me").engine;
  engine_in_call = &engine;
  auto on_devices = [&](const std::vector<std::string>& mic, const std::vector<std::string>& out) {
    return mesh_->run_until(
        [&] {
          return stream_devices("source-outputs", "sources") == mic &&
                 stream_devices("sink-inputs", "sinks") == out;
        },
        20);
  };
  ASSERT_TRUE(on_devices({"headset-mic"}, {"headset"}))
      << "our streams: " << joined(stream_devices("source-outputs", "sources")) << " / "
      << joined(stream_devices("sink-inputs", "sinks"));
  // The teammate hears us: packets keep arriving.
  auto mate_hears_us = [&] {
    const auto before = mesh_->node("mate").stats["me"].packets_received;
    return mesh_->run_until(
        [&] { return mesh_->node("mate").stats["me"].packets_received > before + 100; }, 20);
  };
  ASSERT_TRUE(mate_hears_us()) << mesh_->traffic("mate", "me");

  // Unplugged mid-call.
  const int changes_before = changes;
  unplug_headset();
  ASSERT_TRUE(mesh_->run_until(
      [&] {
        return engine.microphone_in_use() == "pulsesrc" && engine.speakers_in_use() == "pulsesink";
      },
      20))
      << "in use: '" << engine.microphone_in_use() << "' / '" << engine.speakers_in_use() << "'";
  EXPECT_GT(changes, changes_before);
  EXPECT_FALSE(listed(monitor_->inputs(), kHeadsetMic)) << joined(fragments(monitor_->inputs()));
  EXPECT_FALSE(listed(monitor_->outputs(), kHeadset)) << joined(fragments(monitor_->outputs()));
  EXPECT_TRUE(engine.microphone_available());
  EXPECT_TRUE(engine.speakers_available());
  EXPECT_TRUE(on_devices({"builtin-mic"}, {"builtin"}))
      << "our streams: " << joined(stream_devices("source-outputs", "sources")) << " / "
      << joined(stream_devices("sink-inputs", "sinks"));
  EXPECT_TRUE(mesh_->connected("me", "mate")) << mesh_->history("me");
  EXPECT_TRUE(mate_hears_us()) << mesh_->traffic("mate", "me");
  const auto& news = mesh_->node("me").device_news;
  EXPECT_NE(std::find(news.begin(), news.end(),
                      "Your microphone went away: using the default microphone."),
            news.end())
      << joined(news);

  // Plugged back: Shotcall goes back to it.
  ASSERT_NO_FATAL_FAILURE(plug_headset());
  ASSERT_TRUE(mesh_->run_until(
      [&] {
        return engine.microphone_in_use() == kHeadsetMic && engine.speakers_in_use() == kHeadset;
      },
      20))
      << "in use: '" << engine.microphone_in_use() << "' / '" << engine.speakers_in_use() << "'";
  EXPECT_TRUE(listed(monitor_->inputs(), kHeadsetMic));
  EXPECT_TRUE(listed(monitor_->outputs(), kHeadset));
  EXPECT_TRUE(on_devices({"headset-mic"}, {"headset"}))
      << "our streams: " << joined(stream_devices("source-outputs", "sources")) << " / "
      << joined(stream_devices("sink-inputs", "sinks"));
  EXPECT_TRUE(mesh_->connected("me", "mate")) << mesh_->history("me");
  EXPECT_TRUE(mate_hears_us()) << mesh_->traffic("mate", "me");
  EXPECT_TRUE(mesh_->node("me").microphone_lost.empty())
      << joined(mesh_->node("me").microphone_lost);
  EXPECT_TRUE(mesh_->node("me").speakers_lost.empty()) << joined(mesh_->node("me").speakers_lost);
}

}  // namespace
}  // namespace shotcall::test
