// A player whose microphone cannot open, end to end: two shotcall-peer processes against the real
// signaling server, one with a source that fails when it opens. That one says so on an event
// line, stays in the call and hears its teammate; the teammate receives its silence; the report
// says the microphone was unavailable.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "tests/peer/mesh_processes.hpp"
#include "tests/peer/report_file.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

TEST(NoMicrophonePeer, StaysInTheCallReceiveOnly) {
  ServerProcess server;
  ToneTeam team("NOMIC", {450, 650});
  auto broken = team.peer_args(0, server.url());
  const auto source_at = std::find(broken.begin(), broken.end(), "--source");
  ASSERT_NE(source_at, broken.end());
  // Fails when it opens on every machine (tests/media/no_microphone_test.cpp checks pulsesrc).
  *(source_at + 1) = "filesrc location=/nonexistent-dir/shotcall/microphone.raw";
  PeerProcess mute_one(broken);
  PeerProcess other(team.peer_args(1, server.url()));

  ASSERT_TRUE(mute_one.wait_for_lines("microphone unavailable ", 1, 30s)) << mute_one.transcript();
  const std::string line = *std::find_if(
      mute_one.lines().begin(), mute_one.lines().end(),
      [](const std::string& l) { return l.rfind("microphone unavailable ", 0) == 0; });
  EXPECT_NE(line.find("You can still hear your team"), std::string::npos) << line;
  EXPECT_EQ(line.find("filesrc"), std::string::npos) << line;

  // Both sides decode audio from the other: the tone one way, silence the other.
  ASSERT_TRUE(mute_one.wait_for_lines("first-audio ", 1, 60s)) << mute_one.transcript();
  ASSERT_TRUE(other.wait_for_lines("first-audio ", 1, 60s)) << other.transcript();
  ASSERT_TRUE(run_until(
      [&] {
        return ToneTeam::file_size(team.recording(0, 1)) >= wav_bytes(2) &&
               ToneTeam::file_size(team.recording(1, 0)) >= wav_bytes(2);
      },
      60s));
  EXPECT_FALSE(other.has_line("microphone unavailable")) << other.transcript();
  for (PeerProcess* p : {&mute_one, &other}) {
    const ProcessExit e = p->terminate();
    EXPECT_TRUE(e.exited && e.status == 0) << p->transcript();
  }

  const ToneVerdict heard = judge_recording(team.recording(0, 1), team.tones());
  EXPECT_TRUE(heard.ok) << heard.why;
  EXPECT_EQ(heard.freq, 650);
  EXPECT_GE(heard.ratio, kToneRatio);
  // What the teammate received from the player without a microphone is silence.
  std::string why;
  const auto silence = read_wav(team.recording(1, 0), &why);
  ASSERT_TRUE(silence) << why;
  EXPECT_GE(silence->samples.size(), 48000u);
  int loudest = 0;
  for (std::int16_t s : silence->samples) loudest = std::max(loudest, std::abs(int{s}));
  EXPECT_LT(loudest, 100) << "the stand-in for the microphone is not silent";

  const PeerReportFile without = read_peer_report(team.report(0));
  const PeerReportFile with = read_peer_report(team.report(1));
  ASSERT_TRUE(without.read) << without.why;
  ASSERT_TRUE(with.read) << with.why;
  EXPECT_EQ(without.microphone, "unavailable");
  EXPECT_EQ(with.microphone, "ok");
  EXPECT_EQ(without.speakers, "ok");
}

}  // namespace
}  // namespace shotcall::test
