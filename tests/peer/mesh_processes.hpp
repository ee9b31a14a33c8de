// A team of shotcall-peer processes with distinct tones, against one real signaling server:
// what the end-to-end voice tests share.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/peer/peer_process.hpp"
#include "tests/support/wav_analysis.hpp"

namespace shotcall::test {

struct TeamMember {
  std::string riot_id;
  double tone_hz = 0;
  std::string dir;  // recordings and report
};

class ToneTeam {
 public:
  // Riot IDs "Tone<i>#<tag>" with the given tones; files under a fresh temporary folder.
  ToneTeam(const std::string& tag, std::vector<double> tones);
  ~ToneTeam();

  const std::vector<TeamMember>& members() const { return members_; }
  std::vector<std::string> riot_ids() const;
  std::vector<double> tones() const;

  // The arguments that start member `i` as a manual-game peer against `server_url`. Speech DSP is
  // off: echo cancellation and noise suppression treat a steady test tone as echo or noise (on
  // a loaded machine the canceller lets the far-end mix through), and the tones are the verdict.
  std::vector<std::string> peer_args(std::size_t i, const std::string& server_url,
                                     const std::string& game_id = "E2E_1") const;
  // Where member `i` records member `from`.
  std::string recording(std::size_t i, std::size_t from) const;
  // Every recording of `from` by `i`, oldest first: a link built again (after `from` moved to
  // another server instance) records into "<name>-2.wav", "-3", ...
  std::vector<std::string> recordings(std::size_t i, std::size_t from) const;
  // Their sizes added up.
  std::size_t recorded_bytes(std::size_t i, std::size_t from) const;
  std::string report(std::size_t i) const { return members_[i].dir + "/report.json"; }

  static std::size_t file_size(const std::string& path);

 private:
  std::string root_;
  std::vector<TeamMember> members_;
};

// judge_tone over a finished recording: `ok` is false, with `why`, for a missing or unfinished
// file or one that is not 48 kHz mono.
ToneVerdict judge_recording(const std::string& path, const std::vector<double>& tones);

// How far the sender's tone must stand above every other candidate. A wrong stream puts another
// tone first; another stream mixed in at up to a tenth of the sender's power (-10 dB) fails too.
// Clean calls measure 130 to 1100 (the codec's own noise sets the floor).
inline constexpr double kToneRatio = 10.0;

// Bytes of 48 kHz mono S16 audio in `seconds`.
constexpr std::size_t wav_bytes(double seconds) {
  return static_cast<std::size_t>(seconds * 48000 * 2);
}

}  // namespace shotcall::test
