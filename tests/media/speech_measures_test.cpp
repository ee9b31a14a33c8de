// The measures behind the speech processing tests (tests/support/wav_analysis.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "tests/support/wav_analysis.hpp"

namespace shotcall::test {
namespace {

TEST(SpeechMeasures, MeanPowerAndItsLevel) {
  const std::vector<std::int16_t> square(480, 16384);  // half of full scale
  EXPECT_DOUBLE_EQ(mean_power(square, 0, square.size()), 16384.0 * 16384.0);
  EXPECT_NEAR(power_db(mean_power(square, 0, square.size())), -6.02, 0.01);
  EXPECT_EQ(mean_power(square, 10, 10), 0);
  EXPECT_EQ(mean_power(square, 400, 10000), 16384.0 * 16384.0);  // clipped to the samples
  EXPECT_EQ(power_db(0), -200);
}

TEST(SpeechMeasures, FramePowersLeaveOutAShortTail) {
  std::vector<std::int16_t> s(25, 0);
  for (int i = 10; i < 20; ++i) s[i] = 100;
  const auto frames = frame_powers(s, 10);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], 0);
  EXPECT_EQ(frames[1], 10000);
}

TEST(SpeechMeasures, EnvelopeLagFindsADelayedNoisyCopy) {
  // A reference with bursts and pauses, found 37 frames into a recording that adds a floor.
  std::vector<double> reference;
  for (int i = 0; i < 200; ++i) reference.push_back((i / 13) % 3 == 0 ? 0.0 : 1e6 * (1 + i % 5));
  std::vector<double> recording(37, 1e4);
  for (double p : reference) recording.push_back(p * 0.5 + 1e4);
  recording.insert(recording.end(), 50, 1e4);
  EXPECT_EQ(envelope_lag(recording, reference, recording.size() - reference.size()), 37u);
}

TEST(SpeechMeasures, ResampleLinearKeepsDurationAndShape) {
  std::vector<std::int16_t> ramp;
  for (int i = 0; i < 100; ++i) ramp.push_back(static_cast<std::int16_t>(i * 10));
  const auto up = resample_linear(ramp, 22050, 48000);
  EXPECT_EQ(up.size(), 100u * 48000 / 22050);
  EXPECT_EQ(up.front(), 0);
  // Halfway through the ramp in time is halfway up in value.
  EXPECT_NEAR(up[up.size() / 2], 495, 10);
  EXPECT_TRUE(resample_linear({}, 22050, 48000).empty());
}

}  // namespace
}  // namespace shotcall::test
