// The share of 20 ms windows carrying the sender's tone, on synthetic audio with gaps of known
// length: the bad-link benchmark and the netem test report it, so it must count a gap as the
// windows it covers, ignore the set-up before the tone and the tail after it, and refuse what is
// not the tone (silence, another tone, noise, clicks).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "tests/support/wav_analysis.hpp"

namespace shotcall::test {
namespace {

constexpr int kRate = 48000;
constexpr std::size_t kWindow = kRate / 50;  // 20 ms
constexpr double kHz = 540;

std::int16_t pcm(double x) {
  return static_cast<std::int16_t>(std::lround(std::clamp(x, -1.0, 1.0) * 32767));
}

// `windows` 20 ms windows of a continuous sine (phase running on across the whole buffer).
std::vector<std::int16_t> tone(std::size_t windows, double hz = kHz, double amplitude = 0.3) {
  std::vector<std::int16_t> s(windows * kWindow);
  for (std::size_t i = 0; i < s.size(); ++i)
    s[i] = pcm(amplitude * std::sin(2.0 * M_PI * hz * static_cast<double>(i) / kRate));
  return s;
}

// Silences samples [begin, begin + length) of `s`.
void hole(std::vector<std::int16_t>& s, std::size_t begin, std::size_t length) {
  std::fill(s.begin() + static_cast<std::ptrdiff_t>(begin),
            s.begin() + static_cast<std::ptrdiff_t>(std::min(s.size(), begin + length)), 0);
}

TEST(ToneShare, AnUnbrokenToneIsPresentInEveryWindow) {
  const ToneShare s = tone_window_share(tone(250), kRate, kHz);
  EXPECT_EQ(s.windows, 250u);
  EXPECT_EQ(s.with_tone, 250u);
  EXPECT_DOUBLE_EQ(s.share, 1.0);
  EXPECT_EQ(s.longest_gap, 0u);
  EXPECT_NEAR(s.level, 0.3, 0.01);
}

TEST(ToneShare, OneMissingWindowInTenCostsTenPercent) {
  auto s = tone(100);
  for (std::size_t k = 5; k < 100; k += 10) hole(s, k * kWindow, kWindow);
  const ToneShare r = tone_window_share(s, kRate, kHz);
  EXPECT_EQ(r.windows, 100u);
  EXPECT_EQ(r.with_tone, 90u);
  EXPECT_DOUBLE_EQ(r.share, 0.9);
  EXPECT_EQ(r.longest_gap, 1u);
}

TEST(ToneShare, ALongGapCostsTheWindowsItCovers) {
  auto s = tone(150);
  hole(s, 40 * kWindow, 25 * kWindow);  // half a second
  const ToneShare r = tone_window_share(s, kRate, kHz);
  EXPECT_EQ(r.windows, 150u);
  EXPECT_EQ(r.with_tone, 125u);
  EXPECT_EQ(r.longest_gap, 25u);
  EXPECT_DOUBLE_EQ(r.longest_gap_at_s, 0.8);
}

TEST(ToneShare, RandomLossOfTwoPercentOfWindowsReadsTwoPercent) {
  auto s = tone(1000);
  std::mt19937 rng(14);
  std::vector<std::size_t> order(998);
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k + 1;  // keep both ends
  std::shuffle(order.begin(), order.end(), rng);
  for (std::size_t k = 0; k < 20; ++k) hole(s, order[k] * kWindow, kWindow);
  const ToneShare r = tone_window_share(s, kRate, kHz);
  EXPECT_EQ(r.windows, 1000u);
  EXPECT_DOUBLE_EQ(r.share, 0.98);
}

TEST(ToneShare, AGapAcrossWindowBordersCostsAboutItsLength) {
  // 30 ms gaps starting 10 ms into a window: one window fully silent, two half. A half window
  // keeps half the tone's weight, right at the -6 dB bound, so each gap costs one to three.
  auto s = tone(200);
  for (std::size_t k = 10; k < 190; k += 20) hole(s, k * kWindow + kWindow / 2, kWindow * 3 / 2);
  const ToneShare r = tone_window_share(s, kRate, kHz);
  EXPECT_EQ(r.windows, 200u);
  EXPECT_GE(r.with_tone, 200u - 9 * 3);
  EXPECT_LE(r.with_tone, 200u - 9);
}

TEST(ToneShare, TheSpanRunsFromTheFirstToTheLastWindowWithTheTone) {
  // A second of set-up silence before the tone, half a second after it: neither counts.
  std::vector<std::int16_t> s(50 * kWindow, 0);
  const auto t = tone(100);
  s.insert(s.end(), t.begin(), t.end());
  s.resize(s.size() + 25 * kWindow, 0);
  s.resize(s.size() + kWindow / 3, 0);  // a trailing part window
  const ToneShare r = tone_window_share(s, kRate, kHz);
  EXPECT_EQ(r.windows, 100u);
  EXPECT_DOUBLE_EQ(r.share, 1.0);
  EXPECT_DOUBLE_EQ(r.begin_s, 1.0);
  EXPECT_DOUBLE_EQ(r.end_s, 3.0);
}

TEST(ToneShare, TheLevelIsTheCallsOwnNotFullScale) {
  // A quiet sender (-30 dBFS) is still fully present; a window at a tenth of its level is not.
  auto s = tone(100, kHz, 0.03);
  for (std::size_t i = 50 * kWindow; i < 51 * kWindow; ++i)
    s[i] = static_cast<std::int16_t>(s[i] / 10);
  const ToneShare r = tone_window_share(s, kRate, kHz);
  EXPECT_EQ(r.windows, 100u);
  EXPECT_EQ(r.with_tone, 99u);
}

TEST(ToneShare, SilenceHasNoTone) {
  const ToneShare r = tone_window_share(std::vector<std::int16_t>(100 * kWindow, 0), kRate, kHz);
  EXPECT_EQ(r.windows, 0u);
  EXPECT_EQ(r.share, 0.0);
}

TEST(ToneShare, AnotherToneIsNotTheSendersTone) {
  const ToneShare r = tone_window_share(tone(100, 880), kRate, kHz);
  EXPECT_EQ(r.with_tone, 0u);
  EXPECT_EQ(r.share, 0.0);
}

TEST(ToneShare, NoiseAndClicksInPlaceOfTheToneDoNotCount) {
  // Windows 30-39 replaced by loud white noise, windows 60-69 by a click each: not the tone,
  // although they carry energy at its frequency.
  auto s = tone(100);
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0, 0.3);
  for (std::size_t i = 30 * kWindow; i < 40 * kWindow; ++i) s[i] = pcm(noise(rng));
  for (std::size_t k = 60; k < 70; ++k) {
    hole(s, k * kWindow, kWindow);
    s[k * kWindow + kWindow / 2] = pcm(1.0);
  }
  const ToneShare r = tone_window_share(s, kRate, kHz);
  EXPECT_EQ(r.windows, 100u);
  EXPECT_EQ(r.with_tone, 80u);
  EXPECT_EQ(r.longest_gap, 10u);
}

TEST(ToneShare, AToneUnderQuietNoiseIsPresent) {
  auto s = tone(100);
  std::mt19937 rng(5);
  std::normal_distribution<double> hiss(0, 0.03);  // 20 dB under the tone
  for (auto& x : s) x = pcm(x / 32767.0 + hiss(rng));
  EXPECT_DOUBLE_EQ(tone_window_share(s, kRate, kHz).share, 1.0);
}

TEST(ToneShare, AStereoRecordingIsJudgedOnItsFirstChannel) {
  Wav wav;
  wav.rate = kRate;
  wav.channels = 2;
  const auto t = tone(50);
  for (std::int16_t x : t) {
    wav.samples.push_back(x);
    wav.samples.push_back(0);
  }
  const ToneShare r = tone_window_share(wav, kHz);
  EXPECT_EQ(r.windows, 50u);
  EXPECT_DOUBLE_EQ(r.share, 1.0);
}

}  // namespace
}  // namespace shotcall::test
