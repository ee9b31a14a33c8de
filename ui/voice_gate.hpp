// When the microphone transmits: voice activity (the level opens the gate, a hangover keeps it
// open across the short pauses between words) or push-to-talk (a held key), and the user's own
// mute on top of either. Pure: the caller feeds levels, key presses and the time.
#pragma once

#include <cstdint>

namespace shotcall::ui {

enum class VoiceMode { VoiceActivity, PushToTalk };

class VoiceGate {
 public:
  void set_mode(VoiceMode mode);
  void set_threshold_db(double db) { threshold_db_ = db; }
  void set_hangover_ms(std::int64_t ms) { hangover_ms_ = ms; }
  // Unmuting starts voice activity closed: while muted the engine measures the raw microphone
  // (media::MuteKind::Stopped), echo and noise included, and only processed sound may open it.
  void set_user_muted(bool muted) {
    if (user_muted_ && !muted) vad_open_ = false;
    user_muted_ = muted;
  }

  // One microphone level reading (dBFS, before mute) at `now_ms` on a monotonic clock.
  void on_level(double rms_db, std::int64_t now_ms);
  // The push-to-talk key went down or up. Ignored in voice-activity mode.
  void on_push_to_talk(bool pressed);

  VoiceMode mode() const { return mode_; }
  double threshold_db() const { return threshold_db_; }
  bool user_muted() const { return user_muted_; }
  bool key_held() const { return key_held_; }
  // The gate is open: voice would go out unless the user muted.
  bool open() const;
  // What the engine's mute should be.
  bool engine_muted() const { return user_muted_ || !open(); }
  // Muted only because voice activity is below the threshold: the engine keeps processing the
  // microphone, whose processed level opens the gate again (media::MuteKind::Listening).
  bool waiting_for_voice() const {
    return !user_muted_ && mode_ == VoiceMode::VoiceActivity && !vad_open_;
  }
  // The last level, clamped to [-90, 0], for the level bar.
  double level_db() const { return level_db_; }

 private:
  VoiceMode mode_ = VoiceMode::VoiceActivity;
  double threshold_db_ = -50.0;
  std::int64_t hangover_ms_ = 400;
  bool user_muted_ = false;
  bool key_held_ = false;
  bool vad_open_ = false;
  std::int64_t last_loud_ms_ = 0;
  double level_db_ = -90.0;
};

// Level in dBFS as a 0..1 fraction of the level bar, which spans the sensitivity slider's range
// ([kMinThresholdDb, kMaxThresholdDb]) so the two read alike.
inline constexpr double kMinThresholdDb = -80.0;
inline constexpr double kMaxThresholdDb = -10.0;
double level_fraction(double rms_db);

}  // namespace shotcall::ui
