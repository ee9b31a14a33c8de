// Issue 17, devices that come and go: a real sound server (PipeWire with its PulseAudio server
// and WirePlumber, headless on a private runtime directory and a private session bus) with
// virtual devices made and unmade by `pactl` (null sinks; a null sink of class
// Audio/Source/Virtual for a microphone). A voice engine in a call with a teammate uses the
// "headset" pair; the headset is unplugged mid-call (its modules unloaded), the call goes on on
// the default devices, the headset is plugged back and the engine goes back to it. The app's own
// DeviceMonitor (the Preferences lists) watches the same server and drives the engine, as the
// app does; which device each of our streams really runs on is asked of the server (pactl).
// The same through the real app's window: app_device_hotplug_test.cpp.
#include <glib.h>
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
#include "tests/ui/sound_server.hpp"
#include "tests/ui/xvfb.hpp"
#include "ui/device_monitor.hpp"

namespace shotcall::test {
namespace {

const std::string kHeadsetMic = "pulsesrc device=headset-mic";
const std::string kHeadset = "pulsesink device=headset";

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

class DeviceHotplug : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto missing = missing_programs(SoundServer::kPrograms);
    if (!missing.empty()) {
      std::string why;
      for (const auto& m : missing) why += m + "\n";
      why += "(scripts/install-deps)";
      if (g_strcmp0(g_getenv("CI"), "true") == 0) FAIL() << why;
      GTEST_SKIP() << why;
    }
    root_ = make_test_dir("shotcall-hotplug");
    std::string why;
    sound_ = SoundServer::start(root_, &why);
    ASSERT_TRUE(sound_) << why;
    // The test process itself talks to the server too (GStreamer's pulse elements, the device
    // monitor): the environment is this process's.
    for (const auto& [k, v] : sound_->env()) g_setenv(k.c_str(), v.c_str(), TRUE);
    g_setenv("XDG_RUNTIME_DIR", root_.c_str(), TRUE);
    g_setenv("XDG_CONFIG_HOME", (root_ + "/config").c_str(), TRUE);
    // The machine's own devices: the defaults when the headset is away.
    pactl({"load-module", "module-null-sink", "sink_name=builtin",
           "sink_properties=device.description=Builtin"});
    pactl({"load-module", "module-null-sink", "sink_name=builtin-mic",
           "media.class=Audio/Source/Virtual", "sink_properties=device.description=BuiltinMic"});
    ASSERT_NO_FATAL_FAILURE(plug_headset());
  }

  void TearDown() override {
    mesh_.reset();
    monitor_.reset();
    sound_.reset();  // pipewire-pulse, wireplumber, pipewire, then the bus
    remove_test_dir(root_, HasFailure());
  }

  std::string pactl(const std::vector<std::string>& args) {
    std::string out;
    if (!sound_->pactl(args, &out)) ADD_FAILURE() << "pactl failed: " << out;
    return out;
  }

  ::testing::AssertionResult pactl_until_ok(const std::vector<std::string>& args) {
    std::string out;
    if (sound_->pactl_until_ok(args, &out)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "pactl " << args[0] << " kept failing: " << out << sound_->transcripts();
  }

  // The names of the devices our streams (GStreamer's pulse elements in this process: the only
  // client with streams) run on.
  std::vector<std::string> stream_devices(const std::string& streams, const std::string& devices) {
    return sound_->stream_devices("", streams, devices);
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
    ASSERT_TRUE(pactl_until_ok({"set-default-sink", "builtin"}));
    ASSERT_TRUE(pactl_until_ok({"set-default-source", "builtin-mic"}));
  }

  void unplug_headset() {
    for (const auto& m : headset_modules_) pactl({"unload-module", m});
    headset_modules_.clear();
  }

  std::string root_;
  std::unique_ptr<SoundServer> sound_;
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
