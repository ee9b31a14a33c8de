// Shotcall's voice engine: one capture chain encoded once and fanned out to one webrtcbin per
// remote peer, every peer's decoded audio mixed into one output. No GStreamer type leaks out of
// this header.
//
// Threading: create, call and destroy a VoiceEngine on one thread, the one whose thread-default
// GMainContext runs (the app's main loop). Every callback in VoiceEvents is invoked on that
// context, never from a GStreamer streaming thread.
//
// Signalling: the engine takes and emits the `data` payloads of protocol `signal` messages as
// JSON text ({"sdp":{...}} / {"ice":{...}}); the signalling layer relays them untouched.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/mesh/peer_state.hpp"
#include "signaling/protocol/messages.hpp"

namespace shotcall::media {

using IceServer = shotcall::protocol::IceServer;
using PeerPhase = shotcall::mesh::PeerPhase;

// Which ICE candidates a link may use (RTCIceTransportPolicy): All, or Relay (TURN only: testers
// force a relay to prove it carries voice).
enum class IceTransportPolicy { All, Relay };

// Why nothing is sent, which decides what still runs (VoiceEngine::set_muted).
enum class MuteKind {
  // The player muted, or released push-to-talk: the capture stops after the microphone's own
  // level (no speech processing, no encoding; a silent keepalive frame every half second).
  Stopped,
  // Voice activity below its threshold: the speech processing, its level and the encoder keep
  // running on silence, so that processed sound (echo and noise removed) opens the gate.
  Listening,
};

struct VoiceConfig {
  // gst-launch fragments; the engine converts and resamples around them as needed.
  std::string source = "autoaudiosrc";
  std::string sink = "autoaudiosink";

  // webrtcdsp (fed by a webrtcechoprobe on the playback side). With all three off the DSP
  // element is left out of the chain.
  bool echo_cancel = true;
  bool noise_suppression = true;
  // Off by default: webrtcdsp's adaptive gain lifts what the echo canceller leaves by ~14 dB, so
  // with it on the far end heard its own echo almost as loud as with no processing at all
  // (SpeechProcessing.EchoCanceller*: ERLE 2 dB with it, 15 dB without).
  bool gain_control = false;

  // Opus: 48 kHz mono, voice. frame_ms is 10 or 20.
  int frame_ms = 10;
  int bitrate = 32000;
  bool inband_fec = true;
  int expected_loss_percent = 5;  // tells the encoder how much FEC to spend
  bool dtx = true;

  // Jitter-buffer depth of every incoming stream (webrtcbin `latency`), in ms, at the start of a
  // call. See docs/latency.md for the budget.
  int jitter_ms = 20;
  // The depth then follows the links' measured jitter (app/mesh/jitter_budget.hpp): 5 ms on a
  // clean network, deeper at once when a link gets worse, up to 200 ms. Off: jitter_ms stays.
  bool adaptive_jitter = true;
  // buffer-time of GStreamer audio devices found inside the source/sink fragments (pulsesrc,
  // alsasink, ...), in ms; latency-time (one period) is 10 ms. 0 leaves the devices alone.
  int device_buffer_ms = 40;

  // Benchmark switch: one encoder per peer instead of one shared encoder.
  bool encoder_per_peer = false;

  // When not empty, every remote peer's decoded audio is also written to
  // <record_dir>/<display name>.wav (48 kHz mono S16). Characters outside [A-Za-z0-9._-] become
  // '_'; an existing file is never overwritten (-2, -3, ... is appended instead).
  std::string record_dir;

  // ICE.
  std::vector<IceServer> ice_servers;
  // When not empty, host candidates are gathered on these addresses only.
  std::vector<std::string> local_addresses;
  IceTransportPolicy ice_transport_policy = IceTransportPolicy::All;

  // Speaking detection on each `level` element.
  double speaking_threshold_db = -45.0;
  int speaking_hangover_ms = 300;
  int level_interval_ms = 50;

  // webrtcbin get-stats polling; a connected peer whose received byte count has not moved for
  // media_timeout_ms is treated as failed (webrtcbin 1.22 has no ICE consent freshness).
  // Only watched time counts: a gap between stats replies counts as at most two intervals
  // (app/mesh/media_watchdog.hpp). 0 disables the watchdog.
  int stats_interval_ms = 2000;
  int media_timeout_ms = 8000;
  // A link that has not connected this long after it was built counts as failed (libnice may
  // sit in "checking" for a long time when no candidate pair can work).
  int connect_timeout_ms = 20000;

  // Failure handling (see app/mesh/peer_state.hpp).
  mesh::RetryPolicy retry;
};

struct PeerStats {
  std::string peer_id;
  double rtt_ms = -1;  // -1 until the remote's RTCP receiver report arrived
  std::int64_t packets_lost = 0;
  double jitter_ms = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t packets_received = 0;
  // The path ICE selected (app/media/link_route.hpp): Relayed when either end of the selected
  // candidate pair is a TURN relay candidate; Unknown until a pair is selected.
  enum class LinkRoute { Unknown, Direct, Relayed };
  LinkRoute route = LinkRoute::Unknown;
  std::string local_candidate_type;  // host, srflx, prflx or relay; empty while Unknown
  std::string remote_candidate_type;
};

struct VoiceEvents {
  // A peer's phase changed; `reason` says why for Failed/Closed.
  std::function<void(const std::string& peer_id, PeerPhase phase, const std::string& reason)>
      on_peer_state;
  // Speaking started/stopped. peer_id is empty for ourselves.
  std::function<void(const std::string& peer_id, bool speaking)> on_speaking;
  // RMS level in dB every level interval. peer_id empty = our microphone (before mute).
  std::function<void(const std::string& peer_id, double rms_db)> on_level;
  // The first decoded buffer of a peer's link, g_get_monotonic_time() microseconds.
  std::function<void(const std::string& peer_id, std::int64_t monotonic_us)> on_first_audio;
  std::function<void(const PeerStats& stats)> on_stats;
  // A signal payload (JSON text) to relay to peer_id.
  std::function<void(const std::string& peer_id, const std::string& json)> on_signal;
  // Something outside any one peer and the devices went wrong, in words for a person.
  std::function<void(const std::string& message)> on_error;
  // Our microphone (VoiceConfig::source) could not start, or stopped during the call
  // (available=false). The call goes on receive-only: live silence takes the microphone's place,
  // so the encoder and every link stay up and teammates are still heard. `sentence` says so for
  // a person, with what to do, and never names a GStreamer element (the detail goes to the log).
  // Never from inside create().
  // When the chosen device (one named by device=, e.g. "pulsesrc device=headset") goes away
  // mid-call and the system's default device works, the call moves to the default instead and
  // this says so with available=true ("Your microphone went away: using the default
  // microphone."); when the chosen one is back (VoiceEngine::devices_changed), again
  // available=true with a sentence saying so.
  std::function<void(bool available, const std::string& sentence)> on_microphone;
  // The same for the speakers (VoiceConfig::sink): the call goes on send-only.
  std::function<void(bool available, const std::string& sentence)> on_speakers;
};

// Counts for leak checks in tests and diagnostics.
struct EngineCounts {
  int pipeline_children = 0;  // elements directly in the pipeline
  int tee_src_pads = 0;       // request pads on the fan-out tee
  int mixer_sink_pads = 0;    // sink pads on the output mixer (1 is the silence keeper)
  int peers = 0;
};

class VoiceEngine {
 public:
  // Builds and starts the pipeline. A microphone or speaker fragment that cannot open does not
  // stop it (see VoiceEvents::on_microphone); on failure (neither device works, a fragment that
  // does not parse, a missing plugin) returns nullptr and sets `error` to a message for a person.
  static std::unique_ptr<VoiceEngine> create(VoiceConfig config, VoiceEvents events,
                                             std::string* error = nullptr);
  ~VoiceEngine();  // same as stop()

  VoiceEngine(const VoiceEngine&) = delete;
  VoiceEngine& operator=(const VoiceEngine&) = delete;

  // A remote peer joined our mesh. we_offer: we are the member who joined, so we offer.
  // display_name names the recording. False if the peer exists or the link cannot be built.
  bool add_peer(const std::string& peer_id, const std::string& display_name, bool we_offer);
  // The peer left: tear its link down (its recording is finalised). Reports Closed.
  void remove_peer(const std::string& peer_id, const std::string& reason = "left");
  // A relayed signal payload from peer_id. False (and nothing done) for an unknown peer or a
  // payload that does not parse.
  bool handle_signal(const std::string& peer_id, const std::string& json);

  // Nothing to send; the links stay up. `kind` says how much of the capture keeps running; the
  // microphone's level (VoiceEvents::on_level with an empty peer id) keeps coming either way.
  void set_muted(bool muted, MuteKind kind = MuteKind::Stopped);
  void set_deafened(bool deafened);  // silence out of the mixer
  bool set_peer_volume(const std::string& peer_id, double volume);  // 0.0 .. 4.0
  bool set_peer_muted(const std::string& peer_id, bool muted);
  // Fixes the jitter-buffer depth of every link: the depth no longer follows the links
  // (VoiceConfig::adaptive_jitter).
  void set_jitter_ms(int ms);
  void set_bitrate(int bps);
  // STUN/TURN servers for links built from now on (the signaling server names them in
  // `connected`); they replace VoiceConfig::ice_servers.
  void set_ice_servers(const std::vector<IceServer>& servers);

  // The player chose another microphone / output (a gst-launch fragment, as VoiceConfig::source
  // and sink): it replaces the one in use without interrupting the call. A device that then fails
  // is handled like one that goes away (VoiceEvents::on_microphone).
  void use_microphone(const std::string& fragment);
  void use_speakers(const std::string& fragment);
  // The system's devices changed (the app's device monitor: the fragments of every input and
  // output it lists now). A chosen device that went away and is listed again is used again.
  void devices_changed(const std::vector<std::string>& inputs,
                       const std::vector<std::string>& outputs);
  // The fragment that runs now: the chosen one, its default ("pulsesrc") while the chosen one is
  // away, or "" while the stand-in (silence / no output) runs.
  std::string microphone_in_use() const;
  std::string speakers_in_use() const;

  // Pretend the peer's link failed (tests, and a "reconnect" button).
  bool fail_peer(const std::string& peer_id, const std::string& reason);

  // Finalises recordings and stops the pipeline. Idempotent; no callback fires afterwards.
  void stop();

  std::vector<std::string> peers() const;
  std::optional<PeerPhase> peer_phase(const std::string& peer_id) const;
  // The WAV file the peer's current link records into (none without a record directory).
  std::optional<std::string> recording_path(const std::string& peer_id) const;
  EngineCounts counts() const;
  // False once the microphone / speakers were replaced by a stand-in (VoiceEvents::on_microphone).
  bool microphone_available() const;
  bool speakers_available() const;
  // The render delay the pipeline applies to every played buffer, in ms: the jitter-buffer depth
  // plus one mixer period plus 5 ms (docs/latency.md).
  int pipeline_latency_ms() const;
  // The jitter-buffer depth of every link now, in ms.
  int jitter_ms() const;

  class Impl;

 private:
  friend struct EngineInternals;  // app/media/engine_access.hpp: white-box tests and tools
  explicit VoiceEngine(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace shotcall::media
