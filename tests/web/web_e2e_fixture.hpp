// The fixture of the browser client's end-to-end tests (web_e2e_test.cpp,
// web_identity_e2e_test.cpp): the real shotcall-signal serves the page, Debian's headless Chromium
// (driven by Playwright in tests/web/e2e/page_driver.mjs) opens a by-hand join link with a sine
// tone as its microphone, and a real shotcall-peer with another tone joins the same team.
// Recordings are judged by their dominant tone, as the other end-to-end tests judge theirs.
// Everything waits on events (the driver prints the page's own events), never on sleeps.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/peer/mesh_processes.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"
#include "tests/ui/child_process.hpp"
#include "tests/web/page_process.hpp"

namespace shotcall::test {

inline constexpr double kPageTone = 440;
inline constexpr double kPeerTone = 650;
inline constexpr auto kCallTimeout = kPageCallTimeout;

class WebE2e : public ::testing::Test {
 protected:
  // Member 0 is the page (440 Hz), member 1 the shotcall-peer (650 Hz).
  ToneTeam team{"WEB", {kPageTone, kPeerTone}};
  std::string out = page_output_dir();

  Page::Options page_options(const std::string &name) const {
    Page::Options o;
    o.riot_id = team.members()[0].riot_id;
    o.teammates = team.riot_ids();
    o.mic = "tone:" + std::to_string(static_cast<int>(kPageTone));
    o.name = name;
    return o;
  }
  // Whether the server answered the page's hello with identity-1 (else the page signs in as v1).
  static bool offers_identity(const Page &page) {
    return page.line("event hello ").find("\"identity\":\"yes\"") != std::string::npos;
  }
  // The same, recording nothing the page hears: for tests of what the page does, not of sound.
  Page::Options quiet_options(const std::string &name) const {
    Page::Options o = page_options(name);
    o.hear_seconds = 0;
    return o;
  }
  std::vector<std::string> peer_args(const ServerProcess &server) const {
    // The peer's game id differs from the page's: pairing goes by team and
    // roster.
    return team.peer_args(1, server.url(), "E2E_WEB");
  }

  // The page hears the peer, and (unless the page has no microphone) the peer
  // hears the page.
  void expect_both_ways(Page &page, PeerProcess &peer, bool page_sends = true) {
    const std::string peer_id = team.members()[1].riot_id;
    const std::string page_id = team.members()[0].riot_id;
    ASSERT_TRUE(page.wait("heard " + peer_id + " ")) << page.transcript() << peer.transcript();
    if (page_sends) {
      ASSERT_TRUE(peer.wait_for_lines("first-audio " + page_id, 1, kCallTimeout))
          << peer.transcript() << page.transcript();
      ASSERT_TRUE(
          run_until([&] { return ToneTeam::file_size(team.recording(1, 0)) >= wav_bytes(3); },
                    std::chrono::seconds(60)))
          << peer.transcript();
    }
    const ProcessExit e = peer.terminate();
    EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << peer.transcript();

    const ToneVerdict heard = judge_recording(page.heard_file(peer_id), team.tones());
    ASSERT_TRUE(heard.ok) << heard.why << "\n" << page.transcript();
    EXPECT_EQ(heard.freq, kPeerTone) << "the page heard " << heard.freq << " Hz";
    EXPECT_GT(heard.ratio, kToneRatio);
    EXPECT_GE(heard.seconds, 3.0);
    if (page_sends) {
      const ToneVerdict v = judge_recording(team.recording(1, 0), team.tones());
      ASSERT_TRUE(v.ok) << v.why;
      EXPECT_EQ(v.freq, kPageTone) << "the peer heard " << v.freq << " Hz from the page";
      EXPECT_GT(v.ratio, kToneRatio);
    }
  }

  // Nothing the page loaded came from outside the server's origin, and its CSP
  // was sent.
  void expect_same_origin(const Page &page, const ServerProcess &server) {
    const std::string origin = server.http_url("/");
    const std::string ws_origin = "ws://127.0.0.1:" + std::to_string(server.port()) + "/";
    const auto requests = page.lines("request ");
    EXPECT_GE(requests.size(),
              9u);  // the page, its stylesheet, icon and modules
    for (const auto &r : requests) EXPECT_EQ(r.rfind("request " + origin, 0), 0u) << r;
    const auto sockets = page.lines("websocket ");
    EXPECT_FALSE(sockets.empty());
    for (const auto &s : sockets) EXPECT_EQ(s.rfind("websocket " + ws_origin, 0), 0u) << s;
    const std::string csp = page.line("csp ");
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos) << csp;
    EXPECT_TRUE(page.lines("csp-violation ").empty()) << page.transcript();
    EXPECT_TRUE(page.lines("page-error ").empty()) << page.transcript();
    EXPECT_TRUE(page.lines("console-error ").empty()) << page.transcript();
  }
};

}  // namespace shotcall::test
