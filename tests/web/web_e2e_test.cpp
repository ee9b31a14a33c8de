// The browser client end to end: the real shotcall-signal serves the page,
// Debian's headless Chromium (driven by Playwright in
// tests/web/e2e/page_driver.mjs) opens a by-hand join link with a sine tone as
// its microphone, and a real shotcall-peer with another tone joins the same
// team. Both recordings are judged here by their dominant tone, as the other
// end-to-end tests judge theirs. Everything waits on events (the driver prints
// the page's own events), never on sleeps.
#include <glib/gstdio.h>
#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "signaling/identity/base64url.hpp"
#include "signaling/identity/fingerprint.hpp"
#include "tests/peer/mesh_processes.hpp"
#include "tests/riot/riot_standin.hpp"
#include "tests/support/coturn_process.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"
#include "tests/ui/child_process.hpp"
#include "tests/web/page_process.hpp"

namespace shotcall::test {
namespace {

constexpr double kPageTone = 440;
constexpr double kPeerTone = 650;
constexpr auto kCallTimeout = kPageCallTimeout;

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
    ASSERT_TRUE(page.wait("heard " + peer_id + " "))
        << page.transcript() << peer.transcript();
    if (page_sends) {
      ASSERT_TRUE(
          peer.wait_for_lines("first-audio " + page_id, 1, kCallTimeout))
          << peer.transcript() << page.transcript();
      ASSERT_TRUE(run_until(
          [&] {
            return ToneTeam::file_size(team.recording(1, 0)) >= wav_bytes(3);
          },
          std::chrono::seconds(60)))
          << peer.transcript();
    }
    const ProcessExit e = peer.terminate();
    EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << peer.transcript();

    const ToneVerdict heard =
        judge_recording(page.heard_file(peer_id), team.tones());
    ASSERT_TRUE(heard.ok) << heard.why << "\n" << page.transcript();
    EXPECT_EQ(heard.freq, kPeerTone)
        << "the page heard " << heard.freq << " Hz";
    EXPECT_GT(heard.ratio, kToneRatio);
    EXPECT_GE(heard.seconds, 3.0);
    if (page_sends) {
      const ToneVerdict v = judge_recording(team.recording(1, 0), team.tones());
      ASSERT_TRUE(v.ok) << v.why;
      EXPECT_EQ(v.freq, kPageTone)
          << "the peer heard " << v.freq << " Hz from the page";
      EXPECT_GT(v.ratio, kToneRatio);
    }
  }

  // Nothing the page loaded came from outside the server's origin, and its CSP
  // was sent.
  void expect_same_origin(const Page &page, const ServerProcess &server) {
    const std::string origin = server.http_url("/");
    const std::string ws_origin =
        "ws://127.0.0.1:" + std::to_string(server.port()) + "/";
    const auto requests = page.lines("request ");
    EXPECT_GE(requests.size(),
              9u); // the page, its stylesheet, icon and seven modules
    for (const auto &r : requests)
      EXPECT_EQ(r.rfind("request " + origin, 0), 0u) << r;
    const auto sockets = page.lines("websocket ");
    EXPECT_FALSE(sockets.empty());
    for (const auto &s : sockets)
      EXPECT_EQ(s.rfind("websocket " + ws_origin, 0), 0u) << s;
    const std::string csp = page.line("csp ");
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos) << csp;
    EXPECT_TRUE(page.lines("csp-violation ").empty()) << page.transcript();
    EXPECT_TRUE(page.lines("page-error ").empty()) << page.transcript();
    EXPECT_TRUE(page.lines("console-error ").empty()) << page.transcript();
  }
};

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
  ServerProcess server;
  PeerProcess peer(peer_args(server));
  ASSERT_TRUE(peer.wait_for_lines("joined ", 1, kCallTimeout))
      << peer.transcript();
  Page::Options o = page_options("no-mic");
  o.mic = "refused";
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("event mic ")) << page.transcript();
  EXPECT_NE(page.line("event mic ").find("\"state\":\"refused\""),
            std::string::npos)
      << page.transcript();
  ASSERT_TRUE(page.wait("event joined ")) << page.transcript();
  expect_both_ways(page, peer, /*page_sends=*/false);
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
  ASSERT_TRUE(page.wait("event mic ", 2)) << page.transcript();
  const auto mic = page.lines("event mic ");
  EXPECT_EQ(mic[1].find("\"state\":\"refused\""), std::string::npos) << page.transcript();
  ASSERT_TRUE(page.wait("event joined ", 2)) << page.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
}

TEST_F(WebE2e, AfterAServerRestartThePageRejoinsAndTheLinkStays) {
  auto server = std::make_unique<ServerProcess>();
  const int port = server->port();
  PeerProcess peer(peer_args(*server));
  ASSERT_TRUE(peer.wait_for_lines("joined ", 1, kCallTimeout))
      << peer.transcript();
  Page::Options o = page_options("restart");
  o.hear_seconds = 0;
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

// identity-1 under policy riot: a team's channel is for players verified with Riot. A page that is
// not verified stays signed in when the server asks for the proof, says what to do with the focus
// on "Verify with Riot", and, once both icons are seen (Riot here is the stand-in the server's
// verification tests use; the test sets each icon as a player would in the League client), joins
// its team's channel by itself. Before, the page left on `proof-required`, and its Verify button
// then said "Join first": a browser could never get into such a server's calls.
TEST_F(WebE2e, UnderPolicyRiotAPageVerifiesWhereItIsAndThenJoins) {
  constexpr const char *kKey = "RGAPI-web-verify-key";
  constexpr const char *kKeyVar = "SHOTCALL_TEST_RIOT_KEY";
  constexpr const char *kLimits = "20:1,100:10";
  constexpr const char *kPuuid = "puuid-web-page";
  const auto wall_ms = [] { return g_get_real_time() / 1000; };
  std::string error;
  auto riot = riot::test::RiotStandin::start(0, &error);
  ASSERT_TRUE(riot) << error;
  riot->set_api_key(kKey);
  riot->set_rate_limits(kLimits);
  const std::string page_id = team.members()[0].riot_id;
  const auto hash = page_id.find('#');
  riot->add_account(kPuuid, page_id.substr(0, hash), page_id.substr(hash + 1));
  riot->set_summoner(kPuuid, 3, wall_ms() - 60'000);
  ServerProcess server({"--identity", "riot", "--riot-api-key-env", kKeyVar, "--riot-platform",
                        "euw1", "--riot-api-base", riot->base_url(), "--riot-rate-limits", kLimits,
                        "--riot-verify-share", "30"},
                       {{kKeyVar, kKey}});
  Page::Options o = page_options("verify");
  o.hear_seconds = 0;
  o.verify_when_asked = true;
  Page page(server, o, out);

  ASSERT_TRUE(page.wait("verify-asked ")) << page.transcript();
  const std::string asked = page.line("verify-asked ");
  EXPECT_NE(asked.find("\"focused\":\"verify-riot\""), std::string::npos) << asked;
  EXPECT_NE(asked.find("verified with Riot"), std::string::npos) << asked;
  EXPECT_NE(page.line("event server-error ").find("\"code\":\"proof-required\""), std::string::npos)
      << page.transcript();
  // Each round's icon, set in "Riot" as soon as the page shows it; the page checks by itself.
  for (std::size_t round = 1; round <= 2; ++round) {
    ASSERT_TRUE(page.wait("event verify-challenge ", round)) << page.transcript();
    const std::string shown = page.lines("event verify-challenge ").at(round - 1);
    EXPECT_NE(shown.find("\"round\":" + std::to_string(round)), std::string::npos) << shown;
    const auto at = shown.find("\"iconId\":");
    ASSERT_NE(at, std::string::npos) << shown;
    riot->set_summoner(kPuuid, std::stoi(shown.substr(at + 9)), wall_ms() + 1000);
  }
  ASSERT_TRUE(page.wait("event verified ")) << page.transcript();
  ASSERT_TRUE(page.wait("event joined ")) << page.transcript();
  // Signed in once, never sent away in between.
  EXPECT_EQ(page.lines("event registered ").size(), 1u) << page.transcript();
  EXPECT_TRUE(page.lines("event state {\"state\":\"error\"}").empty()) << page.transcript();
  EXPECT_TRUE(page.lines("page-error ").empty()) << page.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
}

// Leave turns the microphone off: the browser stops recording (its indicator goes off) until the
// next Join opens it again.
TEST_F(WebE2e, LeaveTurnsTheMicrophoneOff) {
  ServerProcess server;
  Page::Options o = page_options("leave-mic");
  o.hear_seconds = 0;
  o.leave_after_join = true;
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("event mic {\"state\":\"live\"}")) << page.transcript();
  ASSERT_TRUE(page.wait("left")) << page.transcript();
  // "live": the page's tracks still recording after it stopped them (the browser's count).
  EXPECT_TRUE(page.wait("event mic {\"state\":\"off\",\"live\":0}", 1, std::chrono::seconds(20)))
      << page.transcript();
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
  Page::Options o = page_options("left-while-away");
  o.hear_seconds = 0;
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

TEST_F(WebE2e, AReloadKeepsThePagesIdentity) {
  ServerProcess server;
  // The watcher: a second page (its own browser profile) already in the
  // channel.
  Page::Options w = page_options("watcher");
  w.riot_id = team.members()[1].riot_id;
  w.mic = "tone:" + std::to_string(static_cast<int>(kPeerTone));
  w.hear_seconds = 0;
  Page watcher(server, w, out);
  ASSERT_TRUE(watcher.wait("event hello ")) << watcher.transcript();
  if (watcher.line("event hello ").find("\"identity\":\"yes\"") ==
      std::string::npos)
    GTEST_SKIP() << "this shotcall-signal answers hello with unknown-type (no "
                    "identity-1), so "
                    "there is no identity to keep across a reload";
  ASSERT_TRUE(watcher.wait("event joined ")) << watcher.transcript();

  Page::Options o = page_options("reload");
  o.hear_seconds = 0;
  o.reload = true;
  Page page(server, o, out);
  // Registered once, reloaded, registered again: both times with the same key,
  // at level key.
  ASSERT_TRUE(page.wait("event registered ", 2)) << page.transcript();
  ASSERT_TRUE(page.wait("event joined ")) << page.transcript();
  const auto registered = page.lines("event registered ");
  const auto key_of = [](const std::string &l) {
    const auto at = l.find("\"key\":\"");
    return at == std::string::npos ? std::string{} : l.substr(at + 7, 43);
  };
  ASSERT_EQ(registered.size(), 2u);
  EXPECT_EQ(key_of(registered[0]).size(), 43u) << registered[0];
  EXPECT_EQ(key_of(registered[0]), key_of(registered[1]));
  EXPECT_NE(registered[1].find("\"identity\":\"key\""), std::string::npos)
      << registered[1];
  // The other member sees the reloaded page at level key.
  const std::string me = "\"riotId\":\"" + team.members()[0].riot_id + "\"";
  ASSERT_TRUE(run_until(
      [&] {
        for (const auto &l : watcher.lines("event mate "))
          if (l.find(me) != std::string::npos &&
              l.find("\"identity\":\"key\"") != std::string::npos)
            return true;
        return false;
      },
      kCallTimeout))
      << watcher.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
  EXPECT_TRUE(watcher.process().terminate().exited);
}

// Linking (protocol-identity.md): the page's Riot ID is already bound to a
// shotcall-peer's key. The page stays connected, asks to be linked and shows
// its code and its key's fingerprint; the bound device approves that code; the
// page then signs in with its own key, at level key, and joins.
TEST_F(WebE2e, ADoubleClickOnAProvenRequestKeepsThePageInTheCall) {
  // Each click asked for a challenge; the first reply answered the second click and the second
  // was taken for the connection's own hello: the page signed in again, was refused as
  // already registered and left the call.
  ServerProcess server;
  Page::Options o = page_options("double");
  o.hear_seconds = 0;
  o.proof_twice = true;
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("event hello ")) << page.transcript();
  if (page.line("event hello ").find("\"identity\":\"yes\"") == std::string::npos)
    GTEST_SKIP() << "this shotcall-signal has no identity-1: no proven requests";
  ASSERT_TRUE(page.wait("double-clicked")) << page.transcript();
  // The server answers one connection in order: by the second code (a single click made after
  // the first was shown) any sign-in the double click caused has been answered too.
  ASSERT_TRUE(page.wait("link-shown ", 2, std::chrono::seconds(30))) << page.transcript();
  EXPECT_TRUE(page.lines("event server-error ").empty()) << page.transcript();
  EXPECT_EQ(page.lines("event registered ").size(), 1u) << page.transcript();
  EXPECT_EQ(page.lines("event link-code ").size(), 2u) << page.transcript();
  for (const auto &l : page.lines("event state "))
    EXPECT_EQ(l.find("\"state\":\"error\""), std::string::npos) << page.transcript();
  EXPECT_EQ(page.lines("event joined ").size(), 1u) << page.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
}

TEST_F(WebE2e, AServerWithAnAccessTokenAsksForItOnceAndThePageKeepsIt) {
  ServerProcess server({"--access-token", "sesame"});
  Page::Options o = page_options("token");
  o.hear_seconds = 0;
  o.token_on_refusal = "sesame";
  o.reload = true;  // after the first sign-in: the kept token signs in again by itself
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("token-entered")) << page.transcript();
  ASSERT_TRUE(page.wait("event registered ", 2)) << page.transcript();
  // The reload may come before the first page got as far as the channel: count from here.
  const std::size_t joined_before = page.lines("event joined ").size();
  ASSERT_TRUE(page.wait("event joined ", joined_before + 1)) << page.transcript();
  const auto refusals = page.lines("event server-error ");
  ASSERT_EQ(refusals.size(), 1u) << page.transcript();
  EXPECT_NE(refusals[0].find("\"code\":\"unauthorized\""), std::string::npos) << refusals[0];
  EXPECT_TRUE(page.process().terminate().exited);
}

TEST_F(WebE2e, APageLinkedFromTheBoundDeviceSignsInWithItsOwnKey) {
  ServerProcess server;
  const std::string riot_id = team.members()[0].riot_id;
  const std::string key_file = team.members()[1].dir + "/bound-device.key";
  auto bound_args = [&] {
    std::vector<std::string> a = team.peer_args(0, server.url(), "E2E_WEB");
    a.insert(a.end(), {"--key", key_file});
    return a;
  };
  {
    // The bound device: its first proven registration binds the Riot ID to its
    // key.
    PeerProcess bound(bound_args());
    ASSERT_TRUE(bound.wait_for_lines("joined ", 1, kCallTimeout))
        << bound.transcript();
    const ProcessExit e = bound.terminate();
    EXPECT_TRUE(e.exited && e.status == 0) << bound.transcript();
  }

  Page::Options o = page_options("link");
  o.hear_seconds = 0;
  o.link_on_bound = true;
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("event hello ")) << page.transcript();
  if (page.line("event hello ").find("\"identity\":\"yes\"") ==
      std::string::npos)
    GTEST_SKIP() << "this shotcall-signal has no identity-1: nothing to link";
  ASSERT_TRUE(page.wait("link-shown ")) << page.transcript();
  EXPECT_NE(page.line("event server-error ").find("\"code\":\"riot-id-bound\""),
            std::string::npos)
      << page.transcript();
  EXPECT_TRUE(page.lines("event registered ").empty()) << page.transcript();
  // "link-shown <code> <fingerprint>", as the page displays them.
  const std::string shown = page.line("link-shown ").substr(11);
  const std::string code = shown.substr(0, shown.find(' '));
  const std::string fingerprint = shown.substr(shown.find(' ') + 1);
  ASSERT_EQ(code.size(), 8u) << shown;
  ASSERT_EQ(fingerprint.size(), 8u) << shown;

  // The bound device approves the code (in the flow a person compares the
  // fingerprints).
  std::vector<std::string> approve = bound_args();
  approve.insert(approve.end(), {"--approve", code});
  PeerProcess approver(approve);
  ASSERT_TRUE(approver.wait_for_lines("link-approved ", 1, kCallTimeout))
      << approver.transcript() << page.transcript();
  std::string linked_key;
  for (const auto &l : approver.lines())
    if (l.rfind("link-approved ", 0) == 0)
      linked_key = l.substr(14);
  // The approver holds the Riot ID until it leaves; the page retries its
  // sign-in meanwhile.
  const ProcessExit e = approver.terminate();
  EXPECT_TRUE(e.exited && e.status == 0) << approver.transcript();

  // The approved key is the page's, and the fingerprint the page showed is that
  // key's.
  const auto raw = identity::base64url_decode(linked_key);
  ASSERT_TRUE(raw && raw->size() == 32) << linked_key;
  EXPECT_EQ(fingerprint,
            identity::key_fingerprint(
                std::span<const std::uint8_t, 32>(raw->data(), 32)));
  ASSERT_TRUE(page.wait("event link-approved ")) << page.transcript();
  EXPECT_NE(page.line("event link-approved ").find("\"mine\":true"),
            std::string::npos);

  ASSERT_TRUE(page.wait("event registered ")) << page.transcript();
  const std::string registered = page.line("event registered ");
  EXPECT_NE(registered.find("\"key\":\"" + linked_key + "\""),
            std::string::npos)
      << registered;
  EXPECT_NE(registered.find("\"identity\":\"key\""), std::string::npos)
      << registered;
  ASSERT_TRUE(page.wait("event joined ")) << page.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
}

} // namespace
} // namespace shotcall::test
