// The media watchdog: samples in, verdict out; no clock but the one the test passes.
#include "app/mesh/media_watchdog.hpp"

#include <gtest/gtest.h>

namespace shotcall::mesh {
namespace {

constexpr int kTimeout = 8000;
constexpr int kInterval = 2000;

TEST(MediaWatchdog, SteadySilenceFailsAtTheTimeout) {
  MediaWatchdog w(kTimeout, kInterval);
  w.start(1000);
  EXPECT_FALSE(w.sample(3000, 0));
  EXPECT_FALSE(w.sample(5000, 0));
  EXPECT_FALSE(w.sample(7000, 0));
  EXPECT_EQ(w.sample(9000, 0), 8000);
}

TEST(MediaWatchdog, ArrivingBytesResetTheSilence) {
  MediaWatchdog w(kTimeout, kInterval);
  w.start(0);
  EXPECT_FALSE(w.sample(6000, 0));  // blind-spot capped: counts 4000
  EXPECT_FALSE(w.sample(8000, 500));
  EXPECT_EQ(w.silence_ms(), 0);
  for (std::int64_t t = 10000; t < 16000; t += 2000) EXPECT_FALSE(w.sample(t, 500)) << t;
  EXPECT_EQ(w.sample(16000, 500), 8000) << "audio that stopped after flowing is caught too";
}

TEST(MediaWatchdog, AStallOnOurSideIsNotThePeersSilence) {
  // Samples at 500 ms; then none for 8.4 s (the process was starved); the first one after the
  // gap still shows no bytes. The gap counts as two intervals, not as 8.4 s of silence.
  MediaWatchdog w(kTimeout, 500);
  w.start(7000);
  EXPECT_FALSE(w.sample(7500, 0));
  EXPECT_FALSE(w.sample(15900, 0));
  EXPECT_EQ(w.silence_ms(), 1500);
  EXPECT_FALSE(w.sample(15901, 0)) << "queued replies answered in a burst add nothing";
  EXPECT_FALSE(w.sample(16400, 900));
  EXPECT_EQ(w.silence_ms(), 0);
}

TEST(MediaWatchdog, ADeadPeerIsCaughtEvenThroughRepeatedStalls) {
  // Every sample comes late (6 s apart): each counts 4 s, so silence still builds up.
  MediaWatchdog w(kTimeout, kInterval);
  w.start(0);
  EXPECT_FALSE(w.sample(6000, 0));
  EXPECT_EQ(w.sample(12000, 0), 8000);
}

TEST(MediaWatchdog, RestartForgetsTheOldLink) {
  MediaWatchdog w(kTimeout, kInterval);
  w.start(0);
  EXPECT_FALSE(w.sample(2000, 4000));
  EXPECT_FALSE(w.sample(6000, 4000));
  w.start(7000);  // a rebuilt link counts its bytes from zero
  EXPECT_FALSE(w.sample(9000, 0));
  EXPECT_EQ(w.silence_ms(), 2000);
}

TEST(MediaWatchdog, IdleUntilStartedAndWhenDisabled) {
  MediaWatchdog idle(kTimeout, kInterval);
  EXPECT_FALSE(idle.sample(100000, 0));
  MediaWatchdog off(0, kInterval);
  off.start(0);
  EXPECT_FALSE(off.sample(100000, 0));
  EXPECT_FALSE(off.sample(200000, 0));
}

TEST(MediaWatchdog, ATimeGoingBackwardsCountsNothing) {
  MediaWatchdog w(kTimeout, kInterval);
  w.start(5000);
  EXPECT_FALSE(w.sample(4000, 0));
  EXPECT_EQ(w.silence_ms(), 0);
}

}  // namespace
}  // namespace shotcall::mesh
