// Issue 17, devices that come and go, in the real app: the `shotcall` window under Xvfb, in a
// call with a teammate (a shotcall-peer) through a real signaling server, on a real sound server
// (tests/ui/sound_server.hpp: PipeWire, WirePlumber, pipewire-pulse, headless). The player picks
// the headset (a null sink) and its microphone (a source) in Preferences, through AT-SPI as a
// screen reader user would; the headset is unplugged mid-call (`pactl unload-module`), then
// plugged back.
//
// Each microphone hears its own tone (a gst-launch "voice" played into a null sink whose monitor
// the microphone remaps: a null source itself carries only silence, which the voice gate would
// not send): 440 Hz into the headset's, 880 Hz into the computer's own. So the teammate's
// recording says which microphone the app was sending from while the headset was there, gone,
// and back. Checked from outside: the server's word on which device each of the app's streams
// runs on (pactl), the Preferences lists as AT-SPI reads them (tests/ui/device_list_check.py),
// and what the teammate recorded.
#include <glib/gstdio.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "tests/peer/peer_process.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/wav_analysis.hpp"
#include "tests/ui/child_process.hpp"
#include "tests/ui/desktop_session.hpp"
#include "tests/ui/sound_server.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

const char* const kTools[] = {"Xvfb", "dbus-daemon", "gdbus", "xdotool", "gst-launch-1.0"};
const char* const kChecker = SHOTCALL_SOURCE_DIR "/tests/ui/device_list_check.py";
const char* const kMe = "Caller#PLUG";
const char* const kMate = "Mate#PLUG";
// The teammate's recording of the app (peer --record-dir: the Riot ID, "#" made "_").
const char* const kRecording = "Caller_PLUG.wav";
constexpr int kHeadsetTone = 440;
constexpr int kBuiltinTone = 880;
// The recording: 16-bit mono at 48 kHz after a 44-byte header.
constexpr std::size_t kHeader = 44;
constexpr std::size_t kBytesPerSecond = 48000 * 2;

// What the Preferences lists are named on screen (their accessible names).
const char* const kMicList = "Microphone";
const char* const kOutList = "Speakers or headset";
// The item that stands for a chosen device that is not plugged in.
const char* const kNotConnected = "Saved device (not connected)";

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return "[" + out + "]";
}

std::size_t file_size(const std::string& path) {
  GStatBuf st;
  return g_stat(path.c_str(), &st) == 0 ? static_cast<std::size_t>(st.st_size) : 0;
}

// The tone of the recording between two byte offsets of the file (what the teammate heard then).
ToneVerdict tone_between(const Wav& wav, std::size_t from_byte, std::size_t to_byte) {
  const std::size_t from = from_byte > kHeader ? (from_byte - kHeader) / 2 : 0;
  const std::size_t to =
      std::min(to_byte > kHeader ? (to_byte - kHeader) / 2 : 0, wav.samples.size());
  Wav part = wav;
  part.samples.assign(wav.samples.begin() + static_cast<std::ptrdiff_t>(std::min(from, to)),
                      wav.samples.begin() + static_cast<std::ptrdiff_t>(to));
  return judge_tone(part, {kHeadsetTone, kBuiltinTone});
}

class AppDeviceHotplug : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::string> missing = missing_programs(kTools);
    for (const auto& m : missing_programs(SoundServer::kPrograms)) missing.push_back(m);
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
    root_ = make_test_dir("shotcall-ui-hotplug");
    std::string why;
    desktop_ = DesktopSession::start(root_, AccessibilityBus::On, &why);
    ASSERT_TRUE(desktop_) << why;
    sound_ = SoundServer::start(root_ + "/sound", &why);
    ASSERT_TRUE(sound_) << why;
    ASSERT_NO_FATAL_FAILURE(make_devices());
  }

  void TearDown() override {
    voices_.clear();
    sound_.reset();
    desktop_.reset();
    remove_test_dir(root_, HasFailure());
  }

  // The computer's own output and microphone (the defaults), the headset's, and the two voices.
  void make_devices() {
    std::string why;
    for (const char* feed : {"builtin-voice", "headset-voice"})
      sound_->load_module({"module-null-sink", std::string{"sink_name="} + feed,
                           std::string{"sink_properties=device.description="} + feed},
                          &why);
    sound_->load_module(
        {"module-null-sink", "sink_name=builtin", "sink_properties=device.description=Builtin"},
        &why);
    sound_->load_module(
        {"module-remap-source", "master=builtin-voice.monitor", "source_name=builtin-mic",
         "source_properties=device.description=BuiltinMic"},
        &why);
    ASSERT_TRUE(why.empty()) << why << sound_->transcripts();
    ASSERT_NO_FATAL_FAILURE(plug_headset());
    for (const auto& [feed, tone] :
         {std::pair{"builtin-voice", kBuiltinTone}, std::pair{"headset-voice", kHeadsetTone}}) {
      voices_.push_back(std::make_unique<ChildProcess>(
          std::vector<std::string>{"gst-launch-1.0", "-q", "audiotestsrc", "is-live=true",
                                   "wave=sine", "volume=0.3", "freq=" + std::to_string(tone), "!",
                                   "pulsesink", std::string{"device="} + feed},
          sound_->env()));
    }
  }

  void plug_headset() {
    std::string why;
    headset_modules_ = {
        sound_->load_module(
            {"module-null-sink", "sink_name=headset", "sink_properties=device.description=Headset"},
            &why),
        sound_->load_module(
            {"module-remap-source", "master=headset-voice.monitor", "source_name=headset-mic",
             "source_properties=device.description=HeadsetMic"},
            &why),
    };
    ASSERT_TRUE(why.empty()) << why << sound_->transcripts();
    // A new device may become the default (WirePlumber's choice): the defaults stay the
    // computer's own, so that "the default device" and "the headset" are told apart.
    std::string out;
    ASSERT_TRUE(sound_->pactl_until_ok({"set-default-sink", "builtin"}, &out)) << out;
    ASSERT_TRUE(sound_->pactl_until_ok({"set-default-source", "builtin-mic"}, &out)) << out;
  }

  void unplug_headset() {
    for (const auto& m : headset_modules_) {
      std::string out;
      EXPECT_TRUE(sound_->pactl({"unload-module", m}, &out)) << out;
    }
    headset_modules_.clear();
  }

  // Waits until the app's microphone stream runs on `mic` and its output stream on `out`, as
  // the sound server says (asked every 100 ms: nothing announces a stream's move).
  ::testing::AssertionResult app_streams_on(const std::string& mic, const std::string& out) {
    std::vector<std::string> mics;
    std::vector<std::string> outs;
    auto last = std::chrono::steady_clock::now() - 1s;
    const bool ok = run_until(
        [&] {
          if (std::chrono::steady_clock::now() - last < 100ms) return false;
          last = std::chrono::steady_clock::now();
          mics = sound_->stream_devices("shotcall", "source-outputs", "sources");
          outs = sound_->stream_devices("shotcall", "sink-inputs", "sinks");
          return mics == std::vector<std::string>{mic} && outs == std::vector<std::string>{out};
        },
        20s);
    if (ok) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "the app's streams run on " << joined(mics) << " / " << joined(outs) << ", not ["
           << mic << "] / [" << out << "]";
  }

  // The Preferences lists through AT-SPI: picks (--choose) and waits (--expect); its JSON.
  ::testing::AssertionResult preferences(std::vector<std::string> args) {
    args.insert(args.begin(), {python_, kChecker, "--timeout", "20"});
    std::string out;
    if (run_program(args, desktop_->env(), &out, 60s)) return ::testing::AssertionSuccess() << out;
    return ::testing::AssertionFailure() << out;
  }

  // Waits until the teammate's recording of the app holds `seconds` more of the call past `from`
  // bytes. (A wait, not a proof: what the recording holds, tone by tone, is judged at the end.)
  ::testing::AssertionResult recording_grows(std::size_t from, double seconds) {
    const std::size_t want = from + static_cast<std::size_t>(seconds * kBytesPerSecond);
    if (run_until([&] { return file_size(recording()) >= want; }, 30s))
      return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "the teammate's recording of the app stopped at "
                                         << file_size(recording()) << " bytes, short of " << want;
  }

  std::string recording() const { return root_ + "/mate/" + kRecording; }

  std::string root_;
  std::string python_;
  std::unique_ptr<DesktopSession> desktop_;
  std::unique_ptr<SoundServer> sound_;
  std::vector<std::unique_ptr<ChildProcess>> voices_;
  std::vector<std::string> headset_modules_;
};

TEST_F(AppDeviceHotplug, CallFollowsTheHeadsetOutAndBackAndPreferencesListsFollow) {
  ServerProcess server;
  // The app with no --source/--sink: the devices are the ones chosen in its settings.
  auto env = desktop_->app_env();
  for (const auto& [k, v] : sound_->env()) env[k] = v;
  ChildProcess app({SHOTCALL_APP_BINARY, "--server", server.url(), "--riot-id", kMe, "--game",
                    "UI_PLUG", "--team", "100", "--teammates", std::string{kMe} + "," + kMate,
                    "--ice-address", "127.0.0.1", "--events"},
                   env);
  ASSERT_TRUE(app.wait_for_lines("window-mapped 0x", 1, 60s)) << app.transcript();
  const std::string xid = app.find_line("window-mapped ").substr(14);

  // The player picks the headset and its microphone in Preferences; each choice restarts the call.
  std::string out;
  ASSERT_TRUE(desktop_->xdotool({"windowfocus", "--sync", xid}, &out)) << out;
  ASSERT_TRUE(desktop_->xdotool({"key", "ctrl+comma"}, &out)) << out;
  ASSERT_TRUE(app.wait_for_lines("preferences-shown 0x", 1, 30s)) << app.transcript();
  ASSERT_TRUE(preferences({"--choose", std::string{kMicList} + "=HeadsetMic", "--choose",
                           std::string{kOutList} + "=Headset", "--expect",
                           std::string{kMicList} + "=+HeadsetMic", "--expect",
                           std::string{kOutList} + "=+Headset"}));
  // The call restarts with them (once or twice: the restart waits for a pause in the changes).
  ASSERT_TRUE(app.wait_for_lines("restart", 1, 30s)) << app.transcript();
  ASSERT_TRUE(app_streams_on("headset-mic", "headset")) << app.transcript();

  // In the call with the teammate, who records what they hear.
  g_mkdir_with_parents((root_ + "/mate").c_str(), 0755);
  PeerProcess mate({"--server", server.url(), "--riot-id", kMate, "--game", "UI_PLUG", "--team",
                    "100", "--teammates", std::string{kMe} + "," + kMate, "--source",
                    "audiotestsrc is-live=true wave=silence", "--sink", "fakesink", "--record-dir",
                    root_ + "/mate", "--ice-address", "127.0.0.1"});
  ASSERT_TRUE(mate.wait_for_lines(std::string{"first-audio "} + kMe, 1, 60s))
      << mate.transcript() << app.transcript();
  const std::size_t before_unplug = file_size(recording());
  ASSERT_TRUE(recording_grows(before_unplug, 2)) << mate.transcript();
  const std::size_t unplugged_at = file_size(recording());

  // Unplugged mid-call: the call goes on on the computer's own devices, the teammate keeps
  // hearing the app (now its 880 Hz, judged below), and the Preferences lists no longer offer
  // the headset.
  unplug_headset();
  EXPECT_TRUE(app_streams_on("builtin-mic", "builtin")) << app.transcript();
  // (The player's choice stays, marked as not connected, so that plugging it back just works.)
  EXPECT_TRUE(preferences({"--expect", std::string{kMicList} + "=-HeadsetMic", "--expect",
                           std::string{kOutList} + "=-Headset", "--expect",
                           std::string{kMicList} + "=+" + kNotConnected, "--expect",
                           std::string{kOutList} + "=+" + kNotConnected}));
  EXPECT_TRUE(recording_grows(unplugged_at, 3)) << mate.transcript() << app.transcript();
  const std::size_t replugged_at = file_size(recording());

  // Plugged back: the app goes back to it, the lists offer it again, chosen as before.
  ASSERT_NO_FATAL_FAILURE(plug_headset());
  EXPECT_TRUE(app_streams_on("headset-mic", "headset")) << app.transcript();
  EXPECT_TRUE(preferences({"--expect", std::string{kMicList} + "=+HeadsetMic", "--expect",
                           std::string{kOutList} + "=+Headset", "--expect",
                           std::string{kMicList} + "=-" + kNotConnected, "--expect",
                           std::string{kOutList} + "=-" + kNotConnected}));
  EXPECT_TRUE(recording_grows(replugged_at, 3)) << mate.transcript() << app.transcript();
  const std::size_t end_at = file_size(recording());

  // The call never broke (no error, still with the teammate) and never went listening- or
  // talking-only (the window's banner for a device that cannot be used: the default could).
  EXPECT_EQ(app.count_lines("session-error"), 0u) << app.transcript();
  EXPECT_EQ(app.count_lines("banner "), app.count_lines("banner hidden")) << app.transcript();
  EXPECT_EQ(app.count_lines("voice-error"), 0u) << app.transcript();
  EXPECT_EQ(app.count_lines(std::string{"peer "} + kMate + " failed"), 0u) << app.transcript();

  const ProcessExit m = mate.terminate();
  EXPECT_TRUE(m.exited && m.status == 0) << mate.transcript();
  const ProcessExit e = app.terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app.transcript();

  // What the teammate heard, stretch by stretch (a second left out after each plug: the switch
  // and what the teammate's jitter buffer still held).
  std::string why;
  const auto wav = read_wav(recording(), &why);
  ASSERT_TRUE(wav) << recording() << ": " << why;
  // The byte offsets above are of this format.
  ASSERT_EQ(wav->channels, 1);
  ASSERT_EQ(wav->rate, 48000);
  const ToneVerdict headset = tone_between(*wav, kHeader, unplugged_at);
  EXPECT_EQ(headset.freq, kHeadsetTone) << "before the unplug; ratio " << headset.ratio;
  const ToneVerdict builtin = tone_between(*wav, unplugged_at + kBytesPerSecond, replugged_at);
  EXPECT_EQ(builtin.freq, kBuiltinTone) << "while unplugged; ratio " << builtin.ratio;
  const ToneVerdict back = tone_between(*wav, replugged_at + kBytesPerSecond, end_at);
  EXPECT_EQ(back.freq, kHeadsetTone) << "once plugged back; ratio " << back.ratio;
}

}  // namespace
}  // namespace shotcall::test
