// Two players' whole sessions (signaling client, session core, voice engine) in this process,
// against the real shotcall-signal, through an outage of the server during which their link
// fails: what each side holds when the server returns decides whether they ever hear each other
// again.
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <csignal>
#include <memory>

#include "app/session/session.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_gate.hpp"

namespace shotcall::session {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> kTeam{"Ann#EUW", "Bob#EUW"};

std::unique_ptr<Session> make_session(const std::string& riot_id, const std::string& url,
                                      double freq, unsigned first_rebuild_ms = 200) {
  SessionOptions o;
  o.signaling.url = url;
  o.signaling.riot_id = riot_id;
  o.signaling.first_retry_ms = 100;  // back soon after the server (or the gate) is
  o.signaling.max_retry_ms = 400;
  o.voice.source = "audiotestsrc is-live=true wave=sine volume=0.3 freq=" + std::to_string(freq);
  o.voice.sink = "fakesink sync=true";
  o.voice.echo_cancel = o.voice.noise_suppression = o.voice.gain_control = false;
  o.voice.local_addresses = {"127.0.0.1"};
  // A link that goes quiet fails within seconds, and one with nobody to answer its offers gives
  // up after one retry: the outage need not last minutes for that.
  o.voice.stats_interval_ms = 250;
  o.voice.media_timeout_ms = 1500;
  o.voice.retry.max_retries = 1;
  o.voice.retry.base_delay_ms = o.voice.retry.max_delay_ms = first_rebuild_ms;
  o.voice.retry.offer_wait_ms = 2000;
  std::string error;
  auto session = Session::create(std::move(o), {}, &error);
  if (!session) ADD_FAILURE() << riot_id << ": " << error;
  return session;
}

GameTarget the_game() { return GameTarget{{"EUW1_7", false}, {"100", true}, kTeam}; }

media::PeerPhase phase_of(const Session& s, const std::string& key) {
  const auto it = s.links().find(key);
  return it == s.links().end() ? media::PeerPhase::New : it->second.phase;
}

std::string state_of(const Session& s) {
  std::string text = std::string{"phase "} + to_string(s.core().phase());
  for (const auto& [key, link] : s.links())
    text += "; " + key + " " + std::string{mesh::phase_name(link.phase)} + " (" + link.reason + ")";
  for (const auto& [key, mate] : s.core().teammates())
    text += "; core " + key + (mate.linked ? " linked" : " not linked");
  return text;
}

class OutageRejoin : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { gst_init(nullptr, nullptr); }

  // Ann joins first, through the gate; Bob joins after her, so he offers. Both links come up.
  void call(unsigned bob_first_rebuild_ms) {
    ann_ = make_session("Ann#EUW", gate_.ws_url(), 400);
    bob_ = make_session("Bob#EUW", server_->url(), 700, bob_first_rebuild_ms);
    ASSERT_TRUE(ann_ && bob_);
    ann_->start();
    ann_->set_target(the_game());
    ASSERT_TRUE(test::run_until([&] { return ann_->core().phase() == Phase::InChannel; }, 20s));
    bob_->start();
    bob_->set_target(the_game());
    ASSERT_TRUE(test::run_until([&] { return both_connected(); }, 60s)) << states();
  }

  // The server dies (no goodbye to anyone), then Ann's way to it is cut. Not the other way
  // round: GSubprocess sends the signal later, from GLib's worker thread, and a server still
  // alive when the gate closed Ann's connection told Bob she left, so Bob dropped his link.
  void kill_server() {
    server_->terminate(10s, SIGKILL);
    server_.reset();
    gate_.shut();
    ASSERT_TRUE(test::run_until(
        [&] {
          return ann_->core().phase() == Phase::Offline && bob_->core().phase() == Phase::Offline;
        },
        20s));
  }

  // The server is back on its port: Bob is in the channel first, then Ann comes (and offers).
  void restart_server_bob_first() {
    server_ = std::make_unique<test::ServerProcess>(
        std::vector<std::string>{"--port", std::to_string(port_)});
    ASSERT_TRUE(test::run_until([&] { return bob_->core().phase() == Phase::InChannel; }, 30s))
        << states();
    gate_.open();
  }

  bool both_connected() const {
    return phase_of(*ann_, "bob#euw") == media::PeerPhase::Connected &&
           phase_of(*bob_, "ann#euw") == media::PeerPhase::Connected;
  }
  std::string states() const { return "Ann: " + state_of(*ann_) + "\nBob: " + state_of(*bob_); }

  void TearDown() override {
    if (ann_) ann_->leave_and_stop();
    if (bob_) bob_->leave_and_stop();
    test::run_until([] { return !net::SignalingClient::goodbyes_pending(); }, 5s);
  }

  std::unique_ptr<test::ServerProcess> server_ = std::make_unique<test::ServerProcess>();
  const int port_ = server_->port();
  test::TcpGate gate_{port_};  // Ann's way to the server, so that she can be kept out longer
  std::unique_ptr<Session> ann_;
  std::unique_ptr<Session> bob_;
};

// While the server is away the link fails; Bob, whose new offers nobody relays, gives up, and
// Ann waits for an offer. Bob is back first, so Ann, who joins after him, is the one to offer
// now; had she kept waiting on her old link, both would wait for good.
TEST_F(OutageRejoin, ALinkThatFailedWhileTheServerWasAwayIsBuiltAgainWhenItReturns) {
  ASSERT_NO_FATAL_FAILURE(call(200));
  ASSERT_NO_FATAL_FAILURE(kill_server());
  ASSERT_TRUE(bob_->voice().fail_peer("ann#euw", "injected failure")) << states();
  // Bob gives up and lets Ann go (she is in no channel he can see); Ann's side failed too (no
  // more audio) and waits for an offer on a fresh link.
  ASSERT_TRUE(test::run_until(
      [&] {
        const auto& bob_mates = bob_->core().teammates();
        const auto mate = bob_mates.find("ann#euw");
        const auto ann_link = ann_->links().find("bob#euw");
        return !bob_->voice().peer_phase("ann#euw") &&
               (mate == bob_mates.end() || !mate->second.linked) &&
               ann_link != ann_->links().end() && !ann_link->second.failure.empty() &&
               ann_->voice().peer_phase("bob#euw") == media::PeerPhase::Connecting;
      },
      60s))
      << states();
  ASSERT_NO_FATAL_FAILURE(restart_server_bob_first());
  EXPECT_TRUE(test::run_until([&] { return both_connected(); }, 60s)) << states();
}

// Only Bob's side saw the link fail (his rebuild is ten minutes away; his old connection still
// carries the voice, so Ann's looks fine) when the server returns. Bob builds his side again
// with the new roles (he answers now), Ann keeps hers, up, with the old ones (she answers too).
// When hers goes down, she rebuilds with the new roles and offers; before, both waited for good.
TEST_F(OutageRejoin, ALinkOnlyOneSideSawFailWhenTheServerReturnedComesBack) {
  ASSERT_NO_FATAL_FAILURE(call(600'000));
  ASSERT_NO_FATAL_FAILURE(kill_server());
  ASSERT_TRUE(bob_->voice().fail_peer("ann#euw", "injected failure")) << states();
  ASSERT_EQ(phase_of(*bob_, "ann#euw"), media::PeerPhase::Failed);
  ASSERT_NO_FATAL_FAILURE(restart_server_bob_first());
  ASSERT_TRUE(test::run_until([&] { return ann_->core().phase() == Phase::InChannel; }, 30s))
      << states();
  ASSERT_EQ(phase_of(*ann_, "bob#euw"), media::PeerPhase::Connected) << states();
  EXPECT_TRUE(test::run_until([&] { return both_connected(); }, 60s)) << states();
}

}  // namespace
}  // namespace shotcall::session
