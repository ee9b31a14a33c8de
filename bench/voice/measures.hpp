// The voice benchmarks, each on real engines in this process. Each writes one JSON object and
// returns false when it could not produce its figure (engines failed, links never came up).
#pragma once

#include "bench/common/json_out.hpp"

namespace shotcall::bench {

// Five engines join a channel at once; time from that moment to decoded audio on all twenty
// directed links, `runs` times.
bool measure_mesh_time(int runs, JsonOut& out);

// Clicks from one engine to another on one clock: capture time of each click's first sample
// versus the time the receiving sink renders it.
struct MouthToEarSetup {
  const char* name;
  int frame_ms;
  int jitter_ms;  // the depth, or with `adaptive` the depth a call starts at
  bool dsp;  // echo cancellation, noise suppression and gain control on
  bool
      adaptive;  // the depth follows the link (VoiceConfig::adaptive_jitter); measured once settled
};
bool measure_mouth_to_ear(const MouthToEarSetup& setup, double seconds, JsonOut& out);

// A five-mesh at `bitrate` with `frame_ms` frames and echo cancellation on; process CPU over
// `seconds`, per peer.
bool measure_cpu(bool encoder_per_peer, int frame_ms, int bitrate, double seconds, JsonOut& out);

// One link at `bitrate`: RTP bytes per second from webrtcbin's stats, and an on-the-wire
// estimate with the packet headers.
bool measure_bandwidth(int bitrate, double seconds, JsonOut& out);

}  // namespace shotcall::bench
