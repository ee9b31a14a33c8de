#include "ui/voice_gate.hpp"

#include <algorithm>

namespace shotcall::ui {

void VoiceGate::set_mode(VoiceMode mode) {
  if (mode == mode_) return;
  mode_ = mode;
  // A mode switch starts closed: neither a stale key nor an old hangover should leak voice.
  key_held_ = false;
  vad_open_ = false;
}

void VoiceGate::on_level(double rms_db, std::int64_t now_ms) {
  level_db_ = std::clamp(rms_db, -90.0, 0.0);
  if (rms_db >= threshold_db_) {
    vad_open_ = true;
    last_loud_ms_ = now_ms;
  } else if (vad_open_ && now_ms - last_loud_ms_ >= hangover_ms_) {
    vad_open_ = false;
  }
}

void VoiceGate::on_push_to_talk(bool pressed) {
  if (mode_ == VoiceMode::PushToTalk) key_held_ = pressed;
}

bool VoiceGate::open() const {
  return mode_ == VoiceMode::PushToTalk ? key_held_ : vad_open_;
}

double level_fraction(double rms_db) {
  return std::clamp((rms_db - kMinThresholdDb) / (kMaxThresholdDb - kMinThresholdDb), 0.0, 1.0);
}

}  // namespace shotcall::ui
