// How far the microphone's sound travels while there is nothing to send, and the two pad probes
// that enforce it (VoicePipeline::set_capture_gate). Internal to app/media.
#pragma once

#include <gst/gst.h>

#include <atomic>
#include <cstdint>
#include <memory>

namespace shotcall::media {

enum class CaptureGate {
  // Everything runs and goes out.
  Open,
  // Voice activity below its threshold: the speech processing, its level and the encoder keep
  // running on silence, because the gate must open on processed sound (echo and noise removed).
  Silenced,
  // Muted, or push-to-talk released: the capture stops right after the microphone's own level.
  // No speech processing, no encoding, no sending, but for one frame every kCaptureKeepaliveMs
  // (silenced after the speech processing, which hears the real microphone on it and so stays
  // warm): every link keeps carrying RTP, so the far end's media watchdog can tell a silent
  // teammate from a dead path, even in a call where nobody has spoken yet.
  Stopped,
};

inline constexpr int kCaptureKeepaliveMs = 500;

// Written by the engine's thread, read by the probes on the streaming threads.
using CaptureGateState = std::shared_ptr<std::atomic<CaptureGate>>;

// On the capture chain, after the microphone's own level, where the sound is `bytes_per_second`
// of the chain's raw format: while Stopped, drops every buffer but those of one keepalive per
// kCaptureKeepaliveMs (at least 10 ms and one `frame_ms` encoder frame of sound, whatever size the
// microphone's buffers are). A buffer let through after dropped ones carries DISCONT, so the
// speech processing and the encoder resynchronise instead of taking the gap for lost sound.
void gate_capture(GstPad* src_pad, CaptureGateState gate, int bytes_per_second, int frame_ms);

// On the branch that feeds the echo canceller's probe: while Stopped, drops the far end's sound.
// The canceller reads that probe only while it processes the microphone; fed through a long mute
// it would be handed seconds of stale far-end sound (webrtcechoprobe keeps up to ~10 s) on the
// first words after it.
void gate_echo_reference(GstPad* src_pad, CaptureGateState gate);

}  // namespace shotcall::media
