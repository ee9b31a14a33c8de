// The shared part of the engine's pipeline: capture → raw level → [gate] → DSP → level → mute →
// (encoder) → tee, and silence keeper + per-peer branches → mixer (float) → deafen → limiter →
// sink, with a [gated] branch to the echo canceller's probe.
// Peer links hang off the tee and the mixer (peer_link.hpp). Internal to app/media.
#pragma once

#include <gst/gst.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/media/capture_gate.hpp"
#include "app/media/device_fault.hpp"
#include "app/media/gst_util.hpp"
#include "app/media/voice_engine.hpp"

namespace shotcall::media {

// Where a bus message came from.
enum class Branch {
  Microphone,  // the source fragment in use (not its stand-in)
  Speakers,    // the sink fragment in use (not its stand-in)
  Retired,     // a fragment already replaced, on its way out
  Other,       // anything else in the pipeline
  Gone,        // not in the pipeline any more
};

// The Opus encoder as configured (shared by the capture chain and per-peer encoder mode).
GstElement* make_opus_encoder(const VoiceConfig& config, std::string* error);

class VoicePipeline {
 public:
  // Builds the pipeline (not started). nullptr + error when a fragment does not parse or an
  // element is missing.
  static std::unique_ptr<VoicePipeline> build(const VoiceConfig& config, std::string* error);
  ~VoicePipeline();

  // PLAYING, waiting (bounded) for the state change so that a device that cannot open or a
  // fragment that cannot negotiate fails here. A failing source or sink fragment is replaced by
  // a stand-in (live silence in, a synchronised fakesink out) and the pipeline started again:
  // see microphone_fault() / speakers_fault(). False, with words for a person in `error`, only
  // when neither device works or something else failed.
  bool start(std::string* error);
  // Why the microphone / speaker fragment was replaced (at build, at start or later).
  const std::optional<DeviceFault>& microphone_fault() const { return microphone_fault_; }
  const std::optional<DeviceFault>& speakers_fault() const { return speakers_fault_; }

  Branch branch_of(GstObject* object) const;
  // The microphone fragment broke while running (an error inside it, or it ended): live silence
  // takes its place through an idle pad probe, so the encoder, the fan-out and every link keep
  // running. False when it was replaced already.
  bool replace_microphone(DeviceFault fault, GMainContext* context);
  // The same for the speaker fragment: a synchronised fakesink takes its place.
  bool replace_speakers(DeviceFault fault, GMainContext* context);
  // Runs `fragment` (another device, the default one, or the chosen one back) in place of the
  // microphone / speaker element in use (a device or the stand-in), through the same idle pad
  // probe, and clears the fault. False (nothing changed) when the fragment does not parse; a
  // device that then fails to open reports an error like any microphone / speaker fragment.
  bool use_microphone(const std::string& fragment, GMainContext* context);
  bool use_speakers(const std::string& fragment, GMainContext* context);
  // A buffer from the microphone fragment has reached the capture chain.
  bool microphone_ran() const { return microphone_ran_->load(); }
  // How late a live capture delivers a buffer after its timestamp (the source's latency, as
  // the capture sees it right after the source); none when the source is not live.
  std::optional<GstClockTime> live_capture_period() const;
  // Name of the element message the capture chain posts when the microphone fragment ends
  // (EOS): the EOS itself is dropped there, never reaching the links.
  static constexpr const char* kMicrophoneEnded = "shotcall-microphone-ended";
  // NULL. Idempotent.
  void stop();

  GstBin* bin() const { return GST_BIN(pipeline_.get()); }
  GstElement* pipeline() const { return pipeline_.get(); }
  GstElement* tee() const { return tee_; }
  GstElement* mixer() const { return mixer_; }
  GstElement* self_level() const { return level_; }
  // The microphone's level before the speech processing: it speaks for self_level() while the
  // capture is stopped before it (CaptureGate::Stopped).
  GstElement* self_raw_level() const { return raw_level_; }
  // The shared encoder, or nullptr in encoder-per-peer mode.
  GstElement* encoder() const { return encoder_; }

  // How far the microphone's sound travels (capture_gate.hpp).
  void set_capture_gate(CaptureGate gate);
  void set_deafened(bool deafened);
  // Fixes the pipeline's render delay from the jitter budget and whether any link's decoder
  // holds a frame for FEC (see render_latency_ms).
  void set_render_delay(int jitter_ms, bool decoder_holds);

  // The delay every synchronised sink adds to a buffer's timestamp: the jitter buffer, one
  // mixer period (the mixer emits a block once its silence keeper's buffer for it is complete),
  // and one frame while any link's decoder holds for in-band FEC (app/mesh/fec_hold.hpp: opusdec
  // then hands a frame on only once the next has arrived). On a clean link the depth rests at
  // its 5 ms floor, which is then the room left for scheduling on this computer
  // (docs/latency.md). Set explicitly because the computed one is ~150 ms: opusdec reports the
  // 120 ms worst-case Opus packet as latency.
  static int render_latency_ms(int jitter_ms, int frame_ms, bool decoder_holds) {
    return jitter_ms + kMixerPeriodMs + (decoder_holds ? std::max(frame_ms, 10) : 0);
  }
  static constexpr int kMixerPeriodMs = 5;

 private:
  VoicePipeline() = default;
  bool build_capture(const VoiceConfig& config, std::string* error);
  bool build_output(const VoiceConfig& config, std::string* error);

  bool start_once(GstStateChangeReturn* ret);
  // Takes the errors posted so far off the bus: device ones become faults (true when a device
  // failed now), the others are returned.
  bool take_device_errors(std::vector<GstMessage*>* others);
  GstElement* make_source_stand_in(bool running) const;
  GstElement* make_sink_stand_in() const;

  GPtr<GstElement> pipeline_;
  std::optional<DeviceFault> microphone_fault_;
  std::optional<DeviceFault> speakers_fault_;
  // Shared with the capture chain's pad probe (streaming thread).
  std::shared_ptr<std::atomic<bool>> microphone_ran_ = std::make_shared<std::atomic<bool>>(false);
  std::vector<GPtr<GstElement>> retired_;  // replaced fragments (refs), maybe still in the bin
  // Borrowed: owned by the pipeline.
  GstElement* source_ = nullptr;   // the microphone fragment or its stand-in
  GstElement* capture_in_ = nullptr;  // what the source feeds
  GstElement* sink_ = nullptr;     // the speaker fragment or its stand-in
  GstElement* output_out_ = nullptr;  // what feeds the sink
  GstElement* level_ = nullptr;
  GstElement* raw_level_ = nullptr;
  GstElement* pace_ = nullptr;  // capture-pace, right after the source
  GstElement* mute_ = nullptr;
  CaptureGateState gate_ = std::make_shared<std::atomic<CaptureGate>>(CaptureGate::Open);
  GstElement* encoder_ = nullptr;
  GstElement* tee_ = nullptr;
  GstElement* mixer_ = nullptr;
  GstElement* deafen_ = nullptr;
  std::string probe_name_;
  int frame_ms_ = 10;  // the Opus frame: a holding decoder holds one (render_latency_ms)
};

}  // namespace shotcall::media
