// Voice across the networks players have (issue 14): two homes behind NAT routers built from
// network namespaces, shotcall-signal and coturn on the public segment, a shotcall-peer in each
// home sending its own tone. Judged from outside: the peers' reports (route, candidates, failure
// words) and their recordings.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "tests/nat/nat_call.hpp"
#include "tests/support/main_loop.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

#define SHOTCALL_REQUIRE_NAT_TOOLS() SHOTCALL_REQUIRE_NETNS("iptables", "conntrack", "turnserver")

// Each recording of `from` by `to` that is long enough to judge holds `from`'s tone.
void expect_hears(const NatCall& call, std::size_t to, std::size_t from) {
  const auto paths = call.team().recordings(to, from);
  ASSERT_FALSE(paths.empty()) << "peer " << to + 1 << " recorded nothing of peer " << from + 1;
  for (const auto& path : paths) {
    const ToneVerdict v = judge_recording(path, call.team().tones());
    ASSERT_TRUE(v.ok) << path << ": " << v.why;
    if (v.seconds < 1) continue;  // a link rebuilt just before the end holds too little
    EXPECT_EQ(v.freq, call.team().members()[from].tone_hz) << path;
    EXPECT_GT(v.ratio, kToneRatio) << path;
  }
}

// Peer i's report (written when it left) names the route it printed while the call was on.
void expect_report_agrees(const NatCall& call, std::size_t i, const TeammateRoute& live) {
  const TeammateRoute r = call.route_seen_by(i);
  ASSERT_TRUE(r.found) << r.why;
  EXPECT_EQ(r.route, live.route) << "peer " << i + 1 << "'s report";
  EXPECT_EQ(r.local_candidate, live.local_candidate) << "peer " << i + 1 << "'s report";
  EXPECT_EQ(r.remote_candidate, live.remote_candidate) << "peer " << i + 1 << "'s report";
}

// The number of "peer <riot id> connected" lines a peer printed about its teammate.
std::size_t connected_lines(PeerProcess& p, const std::string& teammate) {
  return p.count_lines("peer " + teammate + " connected");
}

TEST(NatVoice, PortRestrictedConeHomesConnectDirectly) {
  SHOTCALL_REQUIRE_NAT_TOOLS();
  NatCall call(NatKind::port_restricted_cone, NatKind::port_restricted_cone, Relay::offered);
  call.start_peers();
  ASSERT_TRUE(call.wait_for_audio(60s)) << call.transcripts();
  ASSERT_TRUE(call.stop_peers()) << call.transcripts();
  const std::set<std::string> direct{"host", "srflx", "prflx"};
  for (std::size_t i = 0; i < 2; ++i) {
    const TeammateRoute live = call.route_printed_by(i);
    ASSERT_TRUE(live.found) << live.why << "\n" << call.transcripts();
    EXPECT_EQ(live.route, "direct") << "peer " << i + 1 << "\n" << call.transcripts();
    EXPECT_TRUE(direct.count(live.local_candidate)) << "local candidate " << live.local_candidate;
    EXPECT_TRUE(direct.count(live.remote_candidate))
        << "remote candidate " << live.remote_candidate;
    expect_report_agrees(call, i, live);
  }
  expect_hears(call, 0, 1);
  expect_hears(call, 1, 0);
}

TEST(NatVoice, ASymmetricHomeConnectsThroughTheRelay) {
  SHOTCALL_REQUIRE_NAT_TOOLS();
  NatCall call(NatKind::port_restricted_cone, NatKind::symmetric, Relay::offered);
  call.start_peers();
  ASSERT_TRUE(call.wait_for_audio(90s)) << call.transcripts();
  ASSERT_TRUE(call.stop_peers()) << call.transcripts();
  for (std::size_t i = 0; i < 2; ++i) {
    const TeammateRoute live = call.route_printed_by(i);
    ASSERT_TRUE(live.found) << live.why << "\n" << call.transcripts();
    EXPECT_EQ(live.route, "relayed") << "peer " << i + 1 << "\n" << call.transcripts();
    EXPECT_TRUE(live.local_candidate == "relay" || live.remote_candidate == "relay")
        << "local " << live.local_candidate << ", remote " << live.remote_candidate;
    expect_report_agrees(call, i, live);
  }
  // The relay really carried it: coturn saw allocations succeed and relayed data.
  EXPECT_NE(call.turn().log_text().find("ALLOCATE processed, success"), std::string::npos);
  expect_hears(call, 0, 1);
  expect_hears(call, 1, 0);
}

TEST(NatVoice, ASymmetricHomeWithoutARelayFailsAndSaysWhy) {
  SHOTCALL_REQUIRE_NAT_TOOLS();
  NatCall call(NatKind::port_restricted_cone, NatKind::symmetric, Relay::not_offered);
  call.start_peers();
  // ICE runs out of candidate pairs: each side reports the link failed.
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string teammate = call.team().members()[1 - i].riot_id;
    ASSERT_TRUE(call.peer(i).wait_for_lines("peer " + teammate + " failed", 1, 90s))
        << call.transcripts();
  }
  ASSERT_TRUE(call.stop_peers()) << call.transcripts();
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_FALSE(call.peer(i).has_line("first-audio ")) << call.transcripts();
    const TeammateRoute r = call.route_seen_by(i);
    ASSERT_TRUE(r.found) << r.why;
    EXPECT_NE(r.state, "connected");
    EXPECT_NE(r.route, "direct");
    EXPECT_NE(r.route, "relayed");
    // The words name the missing piece, no relay (TURN) configured, not some other failure
    // ("even through the relay", "gave us no relay address" also say "relay").
    EXPECT_NE(r.failure.find("this server offers no relay (TURN)"), std::string::npos)
        << "peer " << i + 1 << " failure words: \"" << r.failure << "\"\n"
        << call.transcripts();
  }
}

TEST(NatVoice, ANatResetMidCallRebuildsTheLinkAndAudioResumes) {
  SHOTCALL_REQUIRE_NAT_TOOLS();
  NatCall call(NatKind::port_restricted_cone, NatKind::port_restricted_cone, Relay::offered);
  call.start_peers();
  ASSERT_TRUE(call.wait_for_audio(60s)) << call.transcripts();
  const std::string name[2] = {call.team().members()[0].riot_id, call.team().members()[1].riot_id};
  ASSERT_EQ(connected_lines(call.peer(0), name[1]), 1u) << call.transcripts();

  // Home 1's router forgets its mappings and maps onto new ports: the direct path is dead.
  call.net().reset_nat_mappings(1);

  // Both sides notice, rebuild the link and connect again...
  for (std::size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(call.peer(i).wait_for_lines("peer " + name[1 - i] + " connected", 2, 120s))
        << "peer " << i + 1 << " did not reconnect after the NAT reset\n"
        << call.transcripts();
  }
  // ... and audio resumes: the rebuilt link records into a second file, which fills.
  const bool resumed = run_until(
      [&] {
        for (std::size_t i = 0; i < 2; ++i) {
          const auto paths = call.team().recordings(i, 1 - i);
          if (paths.size() < 2 || ToneTeam::file_size(paths.back()) < wav_bytes(2)) return false;
        }
        return true;
      },
      60s);
  ASSERT_TRUE(resumed) << call.transcripts();
  ASSERT_TRUE(call.stop_peers()) << call.transcripts();
  // The rebuilt link is direct again (both homes are still cone NATs).
  for (std::size_t i = 0; i < 2; ++i) {
    const TeammateRoute live = call.route_printed_by(i);
    ASSERT_TRUE(live.found) << live.why;
    EXPECT_EQ(live.route, "direct") << "peer " << i + 1;
  }
  expect_hears(call, 0, 1);
  expect_hears(call, 1, 0);
}

}  // namespace
}  // namespace shotcall::test
