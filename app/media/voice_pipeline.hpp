// The shared part of the engine's pipeline: capture → DSP → level → mute → (encoder) → tee, and
// silence keeper + per-peer branches → mixer → deafen → echo probe → sink. Peer links hang off
// the tee and the mixer (peer_link.hpp). Internal to app/media.
#pragma once

#include <gst/gst.h>

#include <memory>
#include <string>

#include "app/media/gst_util.hpp"
#include "app/media/voice_engine.hpp"

namespace shotcall::media {

// The Opus encoder as configured (shared by the capture chain and per-peer encoder mode).
GstElement* make_opus_encoder(const VoiceConfig& config, std::string* error);

class VoicePipeline {
 public:
  // Builds the pipeline (not started). nullptr + error when a fragment does not parse or an
  // element is missing.
  static std::unique_ptr<VoicePipeline> build(const VoiceConfig& config, std::string* error);
  ~VoicePipeline();

  // PLAYING, waiting (bounded) for the state change so that a device that cannot open or a
  // fragment that cannot negotiate fails here with GStreamer's message.
  bool start(std::string* error);
  // NULL. Idempotent.
  void stop();

  GstBin* bin() const { return GST_BIN(pipeline_.get()); }
  GstElement* pipeline() const { return pipeline_.get(); }
  GstElement* tee() const { return tee_; }
  GstElement* mixer() const { return mixer_; }
  GstElement* self_level() const { return level_; }
  // The shared encoder, or nullptr in encoder-per-peer mode.
  GstElement* encoder() const { return encoder_; }

  void set_muted(bool muted);
  void set_deafened(bool deafened);
  // Fixes the pipeline's render delay from the jitter budget (see render_latency_ms).
  void set_jitter_ms(int jitter_ms);

  // The delay every synchronised sink adds to a buffer's timestamp: the jitter buffer, one
  // mixer period, and a few ms for decoding and scheduling. Set explicitly because the
  // computed one is ~150 ms: opusdec reports the 120 ms worst-case Opus packet as latency
  // although our 10/20 ms frames leave it at once.
  static int render_latency_ms(int jitter_ms) { return jitter_ms + kMixerPeriodMs + 5; }
  static constexpr int kMixerPeriodMs = 10;

 private:
  VoicePipeline() = default;
  bool build_capture(const VoiceConfig& config, std::string* error);
  bool build_output(const VoiceConfig& config, std::string* error);

  GstPtr<GstElement> pipeline_;
  // Borrowed: owned by the pipeline.
  GstElement* level_ = nullptr;
  GstElement* mute_ = nullptr;
  GstElement* encoder_ = nullptr;
  GstElement* tee_ = nullptr;
  GstElement* mixer_ = nullptr;
  GstElement* deafen_ = nullptr;
  std::string probe_name_;
};

}  // namespace shotcall::media
