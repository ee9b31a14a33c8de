// The verdict the voice end-to-end tests pass on every recording, checked on synthetic audio: it
// must accept a right tone through a starved machine's dropouts, and refuse a wrong one, a mix of
// two senders, and silence. Otherwise those tests could pass on audio nobody should hear, or fail
// on audio that is fine.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "tests/peer/mesh_processes.hpp"

namespace shotcall::test {
namespace {

constexpr int kRate = 48000;
const std::vector<double> kTones = {300, 420, 540, 660, 780, 900, 1020, 1140, 1260, 1380};

struct Part {
  double hz;
  double amplitude;
};

Wav synth(double seconds, const std::vector<Part>& parts) {
  Wav wav;
  wav.rate = kRate;
  wav.channels = 1;
  const auto n = static_cast<std::size_t>(seconds * kRate);
  wav.samples.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    double x = 0;
    for (const Part& p : parts) x += p.amplitude * std::sin(2.0 * M_PI * p.hz * i / kRate);
    wav.samples[i] = static_cast<std::int16_t>(std::lround(std::clamp(x, -1.0, 1.0) * 32767));
  }
  return wav;
}

// A tone as a starved call delivers it: the phase jumps every 10 to 40 ms (late packets, the
// jitter buffer skipping), a 20 ms hole every half second ending in a full-scale click, and a
// hiss 30 dB down.
Wav starved_call(double hz, double seconds) {
  Wav wav = synth(seconds, {});
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> phase(0, 2 * M_PI);
  std::uniform_int_distribution<std::size_t> run(kRate / 100, kRate / 25);
  std::normal_distribution<double> hiss(0, 0.3 / std::sqrt(2.0) / 31.6);
  double ph = 0;
  std::size_t next_jump = run(rng);
  for (std::size_t i = 0; i < wav.samples.size(); ++i) {
    if (i == next_jump) {
      ph = phase(rng);
      next_jump = i + run(rng);
    }
    double x = 0.3 * std::sin(2.0 * M_PI * hz * i / kRate + ph) + hiss(rng);
    const std::size_t in_half = i % (kRate / 2);
    if (in_half < kRate / 50) x = 0;                   // the hole
    if (in_half == kRate / 50) x = 1.0;                // its click
    if (in_half == kRate / 50 + 1) x = -1.0;
    wav.samples[i] = static_cast<std::int16_t>(std::lround(std::clamp(x, -1.0, 1.0) * 32767));
  }
  return wav;
}

TEST(ToneVerdict, AcceptsTheRightToneThroughDropouts) {
  const Wav wav = starved_call(540, 6);
  const ToneVerdict v = judge_tone(wav, kTones);
  EXPECT_EQ(v.freq, 540);
  EXPECT_GT(v.ratio, kToneRatio);
  EXPECT_DOUBLE_EQ(v.seconds, 6.0);

}

TEST(ToneVerdict, NamesTheToneThatWasSent) {
  const ToneVerdict v = judge_tone(synth(3, {{1020, 0.3}}), kTones);
  EXPECT_EQ(v.freq, 1020);
  EXPECT_GT(v.ratio, 100);
}

TEST(ToneVerdict, RefusesAnotherSenderMixedIn) {
  // -6 dB and -9 dB of a second stream: both must fall below the bar.
  for (double amplitude : {0.15, 0.106}) {
    const ToneVerdict v = judge_tone(synth(3, {{540, 0.3}, {900, amplitude}}), kTones);
    EXPECT_EQ(v.freq, 540);
    EXPECT_LT(v.ratio, kToneRatio) << amplitude;
  }
  // Two equal senders: no clear winner at all.
  EXPECT_LT(judge_tone(synth(3, {{540, 0.3}, {660, 0.3}}), kTones).ratio, 1.1);
}

TEST(ToneVerdict, SilenceIsNoTone) {
  const ToneVerdict v = judge_tone(synth(3, {}), kTones);
  EXPECT_EQ(v.freq, 0);
  EXPECT_EQ(v.ratio, 0);
}

TEST(ToneVerdict, AToneOffTheListIsNotTakenForOne) {
  // 600 Hz sits between 540 and 660: whichever wins, it must not pass as a clean tone.
  EXPECT_LT(judge_tone(synth(3, {{600, 0.3}}), kTones).ratio, kToneRatio);
}

}  // namespace
}  // namespace shotcall::test
