#include "wav_analysis.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

namespace shotcall::testing {
namespace {

std::uint32_t u32(const unsigned char* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
std::uint16_t u16(const unsigned char* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }

}  // namespace

std::optional<Wav> read_wav(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path;
    return std::nullopt;
  }
  const std::vector<unsigned char> bytes{std::istreambuf_iterator<char>(in), {}};
  if (bytes.size() < 12 || std::memcmp(bytes.data(), "RIFF", 4) != 0 ||
      std::memcmp(bytes.data() + 8, "WAVE", 4) != 0) {
    error = path + " is not a RIFF/WAVE file";
    return std::nullopt;
  }
  Wav wav;
  int format = 0, bits = 0;
  std::size_t pos = 12;
  while (pos + 8 <= bytes.size()) {
    const unsigned char* chunk = bytes.data() + pos;
    std::size_t size = u32(chunk + 4);
    const std::size_t body = pos + 8;
    if (std::memcmp(chunk, "fmt ", 4) == 0 && size >= 16 && body + 16 <= bytes.size()) {
      format = u16(bytes.data() + body);
      wav.channels = u16(bytes.data() + body + 2);
      wav.rate = static_cast<int>(u32(bytes.data() + body + 4));
      bits = u16(bytes.data() + body + 14);
    } else if (std::memcmp(chunk, "data", 4) == 0) {
      // A file whose writer died before finishing has a zero or short size: read what is there.
      if (size == 0 || body + size > bytes.size()) size = bytes.size() - body;
      if (wav.channels <= 0 || wav.rate <= 0) break;
      const int width = bits / 8;
      if (!((format == 1 && bits == 16) || (format == 3 && bits == 32))) {
        error = path + ": unsupported sample format";
        return std::nullopt;
      }
      const std::size_t frames = size / (width * wav.channels);
      wav.mono.resize(frames);
      for (std::size_t f = 0; f < frames; ++f) {
        double sum = 0;
        for (int c = 0; c < wav.channels; ++c) {
          const unsigned char* s = bytes.data() + body + (f * wav.channels + c) * width;
          if (format == 1) {
            sum += static_cast<std::int16_t>(u16(s)) / 32768.0;
          } else {
            float v;
            std::memcpy(&v, s, 4);
            sum += v;
          }
        }
        wav.mono[f] = static_cast<float>(sum / wav.channels);
      }
      return wav;
    }
    pos = body + size + (size & 1);
  }
  error = path + " has no audio data";
  return std::nullopt;
}

double tone_power(const Wav& wav, double freq, std::size_t begin, std::size_t end) {
  const double w = 2 * M_PI * freq / wav.rate;
  const double coeff = 2 * std::cos(w);
  double s1 = 0, s2 = 0;
  for (std::size_t i = begin; i < end && i < wav.mono.size(); ++i) {
    const double s0 = wav.mono[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

Dominant dominant_tone(const Wav& wav, const std::vector<double>& candidates) {
  // Judge the loudest second, so a silent start (before the link came up) does not dilute it.
  const std::size_t window = static_cast<std::size_t>(wav.rate);
  std::size_t best_start = 0;
  double best_energy = -1;
  for (std::size_t start = 0; start + window <= wav.mono.size(); start += window / 2) {
    double e = 0;
    for (std::size_t i = start; i < start + window; ++i) e += wav.mono[i] * wav.mono[i];
    if (e > best_energy) {
      best_energy = e;
      best_start = start;
    }
  }
  const std::size_t end = std::min(wav.mono.size(), best_start + window);
  Dominant d;
  double best = -1, second = -1;
  for (const double f : candidates) {
    const double p = tone_power(wav, f, best_start, end);
    if (p > best) {
      second = best;
      best = p;
      d.freq = f;
    } else if (p > second) {
      second = p;
    }
  }
  d.ratio = second > 0 ? best / second : (best > 0 ? 1e9 : 0);
  return d;
}

double rms(const Wav& wav) {
  if (wav.mono.empty()) return 0;
  double sum = 0;
  for (const float s : wav.mono) sum += s * s;
  return std::sqrt(sum / wav.mono.size());
}

}  // namespace shotcall::testing
