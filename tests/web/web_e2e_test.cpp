// The browser client end to end: calls both ways, join links, the microphone, TURN, a server
// restart, a teammate gone during an outage, link rebuilds. The fixture (the real shotcall-signal,
// the page in Chromium, a real shotcall-peer) is in web_e2e_fixture.hpp; the page's identity in
// web_identity_e2e_test.cpp.
#include <glib/gstdio.h>
#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "tests/peer/mesh_processes.hpp"
#include "tests/support/coturn_process.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/wav_analysis.hpp"
#include "tests/ui/child_process.hpp"
#include "tests/web/page_process.hpp"
#include "tests/web/web_e2e_fixture.hpp"

namespace shotcall::test {
namespace {

// Lets the peer record the page five seconds longer (the growth of `recording`, its file of the
// page), ends the peer, and judges the page's tone in the last two of them: what came before
// may be silence a test made on purpose (a microphone unplugged, or not yet allowed). `whole`:
// the same over the whole recording, for the failure messages.
void judge_the_page_at_the_end(PeerProcess &peer, const Page &page, const std::string &recording,
                               ToneShare *last_two, ToneShare *whole) {
  const std::size_t at_start = ToneTeam::file_size(recording);
  ASSERT_TRUE(run_until([&] { return ToneTeam::file_size(recording) >= at_start + wav_bytes(5); },
                        std::chrono::seconds(60)))
      << "the recording stayed at " << ToneTeam::file_size(recording) << " bytes\n"
      << page.transcript() << peer.transcript();
  const ProcessExit e = peer.terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << peer.transcript();
  std::string why;
  const auto wav = read_wav(recording, &why);
  ASSERT_TRUE(wav) << why;
  Wav last = *wav;
  const std::size_t keep = wav_bytes(2) / 2;  // samples
  ASSERT_GT(last.samples.size(), keep);
  last.samples.erase(last.samples.begin(), last.samples.end() - static_cast<std::ptrdiff_t>(keep));
  *last_two = tone_window_share(last, kPageTone);
  *whole = tone_window_share(*wav, kPageTone);
}

TEST_F(WebE2e, PageJoinsFirstThenThePeerOffersToIt) {
  ServerProcess server;
  Page::Options o = page_options("page-first");
  o.screenshots = true;
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("event joined ")) << page.transcript();
  PeerProcess peer(peer_args(server));
  expect_both_ways(page, peer);
  expect_same_origin(page, server);
  // (d) light and dark screenshots, kept as test output.
  EXPECT_TRUE(page.wait("screenshot ", 2, std::chrono::seconds(30)))
      << page.transcript();
  // The pictures show the teammate the page is hearing, not "Nobody else is here yet".
  EXPECT_EQ(page.line("shown-mates "), "shown-mates 1 empty-note false")
      << page.transcript();
  for (const char *scheme : {"light", "dark"})
    EXPECT_GT(ToneTeam::file_size(out + "/page-first-" + scheme + ".png"),
              10000u)
        << scheme;
  EXPECT_TRUE(page.process().terminate().exited);
}

// A server that hands out time-limited TURN credentials (--turn-secret-env, coturn's REST scheme,
// a real coturn here): the page schedules their renewal on `connected` and goes on to join. Its
// renewal timer was called as a method, which a browser refuses ("Illegal invocation"), and the
// page stopped there, signed in and never in its channel.
TEST_F(WebE2e, WithTimeLimitedTurnCredentialsThePageJoinsAndTalks) {
  constexpr const char *kSecretVar = "SHOTCALL_TEST_TURN_SECRET";
  CoturnOptions turn_options;
  turn_options.auth_secret = "web-turn-secret-for-the-page-test";
  turn_options.allow_loopback_peers = true;
  CoturnProcess turn(turn_options);
  ServerProcess server({"--turn", turn.turn_url("udp"), "--turn-secret-env", kSecretVar},
                       {{kSecretVar, turn_options.auth_secret}});
  PeerProcess peer(peer_args(server));
  ASSERT_TRUE(peer.wait_for_lines("joined ", 1, kCallTimeout)) << peer.transcript();
  Page page(server, page_options("turn-expiry"), out);
  ASSERT_TRUE(page.wait("event joined ")) << page.transcript();
  expect_both_ways(page, peer);
  EXPECT_TRUE(page.lines("console-error ").empty()) << page.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
}

TEST_F(WebE2e, PeerJoinsFirstThenThePageOffersToIt) {
  ServerProcess server;
  PeerProcess peer(peer_args(server));
  ASSERT_TRUE(peer.wait_for_lines("joined ", 1, kCallTimeout))
      << peer.transcript();
  Page page(server, page_options("peer-first"), out);
  ASSERT_TRUE(page.wait("event joined ")) << page.transcript();
  EXPECT_NE(page.line("event joined ").find("\"members\":1"),
            std::string::npos);
  expect_both_ways(page, peer);
  expect_same_origin(page, server);
  EXPECT_TRUE(page.process().terminate().exited);
}

// A join link fills the form and waits for the player's press of Join: a link
// can name any game, and one that joined on opening would put whoever sent it
// in a call with the player's microphone open.
TEST_F(WebE2e, AJoinLinkWaitsForThePlayersPressOfJoin) {
  ServerProcess server;
  Page::Options o = page_options("link-waits");
  o.old_autojoin = true;  // a link made before: its autojoin=1 is ignored
  o.ptt_note = true;
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("join-pressed")) << page.transcript();
  const std::string before = page.line("before-join ");
  EXPECT_NE(before.find("\"joinDisabled\":false"), std::string::npos) << before;
  EXPECT_NE(before.find("\"websockets\":0"), std::string::npos) << before;
  EXPECT_NE(before.find("\"focused\":\"join-button\""), std::string::npos) << before;
  EXPECT_NE(before.find("Press Join to talk in game \u201cE2E_WEB\u201d, blue side, with " +
                        team.members()[1].riot_id),
            std::string::npos)
      << before;
  // Choosing the server's watch says that Riot hides games in streamer mode from it.
  ASSERT_TRUE(page.wait("watch-note ")) << page.transcript();
  EXPECT_EQ(page.line("watch-note ").rfind("watch-note true ", 0), 0u) << page.line("watch-note ");
  EXPECT_NE(page.line("watch-note ").find("streamer mode"), std::string::npos)
      << page.line("watch-note ");
  // The press joins. Push to talk, chosen there, says that it needs the page's focus.
  ASSERT_TRUE(page.wait("event registered ")) << page.transcript();
  ASSERT_TRUE(page.wait("ptt-note ")) << page.transcript();
  EXPECT_EQ(page.line("ptt-note ")
                .rfind("ptt-note true Push to talk works only while this page "
                       "has the focus",
                       0),
            0u)
      << page.line("ptt-note ");
  EXPECT_TRUE(page.process().terminate().exited);
}

TEST_F(WebE2e, ARefusedMicrophoneStillHearsTheTeam) {
  // Heard for longer than the peer's media watchdog (8 s): a page that sent no audio at all
  // (a receive-only link) had its link failed by the peer as dead, and rebuilt, every time.
  // The page joins first and answers the peer's offer (the next test has it offer).
  ServerProcess server;
  Page::Options o = page_options("no-mic");
  o.mic = "refused";
  o.hear_seconds = 14;
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("event mic ")) << page.transcript();
  EXPECT_NE(page.line("event mic ").find("\"state\":\"refused\""),
            std::string::npos)
      << page.transcript();
  ASSERT_TRUE(page.wait("event joined ")) << page.transcript();
  PeerProcess peer(peer_args(server));
  expect_both_ways(page, peer, /*page_sends=*/false);
  const std::string page_id = team.members()[0].riot_id;
  EXPECT_EQ(peer.transcript().find("peer " + page_id + " failed"), std::string::npos)
      << peer.transcript() << page.transcript();
  const std::string peer_id = team.members()[1].riot_id;
  const auto recording = read_wav(page.heard_file(peer_id));
  ASSERT_TRUE(recording) << page.transcript();
  const ToneShare heard = tone_window_share(*recording, kPeerTone);
  EXPECT_GE(heard.share, 0.95) << "longest gap " << heard.longest_gap << " windows at "
                               << heard.longest_gap_at_s << " s\n"
                               << page.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
}

TEST_F(WebE2e, AMicrophoneAllowedAfterARefusalIsUsedOnTheNextJoin) {
  // The page asked once per page load: allowed later, it stayed silent (and Mute greyed out)
  // until a reload.
  ServerProcess server;
  Page::Options o = page_options("mic-later");
  o.mic = "refused";
  o.hear_seconds = 0;
  o.allow_mic_later = true;
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("event mic ")) << page.transcript();
  EXPECT_NE(page.line("event mic ").find("\"state\":\"refused\""), std::string::npos)
      << page.transcript();
  ASSERT_TRUE(page.wait("mic-allowed")) << page.transcript();
  ASSERT_TRUE(page.wait("event joined ", 2)) << page.transcript();
  // What the second Join opened (announced before it joins). The page may also have taken the
  // microphone up while still in the first call (it watches the permission): that "live" comes
  // before Leave's "off", so the last line is the second Join's own.
  const auto mic = page.lines("event mic ");
  EXPECT_EQ(mic.back(), "event mic {\"state\":\"live\"}") << page.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
}

// Allowed during the call (the icon in the address bar), the microphone goes on the link the
// page made while it had none, in place of its silence, with no Leave and Join: before, that link
// was receive-only and stayed so, and the page's text asked the player to rejoin.
TEST_F(WebE2e, AMicrophoneAllowedDuringTheCallIsHeardWithoutRejoining) {
  ServerProcess server;
  PeerProcess peer(peer_args(server));
  ASSERT_TRUE(peer.wait_for_lines("joined ", 1, kCallTimeout)) << peer.transcript();
  Page::Options o = page_options("mic-in-call");
  o.mic = "refused:" + std::to_string(static_cast<int>(kPageTone));
  o.allow_mic_in_call = true;
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("event mic {\"state\":\"refused\"}")) << page.transcript();
  ASSERT_TRUE(page.wait("mic-allowed")) << page.transcript() << peer.transcript();
  ASSERT_TRUE(page.wait("event mic {\"state\":\"live\"}", 1, std::chrono::seconds(30)))
      << page.transcript();
  EXPECT_EQ(page.lines("event joined ").size(), 1u) << page.transcript();
  // The silence before the microphone is in the recording too: the end is judged.
  ToneShare share;
  ToneShare whole;
  judge_the_page_at_the_end(peer, page, team.recording(1, 0), &share, &whole);
  if (HasFatalFailure()) return;
  EXPECT_GE(share.windows, 90u) << "the tone from " << share.begin_s << " s to " << share.end_s
                                << " s of the last 2 s\n"
                                << page.transcript() << peer.transcript();
  EXPECT_GE(share.share, 0.8) << "the page's tone in " << share.with_tone << " of " << share.windows
                              << " windows of the last 2 s\n"
                              << page.transcript() << peer.transcript();
  EXPECT_EQ(peer.transcript().find("peer " + team.members()[0].riot_id + " failed"),
            std::string::npos)
      << peer.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
}

TEST_F(WebE2e, AfterAServerRestartThePageRejoinsAndTheLinkStays) {
  auto server = std::make_unique<ServerProcess>();
  const int port = server->port();
  PeerProcess peer(peer_args(*server));
  ASSERT_TRUE(peer.wait_for_lines("joined ", 1, kCallTimeout))
      << peer.transcript();
  Page::Options o = quiet_options("restart");
  Page page(*server, o, out);
  ASSERT_TRUE(peer.wait_for_lines("first-audio " + team.members()[0].riot_id, 1,
                                  kCallTimeout))
      << peer.transcript() << page.transcript();

  // SIGKILL: no goodbye. The page says it is reconnecting; the voice goes on
  // peer to peer.
  server->terminate(std::chrono::seconds(10), 9);
  server.reset();
  ASSERT_TRUE(page.wait("event state {\"state\":\"reconnecting\"}", 1,
                        std::chrono::seconds(30)))
      << page.transcript();
  const std::size_t at_kill = ToneTeam::file_size(team.recording(1, 0));
  EXPECT_TRUE(run_until(
      [&] {
        return ToneTeam::file_size(team.recording(1, 0)) >=
               at_kill + wav_bytes(1);
      },
      std::chrono::seconds(30)))
      << "the page's voice stopped when the server died";

  // Back on the same port: the page registers and joins again by itself
  // (backoff), and no link was torn down on either side.
  ServerProcess back({"--port", std::to_string(port)});
  ASSERT_TRUE(page.wait("event joined ", 2, kCallTimeout)) << page.transcript();
  ASSERT_TRUE(peer.wait_for_lines("joined ", 2, kCallTimeout))
      << peer.transcript();
  const std::size_t at_rejoin = ToneTeam::file_size(team.recording(1, 0));
  EXPECT_TRUE(run_until(
      [&] {
        return ToneTeam::file_size(team.recording(1, 0)) >=
               at_rejoin + wav_bytes(1);
      },
      std::chrono::seconds(30)));
  for (const auto &l : page.lines("event link "))
    EXPECT_EQ(l.find("\"state\":\"closed\""), std::string::npos)
        << page.transcript();
  for (const auto &l : peer.lines()) {
    if (l.rfind("peer ", 0) != 0)
      continue;
    EXPECT_EQ(l.find(" closed"), std::string::npos) << peer.transcript();
    EXPECT_EQ(l.find(" failed"), std::string::npos) << peer.transcript();
  }
  const ProcessExit e = peer.terminate();
  EXPECT_TRUE(e.exited && e.status == 0) << peer.transcript();
  const ToneVerdict v = judge_recording(team.recording(1, 0), team.tones());
  ASSERT_TRUE(v.ok) << v.why;
  EXPECT_EQ(v.freq, kPageTone);
  EXPECT_TRUE(page.process().terminate().exited);
}

// Leave turns the microphone off: the browser stops recording (its indicator goes off) until the
// next Join opens it again. And it signs out: the header's level badge goes, and so does Approve
// (before, both stayed, and the badge carried the old sign-in's level into the next one).
TEST_F(WebE2e, LeaveTurnsTheMicrophoneOff) {
  ServerProcess server;
  Page::Options o = quiet_options("leave-mic");
  o.leave_after_join = true;
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("event mic {\"state\":\"live\"}")) << page.transcript();
  ASSERT_TRUE(page.wait("left")) << page.transcript();
  EXPECT_EQ(page.line("left "), "left {\"badge\":false,\"approve\":false}") << page.transcript();
  // "live": the page's tracks still recording after it stopped them (the browser's count).
  EXPECT_TRUE(page.wait("event mic {\"state\":\"off\",\"live\":0}", 1, std::chrono::seconds(20)))
      << page.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
}

// A microphone that ends during the call (a headset unplugged): the page opens the default one
// again and puts it on its links in place of the dead track, and the teammate hears the page
// again. Before, the page went on saying "live" and sent nothing until Leave and Join.
TEST_F(WebE2e, AMicrophoneUnpluggedDuringTheCallIsReplaced) {
  ServerProcess server;
  Page::Options o = page_options("unplug");
  o.unplug_mic = true;
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("event joined ")) << page.transcript();
  PeerProcess peer(peer_args(server));
  ASSERT_TRUE(page.wait("unplugged ")) << page.transcript() << peer.transcript();
  EXPECT_EQ(page.line("unplugged "), "unplugged 1") << page.transcript();
  const std::string recording = team.recording(1, 0);
  // Off with the dead track, live again with the new one.
  ASSERT_TRUE(page.wait("event mic {\"state\":\"live\"}", 2, std::chrono::seconds(30)))
      << page.transcript();
  EXPECT_TRUE(page.wait("event mic {\"state\":\"off\",\"live\":0}")) << page.transcript();
  // Before the end: the dead track's end and the page's silence until the new microphone.
  ToneShare share;
  ToneShare whole;
  judge_the_page_at_the_end(peer, page, recording, &share, &whole);
  if (HasFatalFailure()) return;
  EXPECT_GE(share.share, 0.8) << "the page's tone in " << share.with_tone << " of " << share.windows
                              << " windows of the last 2 s";
  EXPECT_GE(share.windows, 90u) << "the tone from " << share.begin_s << " s to " << share.end_s
                                << " s of the last 2 s; the whole recording's longest gap "
                                << whole.longest_gap * 20 << " ms";
  EXPECT_TRUE(page.lines("console-error ").empty()) << page.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
}

// A teammate who goes while the server is away leaves no row behind: no user-left-channel can
// reach the page then, and once the page has given up rebuilding their link (its offers relayed
// by nobody) it lets them go, as the app does when its engine gives up
// (SessionCore::on_engine_peer_failed). Back on the server, the page sits in its channel alone;
// before, the row said "connection failed" until the page left.
TEST_F(WebE2e, ATeammateWhoLeftWhileTheServerWasAwayLeavesNoRow) {
  auto server = std::make_unique<ServerProcess>();
  const int port = server->port();
  const std::string page_id = team.members()[0].riot_id;
  const std::string peer_id = team.members()[1].riot_id;
  PeerProcess peer(peer_args(*server));
  ASSERT_TRUE(peer.wait_for_lines("joined ", 1, kCallTimeout)) << peer.transcript();
  Page::Options o = quiet_options("left-while-away");
  Page page(*server, o, out);
  ASSERT_TRUE(peer.wait_for_lines("first-audio " + page_id, 1, kCallTimeout))
      << peer.transcript() << page.transcript();

  server->terminate(std::chrono::seconds(10), SIGKILL);
  server.reset();
  ASSERT_TRUE(page.wait("event state {\"state\":\"reconnecting\"}", 1, std::chrono::seconds(30)))
      << page.transcript();
  peer.terminate(std::chrono::seconds(10), SIGKILL);
  // The page rebuilds the link five times (its offers go nowhere), about 80 s, then lets go.
  ASSERT_TRUE(page.wait("event mate-left ", 1, std::chrono::seconds(240)))
      << "the row of a teammate who left stayed\n"
      << page.transcript();
  EXPECT_NE(page.line("event mate-left ").find(peer_id), std::string::npos) << page.transcript();

  ServerProcess back({"--port", std::to_string(port)});
  ASSERT_TRUE(page.wait("event joined ", 2, kCallTimeout)) << page.transcript();
  const auto joined = page.lines("event joined ");
  EXPECT_NE(joined.back().find("\"members\":0"), std::string::npos) << joined.back();
  EXPECT_EQ(page.lines("event mate ").size(), 1u) << page.transcript();
  EXPECT_TRUE(page.lines("page-error ").empty()) << page.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
}

// A link that fails mid-call is rebuilt: here the peer is frozen (SIGSTOP) until the page's side
// of the link gives up, then thawed. Whoever offered offers again on a new connection, the other
// answers on a new one of its own (the page's rules in web/js/mesh.js, the app's in
// app/mesh/peer_state.hpp), and the voice comes back both ways.
class WebE2eRebuild : public WebE2e {
 protected:
  std::size_t link_events(const Page &page, const char *state) const {
    std::size_t n = 0;
    for (const auto &l : page.lines("event link "))
      if (l.find(std::string{"\"state\":\""} + state + "\"") != std::string::npos) ++n;
    return n;
  }

  void fail_and_recover(bool page_first) {
    ServerProcess server;
    const std::string page_id = team.members()[0].riot_id;
    const std::string peer_id = team.members()[1].riot_id;
    Page::Options o = page_options(page_first ? "rebuild-answer" : "rebuild-offer");
    o.hear_seconds = 2;
    std::unique_ptr<Page> page;
    std::unique_ptr<PeerProcess> peer;
    if (page_first) {
      page = std::make_unique<Page>(server, o, out);
      ASSERT_TRUE(page->wait("event joined ")) << page->transcript();
      peer = std::make_unique<PeerProcess>(peer_args(server));
    } else {
      peer = std::make_unique<PeerProcess>(peer_args(server));
      ASSERT_TRUE(peer->wait_for_lines("joined ", 1, kCallTimeout)) << peer->transcript();
      page = std::make_unique<Page>(server, o, out);
    }
    ASSERT_TRUE(page->wait("heard " + peer_id + " ")) << page->transcript();
    ASSERT_TRUE(peer->wait_for_lines("first-audio " + page_id, 1, kCallTimeout))
        << peer->transcript() << page->transcript();
    ASSERT_EQ(link_events(*page, "connected"), 1u) << page->transcript();

    peer->send_signal(SIGSTOP);
    const bool failed =
        run_until([&] { return link_events(*page, "failed") >= 1; }, std::chrono::seconds(90));
    peer->send_signal(SIGCONT);
    ASSERT_TRUE(failed) << "the page never saw the link fail\n" << page->transcript();

    // A new connection comes up, and each side hears the other through it: the page records
    // the peer a second time, the peer records the page into a new file.
    ASSERT_TRUE(run_until([&] { return link_events(*page, "connected") >= 2; }, kCallTimeout))
        << page->transcript() << peer->transcript();
    ASSERT_TRUE(page->wait("heard " + peer_id + " ", 2)) << page->transcript();
    ASSERT_TRUE(run_until(
        [&] {
          const auto files = team.recordings(1, 0);
          return files.size() >= 2 && ToneTeam::file_size(files.back()) >= wav_bytes(2);
        },
        std::chrono::seconds(60)))
        << peer->transcript();
    const ProcessExit e = peer->terminate();
    EXPECT_TRUE(e.exited && e.status == 0) << peer->transcript();
    const ToneVerdict heard = judge_recording(page->heard_file(peer_id), team.tones());
    ASSERT_TRUE(heard.ok) << heard.why;
    EXPECT_EQ(heard.freq, kPeerTone);
    const ToneVerdict v = judge_recording(team.recordings(1, 0).back(), team.tones());
    ASSERT_TRUE(v.ok) << v.why;
    EXPECT_EQ(v.freq, kPageTone);
    EXPECT_TRUE(page->lines("page-error ").empty()) << page->transcript();
    EXPECT_TRUE(page->process().terminate().exited);
  }
};

// The page joined second, so it offered: it offers again.
TEST_F(WebE2eRebuild, APageThatOfferedOffersAgainAfterTheLinkFails) { fail_and_recover(false); }

// The page joined first and answered the app's offer: it answers the app's new offer (or, when
// none comes, drops its side so that the app sees the failure too).
TEST_F(WebE2eRebuild, APageThatAnsweredAnswersTheNewOfferAfterTheLinkFails) {
  fail_and_recover(true);
}

} // namespace
} // namespace shotcall::test
