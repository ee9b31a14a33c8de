// One remote peer's part of the pipeline: a send branch off the shared tee into its own
// webrtcbin, and a receive branch from that webrtcbin into the shared mixer (optionally teed to
// a WAV recording). Building, webrtcbin calls, and leak-free removal from the running pipeline.
// Internal to app/media; runs on the engine's main thread except where noted.
#pragma once

#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/media/gst_util.hpp"
#include "app/media/voice_engine.hpp"
#include "app/mesh/peer_state.hpp"

namespace shotcall::media {

class LinkListener;

// Who a streaming-thread callback is about. Immutable once made, so any thread may read it;
// callbacks carry it to the main loop, where the listener checks that the link still exists.
struct LinkToken {
  std::weak_ptr<LinkListener> listener;
  std::string peer_id;
  std::uint64_t generation = 0;  // one per PeerLink: callbacks from a replaced link are stale
  GMainContext* context = nullptr;
};

// link_failure's reason when ICE found no working candidate pair.
inline constexpr std::string_view kIceFailedReason = "ICE failed";

// Receives a link's news on the main context.
class LinkListener {
 public:
  virtual ~LinkListener() = default;
  virtual void link_local_description(const LinkToken& t, mesh::SdpType type, std::string sdp) = 0;
  virtual void link_local_candidate(const LinkToken& t, mesh::IceCandidate candidate) = 0;
  virtual void link_connection_state(const LinkToken& t, mesh::ConnState state) = 0;
  virtual void link_dtls_connected(const LinkToken& t) = 0;
  virtual void link_failure(const LinkToken& t, std::string reason) = 0;
  virtual void link_first_audio(const LinkToken& t, std::int64_t monotonic_us) = 0;
  virtual void link_stats(const LinkToken& t, PeerStats stats) = 0;
};

struct LinkSettings {
  std::string record_path;  // empty: no recording
  int jitter_ms = 20;
  std::vector<std::string> local_addresses;
  std::optional<std::string> stun_uri;
  std::vector<std::string> turn_uris;
  IceTransportPolicy ice_transport_policy = IceTransportPolicy::All;
  int level_interval_ms = 50;
  const VoiceConfig* encoder_config = nullptr;  // set: this link has its own encoder
  // The live capture's period (VoicePipeline::live_capture_period): how webrtcbin's send
  // pacing is set (peer_link.cpp). None: not live, or not known.
  std::optional<GstClockTime> capture_period;
};

class PeerLink {
 public:
  // Adds the link's elements to `pipeline`, hooks them to `tee` and `mixer` and starts them.
  static std::unique_ptr<PeerLink> create(GstBin* pipeline, GstElement* tee, GstElement* mixer,
                                          const LinkSettings& settings,
                                          std::shared_ptr<const LinkToken> token,
                                          std::string* error);
  // Detaches everything from the running pipeline (idle probe on the tee pad, recording
  // finalised with EOS, request pads released, elements to NULL and out of the bin).
  ~PeerLink();

  void create_offer();
  void create_answer();
  void set_local(const mesh::SessionDescription& desc);
  void set_remote(const mesh::SessionDescription& desc);
  void add_candidate(const mesh::IceCandidate& candidate);
  void request_stats();
  // Opens both valves: until the DTLS certificate is verified no audio goes out or comes in.
  void allow_media();
  void set_volume(double volume);
  void set_muted(bool muted);
  void set_jitter_ms(int ms);
  // Whether the decoder holds each frame until the next arrives, to rebuild a lost one from the
  // next one's in-band FEC (app/mesh/fec_hold.hpp). Off at first; letting go swaps the decoder.
  void set_fec_hold(bool hold);
  // Packets the decoder was asked to conceal so far: a GAP from the jitter buffer for each packet
  // still missing when the next one is due.
  std::uint64_t packets_concealed() const { return concealed_->load(); }
  void set_encoder_bitrate(int bps);  // only in encoder-per-peer mode

  // Hooks the DTLS transport once webrtcbin made it; true when it is connected.
  bool dtls_connected();
  // The remote certificate (PEM) once DTLS is connected; empty otherwise.
  std::string remote_certificate_pem();

  // Whether `element` is one of this link's top-level elements.
  bool owns(GstElement* element) const;
  GstElement* level() const { return level_; }
  const std::string& record_path() const { return record_path_; }

 private:
  PeerLink() = default;
  bool build(const LinkSettings& settings, std::string* error);
  bool build_send(const LinkSettings& settings, std::string* error);
  bool build_receive(const LinkSettings& settings, std::string* error);
  bool build_recording(std::string* error);
  void configure_ice(const LinkSettings& settings);
  void connect_signals();
  GstElement* add(const char* factory, std::string* error);
  void detach_send();
  void finalise_recording();

  GstBin* pipeline_ = nullptr;  // borrowed, outlives the link
  GstElement* tee_ = nullptr;
  GstElement* mixer_ = nullptr;
  std::shared_ptr<const LinkToken> token_;
  std::string record_path_;

  std::vector<GstElement*> elements_;  // every element we added to the pipeline (borrowed)
  GstElement* webrtc_ = nullptr;
  GstElement* send_queue_ = nullptr;
  GstElement* send_valve_ = nullptr;
  GstElement* encoder_ = nullptr;
  GstElement* depay_ = nullptr;
  GstElement* recv_valve_ = nullptr;
  GstElement* decoder_ = nullptr;
  GstElement* decoded_to_ = nullptr;  // what the decoder feeds
  bool decoder_holds_ = false;
  // Raised by a probe on the jitter buffer's thread.
  std::shared_ptr<std::atomic<std::uint64_t>> concealed_ =
      std::make_shared<std::atomic<std::uint64_t>>(0);
  GstElement* volume_ = nullptr;
  GstElement* level_ = nullptr;
  GstElement* rec_tee_ = nullptr;
  GstElement* rec_queue_ = nullptr;
  GstElement* filesink_ = nullptr;
  GstPad* recv_out_ = nullptr;  // the pad linked to the mixer (borrowed)

  GPtr<GstPad> tee_pad_;
  GPtr<GstPad> mixer_pad_;
  GPtr<GstPad> rec_tee_pad_;  // rec tee → recording queue
  GPtr<GstPad> rec_mix_pad_;  // rec tee → mixer
  GPtr<GstPad> level_src_;
  GPtr<GstWebRTCDTLSTransport> dtls_;
  std::vector<gulong> webrtc_handlers_;
  gulong dtls_handler_ = 0;
};

}  // namespace shotcall::media

namespace shotcall::media {

// Runs `fn(listener, token)` on the token's main context if the listener still lives.
template <typename F>
void hop_to_main(const std::shared_ptr<const LinkToken>& token, F fn) {
  post_to_context(token->context, [token, fn = std::move(fn)]() mutable {
    if (auto listener = token->listener.lock()) fn(*listener, *token);
  });
}

}  // namespace shotcall::media
