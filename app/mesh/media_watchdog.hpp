// Decides when a connected link has gone silent for good. Pure: samples in, verdict out.
//
// webrtcbin 1.22 has no ICE consent freshness, so a peer that vanished without a word leaves a
// link that still looks connected. The engine polls each link's received byte count and feeds
// it here. Silence is counted only over time the engine actually watched: when samples stop
// arriving for a while (the process was starved, or webrtcbin's thread was busy), that blind
// spot counts as at most two sample intervals, so a stall on our side is not taken for the
// peer's silence, while a dead peer is still caught once its silence has been seen for long.
#pragma once

#include <cstdint>
#include <optional>

namespace shotcall::mesh {

class MediaWatchdog {
 public:
  // timeout_ms <= 0 disables the watchdog; sample_interval_ms is how often samples are taken.
  MediaWatchdog(int timeout_ms, int sample_interval_ms);

  // The link connected at now_ms: silence counts from here, with no bytes seen yet.
  void start(std::int64_t now_ms);
  // A sample of the link's received byte count. Returns the silence (ms) once it reached the
  // timeout; the caller fails the link.
  std::optional<std::int64_t> sample(std::int64_t now_ms, std::uint64_t bytes_received);

  std::int64_t silence_ms() const { return silence_ms_; }

 private:
  int timeout_ms_;
  std::int64_t max_gap_ms_;
  bool started_ = false;
  std::uint64_t bytes_ = 0;
  std::int64_t last_sample_ms_ = 0;
  std::int64_t silence_ms_ = 0;
};

}  // namespace shotcall::mesh
