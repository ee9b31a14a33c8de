// Test helpers over finished WAV files: read 16-bit PCM, find the dominant tone (Goertzel).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shotcall::test {

struct Wav {
  int rate = 0;
  int channels = 0;
  std::vector<std::int16_t> samples;  // interleaved
  std::uint32_t riff_size = 0;        // as written in the header
  std::uint32_t data_size = 0;        // as written in the header
  std::uintmax_t file_size = 0;
};

// Reads a PCM16 WAV; nullopt when the file is missing or not a complete, consistent WAV (the
// header sizes must match the file: that is what finalising with EOS guarantees).
std::optional<Wav> read_wav(const std::string& path, std::string* why = nullptr);

// Power of `freq` in `samples` (mono) by the Goertzel algorithm.
double goertzel_power(const std::vector<std::int16_t>& samples, std::size_t begin,
                      std::size_t end, int rate, double freq);

// Which of `candidates` carries the most power over the last `seconds` of the file.
double dominant_frequency(const Wav& wav, const std::vector<double>& candidates, double seconds);

// The power of each of `freqs` in `samples` (mono), measured window by window (`window` samples,
// Hann-weighted Goertzel) and summed over the windows, so that whatever happens in one stretch of
// a call (a gap, a phase jump, a burst of clicks) only weighs on the windows it falls in.
// Trailing samples short of a window are left out.
std::vector<double> windowed_tone_powers(const std::vector<std::int16_t>& samples, int rate,
                                         const std::vector<double>& freqs, std::size_t window);

// Which of `tones` dominates a recording (mono), and by how much over the runner-up (power
// ratio). Measured in 100 ms windows summed over the whole file: a verdict over the whole call is
// what a listener hears, and a starved machine's dropouts then cost only the windows they fall
// in. One transform over the whole file only adds the tone up while its phase and pitch run on
// unchanged for seconds, and proved fragile: with ten peers starved onto one busy core,
// recordings measured anywhere from 9.5 to 5800 that way (and 1.8 once in CI), and 128 to 150 in
// windows.
// Silence is no tone: freq 0, ratio 0.
struct ToneVerdict {
  bool ok = false;  // set by judge_tone; judge_recording leaves it false when it cannot read
  std::string why;
  double freq = 0;
  double ratio = 0;
  double seconds = 0;
};
ToneVerdict judge_tone(const Wav& wav, const std::vector<double>& tones);

}  // namespace shotcall::test
