// The browser page and the desktop app in one call: the real `shotcall` under
// Xvfb (manual game, a tone for a microphone), pages in headless Chromium
// (tests/web/page_driver.mjs) and, for the five-way call, two shotcall-peer
// processes, all against one real shotcall-signal.
//
// What each member heard is judged by its tone, as the other end-to-end tests
// judge it: the pages record each teammate separately, the peers write one WAV
// per teammate. The app cannot record per teammate, so its speaker output (the
// mix of everyone it hears) is written raw through its own
// --sink fragment: with one teammate that mix is that teammate; in the five-way
// call every teammate's tone must stand well above the tones nobody sends to
// the app (its own and a control).
#include <glib/gstdio.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <optional>

#include "tests/peer/mesh_processes.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/wav_analysis.hpp"
#include "tests/ui/child_process.hpp"
#include "tests/ui/xvfb.hpp"
#include "tests/web/page_process.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kCallTimeout = kPageCallTimeout;
// A frequency nobody in the calls sends: the floor the app's mix is measured
// against.
constexpr double kControlTone = 1000;

// The desktop app in manual mode, its microphone a tone, its speakers a raw 48
// kHz mono S16 file.
class App {
 public:
  App(const std::string& root, const std::string& display, const std::string& server_url,
      const std::string& riot_id, double tone, const std::vector<std::string>& roster)
      : root_(root), heard_(root + "/app-heard.raw") {
    // Test tones, not speech: echo cancellation and noise suppression would
    // treat a steady tone as echo or noise (the peers run with --no-dsp for the
    // same reason).
    std::string out;
    for (const char* key : {"echo-cancel", "noise-suppression"})
      EXPECT_TRUE(run_program({"gsettings", "set", "io.github.shotcall.Shotcall", key, "false"},
                              env(display), &out))
          << out;
    std::string mates;
    for (const auto& m : roster) mates += (mates.empty() ? "" : ",") + m;
    const std::string source = "audiotestsrc is-live=true wave=sine volume=0.3 freq=" +
                               std::to_string(static_cast<int>(tone));
    const std::string sink =
        "capsfilter caps=\"audio/x-raw,format=S16LE,rate=48000,channels=1\" ! filesink "
        "location=" + heard_;
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{SHOTCALL_APP_BINARY, "--server", server_url, "--riot-id",
                                 riot_id, "--game", "E2E_WEB_APP", "--team", "100",
                                 "--teammates", mates, "--source", source, "--sink", sink,
                                 "--ice-address", "127.0.0.1", "--events"},
        env(display));
  }

  ChildProcess& process() { return *process_; }
  std::size_t heard_bytes() const { return ToneTeam::file_size(heard_); }
  // Everything the app played, as a WAV in memory.
  std::optional<Wav> heard() const {
    gchar* data = nullptr;
    gsize size = 0;
    if (!g_file_get_contents(heard_.c_str(), &data, &size, nullptr)) return std::nullopt;
    Wav w;
    w.rate = 48000;
    w.channels = 1;
    w.samples.resize(size / 2);
    std::memcpy(w.samples.data(), data, w.samples.size() * 2);
    w.file_size = size;
    g_free(data);
    return w;
  }

 private:
  // A private settings store, the build tree's schema, no session bus: as
  // tests/ui runs the app.
  std::map<std::string, std::string> env(const std::string& display) const {
    return {{"DISPLAY", display},
            {"GSETTINGS_BACKEND", "keyfile"},
            {"GSETTINGS_SCHEMA_DIR", SHOTCALL_BUILD_SCHEMA_DIR},
            {"XDG_CONFIG_HOME", root_ + "/config"},
            {"XDG_DATA_HOME", root_ + "/data"},
            {"XDG_CACHE_HOME", root_ + "/cache"},
            {"DBUS_SESSION_BUS_ADDRESS", "unix:path=" + root_ + "/no-session-bus"},
            {"NO_AT_BRIDGE", "1"},
            {"GST_DEBUG", "1"}};
  }

  std::string root_;
  std::string heard_;
  std::unique_ptr<ChildProcess> process_;
};

class WebAppE2e : public ::testing::Test {
 protected:
  void TearDown() override {
    if (g_getenv("SHOTCALL_KEEP_TEST_FILES") || HasFailure()) {
      std::fprintf(stderr, "test files kept in %s\n", root_.c_str());
      return;
    }
    std::string out;
    run_program({"rm", "-rf", root_}, {}, &out);
  }

  // Waits until the app has played `seconds` more audio than it had at the
  // call.
  bool app_plays_on(App& app, double seconds) {
    const std::size_t from = app.heard_bytes();
    return run_until([&] { return app.heard_bytes() >= from + wav_bytes(seconds); }, 60s);
  }

  std::string root_ = make_test_dir("shotcall-web-app");
  std::string out_ = page_output_dir();
};

TEST_F(WebAppE2e, APageAndTheDesktopAppHearEachOther) {
  ToneTeam team{"WEBAPP", {440, 650}};  // 0: the page, 1: the app
  const std::string page_id = team.members()[0].riot_id;
  const std::string app_id = team.members()[1].riot_id;
  Xvfb x;
  ASSERT_FALSE(x.display().empty()) << x.transcript();
  ServerProcess server;

  App app(root_, x.display(), server.url(), app_id, 650, team.riot_ids());
  ASSERT_TRUE(app.process().wait_for_lines("joined ", 1, kCallTimeout))
      << app.process().transcript();
  Page::Options o;
  o.riot_id = page_id;
  o.teammates = team.riot_ids();
  o.mic = "tone:440";
  o.name = "with-app";
  Page page(server, o, out_);

  ASSERT_TRUE(page.wait("heard " + app_id + " "))
      << page.transcript() << app.process().transcript();
  ASSERT_TRUE(app.process().wait_for_lines("first-audio " + page_id, 1, kCallTimeout))
      << app.process().transcript() << page.transcript();
  ASSERT_TRUE(app_plays_on(app, 3)) << app.process().transcript();
  const ProcessExit e = app.process().terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app.process().transcript();

  const ToneVerdict at_page = judge_recording(page.heard_file(app_id), team.tones());
  ASSERT_TRUE(at_page.ok) << at_page.why;
  EXPECT_EQ(at_page.freq, 650) << "the page heard " << at_page.freq << " Hz from the app";
  EXPECT_GT(at_page.ratio, kToneRatio);

  const auto heard = app.heard();
  ASSERT_TRUE(heard) << "the app's output was not written";
  const ToneVerdict at_app = judge_tone(*heard, {440, 650, kControlTone});
  EXPECT_EQ(at_app.freq, 440) << "the app played " << at_app.freq << " Hz";
  EXPECT_GT(at_app.ratio, kToneRatio);
  EXPECT_GE(at_app.seconds, 3.0);
  EXPECT_TRUE(page.process().terminate().exited);
}

// Two pages, two shotcall-peers and the app, all five in one team: every one of
// the twenty directions carries its sender's tone.
TEST_F(WebAppE2e, AFiveWayCallOfPagesPeersAndTheAppCarriesEveryTone) {
  // 0, 1: pages; 2, 3: shotcall-peers; 4: the app.
  ToneTeam team{"MIX5", {440, 1100, 650, 850, 300}};
  const auto& m = team.members();
  constexpr std::size_t kApp = 4;
  Xvfb x;
  ASSERT_FALSE(x.display().empty()) << x.transcript();
  ServerProcess server;

  App app(root_, x.display(), server.url(), m[kApp].riot_id, m[kApp].tone_hz, team.riot_ids());
  std::vector<std::unique_ptr<PeerProcess>> peers;
  for (std::size_t i : {2u, 3u})
    peers.push_back(std::make_unique<PeerProcess>(team.peer_args(i, server.url(), "E2E_MIX5")));
  std::vector<std::unique_ptr<Page>> pages;
  for (std::size_t i : {0u, 1u}) {
    Page::Options o;
    o.riot_id = m[i].riot_id;
    o.teammates = team.riot_ids();
    o.mic = "tone:" + std::to_string(static_cast<int>(m[i].tone_hz));
    o.name = "five-way-" + std::to_string(i + 1);
    pages.push_back(std::make_unique<Page>(server, o, out_));
  }
  const auto everyone = [&] {
    std::string t = app.process().transcript();
    for (auto& p : peers) t += p->transcript();
    for (auto& p : pages) t += p->transcript();
    return t;
  };

  // Each page has four seconds of each of the others.
  for (std::size_t i : {0u, 1u}) {
    for (std::size_t j = 0; j < m.size(); ++j) {
      if (j == i) continue;
      ASSERT_TRUE(pages[i]->wait("heard " + m[j].riot_id + " ")) << everyone();
    }
  }
  // Each peer has three seconds of each of the others.
  for (std::size_t i : {2u, 3u}) {
    for (std::size_t j = 0; j < m.size(); ++j) {
      if (j == i) continue;
      ASSERT_TRUE(run_until(
          [&] { return ToneTeam::file_size(team.recording(i, j)) >= wav_bytes(3); }, kCallTimeout))
          << m[i].riot_id << " has no recording of " << m[j].riot_id << "\n"
          << everyone();
    }
  }
  // The app hears all four, then plays three more seconds of their mix.
  for (std::size_t j = 0; j < kApp; ++j)
    ASSERT_TRUE(app.process().wait_for_lines("first-audio " + m[j].riot_id, 1, kCallTimeout))
        << everyone();
  ASSERT_TRUE(app_plays_on(app, 3)) << everyone();

  for (auto& p : peers) {
    const ProcessExit e = p->terminate();
    EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << p->transcript();
  }
  const ProcessExit e = app.process().terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app.process().transcript();

  for (std::size_t i = 0; i < kApp; ++i) {
    for (std::size_t j = 0; j < m.size(); ++j) {
      if (j == i) continue;
      const std::string path = i < 2 ? pages[i]->heard_file(m[j].riot_id) : team.recording(i, j);
      const ToneVerdict v = judge_recording(path, team.tones());
      ASSERT_TRUE(v.ok) << m[i].riot_id << " of " << m[j].riot_id << ": " << v.why;
      EXPECT_EQ(v.freq, m[j].tone_hz)
          << m[i].riot_id << " heard " << v.freq << " Hz from " << m[j].riot_id;
      EXPECT_GT(v.ratio, kToneRatio) << m[i].riot_id << " of " << m[j].riot_id;
    }
  }

  // The app's speakers: each teammate's tone well above its own and the
  // control.
  const auto heard = app.heard();
  ASSERT_TRUE(heard) << "the app's output was not written";
  std::vector<double> freqs;
  for (std::size_t j = 0; j < kApp; ++j) freqs.push_back(m[j].tone_hz);
  freqs.push_back(m[kApp].tone_hz);
  freqs.push_back(kControlTone);
  const std::vector<double> power = windowed_tone_powers(heard->samples, 48000, freqs, 4800);
  const double floor = std::max({power[kApp], power[kApp + 1], 1.0});
  for (std::size_t j = 0; j < kApp; ++j)
    EXPECT_GT(power[j] / floor, kToneRatio)
        << "the app's output carries too little of " << m[j].riot_id << " (" << m[j].tone_hz
        << " Hz): " << power[j] << " against a floor of " << floor;

  for (auto& p : pages) EXPECT_TRUE(p->process().terminate().exited);
}

}  // namespace
}  // namespace shotcall::test
