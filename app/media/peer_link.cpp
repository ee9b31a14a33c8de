// Building a peer link into the running pipeline and taking it out again.
#include "app/media/peer_link.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "app/media/voice_pipeline.hpp"
#include "app/mesh/mix_alignment.hpp"

namespace shotcall::media {
namespace {

constexpr const char* kOpusRtpCaps =
    "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000,"
    "encoding-params=(string)2,minptime=(string)10,useinbandfec=(string)1";
constexpr const char* kMixCaps = "audio/x-raw,format=S16LE,rate=48000,channels=1";
constexpr guint64 kMixBytesPerSecond = 48000 * 2;  // kMixCaps: 16-bit mono at 48 kHz
constexpr auto kTeardownWait = std::chrono::seconds(3);
// What wavenc writes before the samples of 16-bit PCM: RIFF, fmt and data chunk headers.
constexpr std::uintmax_t kWavHeaderBytes = 44;

// webrtcbin 1.22 puts a clocksync in the send path (and dtlssrtpenc another) that holds each
// packet until its timestamp plus the capture's reported latency (source period + Opus frame).
// That pacing is wanted for a source whose period is longer than a frame (PipeWire's 21 ms
// quantum hands over two frames at once): sent back to back, they would read as jitter at the
// far end and deepen its buffer. But a frame's timestamp is its first sample less Opus's
// look-ahead, so with a source period of at most one frame — a microphone at the 10 ms period
// the engine asks of it — every packet waited (period - look-ahead), ~3.5 ms, after its frame
// was complete, with a timed sleep per packet and link. For such a source the wait is moved
// back by that: a frame leaves as its last sample comes in, still one every frame.
constexpr GstClockTime kOpusLookahead = 6500 * GST_USECOND;  // 312 samples at 48 kHz, voice mode
constexpr GstClockTime kShortestFrame = 10 * GST_MSECOND;

// Runs in whatever thread webrtcbin adds an element from, possibly holding its locks: it only
// sets a property on the new element, with the shift worked out on the main thread.
void shift_send_deadline(GstBin*, GstBin*, GstElement* element, gpointer shift_ns) {
  GstElementFactory* factory = gst_element_get_factory(element);
  if (factory && g_strcmp0(GST_OBJECT_NAME(factory), "clocksync") == 0)
    g_object_set(element, "ts-offset", *static_cast<const gint64*>(shift_ns), nullptr);
}

// Marks the buffers on which the mixer should place the link's sound by its timestamps
// (app/mesh/mix_alignment.hpp: the jitter buffer's timestamps creep and jump, and the mixer
// would otherwise keep the sound wherever it first laid it, up to 40 ms off).
GstPadProbeReturn keep_placed_by_timestamps(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* alignment = static_cast<mesh::MixAlignment*>(data);
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  if (!GST_BUFFER_PTS_IS_VALID(buffer)) return GST_PAD_PROBE_OK;
  // The mixer lays the next buffer after this one's samples: counted from its size, which is
  // right even where a DURATION is missing or rounded.
  const auto samples_ns = static_cast<std::int64_t>(
      gst_util_uint64_scale(gst_buffer_get_size(buffer), GST_SECOND, kMixBytesPerSecond));
  if (!alignment->realign(static_cast<std::int64_t>(GST_BUFFER_PTS(buffer)), samples_ns,
                          GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT)))
    return GST_PAD_PROBE_OK;
  buffer = gst_buffer_make_writable(buffer);
  GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DISCONT);
  GST_PAD_PROBE_INFO_DATA(info) = buffer;
  return GST_PAD_PROBE_OK;
}

// A one-shot flag a streaming thread raises and the main thread waits on (bounded).
struct Flag {
  std::mutex mutex;
  std::condition_variable cv;
  bool raised = false;
  void raise() {
    std::lock_guard lock(mutex);
    raised = true;
    cv.notify_all();
  }
  bool wait() {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, kTeardownWait, [this] { return raised; });
  }
};
using FlagPtr = std::shared_ptr<Flag>;

void delete_flag(gpointer data) { delete static_cast<FlagPtr*>(data); }

// IDLE probe: the pad is between buffers, so unlinking cannot cut one in half.
GstPadProbeReturn unlink_when_idle(GstPad* pad, GstPadProbeInfo*, gpointer data) {
  if (GstPad* peer = gst_pad_get_peer(pad)) {
    gst_pad_unlink(pad, peer);
    gst_object_unref(peer);
  }
  (*static_cast<FlagPtr*>(data))->raise();
  return GST_PAD_PROBE_REMOVE;
}

GstPadProbeReturn watch_for_eos(GstPad*, GstPadProbeInfo* info, gpointer data) {
  if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_EOS) {
    (*static_cast<FlagPtr*>(data))->raise();
  }
  return GST_PAD_PROBE_OK;
}

// Unlinks `pad` (a src pad) from its peer at a moment no buffer is passing.
void unlink_src_pad_when_idle(GstPad* pad) {
  if (!pad || !gst_pad_is_linked(pad)) return;
  auto flag = std::make_shared<Flag>();
  gulong id = gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_IDLE, unlink_when_idle,
                                new FlagPtr(flag), delete_flag);
  if (!flag->wait()) {
    // The streaming thread is stuck: unlink anyway rather than leak the branch.
    gst_pad_remove_probe(pad, id);
    if (GstPad* peer = gst_pad_get_peer(pad)) {
      gst_pad_unlink(pad, peer);
      gst_object_unref(peer);
    }
  }
}

GstCaps* caps(const char* text) { return gst_caps_from_string(text); }

// Conceals a lost packet by PLC; holding (app/mesh/fec_hold.hpp), rebuilds it from the next
// packet's in-band FEC instead, which makes opusdec hand each frame on only once the next one has
// arrived.
void configure_decoder(GstElement* decoder, bool hold_for_fec) {
  g_object_set(decoder, "plc", TRUE, "use-inband-fec", hold_for_fec, nullptr);
}

// Counts the packets the decoder is asked to conceal: the jitter buffer sends a GAP event down
// for each packet still missing when the next one is due.
GstPadProbeReturn count_concealed(GstPad*, GstPadProbeInfo* info, gpointer data) {
  if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_GAP)
    (*static_cast<std::shared_ptr<std::atomic<std::uint64_t>>*>(data))->fetch_add(1);
  return GST_PAD_PROBE_OK;
}

// Blocks the pad once no buffer is passing, raises the flag and keeps it blocked until the
// probe is removed. A blocking probe's callback runs for every item it holds back.
GstPadProbeReturn raise_when_blocked(GstPad*, GstPadProbeInfo*, gpointer data) {
  (*static_cast<FlagPtr*>(data))->raise();
  return GST_PAD_PROBE_OK;
}

}  // namespace

GstElement* PeerLink::add(const char* factory, std::string* error) {
  GstElement* e = make_element(factory, nullptr, error);
  if (!e) return nullptr;
  gst_bin_add(pipeline_, e);
  elements_.push_back(e);
  return e;
}

std::unique_ptr<PeerLink> PeerLink::create(GstBin* pipeline, GstElement* tee, GstElement* mixer,
                                           const LinkSettings& settings,
                                           std::shared_ptr<const LinkToken> token,
                                           std::string* error) {
  std::unique_ptr<PeerLink> link(new PeerLink());
  link->pipeline_ = pipeline;
  link->tee_ = tee;
  link->mixer_ = mixer;
  link->token_ = std::move(token);
  if (!link->build(settings, error)) return nullptr;  // the destructor removes what was added
  return link;
}

bool PeerLink::build(const LinkSettings& settings, std::string* error) {
  webrtc_ = add("webrtcbin", error);
  if (!webrtc_) return false;
  if (settings.capture_period && *settings.capture_period <= kShortestFrame) {
    g_signal_connect_data(
        webrtc_, "deep-element-added", G_CALLBACK(shift_send_deadline),
        new gint64(static_cast<gint64>(kOpusLookahead) -
                   static_cast<gint64>(*settings.capture_period)),
        [](gpointer shift, GClosure*) { delete static_cast<gint64*>(shift); },
        static_cast<GConnectFlags>(0));
  }
  gst_util_set_object_arg(G_OBJECT(webrtc_), "bundle-policy", "max-bundle");
  g_object_set(webrtc_, "latency", static_cast<guint>(std::max(0, settings.jitter_ms)), nullptr);
  configure_ice(settings);
  if (!build_send(settings, error) || !build_receive(settings, error)) return false;
  if (!settings.record_path.empty()) {
    record_path_ = settings.record_path;
    if (!build_recording(error)) return false;
  }
  connect_signals();
  // Start everything before data can reach it, then attach to the shared tee and mixer.
  for (GstElement* e : elements_) gst_element_sync_state_with_parent(e);
  mixer_pad_.reset(gst_element_request_pad_simple(mixer_, "sink_%u"));
  if (!mixer_pad_ || gst_pad_link(recv_out_, mixer_pad_.get()) != GST_PAD_LINK_OK) {
    if (error) *error = "cannot link a peer into the mixer";
    return false;
  }
  gst_pad_add_probe(mixer_pad_.get(), GST_PAD_PROBE_TYPE_BUFFER, keep_placed_by_timestamps,
                    new mesh::MixAlignment,
                    [](gpointer alignment) { delete static_cast<mesh::MixAlignment*>(alignment); });
  tee_pad_.reset(gst_element_request_pad_simple(tee_, "src_%u"));
  GPtr<GstPad> queue_sink(gst_element_get_static_pad(send_queue_, "sink"));
  if (!tee_pad_ || gst_pad_link(tee_pad_.get(), queue_sink.get()) != GST_PAD_LINK_OK) {
    if (error) *error = "cannot link a peer to the capture tee";
    return false;
  }
  return true;
}

bool PeerLink::build_send(const LinkSettings& settings, std::string* error) {
  send_queue_ = add("queue", error);
  send_valve_ = send_queue_ ? add("valve", error) : nullptr;
  if (!send_valve_) return false;
  // A slow peer must never hold the capture thread back or let delay build up: drop its
  // oldest data instead, and keep at most a few frames.
  g_object_set(send_queue_, "max-size-buffers", 0u, "max-size-bytes", 0u, "max-size-time",
               static_cast<guint64>(60 * GST_MSECOND), nullptr);
  gst_util_set_object_arg(G_OBJECT(send_queue_), "leaky", "downstream");
  // Closed until the peer's certificate is verified; caps still pass so negotiation works.
  gst_util_set_object_arg(G_OBJECT(send_valve_), "drop-mode", "forward-sticky-events");
  g_object_set(send_valve_, "drop", TRUE, nullptr);
  GstElement* prev = send_valve_;
  auto link_failed = [error](const char* what) {
    if (error) *error = std::string("cannot link the send branch at ") + what;
    return false;
  };
  if (!gst_element_link(send_queue_, send_valve_)) return link_failed("the valve");
  if (settings.encoder_config) {
    encoder_ = make_opus_encoder(*settings.encoder_config, error);
    if (!encoder_) return false;
    gst_bin_add(pipeline_, encoder_);
    elements_.push_back(encoder_);
    if (!gst_element_link(prev, encoder_)) return link_failed("the encoder");
    prev = encoder_;
  }
  GstElement* pay = add("rtpopuspay", error);
  if (!pay) return false;
  g_object_set(pay, "pt", 111u, nullptr);
  if (!gst_element_link(prev, pay)) return link_failed("the payloader");

  GPtr<GstPad> sink(gst_element_request_pad_simple(webrtc_, "sink_%u"));
  GPtr<GstPad> pay_src(gst_element_get_static_pad(pay, "src"));
  if (!sink || gst_pad_link(pay_src.get(), sink.get()) != GST_PAD_LINK_OK) {
    if (error) *error = "cannot link the payloader into webrtcbin";
    return false;
  }
  GstWebRTCRTPTransceiver* trans = nullptr;
  g_signal_emit_by_name(webrtc_, "get-transceiver", 0, &trans);
  if (!trans) {
    if (error) *error = "webrtcbin made no transceiver";
    return false;
  }
  GstCaps* prefs = caps(kOpusRtpCaps);
  g_object_set(trans, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV,
               "codec-preferences", prefs, nullptr);
  gst_caps_unref(prefs);
  gst_object_unref(trans);
  return true;
}

bool PeerLink::build_receive(const LinkSettings& settings, std::string* error) {
  depay_ = add("rtpopusdepay", error);
  recv_valve_ = depay_ ? add("valve", error) : nullptr;
  decoder_ = recv_valve_ ? add("opusdec", error) : nullptr;
  decoded_to_ = decoder_ ? add("audioconvert", error) : nullptr;
  GstElement* conv = decoded_to_;
  GstElement* res = conv ? add("audioresample", error) : nullptr;
  GstElement* filter = res ? add("capsfilter", error) : nullptr;
  volume_ = filter ? add("volume", error) : nullptr;
  level_ = volume_ ? add("level", error) : nullptr;
  if (!level_) return false;
  gst_util_set_object_arg(G_OBJECT(recv_valve_), "drop-mode", "forward-sticky-events");
  g_object_set(recv_valve_, "drop", TRUE, nullptr);
  configure_decoder(decoder_, false);
  GPtr<GstPad> valve_src(gst_element_get_static_pad(recv_valve_, "src"));
  gst_pad_add_probe(valve_src.get(), GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, count_concealed,
                    new std::shared_ptr<std::atomic<std::uint64_t>>(concealed_),
                    [](gpointer counter) {
                      delete static_cast<std::shared_ptr<std::atomic<std::uint64_t>>*>(counter);
                    });
  GstCaps* mix = caps(kMixCaps);
  g_object_set(filter, "caps", mix, nullptr);
  gst_caps_unref(mix);
  g_object_set(level_, "interval",
               static_cast<guint64>(settings.level_interval_ms) * GST_MSECOND, "post-messages",
               TRUE, nullptr);
  if (!gst_element_link_many(depay_, recv_valve_, decoder_, conv, res, filter, volume_, level_,
                             nullptr)) {
    if (error) *error = "cannot link the receive branch";
    return false;
  }
  level_src_.reset(gst_element_get_static_pad(level_, "src"));
  recv_out_ = level_src_.get();
  return true;
}

bool PeerLink::build_recording(std::string* error) {
  rec_tee_ = add("tee", error);
  rec_queue_ = rec_tee_ ? add("queue", error) : nullptr;
  // A muted teammate sends a silent frame every half second and nothing between (capture_gate.hpp):
  // audiorate fills the gaps with silence by the timestamps, so the file keeps the call's timeline
  // (a WAV file has none of its own).
  GstElement* rate = rec_queue_ ? add("audiorate", error) : nullptr;
  GstElement* wavenc = rate ? add("wavenc", error) : nullptr;
  filesink_ = wavenc ? add("filesink", error) : nullptr;
  if (!filesink_) return false;
  g_object_set(rate, "skip-to-first", TRUE, nullptr);
  g_object_set(filesink_, "location", record_path_.c_str(), "async", FALSE, nullptr);
  if (!gst_element_link(level_, rec_tee_) ||
      !gst_element_link_many(rec_queue_, rate, wavenc, filesink_, nullptr)) {
    if (error) *error = "cannot link the recording branch";
    return false;
  }
  rec_tee_pad_.reset(gst_element_request_pad_simple(rec_tee_, "src_%u"));
  GPtr<GstPad> q_sink(gst_element_get_static_pad(rec_queue_, "sink"));
  if (!rec_tee_pad_ || gst_pad_link(rec_tee_pad_.get(), q_sink.get()) != GST_PAD_LINK_OK) {
    if (error) *error = "cannot link the recording queue";
    return false;
  }
  rec_mix_pad_.reset(gst_element_request_pad_simple(rec_tee_, "src_%u"));
  if (!rec_mix_pad_) {
    if (error) *error = "cannot branch the recording tee";
    return false;
  }
  recv_out_ = rec_mix_pad_.get();
  return true;
}

bool PeerLink::owns(GstElement* element) const {
  return element && std::find(elements_.begin(), elements_.end(), element) != elements_.end();
}

void PeerLink::detach_send() {
  // An IDLE probe on the tee's pad, so the capture thread is never cut mid-buffer; then give
  // the request pad back to the tee.
  unlink_src_pad_when_idle(tee_pad_.get());
  if (tee_pad_) gst_element_release_request_pad(tee_, tee_pad_.get());
  tee_pad_.reset();
}

void PeerLink::set_fec_hold(bool hold) {
  if (hold == decoder_holds_) return;
  // opusdec 1.22 holds from the first packet after use-inband-fec is set, with no gap, when it
  // never held before: it keeps that packet and finishes its frame with the next one. It cannot
  // let go again: switched off while it holds a packet, that packet is never decoded and every
  // later frame is stamped one frame early (its base class still counts the held one). So the
  // hold starts on the decoder in place and ends with a fresh one, which never held: the frame
  // the old one held is lost (10 ms), and the fresh decoder starts from no history (its first
  // frames come out quieter). That happens after 20 s without a loss (app/mesh/fec_hold.hpp).
  GstElement* fresh = nullptr;
  if (!hold) {
    std::string error;
    fresh = make_element("opusdec", nullptr, &error);
    if (!fresh) {
      g_warning("the decoder was not swapped: %s", error.c_str());
      return;
    }
    configure_decoder(fresh, false);
  }
  // The jitter buffer's thread pushes into the valve: block it between two buffers, so that
  // nothing runs in the decoder (it has no thread of its own) while it is set or swapped on this
  // thread. The caps and segment the valve's pad holds go to a fresh decoder with the next buffer.
  GPtr<GstPad> valve_src(gst_element_get_static_pad(recv_valve_, "src"));
  auto flag = std::make_shared<Flag>();
  const gulong probe = gst_pad_add_probe(
      valve_src.get(),
      static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BLOCK_DOWNSTREAM | GST_PAD_PROBE_TYPE_IDLE),
      raise_when_blocked, new FlagPtr(flag), delete_flag);
  if (!flag->wait()) {
    gst_pad_remove_probe(valve_src.get(), probe);
    if (fresh) gst_object_unref(gst_object_ref_sink(fresh));
    g_warning("the decoder's hold was not changed: its stream did not pause");
    return;
  }
  if (hold) {
    configure_decoder(decoder_, true);
  } else {
    gst_element_unlink_many(recv_valve_, decoder_, decoded_to_, nullptr);
    std::replace(elements_.begin(), elements_.end(), decoder_, fresh);
    gst_element_set_state(decoder_, GST_STATE_NULL);
    gst_bin_remove(pipeline_, decoder_);
    gst_bin_add(pipeline_, fresh);
    decoder_ = fresh;
    if (!gst_element_link_many(recv_valve_, decoder_, decoded_to_, nullptr)) {
      GST_ELEMENT_ERROR(decoder_, CORE, NEGOTIATION, ("the swapped decoder does not link"),
                        (nullptr));
    }
    gst_element_sync_state_with_parent(decoder_);
  }
  decoder_holds_ = hold;
  gst_pad_remove_probe(valve_src.get(), probe);
}

void PeerLink::finalise_recording() {
  if (!rec_tee_pad_) return;
  unlink_src_pad_when_idle(rec_tee_pad_.get());
  gst_element_release_request_pad(rec_tee_, rec_tee_pad_.get());
  rec_tee_pad_.reset();
  // Nothing ever entered the branch (the link never carried audio): no header to finalise.
  // Ask the queue's sink, not its src: audio that entered just before the unlink may still sit
  // in the queue, and its thread would write the header after we looked, with no EOS to follow.
  GPtr<GstPad> queue_sink(gst_element_get_static_pad(rec_queue_, "sink"));
  if (!gst_pad_has_current_caps(queue_sink.get())) return;
  // EOS down the now lone recording branch makes wavenc rewrite the RIFF sizes; wait until
  // it reached the file so the WAV is complete before the elements stop.
  GPtr<GstPad> file_pad(gst_element_get_static_pad(filesink_, "sink"));
  auto flag = std::make_shared<Flag>();
  gulong id = gst_pad_add_probe(file_pad.get(), GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                                watch_for_eos, new FlagPtr(flag), delete_flag);
  gst_pad_send_event(queue_sink.get(), gst_event_new_eos());
  if (!flag->wait()) g_warning("a recording's end did not reach %s in time", record_path_.c_str());
  gst_pad_remove_probe(file_pad.get(), id);
}

PeerLink::~PeerLink() {
  // No callback may start on our behalf once teardown begins.
  for (gulong id : webrtc_handlers_) g_signal_handler_disconnect(webrtc_, id);
  webrtc_handlers_.clear();
  if (dtls_ && dtls_handler_) g_signal_handler_disconnect(dtls_.get(), dtls_handler_);
  dtls_.reset();

  detach_send();
  finalise_recording();
  // webrtcbin first: it stops the receive threads, so nothing pushes into the branches we
  // stop next; then the rest in the order data flows.
  if (webrtc_) gst_element_set_state(webrtc_, GST_STATE_NULL);
  for (GstElement* e : elements_) gst_element_set_state(e, GST_STATE_NULL);
  if (mixer_pad_) {
    if (GstPad* peer = gst_pad_get_peer(mixer_pad_.get())) {
      gst_pad_unlink(peer, mixer_pad_.get());
      gst_object_unref(peer);
    }
    gst_element_release_request_pad(mixer_, mixer_pad_.get());
    mixer_pad_.reset();
  }
  if (rec_mix_pad_) gst_element_release_request_pad(rec_tee_, rec_mix_pad_.get());
  rec_mix_pad_.reset();
  level_src_.reset();
  for (GstElement* e : elements_) gst_bin_remove(pipeline_, e);
  elements_.clear();
  // A link that never received audio leaves no file behind: neither an empty one nor one with
  // just wavenc's header (caps reached the branch, no sample did).
  if (!record_path_.empty()) {
    std::error_code ec;
    if (std::filesystem::file_size(record_path_, ec) <= kWavHeaderBytes && !ec) {
      std::filesystem::remove(record_path_, ec);
    }
  }
}

}  // namespace shotcall::media
