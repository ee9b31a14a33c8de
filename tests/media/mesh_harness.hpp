// In-process mesh for engine tests: real VoiceEngines whose signal payloads travel to each
// other through the GMainLoop (that relay is the transport; the engines are real), audiotestsrc
// tones in, fakesinks out, ICE on 127.0.0.1 only.
#pragma once

#include <gst/gst.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/media/voice_engine.hpp"

namespace shotcall::test {

using media::PeerPhase;

// The render delay beyond the jitter buffer's depth on links that lose nothing: one mixer period
// (docs/latency.md). What the engine's pipeline latency is expected to be above the depth.
constexpr int kRenderExtraMs = 5;

struct Node {
  std::string id;
  std::unique_ptr<media::VoiceEngine> engine;
  std::map<std::string, PeerPhase> phase;          // last reported phase per peer
  std::map<std::string, std::vector<std::string>> reasons;  // reasons reported per peer
  std::map<std::string, int> connected_count;      // how often each peer reached Connected
  // Failures reported once the engine no longer held the peer's link (it gave up, or dropped it)
  std::map<std::string, int> final_failures;
  std::map<std::string, int> first_audio;          // first-audio events per peer
  std::map<std::string, int> loud_levels;          // level events above -40 dB per peer
  std::map<std::string, media::PeerStats> stats;
  std::map<std::string, int> stats_count;  // stats reports per peer
  int self_levels = 0;                     // our own microphone's level events
  // Recent stats per peer with their time (ms since the mesh began), for failure messages.
  std::map<std::string, std::deque<std::pair<std::int64_t, media::PeerStats>>> recent_stats;
  std::vector<std::string> timeline;                // phase changes and first audio, timed
  std::map<std::string, bool> speaking;             // "" is ourselves
  std::map<std::string, int> speaking_changes;
  std::vector<std::string> errors;
  // VoiceEvents::on_microphone / on_speakers sentences (each reports a lost device).
  std::vector<std::string> microphone_lost;
  std::vector<std::string> speakers_lost;
  // Every on_microphone / on_speakers sentence, with available=true too (a move to the default
  // device and back).
  std::vector<std::string> device_news;
};

class Mesh {
 public:
  // Rewrites a payload from `from` to `to` in transit (tests of a tampering relay).
  using Tamper = std::function<std::string(const std::string& from, const std::string& to,
                                           const std::string& json)>;

  explicit Mesh(std::string record_root = {});
  ~Mesh();

  // Config for a node playing a live tone of `freq` Hz.
  media::VoiceConfig config(double freq) const;
  Node& add(const std::string& id, media::VoiceConfig config);
  Node& node(const std::string& id) { return *nodes_.at(id); }
  void remove_node(const std::string& id);

  // `joiner` joins a channel where `existing` is: existing learns of it (answerer), the joiner
  // offers — the protocol's order.
  void join(const std::string& joiner, const std::string& existing);
  // Each of `ids` joins every one before it (b joins a; c joins a, then b; ...), then the loop
  // runs until every pair is connected; false when `seconds` pass first.
  bool join_all(const std::vector<std::string>& ids, double seconds);
  // Both sides drop each other (a leave).
  void leave(const std::string& a, const std::string& b);

  // Runs the default main context until `done` holds or `seconds` pass; false on timeout.
  bool run_until(const std::function<bool()>& done, double seconds);
  // Runs the loop for a while regardless (to let audio accumulate), bounded by real events:
  // until every listed node has seen `levels` more loud level events from each peer. On failure
  // the message lists each link that fell short, with its phase and receive counters, so a
  // one-off in CI says which link went quiet and whether packets arrived at all.
  ::testing::AssertionResult run_audio(const std::vector<std::string>& ids, int levels,
                                       double seconds);

  bool connected(const std::string& a, const std::string& b);
  // What `id` saw of each peer: how often it connected and every failure reason (for messages).
  std::string history(const std::string& id);
  // The last stats of the link `id` <- `peer` on both ends: what arrived, and what was sent.
  std::string traffic(const std::string& id, const std::string& peer);
  std::string record_dir(const std::string& id) const { return record_root_ + "/" + id; }

  Tamper tamper;
  int relayed = 0;
  int candidates = 0;                       // ICE candidates relayed
  std::vector<std::string> off_loopback;    // candidates naming anything but 127.0.0.1

 private:
  void relay(const std::string& from, const std::string& to, const std::string& json);
  std::string record_root_;
  std::map<std::string, std::unique_ptr<Node>> nodes_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::int64_t began_us_;
};

// A fresh temporary directory (removed by the caller's Mesh at the end).
std::string make_temp_dir();

// Every element made by `factory` in the engine's pipeline (refs; the caller unrefs).
std::vector<GstElement*> elements_of(media::VoiceEngine& engine, const char* factory);

}  // namespace shotcall::test
