// The real `shotcall` app under Xvfb, as a player would run it: a real signaling server, the
// stand-in of League's local game data serving a 5v5 where the player and four teammates are on
// ORDER, and those four teammates as headless shotcall-peer processes. Checked from outside:
// the app found its game, its window is on screen, it joined its team, its voice (a tone) reaches
// all four teammates' recordings, and screenshots of the window in light and dark style are kept
// in test-output/ for a person to look at.
#include <glib/gstdio.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "tests/peer/peer_process.hpp"
#include "tests/support/lcd_standin.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/wav_analysis.hpp"
#include "tests/ui/child_process.hpp"
#include "tests/ui/xvfb.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

// The fixture's ORDER side (tests/game/fixtures/classic_order_view.json): the player first.
const std::vector<std::string> kTeam = {"Shotcaller#EUW", "Ñandú#ÁÉ", "Саша#RU1",
                                        "ジンクス好き#JP1", "Lane Bully#NA1"};
constexpr double kAppTone = 440;
const std::vector<double> kPeerTones = {300, 650, 850, 1100};

std::string file_name_of(const std::string& riot_id) {
  std::string name = riot_id;
  for (char& c : name)
    if (!g_ascii_isalnum(c) && c != '.' && c != '_' && c != '-') c = '_';
  return name + ".wav";
}

// The mean brightness of an image, 0 (black) to 1 (white), as ImageMagick measures it.
double brightness(const std::string& png) {
  std::string out;
  if (!run_program({"identify", "-format", "%[fx:mean]", png}, {}, &out)) return -1;
  return g_ascii_strtod(out.c_str(), nullptr);
}

std::size_t file_size(const std::string& path) {
  GStatBuf st;
  return g_stat(path.c_str(), &st) == 0 ? static_cast<std::size_t>(st.st_size) : 0;
}

class AppEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = make_test_dir("shotcall-ui-e2e");
    g_mkdir_with_parents(output_dir().c_str(), 0755);
    // The theme's CSS transitions would fade a style change in over a few frames; without them
    // the frame after the change is the final picture.
    const std::string gtk_dir = root_ + "/config/gtk-3.0";
    g_mkdir_with_parents(gtk_dir.c_str(), 0755);
    g_file_set_contents((gtk_dir + "/settings.ini").c_str(),
                        "[Settings]\ngtk-enable-animations=false\n", -1, nullptr);
  }
  void TearDown() override { remove_test_dir(root_, HasFailure()); }
  static std::string output_dir() { return SHOTCALL_TEST_OUTPUT_DIR; }

  // What every program that shares the app's settings sees: a private keyfile store, the build
  // tree's schema, no session bus (the app runs as a plain, non-unique instance).
  std::map<std::string, std::string> app_env(const std::string& display) const {
    return {{"DISPLAY", display},
            {"GSETTINGS_BACKEND", "keyfile"},
            {"GSETTINGS_SCHEMA_DIR", SHOTCALL_BUILD_SCHEMA_DIR},
            {"XDG_CONFIG_HOME", root_ + "/config"},
            {"XDG_DATA_HOME", root_ + "/data"},
            {"XDG_CACHE_HOME", root_ + "/cache"},
            {"DBUS_SESSION_BUS_ADDRESS", "unix:path=" + root_ + "/no-session-bus"},
            {"NO_AT_BRIDGE", "1"},  // no accessibility bus without a session bus
            // An X11 session, even when the test runs from a Wayland desktop's terminal: the
            // app takes the X11 key grab only there (the portal is tried in Wayland sessions).
            {"XDG_SESSION_TYPE", "x11"},
            {"WAYLAND_DISPLAY", ""},
            // (GTK_THEME stays unset: it would pin the theme's variant and hide the dark style.)
            {"GST_DEBUG", "1"}};
  }

  std::string root_;
};

TEST_F(AppEndToEnd, FindsTheGameJoinsTheTeamAndIsHeardByAllFour) {
  Xvfb x;
  ASSERT_FALSE(x.display().empty()) << x.transcript();

  ServerProcess server;
  std::string error;
  LcdStandinOptions lo;
  lo.cert_dir = root_ + "/lcd";
  lo.initial_phase = LcdPhase::InGame;
  auto lcd = LcdStandin::create(lo, &error);
  ASSERT_TRUE(lcd) << error;
  ASSERT_TRUE(lcd->set_document_file(SHOTCALL_LCD_FIXTURE, &error)) << error;

  // The four teammates, each with its own tone, recording what they hear.
  std::string roster;
  for (const auto& id : kTeam) roster += (roster.empty() ? "" : ",") + id;
  std::vector<std::unique_ptr<PeerProcess>> peers;
  std::vector<std::string> dirs;
  for (std::size_t i = 1; i < kTeam.size(); ++i) {
    dirs.push_back(root_ + "/peer" + std::to_string(i));
    g_mkdir_with_parents(dirs.back().c_str(), 0755);
    const std::string source = "audiotestsrc is-live=true wave=sine volume=0.3 freq=" +
                               std::to_string(static_cast<int>(kPeerTones[i - 1]));
    peers.push_back(std::make_unique<PeerProcess>(std::vector<std::string>{
        "--server", server.url(), "--riot-id", kTeam[i], "--game", "UI_E2E", "--team", "100",
        "--teammates", roster, "--source", source, "--sink", "fakesink", "--record-dir",
        dirs.back(), "--ice-address", "127.0.0.1"}));
  }

  // The app, exactly as the demo starts it, with a tone for a microphone.
  const std::string app_source = "audiotestsrc is-live=true wave=sine volume=0.3 freq=" +
                                 std::to_string(static_cast<int>(kAppTone));
  ChildProcess app({SHOTCALL_APP_BINARY, "--server", server.url(), "--lcd-url", lcd->base_url(),
                    "--lcd-ca", lcd->ca_file(), "--source", app_source, "--sink", "fakesink",
                    "--ice-address", "127.0.0.1", "--events"},
                   app_env(x.display()));

  // The window is on screen.
  ASSERT_TRUE(app.wait_for_lines("window-mapped 0x", 1, 60s)) << app.transcript();
  const std::string xid = app.find_line("window-mapped ").substr(14);
  std::string info;
  ASSERT_TRUE(run_program({"xwininfo", "-display", x.display(), "-id", xid}, {}, &info)) << info;
  EXPECT_NE(info.find("Map State: IsViewable"), std::string::npos) << info;

  // It found the game in the stand-in's data and joined the team's channel.
  ASSERT_TRUE(app.wait_for_lines("game lcd-", 1, 60s)) << app.transcript();
  EXPECT_NE(app.find_line("game lcd-").find(" 100"), std::string::npos) << app.transcript();
  ASSERT_TRUE(app.wait_for_lines("joined ", 1, 60s)) << app.transcript();

  // Voice both ways: the app hears all four, each teammate hears the app.
  ASSERT_TRUE(app.wait_for_lines("first-audio ", 4, 120s)) << app.transcript();
  for (auto& p : peers)
    ASSERT_TRUE(p->wait_for_lines("first-audio Shotcaller#EUW", 1, 120s)) << p->transcript();

  // Three seconds of the app in every teammate's recording.
  const std::string app_recording = file_name_of(kTeam[0]);
  ASSERT_TRUE(run_until(
      [&] {
        for (const auto& d : dirs)
          if (file_size(d + "/" + app_recording) < 3 * 48000 * 2) return false;
        return true;
      },
      60s));

  // Every teammate's identity level is on their row (a badge, in both screenshots): the app
  // proves its key, the teammates' levels come with the channel's members.
  ASSERT_TRUE(app.wait_for_lines("identity ", 4, 30s)) << app.transcript();
  for (std::size_t i = 1; i < kTeam.size(); ++i)
    EXPECT_TRUE(app.find_line("identity " + kTeam[i] + " ").size() > 0) << app.transcript();

  // Screenshots from outside: light, then dark after changing the setting as `gsettings` would.
  std::string out;
  const std::string light = output_dir() + "/shotcall-light.png";
  const std::string dark = output_dir() + "/shotcall-dark.png";
  EXPECT_TRUE(run_program({"import", "-display", x.display(), "-window", xid, light}, {}, &out))
      << out;
  EXPECT_GT(file_size(light), 10'000u);
  EXPECT_GT(brightness(light), 0.6) << light << " should show the light style";
  const std::size_t painted_before = app.count_lines("painted dark");
  ASSERT_TRUE(run_program({"gsettings", "set", "io.github.shotcall.Shotcall", "style", "dark"},
                          app_env(x.display()), &out))
      << out;
  ASSERT_TRUE(app.wait_for_lines("painted dark", painted_before + 1, 30s)) << app.transcript();
  EXPECT_TRUE(run_program({"import", "-display", x.display(), "-window", xid, dark}, {}, &out))
      << out;
  EXPECT_GT(file_size(dark), 10'000u);
  const double dark_level = brightness(dark);
  EXPECT_GE(dark_level, 0.0) << "cannot measure " << dark;
  EXPECT_LT(dark_level, 0.4) << dark << " should show the dark style";

  // Everyone leaves; the recordings are finalised.
  for (auto& p : peers) {
    const ProcessExit e = p->terminate();
    EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << p->transcript();
  }
  const ProcessExit e = app.terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app.transcript();
  EXPECT_TRUE(app.find_line("quit") == "quit") << app.transcript();

  std::vector<double> tones = kPeerTones;
  tones.push_back(kAppTone);
  for (std::size_t i = 0; i < dirs.size(); ++i) {
    const std::string path = dirs[i] + "/" + app_recording;
    const auto wav = read_wav(path, &error);
    ASSERT_TRUE(wav) << path << ": " << error;
    ASSERT_EQ(wav->channels, 1);
    EXPECT_GE(wav->samples.size(), 3u * static_cast<std::size_t>(wav->rate));
    const ToneVerdict v = judge_tone(*wav, tones);
    EXPECT_EQ(v.freq, kAppTone) << kTeam[i + 1] << " did not hear the app's tone";
    // And clearly: the app's tone stands well above every other candidate.
    EXPECT_GT(v.ratio, 10) << path;
  }
}

// Push-to-talk through the X11 key grab, the mute accelerator and the preferences dialog, driven
// with real key events from outside (xdotool, through the X server's XTEST extension).
TEST_F(AppEndToEnd, PushToTalkKeyAndShortcutsWorkOnX11) {
  Xvfb x;
  ASSERT_FALSE(x.display().empty()) << x.transcript();
  ServerProcess server;
  std::string out;
  ASSERT_TRUE(
      run_program({"gsettings", "set", "io.github.shotcall.Shotcall", "voice-mode", "push-to-talk"},
                  app_env(x.display()), &out))
      << out;
  ChildProcess app({SHOTCALL_APP_BINARY, "--server", server.url(), "--riot-id", "Caller#PTT",
                    "--game", "UI_PTT", "--team", "200", "--teammates", "Caller#PTT,Mate#PTT",
                    "--source", "audiotestsrc is-live=true wave=sine volume=0.3", "--sink",
                    "fakesink", "--ice-address", "127.0.0.1", "--events"},
                   app_env(x.display()));
  ASSERT_TRUE(app.wait_for_lines("ptt x11", 1, 60s)) << app.transcript();
  ASSERT_TRUE(app.wait_for_lines("window-mapped 0x", 1, 60s)) << app.transcript();
  ASSERT_TRUE(app.wait_for_lines("joined UI_PTT_200_", 1, 60s)) << app.transcript();
  const std::string xid = app.find_line("window-mapped ").substr(14);
  const auto xdotool = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "xdotool");
    std::string o;
    EXPECT_TRUE(run_program(args, {{"DISPLAY", x.display()}}, &o)) << o;
  };

  // A loud tone, but push-to-talk: nothing goes out until the key is held.
  EXPECT_EQ(app.count_lines("transmitting on"), 0u) << app.transcript();
  xdotool({"keydown", "F8"});
  ASSERT_TRUE(app.wait_for_lines("transmitting on", 1, 30s)) << app.transcript();
  xdotool({"keyup", "F8"});
  ASSERT_TRUE(app.wait_for_lines("transmitting off", 1, 30s)) << app.transcript();

  // Ctrl+M mutes, again unmutes; Ctrl+comma opens the preferences.
  xdotool({"windowfocus", "--sync", xid});
  xdotool({"key", "ctrl+m"});
  ASSERT_TRUE(app.wait_for_lines("muted on", 1, 30s)) << app.transcript();
  xdotool({"key", "ctrl+m"});
  ASSERT_TRUE(app.wait_for_lines("muted off", 1, 30s)) << app.transcript();
  xdotool({"key", "ctrl+comma"});
  ASSERT_TRUE(app.wait_for_lines("preferences-shown 0x", 1, 30s)) << app.transcript();
  const std::string prefs = output_dir() + "/shotcall-preferences.png";
  const std::string prefs_xid = app.find_line("preferences-shown ").substr(18);
  EXPECT_TRUE(
      run_program({"import", "-display", x.display(), "-window", prefs_xid, prefs}, {}, &out))
      << out;
  EXPECT_GT(file_size(prefs), 5'000u);

  // Ctrl+I: the identity page (this device's key, the server's policy, the bound devices).
  xdotool({"windowfocus", "--sync", xid});
  xdotool({"key", "ctrl+i"});
  ASSERT_TRUE(app.wait_for_lines("identity-shown 0x", 1, 30s)) << app.transcript();
  const std::string identity_png = output_dir() + "/shotcall-preferences-identity.png";
  EXPECT_TRUE(run_program({"import", "-display", x.display(), "-window", prefs_xid, identity_png},
                          {}, &out))
      << out;
  EXPECT_GT(file_size(identity_png), 5'000u);

  // Approving another device: a shotcall-peer with a key of its own asks to be linked to the
  // app's Riot ID; its code, typed on the identity page, binds its key, and the page lists it.
  ASSERT_TRUE(app.wait_for_lines("devices 1", 1, 30s)) << app.transcript();
  PeerProcess newcomer({"--server", server.url(), "--riot-id", "Caller#PTT", "--key",
                        root_ + "/newcomer.key", "--link", "--game", "UI_PTT", "--team", "200",
                        "--teammates", "Caller#PTT,Mate#PTT", "--source",
                        "audiotestsrc is-live=true", "--sink", "fakesink", "--ice-address",
                        "127.0.0.1"});
  ASSERT_TRUE(newcomer.wait_for_lines("link-code ", 1, 30s)) << newcomer.transcript();
  std::string code_line;
  for (const auto& l : newcomer.lines())
    if (l.rfind("link-code ", 0) == 0) code_line = l;
  const std::string code = code_line.substr(10, code_line.find(' ', 10) - 10);
  xdotool({"windowfocus", "--sync", prefs_xid});
  xdotool({"key", "alt+c"});  // the code field's mnemonic
  xdotool({"type", code});
  xdotool({"key", "Return"});
  ASSERT_TRUE(app.wait_for_lines("link-approved ", 1, 30s)) << app.transcript();
  ASSERT_TRUE(newcomer.wait_for_lines("link-approved ", 1, 30s)) << newcomer.transcript();
  // The key the app approved is the newcomer's.
  std::string newcomer_key;
  for (const auto& l : newcomer.lines())
    if (l.rfind("link-approved ", 0) == 0) newcomer_key = l.substr(14);
  EXPECT_EQ(app.find_line("link-approved ").substr(14), newcomer_key) << app.transcript();
  ASSERT_TRUE(app.wait_for_lines("devices 2", 1, 30s)) << app.transcript();
  const std::string approved_png = output_dir() + "/shotcall-preferences-approved.png";
  EXPECT_TRUE(run_program({"import", "-display", x.display(), "-window", prefs_xid, approved_png},
                          {}, &out))
      << out;

  const ProcessExit e = app.terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app.transcript();
}

// Issue 16: a player whose microphone cannot be opened still joins, hears the teammate, and the
// window says so in a banner with a way to Preferences (screenshot in test-output/). The
// teammate receives silence, not nothing.
TEST_F(AppEndToEnd, WithoutAMicrophoneTheAppListensAndSaysSo) {
  Xvfb x;
  ASSERT_FALSE(x.display().empty()) << x.transcript();
  ServerProcess server;
  const std::string dir = root_ + "/mate";
  g_mkdir_with_parents(dir.c_str(), 0755);
  PeerProcess mate({"--server", server.url(), "--riot-id", "Mate#NOMIC", "--game", "UI_NOMIC",
                    "--team", "100", "--teammates", "Caller#NOMIC,Mate#NOMIC", "--source",
                    "audiotestsrc is-live=true wave=sine volume=0.3 freq=650", "--sink", "fakesink",
                    "--record-dir", dir, "--no-dsp", "--ice-address", "127.0.0.1"});
  // A microphone that cannot open, as on a machine without one.
  ChildProcess app({SHOTCALL_APP_BINARY, "--server", server.url(), "--riot-id", "Caller#NOMIC",
                    "--game", "UI_NOMIC", "--team", "100", "--teammates", "Caller#NOMIC,Mate#NOMIC",
                    "--source", "filesrc location=/nonexistent-dir/shotcall/microphone.raw",
                    "--sink", "fakesink", "--ice-address", "127.0.0.1", "--events"},
                   app_env(x.display()));
  ASSERT_TRUE(app.wait_for_lines("window-mapped 0x", 1, 60s)) << app.transcript();
  const std::string xid = app.find_line("window-mapped ").substr(14);
  ASSERT_TRUE(app.wait_for_lines("microphone unavailable ", 1, 60s)) << app.transcript();
  EXPECT_EQ(app.find_line("microphone unavailable ").find("filesrc"), std::string::npos);
  ASSERT_TRUE(app.wait_for_lines("banner Listening only", 1, 60s)) << app.transcript();
  EXPECT_EQ(app.count_lines("session-error"), 0u) << app.transcript();

  // In the call: the app hears its teammate, the teammate decodes the app's silence.
  ASSERT_TRUE(app.wait_for_lines("joined UI_NOMIC_100_", 1, 60s)) << app.transcript();
  ASSERT_TRUE(app.wait_for_lines("first-audio Mate#NOMIC", 1, 60s)) << app.transcript();
  ASSERT_TRUE(mate.wait_for_lines("first-audio Caller#NOMIC", 1, 60s)) << mate.transcript();
  EXPECT_EQ(app.count_lines("peer Mate#NOMIC failed"), 0u) << app.transcript();

  std::string out;
  const std::string shot = output_dir() + "/shotcall-no-microphone.png";
  EXPECT_TRUE(run_program({"import", "-display", x.display(), "-window", xid, shot}, {}, &out))
      << out;
  EXPECT_GT(file_size(shot), 10'000u);

  const ProcessExit m = mate.terminate();
  EXPECT_TRUE(m.exited && m.status == 0) << mate.transcript();
  const ProcessExit e = app.terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app.transcript();
}

}  // namespace
}  // namespace shotcall::test
