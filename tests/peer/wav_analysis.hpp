// Reads a recorded WAV file and says which tone it holds. Pure: the end-to-end tests judge the
// recordings from outside the programs that made them.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace shotcall::testing {

struct Wav {
  int rate = 0;
  int channels = 0;
  std::vector<float> mono;  // channels averaged, -1..1
  double seconds() const { return rate ? static_cast<double>(mono.size()) / rate : 0; }
};

// PCM 16-bit or 32-bit float RIFF/WAVE; nullopt with `error` set otherwise.
std::optional<Wav> read_wav(const std::string& path, std::string& error);

// Goertzel power of `freq` Hz over samples [begin, end).
double tone_power(const Wav& wav, double freq, std::size_t begin, std::size_t end);

// Of `candidates`, the frequency with the most power over the loudest stretch of `wav`,
// and how far it stands above the runner-up (power ratio).
struct Dominant {
  double freq = 0;
  double ratio = 0;
};
Dominant dominant_tone(const Wav& wav, const std::vector<double>& candidates);

double rms(const Wav& wav);

}  // namespace shotcall::testing
