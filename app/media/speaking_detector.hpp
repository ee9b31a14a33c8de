// Decides "speaking" from a stream of RMS levels: on as soon as a level reaches the threshold,
// off only after the level stayed below it for the hangover, so the short pauses between words
// do not make an indicator flicker. Pure.
#pragma once

#include <cstdint>
#include <optional>

namespace shotcall::media {

class SpeakingDetector {
 public:
  SpeakingDetector(double threshold_db, std::int64_t hangover_ms)
      : threshold_db_(threshold_db), hangover_ms_(hangover_ms) {}

  // Feeds one level; returns the new state when it changed.
  std::optional<bool> feed(double rms_db, std::int64_t now_ms) {
    if (rms_db >= threshold_db_) {
      last_loud_ms_ = now_ms;
      if (!speaking_) return speaking_ = true;
      return std::nullopt;
    }
    if (speaking_ && now_ms - last_loud_ms_ >= hangover_ms_) return speaking_ = false;
    return std::nullopt;
  }

  // Forces the state off (muted, link gone); returns true if it was on.
  bool reset() {
    bool was = speaking_;
    speaking_ = false;
    return was;
  }

  bool speaking() const { return speaking_; }

 private:
  double threshold_db_;
  std::int64_t hangover_ms_;
  bool speaking_ = false;
  std::int64_t last_loud_ms_ = 0;
};

}  // namespace shotcall::media
