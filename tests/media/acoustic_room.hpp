// A synthetic room around one real engine, for tests of the speech processing: the engine's
// speakers (an appsink in its sink fragment) and its microphone (an appsrc in its source
// fragment, paced by clocksync like a device) are joined by the test, which writes into the
// microphone what a room would carry:
//   - the player's own voice (a clip, played on demand, once or looped),
//   - steady white noise (a fan, a street),
//   - the speakers' sound coming back, delayed and attenuated (the echo path).
// Every microphone buffer is written when the speakers play a buffer: the room runs on the
// speakers' clock, so the echo delay is exact and the DSP sees the pacing of real devices.
#pragma once

#include <gst/gst.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "app/media/voice_engine.hpp"

namespace shotcall::test {

struct RoomSettings {
  double echo_gain = 0;    // linear gain of the echo path (0.5 = -6 dB); 0 = no echo
  int echo_delay_ms = 40;  // how much later the played sound reaches the microphone
  double noise_rms = 0;    // white noise at the microphone, in samples (full scale 32768)
  bool loop_voice = false;
};

// What entered the microphone while measuring: the sum of squares of each component.
struct RoomTotals {
  double echo_energy = 0;
  double voice_energy = 0;
  double noise_energy = 0;
  std::uint64_t samples = 0;
  double echo_power() const { return samples ? echo_energy / samples : 0; }
  double voice_power() const { return samples ? voice_energy / samples : 0; }
};

class AcousticRoom {
 public:
  explicit AcousticRoom(std::string name, RoomSettings settings = {});
  ~AcousticRoom();

  // Fragments for the engine's VoiceConfig (source, sink); `name` keeps rooms apart.
  std::string source_fragment() const;
  std::string sink_fragment() const;

  // Finds the two ends in the engine's pipeline and starts the room. False with `why` on failure.
  bool attach(media::VoiceEngine& engine, std::string* why);

  // The player starts speaking `voice` (48 kHz mono) from the next microphone buffer on.
  void speak(std::vector<std::int16_t> voice);
  bool voice_done() const { return voice_done_; }

  void start_measuring();
  RoomTotals stop_measuring();
  // Microphone samples written so far (the room is running when this grows).
  std::uint64_t samples_written() const { return written_; }

 private:
  static GstFlowReturn on_sample(GstElement* sink, gpointer self);
  void render(GstSample* sample);

  std::string name_;
  RoomSettings settings_;
  GstElement* speakers_ = nullptr;
  GstElement* microphone_ = nullptr;
  gulong handler_ = 0;

  std::mutex mutex_;  // guards everything below but the atomics
  std::vector<std::int16_t> voice_;
  std::size_t voice_pos_ = 0;
  std::mt19937 rng_{1234};
  std::normal_distribution<double> gauss_{0.0, 1.0};
  bool measuring_ = false;
  RoomTotals totals_;
  bool anchored_ = false;
  GstClockTimeDiff offset_ = 0;  // speakers' pts -> the running time they are heard at
  std::atomic<bool> voice_done_{false};
  std::atomic<std::uint64_t> written_{0};
};

}  // namespace shotcall::test
