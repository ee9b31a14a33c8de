// shotcall-tone-share FILE HZ: the share of 20 ms windows of a finished recording in which the
// tone HZ is present (tone_window_share in tests/support/wav_analysis.hpp), as one JSON line.
// bench/lib/netem.py judges the bad-link recordings with it, so that the benchmark and the netem
// test count windows the same way. Exit 1 (and "ok": false) when the file is not a finished WAV.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/support/wav_analysis.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: shotcall-tone-share FILE HZ\n");
    return 2;
  }
  const std::string path = argv[1];
  const double hz = std::atof(argv[2]);
  std::string why;
  const auto wav = shotcall::test::read_wav(path, &why);
  if (!wav || wav->rate <= 0 || wav->channels <= 0) {
    std::printf("{\"ok\":false,\"why\":\"%s\"}\n", wav ? "no audio format" : why.c_str());
    return 1;
  }
  const auto s = shotcall::test::tone_window_share(*wav, hz);
  const double seconds = static_cast<double>(wav->samples.size()) / wav->channels / wav->rate;
  std::printf(
      "{\"ok\":true,\"seconds\":%.3f,\"windows\":%zu,\"with_tone\":%zu,\"share\":%.5f,"
      "\"longest_gap_ms\":%zu,\"begin_s\":%.3f,\"end_s\":%.3f,\"level\":%.5f}\n",
      seconds, s.windows, s.with_tone, s.share, s.longest_gap * 20, s.begin_s, s.end_s, s.level);
  return 0;
}
