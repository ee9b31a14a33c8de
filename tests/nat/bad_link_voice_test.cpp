// Voice over a bad link: two shotcall-peer processes in two namespaces, routed through a third
// whose links lose 2 % of the packets and delay them by 30 ms ± 30 ms (normal) in each direction:
// `tc netem` when the kernel has it, else shotcall-bad-link (the same figures, in user space).
// The call must go on from its first second: each peer records the other, and the sender's tone
// is present in most 20 ms windows of the recording, with no long gap. A quality check with bounds
// loose enough for a loaded 2-core CI machine (bench/lib/netem.py measures the figure over a
// whole call and holds the 95 % target at 2 % loss).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/peer/mesh_processes.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/netns.hpp"
#include "tests/support/number_after.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/spawned_process.hpp"
#include "tests/support/wav_analysis.hpp"

namespace shotcall::test {
namespace {

// At least this share of 20 ms windows, from the first one with the tone, must carry it. Measured
// here at 2 % loss and 30 ms jitter, two of these tests at once on 2 cores, twenty directions:
// 0.89 to 1.00 (median 0.995), longest gaps 0 to 240 ms, mostly in the first second, before the
// jitter buffer follows the link (app/mesh/jitter_budget.hpp: a new link's jitter is read 250 ms
// and 1 s after its first audio). Before that read was added, a loaded CI machine had 0.73 and
// a 580 ms gap (2026-12-06), this machine 0.74 and up to 860 ms: at the starting depth of 20 ms
// a third of the packets and more come too late. The bounds leave room for a loaded CI
// machine's own dropouts (CI runs this test alone); a dead or one-way link reads 0.
constexpr double kMinShare = 0.85;
constexpr std::size_t kMaxGapWindows = 25;  // half a second
constexpr double kSeconds = 8;              // of recorded audio per direction
// At least this many windows with the tone somewhere in them: the first tone can come a second
// or more into the recording.
constexpr std::size_t kMinWindows = 300;

const char* kHomeAddress[] = {"10.77.1.2", "10.77.2.2"};
const char* kGateway[] = {"10.77.1.1", "10.77.2.1"};
const char* kRouterDev[] = {"ra", "rb"};
const char* kTun = "blk0";

// Packets lost by the impairment on the router, from tc's qdisc statistics ("dropped N").
long netem_dropped(const Namespace& router, const std::string& dev) {
  const std::string out = router.run({"tc", "-s", "qdisc", "show", "dev", dev}).output;
  return number_after(out, "dropped ").value_or(-1);
}

TEST(BadLinkVoice, VoiceContinuesThroughTwoPercentLossAndThirtyMsJitter) {
  SHOTCALL_REQUIRE_NETNS("tc");
  const NetnsRun run;
  Namespace router(run.name("r"));
  Namespace home_a(run.name("a")), home_b(run.name("b"));
  const Namespace* homes[] = {&home_a, &home_b};
  VethPair link_a(router, kRouterDev[0], home_a, "eth0");
  VethPair link_b(router, kRouterDev[1], home_b, "eth0");
  for (int i = 0; i < 2; ++i) {
    router.add_address(kRouterDev[i], std::string(kGateway[i]) + "/24");
    homes[i]->add_address("eth0", std::string(kHomeAddress[i]) + "/24");
    homes[i]->add_default_route(kGateway[i]);
  }
  router.enable_forwarding();
  // Packets come back out of the TUN device with sources that route via ra/rb.
  router.sysctl("net.ipv4.conf.all.rp_filter", "0");
  router.sysctl("net.ipv4.conf.default.rp_filter", "0");

  // The impairment, on what leaves the router towards each home: each direction once.
  const bool netem = router
                         .run({"tc", "qdisc", "add", "dev", kRouterDev[0], "root", "netem", "delay",
                               "30ms", "30ms", "distribution", "normal", "loss", "2%"})
                         .ok();
  std::unique_ptr<SpawnedProcess> bad_link;
  if (netem) {
    router.run_checked({"tc", "qdisc", "add", "dev", kRouterDev[1], "root", "netem", "delay",
                        "30ms", "30ms", "distribution", "normal", "loss", "2%"});
  } else {
    // No sch_netem in this kernel: the same figures in user space, everything the router
    // forwards routed through the emulator's TUN device.
    bad_link = std::make_unique<SpawnedProcess>(
        with_prefix(router.exec_prefix(), {SHOTCALL_BAD_LINK_BINARY, "--dev", kTun, "--loss", "2",
                                           "--delay", "30", "--jitter", "30"}));
    ASSERT_NE(bad_link->wait_for_output(std::string("ready ") + kTun, 10s), std::string::npos)
        << bad_link->output();
    router.sysctl(std::string("net.ipv4.conf.") + kTun + ".rp_filter", "0");
    router.run_checked({"ip", "link", "set", kTun, "up"});
    for (const char* dev : kRouterDev)
      router.run_checked({"ip", "rule", "add", "iif", dev, "lookup", "100"});
    router.run_checked({"ip", "route", "add", "default", "dev", kTun, "table", "100"});
  }

  ServerProcess server({"--bind", kHomeAddress[0]}, {}, 20s, home_a.exec_prefix());
  ToneTeam team("NETEM", {440, 660});
  std::vector<std::unique_ptr<PeerProcess>> peers;
  for (std::size_t i = 0; i < 2; ++i) {
    auto args = team.peer_args(i, server.url(), "NETEM_1");
    for (std::size_t k = 0; k + 1 < args.size(); ++k)
      if (args[k] == "--ice-address") args[k + 1] = kHomeAddress[i];
    peers.push_back(std::make_unique<PeerProcess>(args, homes[i]->exec_prefix()));
  }
  for (auto& p : peers) ASSERT_TRUE(p->wait_for_lines("first-audio ", 1, 90s)) << p->transcript();
  const bool recorded = run_until(
      [&] {
        return ToneTeam::file_size(team.recording(0, 1)) >= wav_bytes(kSeconds) &&
               ToneTeam::file_size(team.recording(1, 0)) >= wav_bytes(kSeconds);
      },
      60s);
  ASSERT_TRUE(recorded) << peers[0]->transcript() << peers[1]->transcript();
  for (auto& p : peers) {
    const ProcessExit e = p->terminate();
    EXPECT_TRUE(e.exited && !e.signaled && e.status == 0)
        << "exited " << e.exited << " signaled " << e.signaled << " status " << e.status << "\n"
        << p->transcript();
  }

  // The link was bad: the impairment lost packets (about 2 % of ~100 a second each way).
  if (netem) {
    EXPECT_GT(netem_dropped(router, kRouterDev[0]) + netem_dropped(router, kRouterDev[1]), 0);
  } else {
    bad_link->stop();
    const std::string out = bad_link->output();
    std::size_t after_packets = 0;
    ASSERT_TRUE(number_after(out, "stats packets=", 0, &after_packets)) << out;
    const auto lost = number_after(out, " lost=", after_packets);
    ASSERT_TRUE(lost) << out;
    EXPECT_GT(*lost, 0) << out;
  }

  for (std::size_t listener = 0; listener < 2; ++listener) {
    const std::size_t speaker = 1 - listener;
    const std::string path = team.recording(listener, speaker);
    std::string why;
    const auto wav = read_wav(path, &why);
    ASSERT_TRUE(wav) << path << ": " << why;
    const double hz = team.members()[speaker].tone_hz;
    const ToneShare share = tone_window_share(*wav, hz);
    EXPECT_GE(share.windows, kMinWindows) << path << ": the tone began at " << share.begin_s
                                          << " s, ended at " << share.end_s << " s";
    EXPECT_GE(share.share, kMinShare)
        << team.members()[listener].riot_id << " heard " << team.members()[speaker].riot_id
        << "'s tone in " << share.with_tone << " of " << share.windows << " windows\n"
        << peers[listener]->transcript();
    EXPECT_LE(share.longest_gap, kMaxGapWindows) << path << ": a gap of " << share.longest_gap * 20
                                                 << " ms at " << share.longest_gap_at_s << " s\n"
                                                 << peers[listener]->transcript();
    // And it is that sender's tone, not the other one's.
    const ToneVerdict v = judge_tone(*wav, team.tones());
    EXPECT_EQ(v.freq, hz) << path;
    std::printf(
        "%s <- %s: tone in %zu of %zu windows (%.1f %%), longest gap %zu ms at %.2f s (%s)\n",
        team.members()[listener].riot_id.c_str(), team.members()[speaker].riot_id.c_str(),
        share.with_tone, share.windows, share.share * 100, share.longest_gap * 20,
        share.longest_gap_at_s, netem ? "tc netem" : "shotcall-bad-link");
  }
}

}  // namespace
}  // namespace shotcall::test
