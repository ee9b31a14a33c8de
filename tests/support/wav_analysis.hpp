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

}  // namespace shotcall::test
