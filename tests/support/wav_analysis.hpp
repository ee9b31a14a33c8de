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

// How much of a call a listener heard the sender in: the recording cut into windows (20 ms: one
// Opus frame at the default frame size, so one lost packet concealed badly costs about one
// window), and in each the sender's tone judged present when
//   - its amplitude (Hann-weighted Goertzel at `freq`) is at least half (-6 dB) of the call's own
//     level, taken as the 90th percentile of that amplitude over all windows (the level the link
//     carries when it carries the tone: the sender's volume and the codec's gain are unknown
//     here), and at least -60 dBFS, and
//   - it holds at least half of the window's (Hann-weighted) energy, so that clicks, noise or
//     another tone do not count as the tone.
// Counted over the span from the first to the last window with the tone: before it the link
// was still being set up (the recording starts with the first decoded buffer, which may be
// silence), after it one peer had left and the other conceals the missing packets until it
// notices; which of the two goes first is the harness's doing, not the link's. Concealment
// (Opus PLC and FEC) that keeps the tone audible counts as present: that is what a listener
// hears. Trailing samples short of a window are left out.
struct ToneShare {
  std::size_t windows = 0;      // windows in the span
  std::size_t with_tone = 0;    // of them, those with the tone present
  double share = 0;             // with_tone / windows; 0 when no window has the tone
  std::size_t longest_gap = 0;  // the longest run of windows without the tone inside the span
  double longest_gap_at_s = 0;  // where that run starts, in seconds from the start of the recording
  double begin_s = 0;           // the span, in seconds from the start of the recording
  double end_s = 0;
  double level = 0;  // the reference amplitude (full scale = 1)
};
ToneShare tone_window_share(const std::vector<std::int16_t>& samples, int rate, double freq,
                            double window_ms = 20);
// Over a mono recording (a multi-channel one is judged on its first channel).
ToneShare tone_window_share(const Wav& wav, double freq, double window_ms = 20);

// Speech measures (tests of the speech processing: echo cancellation, noise suppression).

// Mean power per sample of samples[begin, end) (full scale = 32768^2); 0 for an empty range.
double mean_power(const std::vector<std::int16_t>& samples, std::size_t begin, std::size_t end);
// Power level in dB of a mean power (as above) relative to full scale; -200 for silence.
double power_db(double power);

// Mean power of each consecutive `frame` samples; trailing samples short of a frame are left out.
std::vector<double> frame_powers(const std::vector<std::int16_t>& samples, std::size_t frame);

// Where `reference` (frame powers, as above) sits in `recording` (frame powers of a recording
// that carries it, possibly processed and noisy): the offset in frames, 0 .. max_lag, at which
// the two amplitude envelopes (square roots, mean removed) correlate best. A codec and a link
// delay a signal by an unknown time; this finds it to the frame (10 ms frames are enough to tell
// speech from pauses).
std::size_t envelope_lag(const std::vector<double>& recording, const std::vector<double>& reference,
                         std::size_t max_lag);

// `samples` at rate `from` resampled to `to` by linear interpolation (test signals only: no
// anti-alias filter, fine for upsampling speech).
std::vector<std::int16_t> resample_linear(const std::vector<std::int16_t>& samples, int from,
                                          int to);

}  // namespace shotcall::test
