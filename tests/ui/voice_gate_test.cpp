// The microphone gate: voice activity with hangover, push-to-talk, and the user's mute.
#include <gtest/gtest.h>

#include "ui/voice_gate.hpp"

namespace shotcall::ui {
namespace {

TEST(VoiceGate, OpensAboveThresholdAndHoldsThroughTheHangover) {
  VoiceGate gate;
  gate.set_threshold_db(-40);
  gate.set_hangover_ms(300);
  gate.on_level(-60, 0);
  EXPECT_FALSE(gate.open());
  EXPECT_TRUE(gate.engine_muted());
  gate.on_level(-30, 50);
  EXPECT_TRUE(gate.open());
  EXPECT_FALSE(gate.engine_muted());
  // Quiet between words: still open until 300 ms after the last loud reading.
  gate.on_level(-70, 100);
  gate.on_level(-70, 349);
  EXPECT_TRUE(gate.open());
  gate.on_level(-70, 350);
  EXPECT_FALSE(gate.open());
}

TEST(VoiceGate, ALoudReadingDuringTheHangoverRestartsIt) {
  VoiceGate gate;
  gate.set_threshold_db(-40);
  gate.set_hangover_ms(300);
  gate.on_level(-20, 0);
  gate.on_level(-70, 250);
  gate.on_level(-35, 280);  // another word
  gate.on_level(-70, 500);
  EXPECT_TRUE(gate.open());
  gate.on_level(-70, 580);
  EXPECT_FALSE(gate.open());
}

TEST(VoiceGate, ThresholdIsInclusiveAndMovable) {
  VoiceGate gate;
  gate.set_threshold_db(-50);
  gate.on_level(-50, 0);
  EXPECT_TRUE(gate.open());
  gate.set_threshold_db(-20);
  gate.on_level(-30, 10'000);
  EXPECT_FALSE(gate.open());
}

TEST(VoiceGate, PushToTalkFollowsTheKeyAndIgnoresLevels) {
  VoiceGate gate;
  gate.set_mode(VoiceMode::PushToTalk);
  gate.on_level(0, 0);
  EXPECT_FALSE(gate.open());
  gate.on_push_to_talk(true);
  EXPECT_TRUE(gate.open());
  EXPECT_FALSE(gate.engine_muted());
  gate.on_level(-90, 10);
  EXPECT_TRUE(gate.open());
  gate.on_push_to_talk(false);
  EXPECT_FALSE(gate.open());
}

TEST(VoiceGate, TheKeyDoesNothingInVoiceActivityMode) {
  VoiceGate gate;
  gate.on_push_to_talk(true);
  EXPECT_FALSE(gate.key_held());
  EXPECT_FALSE(gate.open());
}

TEST(VoiceGate, SwitchingModesStartsClosed) {
  VoiceGate gate;
  gate.set_mode(VoiceMode::PushToTalk);
  gate.on_push_to_talk(true);
  gate.set_mode(VoiceMode::VoiceActivity);
  EXPECT_FALSE(gate.open());
  gate.on_level(-10, 0);
  gate.set_mode(VoiceMode::PushToTalk);
  EXPECT_FALSE(gate.open());
  gate.set_mode(VoiceMode::VoiceActivity);
  EXPECT_FALSE(gate.open()) << "an old hangover must not leak voice after a mode switch";
}

TEST(VoiceGate, UserMuteWinsOverAnOpenGate) {
  VoiceGate gate;
  gate.on_level(-10, 0);
  gate.set_user_muted(true);
  EXPECT_TRUE(gate.open());
  EXPECT_TRUE(gate.engine_muted());
  // Unmuted, the next (processed) loud reading opens it: the readings taken while muted were the
  // raw microphone's, echo included.
  gate.set_user_muted(false);
  EXPECT_TRUE(gate.engine_muted());
  gate.on_level(-10, 50);
  EXPECT_FALSE(gate.engine_muted());
}

// Only a voice-activity gate waiting for the next word keeps the engine's speech processing
// running (its processed level reopens the gate); muted or push-to-talk released stops it.
TEST(VoiceGate, OnlyAClosedVoiceActivityGateWaitsForVoice) {
  VoiceGate gate;
  gate.set_threshold_db(-40);
  gate.set_hangover_ms(300);
  gate.on_level(-60, 0);
  EXPECT_TRUE(gate.waiting_for_voice());
  gate.on_level(-30, 50);
  EXPECT_FALSE(gate.waiting_for_voice());  // open: nothing to wait for
  gate.set_user_muted(true);
  gate.on_level(-70, 1000);
  EXPECT_TRUE(gate.engine_muted());
  EXPECT_FALSE(gate.waiting_for_voice());  // muted: the capture stops
  gate.set_user_muted(false);
  EXPECT_TRUE(gate.waiting_for_voice());
  // Levels heard while muted were the raw microphone's: unmuting starts closed.
  gate.set_user_muted(true);
  gate.on_level(-20, 2000);
  gate.set_user_muted(false);
  EXPECT_FALSE(gate.open());
  EXPECT_TRUE(gate.waiting_for_voice());
  gate.set_mode(VoiceMode::PushToTalk);
  EXPECT_TRUE(gate.engine_muted());
  EXPECT_FALSE(gate.waiting_for_voice());  // key released: the capture stops
  gate.on_push_to_talk(true);
  EXPECT_FALSE(gate.waiting_for_voice());
}

TEST(VoiceGate, LevelIsClampedForTheBar) {
  VoiceGate gate;
  gate.on_level(-200, 0);
  EXPECT_DOUBLE_EQ(gate.level_db(), -90);
  gate.on_level(6, 1);
  EXPECT_DOUBLE_EQ(gate.level_db(), 0);
  EXPECT_DOUBLE_EQ(level_fraction(-80), 0.0);
  EXPECT_DOUBLE_EQ(level_fraction(-45), 0.5);
  EXPECT_DOUBLE_EQ(level_fraction(-10), 1.0);
  EXPECT_DOUBLE_EQ(level_fraction(3), 1.0);
  EXPECT_DOUBLE_EQ(level_fraction(-200), 0.0);
}

}  // namespace
}  // namespace shotcall::ui
