// VoiceEngine's insides: the peers, their state machines, and the glue that turns state-machine
// actions into PeerLink calls and GStreamer news into state-machine events. Internal.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/media/device_fallback.hpp"
#include "app/media/ice_servers.hpp"
#include "app/media/peer_link.hpp"
#include "app/media/speaking_detector.hpp"
#include "app/media/voice_engine.hpp"
#include "app/media/voice_pipeline.hpp"
#include "app/mesh/fec_hold.hpp"
#include "app/mesh/jitter_budget.hpp"
#include "app/mesh/media_watchdog.hpp"
#include "app/mesh/peer_state.hpp"

namespace shotcall::media {

class VoiceEngine::Impl : public LinkListener, public std::enable_shared_from_this<Impl> {
 public:
  Impl(VoiceConfig config, VoiceEvents events);
  ~Impl() override;

  bool start(std::string* error);
  void stop();

  bool add_peer(const std::string& id, const std::string& name, bool we_offer);
  void remove_peer(const std::string& id, const std::string& reason);
  bool handle_signal(const std::string& id, const std::string& json);
  bool fail_peer(const std::string& id, const std::string& reason);

  void set_muted(bool muted, MuteKind kind);
  void set_deafened(bool deafened);
  bool set_peer_volume(const std::string& id, double volume);
  bool set_peer_muted(const std::string& id, bool muted);
  void set_jitter_ms(int ms);
  void set_bitrate(int bps);
  void set_ice_servers(const std::vector<IceServer>& servers);
  std::optional<std::string> recording_path(const std::string& id) const;

  std::vector<std::string> peer_ids() const;
  std::optional<PeerPhase> phase(const std::string& id) const;
  EngineCounts counts() const;
  int latency_ms() const;
  int jitter_ms() const { return config_.jitter_ms; }
  bool microphone_available() const { return !pipeline_ || !pipeline_->microphone_fault(); }
  bool speakers_available() const { return !pipeline_ || !pipeline_->speakers_fault(); }
  GstElement* pipeline() const { return pipeline_ ? pipeline_->pipeline() : nullptr; }

  // LinkListener: all on the main context.
  void link_local_description(const LinkToken& t, mesh::SdpType type, std::string sdp) override;
  void link_local_candidate(const LinkToken& t, mesh::IceCandidate candidate) override;
  void link_connection_state(const LinkToken& t, mesh::ConnState state) override;
  void link_dtls_connected(const LinkToken& t) override;
  void link_failure(const LinkToken& t, std::string reason) override;
  void link_first_audio(const LinkToken& t, std::int64_t monotonic_us) override;
  void link_stats(const LinkToken& t, PeerStats stats) override;

  // Bus messages, on the main context (engine_bus.cpp).
  void on_bus_message(GstMessage* message);
  void on_stats_tick();

  // The player's choice and the device monitor's news (engine_devices.cpp).
  void use_device(AudioDevice device, const std::string& fragment);
  void devices_changed(const std::vector<std::string>& inputs,
                       const std::vector<std::string>& outputs);
  std::string device_in_use(AudioDevice device) const;

 private:
  struct Peer {
    Peer(std::string id, std::string name, bool we_offer, const VoiceConfig& config)
        : id(std::move(id)), name(std::move(name)), state(we_offer, config.retry),
          speaking(config.speaking_threshold_db, config.speaking_hangover_ms),
          watchdog(config.media_timeout_ms, config.stats_interval_ms) {}
    std::string id;
    std::string name;
    mesh::PeerState state;
    std::unique_ptr<PeerLink> link;
    std::uint64_t link_generation = 0;
    PeerPhase phase = PeerPhase::New;
    SpeakingDetector speaking;
    bool fingerprint_checked = false;  // for the current link
    mesh::MediaWatchdog watchdog;      // runs while the link is connected
    std::int64_t link_built_ms = 0;    // connect timeout
    std::size_t links_built = 0;       // a rebuilt link takes the next STUN server
    // What ICE had to work with on the current link, for the words when it fails.
    bool link_has_turn = false;
    std::set<std::string> local_types;   // candidate types we gathered
    std::set<std::string> remote_types;  // candidate types the remote offered
    double volume = 1.0;
    bool muted = false;
    std::int64_t last_level_ms = 0;  // when its level element last spoke
    std::vector<GSource*> timers;  // our refs; destroyed with the peer
  };

  Peer* find(const std::string& id);
  const Peer* find(const std::string& id) const;
  // The peer whose *current* link sent this; nullptr for news from a replaced link.
  Peer* current(const LinkToken& t);
  void dispatch(const std::string& id, const mesh::PeerEvent& event);
  // Carries one action out; false when the peer is gone afterwards.
  bool apply(Peer& peer, const mesh::PeerAction& action);
  bool build_link(Peer& peer, std::string* error);
  void erase_peer(const std::string& id);
  // Runs fn on the main context after delay_ms, unless the peer (which owns the timer) or the
  // engine is gone by then.
  void after(Peer& peer, unsigned delay_ms, std::function<void(Impl&)> fn);
  void schedule_retry(Peer& peer, unsigned delay_ms, std::uint64_t generation);
  void check_fingerprint(Peer& peer);
  // Why the peer's current link found no path, in words (app/mesh/unreachable_reason.hpp).
  std::string unreachable_words(const Peer& peer) const;
  void report_error(const std::string& message);
  // Every link's jitter buffer and the render delay to one depth.
  void apply_jitter_ms(int ms);
  // The render delay from the depth and whether any link's decoder holds for FEC.
  void apply_render_delay();
  // The peer's link is gone or replaced: its decoder's hold no longer counts.
  void forget_fec_hold(const std::string& id);
  // A device fragment failed (engine_devices.cpp): its stand-in is in, tell the player.
  void announce_device(AudioDevice device);
  // A bus message about a device fragment; false when it is not about one.
  bool on_device_message(GstMessage* message);
  // The fragment in use failed: the default device when it can stand in, else the stand-in.
  void device_failed(AudioDevice device, DeviceFault fault);
  void on_level(GstElement* source, double rms_db);
  // A muted teammate sends only a silent frame every half second, too few for its level element
  // to speak at every interval, so no level says it went quiet: a level older than two intervals
  // counts as silence.
  void quiet_stale_peers(std::int64_t now_ms);

  VoiceConfig config_;
  VoiceEvents events_;
  GMainContext* context_ = nullptr;  // ref held
  GstIceUris ice_;
  std::unique_ptr<VoicePipeline> pipeline_;
  GSource* bus_source_ = nullptr;
  GSource* stats_source_ = nullptr;
  std::map<std::string, std::unique_ptr<Peer>> peers_;
  std::uint64_t next_generation_ = 1;
  // Sets the jitter-buffer depth from the links' stats; empty once the depth was fixed.
  std::optional<mesh::JitterBudget> jitter_budget_;
  // Which links' decoders hold each frame for in-band FEC: those that lose packets.
  mesh::FecHold fec_hold_;
  SpeakingDetector self_speaking_;
  bool muted_ = false;
  bool stopped_ = false;
  // Which microphone / speaker fragment runs (device_fallback.hpp).
  DeviceState microphone_state_;
  DeviceState speakers_state_;
};

}  // namespace shotcall::media
