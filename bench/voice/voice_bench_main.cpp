// shotcall-voice-bench: voice engine figures (docs/performance.md). Prints one JSON object.
//   shotcall-voice-bench mesh [--runs N]
//   shotcall-voice-bench mouth-to-ear [--seconds S]
//   shotcall-voice-bench cpu [--seconds S]
//   shotcall-voice-bench bandwidth [--seconds S]
#include <gst/gst.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "app/media/voice_engine.hpp"
#include "bench/voice/measures.hpp"

int main(int argc, char** argv) {
  using namespace shotcall::bench;
  gst_init(&argc, &argv);
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0) {
    std::fputs("Usage: shotcall-voice-bench mesh|mouth-to-ear|cpu|bandwidth [--runs N] [--seconds S]\n",
               argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string what = argv[1];
  int runs = 3;
  double seconds = 10;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
    else {
      std::fprintf(stderr, "shotcall-voice-bench: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  JsonOut out;
  bool ok = true;
  if (what == "mesh") {
    ok = measure_mesh_time(runs, out);
  } else if (what == "mouth-to-ear") {
    const MouthToEarSetup setups[] = {
        {"default", shotcall::media::VoiceConfig{}.frame_ms,
         shotcall::media::VoiceConfig{}.jitter_ms, false, true},
        {"default-with-dsp", shotcall::media::VoiceConfig{}.frame_ms,
         shotcall::media::VoiceConfig{}.jitter_ms, true, true},
        {"smallest", 10, 5, false, false},
        {"fixed-20ms-jitter", 10, 20, false, false},
        {"20ms-frames", 20, shotcall::media::VoiceConfig{}.jitter_ms, false, true},
        {"webrtcbin-default-jitter", shotcall::media::VoiceConfig{}.frame_ms, 200, false, false},
    };
    out.begin_array();
    for (const auto& s : setups) {
      std::fprintf(stderr, "voice-bench: mouth-to-ear %s\n", s.name);
      ok = measure_mouth_to_ear(s, seconds, out) && ok;
    }
    out.end_array();
  } else if (what == "cpu") {
    // Alternating halves, so that load from elsewhere on a shared machine falls on both alike.
    out.begin_array();
    for (int round = 0; round < 2; ++round) {
      for (bool per_peer : {false, true}) {
        std::fprintf(stderr, "voice-bench: cpu, encoder_per_peer=%d, round %d\n", per_peer, round + 1);
        ok = measure_cpu(per_peer, 20, 32000, seconds / 2, out) && ok;
      }
    }
    out.end_array();
  } else if (what == "bandwidth") {
    out.begin_array();
    for (int bitrate : {16000, 32000, 64000}) {
      std::fprintf(stderr, "voice-bench: bandwidth at %d b/s\n", bitrate);
      ok = measure_bandwidth(bitrate, seconds, out) && ok;
    }
    out.end_array();
  } else {
    std::fprintf(stderr, "shotcall-voice-bench: unknown benchmark %s\n", what.c_str());
    return 2;
  }
  std::printf("%s\n", out.text().c_str());
  return ok ? 0 : 1;
}
