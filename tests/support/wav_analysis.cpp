#include "tests/support/wav_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace shotcall::test {
namespace {

std::uint32_t u32(const char* p) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(p[0])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(p[1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(p[2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(p[3])) << 24;
}
std::uint16_t u16(const char* p) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(p[0]) |
                                    static_cast<unsigned char>(p[1]) << 8);
}

}  // namespace

std::optional<Wav> read_wav(const std::string& path, std::string* why) {
  auto fail = [why](std::string text) -> std::optional<Wav> {
    if (why) *why = std::move(text);
    return std::nullopt;
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot open " + path);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Wav wav;
  wav.file_size = bytes.size();
  if (bytes.size() < 44 || std::memcmp(bytes.data(), "RIFF", 4) != 0 ||
      std::memcmp(bytes.data() + 8, "WAVE", 4) != 0) {
    return fail("not a RIFF/WAVE file");
  }
  wav.riff_size = u32(bytes.data() + 4);
  if (wav.riff_size + 8 != bytes.size()) return fail("RIFF size not finalised");
  std::size_t pos = 12;
  bool have_fmt = false;
  while (pos + 8 <= bytes.size()) {
    const char* chunk = bytes.data() + pos;
    std::uint32_t size = u32(chunk + 4);
    if (std::memcmp(chunk, "fmt ", 4) == 0 && size >= 16) {
      if (u16(chunk + 8) != 1 || u16(chunk + 22) != 16) return fail("not PCM16");
      wav.channels = u16(chunk + 10);
      wav.rate = static_cast<int>(u32(chunk + 12));
      have_fmt = true;
    } else if (std::memcmp(chunk, "data", 4) == 0) {
      if (!have_fmt) return fail("data before fmt");
      if (pos + 8 + size != bytes.size()) return fail("data size not finalised");
      wav.data_size = size;
      wav.samples.resize(size / 2);
      std::memcpy(wav.samples.data(), chunk + 8, wav.samples.size() * 2);
      return wav;
    }
    pos += 8 + size + (size & 1);
  }
  return fail("no data chunk");
}

namespace {

// The Goertzel recurrence over samples[begin, end), each sample scaled by weights[i - begin] when
// weights are given (a window); the power at the frequency `coeff` was made for.
double goertzel(const std::vector<std::int16_t>& samples, std::size_t begin, std::size_t end,
                double coeff, const double* weights) {
  double s1 = 0, s2 = 0;
  for (std::size_t i = begin; i < end && i < samples.size(); ++i) {
    const double x = samples[i] / 32768.0 * (weights ? weights[i - begin] : 1.0);
    const double s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

double goertzel_coeff(double freq, int rate) { return 2.0 * std::cos(2.0 * M_PI * freq / rate); }

}  // namespace

double goertzel_power(const std::vector<std::int16_t>& samples, std::size_t begin,
                      std::size_t end, int rate, double freq) {
  return goertzel(samples, begin, end, goertzel_coeff(freq, rate), nullptr);
}

double dominant_frequency(const Wav& wav, const std::vector<double>& candidates, double seconds) {
  const std::size_t n = wav.samples.size();
  const std::size_t span = static_cast<std::size_t>(seconds * wav.rate);
  const std::size_t begin = n > span ? n - span : 0;
  double best = 0, best_power = -1;
  for (double f : candidates) {
    double p = goertzel_power(wav.samples, begin, n, wav.rate, f);
    if (p > best_power) {
      best_power = p;
      best = f;
    }
  }
  return best;
}

std::vector<double> windowed_tone_powers(const std::vector<std::int16_t>& samples, int rate,
                                         const std::vector<double>& freqs, std::size_t window) {
  std::vector<double> powers(freqs.size(), 0.0);
  if (window < 2 || rate <= 0) return powers;
  std::vector<double> hann(window);
  for (std::size_t i = 0; i < window; ++i)
    hann[i] = 0.5 - 0.5 * std::cos(2.0 * M_PI * static_cast<double>(i) / static_cast<double>(window - 1));
  std::vector<double> coeff(freqs.size());
  for (std::size_t k = 0; k < freqs.size(); ++k) coeff[k] = goertzel_coeff(freqs[k], rate);
  for (std::size_t begin = 0; begin + window <= samples.size(); begin += window)
    for (std::size_t k = 0; k < freqs.size(); ++k)
      powers[k] += goertzel(samples, begin, begin + window, coeff[k], hann.data());
  return powers;
}

ToneVerdict judge_tone(const Wav& wav, const std::vector<double>& tones) {
  ToneVerdict v;
  v.ok = true;
  v.seconds = wav.rate > 0 ? static_cast<double>(wav.samples.size()) / wav.rate : 0;
  // 100 ms windows: 10 Hz bins, so tones a few tens of hertz apart stay apart.
  const auto powers = windowed_tone_powers(wav.samples, wav.rate, tones, wav.rate / 10);
  double best = -1, runner_up = 0;
  for (std::size_t k = 0; k < tones.size(); ++k) {
    if (powers[k] > best) {
      runner_up = std::max(runner_up, best);
      best = powers[k];
      v.freq = tones[k];
    } else {
      runner_up = std::max(runner_up, powers[k]);
    }
  }
  if (best <= 0) {
    v.freq = 0;  // silence: no tone won
    v.ratio = 0;
  } else {
    v.ratio = runner_up > 0 ? best / runner_up : 1e9;
  }
  return v;
}

ToneShare tone_window_share(const std::vector<std::int16_t>& samples, int rate, double freq,
                            double window_ms) {
  ToneShare out;
  const auto window = static_cast<std::size_t>(std::lround(window_ms * rate / 1000.0));
  if (window < 2 || rate <= 0) return out;
  std::vector<double> hann(window);
  double weight_sum = 0, weight_sq = 0;
  for (std::size_t i = 0; i < window; ++i) {
    hann[i] =
        0.5 - 0.5 * std::cos(2.0 * M_PI * static_cast<double>(i) / static_cast<double>(window - 1));
    weight_sum += hann[i];
    weight_sq += hann[i] * hann[i];
  }
  const double coeff = goertzel_coeff(freq, rate);
  // Per window: the tone's amplitude (a sine of amplitude A gives |X| = A/2 * sum(w)) and the
  // share of the window's weighted energy it accounts for (A^2/2 * sum(w^2) for a pure sine).
  const std::size_t count = samples.size() / window;
  std::vector<double> amplitude(count), purity(count);
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t begin = k * window;
    const double power =
        std::max(0.0, goertzel(samples, begin, begin + window, coeff, hann.data()));
    amplitude[k] = 2.0 * std::sqrt(power) / weight_sum;
    double energy = 0;
    for (std::size_t i = 0; i < window; ++i) {
      const double x = samples[begin + i] / 32768.0 * hann[i];
      energy += x * x;
    }
    purity[k] = energy > 0 ? amplitude[k] * amplitude[k] / 2.0 * weight_sq / energy : 0.0;
  }
  if (count == 0) return out;
  std::vector<double> sorted = amplitude;
  const auto p90 = sorted.begin() + static_cast<std::ptrdiff_t>((count - 1) * 9 / 10);
  std::nth_element(sorted.begin(), p90, sorted.end());
  out.level = *p90;
  const double floor = std::max(out.level / 2.0, 1e-3);
  std::vector<bool> present(count);
  for (std::size_t k = 0; k < count; ++k) present[k] = amplitude[k] >= floor && purity[k] >= 0.5;
  const auto first = std::find(present.begin(), present.end(), true);
  if (first == present.end()) return out;
  const auto last = std::find(present.rbegin(), present.rend(), true);
  const auto begin = static_cast<std::size_t>(first - present.begin());
  const auto end = count - static_cast<std::size_t>(last - present.rbegin());  // one past
  std::size_t gap = 0;
  for (std::size_t k = begin; k < end; ++k) {
    if (present[k]) {
      ++out.with_tone;
      gap = 0;
    } else {
      if (++gap > out.longest_gap) {
        out.longest_gap = gap;
        out.longest_gap_at_s = static_cast<double>((k + 1 - gap) * window) / rate;
      }
    }
  }
  out.windows = end - begin;
  out.share = static_cast<double>(out.with_tone) / static_cast<double>(out.windows);
  out.begin_s = static_cast<double>(begin * window) / rate;
  out.end_s = static_cast<double>(end * window) / rate;
  return out;
}

ToneShare tone_window_share(const Wav& wav, double freq, double window_ms) {
  if (wav.channels <= 1) return tone_window_share(wav.samples, wav.rate, freq, window_ms);
  std::vector<std::int16_t> first;
  first.reserve(wav.samples.size() / static_cast<std::size_t>(wav.channels));
  for (std::size_t i = 0; i < wav.samples.size(); i += static_cast<std::size_t>(wav.channels))
    first.push_back(wav.samples[i]);
  return tone_window_share(first, wav.rate, freq, window_ms);
}

double mean_power(const std::vector<std::int16_t>& samples, std::size_t begin, std::size_t end) {
  end = std::min(end, samples.size());
  if (begin >= end) return 0;
  double sum = 0;
  for (std::size_t i = begin; i < end; ++i) sum += static_cast<double>(samples[i]) * samples[i];
  return sum / static_cast<double>(end - begin);
}

double power_db(double power) {
  if (power <= 0) return -200;
  return 10 * std::log10(power / (32768.0 * 32768.0));
}

std::vector<double> frame_powers(const std::vector<std::int16_t>& samples, std::size_t frame) {
  std::vector<double> out;
  if (frame == 0) return out;
  for (std::size_t b = 0; b + frame <= samples.size(); b += frame)
    out.push_back(mean_power(samples, b, b + frame));
  return out;
}

std::size_t envelope_lag(const std::vector<double>& recording, const std::vector<double>& reference,
                         std::size_t max_lag) {
  auto envelope = [](const std::vector<double>& powers) {
    std::vector<double> e;
    e.reserve(powers.size());
    for (double p : powers) e.push_back(std::sqrt(p));
    double mean = 0;
    for (double v : e) mean += v;
    if (!e.empty()) mean /= static_cast<double>(e.size());
    for (double& v : e) v -= mean;
    return e;
  };
  const std::vector<double> rec = envelope(recording);
  const std::vector<double> ref = envelope(reference);
  std::size_t best = 0;
  double best_score = -1e300;
  for (std::size_t lag = 0; lag <= max_lag && lag < rec.size(); ++lag) {
    double score = 0;
    for (std::size_t i = 0; i < ref.size() && i + lag < rec.size(); ++i)
      score += rec[i + lag] * ref[i];
    if (score > best_score) {
      best_score = score;
      best = lag;
    }
  }
  return best;
}

std::vector<std::int16_t> resample_linear(const std::vector<std::int16_t>& samples, int from,
                                          int to) {
  std::vector<std::int16_t> out;
  if (samples.empty() || from <= 0 || to <= 0) return out;
  const std::size_t n =
      samples.size() * static_cast<std::size_t>(to) / static_cast<std::size_t>(from);
  out.reserve(n);
  for (std::size_t j = 0; j < n; ++j) {
    const double x = static_cast<double>(j) * from / to;
    const std::size_t i = static_cast<std::size_t>(x);
    const double f = x - static_cast<double>(i);
    const double a = samples[i];
    const double b = i + 1 < samples.size() ? samples[i + 1] : a;
    out.push_back(static_cast<std::int16_t>(std::lround(a + (b - a) * f)));
  }
  return out;
}

}  // namespace shotcall::test
