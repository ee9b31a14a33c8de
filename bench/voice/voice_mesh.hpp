// Several real VoiceEngines in one process, their signal payloads passed to each other through
// the main loop (the engines are real; only the signaling server is left out). Records what the
// voice benchmarks read: first-audio times, phases, stats.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/media/voice_engine.hpp"

namespace shotcall::bench {

struct VoiceNode {
  std::string id;
  std::unique_ptr<media::VoiceEngine> engine;
  std::map<std::string, std::int64_t> first_audio_us;  // per remote peer, monotonic µs
  std::map<std::string, media::PeerPhase> phase;
  std::map<std::string, media::PeerStats> stats;       // latest per remote peer
  std::vector<std::string> errors;
};

class VoiceMesh {
 public:
  VoiceMesh();
  ~VoiceMesh();
  VoiceMesh(const VoiceMesh&) = delete;
  VoiceMesh& operator=(const VoiceMesh&) = delete;

  // A config for a bench node: a live test tone in, a synchronised fakesink out, ICE on
  // 127.0.0.1 only, the voice DSP off (it treats steady test tones as noise).
  static media::VoiceConfig base_config(double tone_hz);

  VoiceNode& add(const std::string& id, media::VoiceConfig config);  // throws on failure
  VoiceNode& node(const std::string& id) { return *nodes_.at(id); }
  // `joiner` joins where `existing` is: the joiner offers, as the protocol says.
  void join(const std::string& joiner, const std::string& existing);
  // Every node joins every node before it (the order members enter a channel).
  void join_all(const std::vector<std::string>& ids);

  // Runs the default main context until `done` or `seconds` pass; false on timeout.
  bool run_until(const std::function<bool()>& done, double seconds);
  void run_for(double seconds);

  // Every directed link among `ids` has decoded audio.
  bool all_audio(const std::vector<std::string>& ids) const;
  // The latest first-audio time among those links (µs), or 0 when one is missing.
  std::int64_t last_first_audio(const std::vector<std::string>& ids) const;
  int relayed() const { return relayed_; }

 private:
  void relay(const std::string& from, const std::string& to, const std::string& json);
  std::map<std::string, std::unique_ptr<VoiceNode>> nodes_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  int relayed_ = 0;
};

}  // namespace shotcall::bench
