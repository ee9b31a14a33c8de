#include "app/media/voice_pipeline.hpp"

#include <gst/audio/audio.h>

#include <atomic>
#include <initializer_list>

#include "app/i18n/translate.hpp"
#include "app/media/branch_swap.hpp"
#include "app/media/period_gather.hpp"

namespace shotcall::media {
namespace {

// The one raw format inside the engine: what webrtcdsp, opusenc and the mixer all take, so no
// converter sits between them.
constexpr const char* kRawCaps =
    "audio/x-raw,format=S16LE,rate=48000,channels=1,layout=interleaved";
constexpr int kRawBytesPerSecond = 48000 * 2;
// The mixer sums in floating point, where four loud teammates at once are not yet clipped, so the
// limiter after it can bring their sum back under full scale smoothly (mixing in S16 would clamp
// every sample over full scale: hard clipping, heard as crackle).
constexpr const char* kMixCaps =
    "audio/x-raw,format=F32LE,rate=48000,channels=1,layout=interleaved";

std::atomic<unsigned> g_instance{0};

GstElement* caps_filter(const char* caps_text, std::string* error) {
  GstElement* f = make_element("capsfilter", nullptr, error);
  if (!f) return nullptr;
  GstCaps* caps = gst_caps_from_string(caps_text);
  g_object_set(f, "caps", caps, nullptr);
  gst_caps_unref(caps);
  return f;
}

GstElement* parse_fragment(const std::string& text, const char* what, std::string* error) {
  GError* err = nullptr;
  GstElement* bin = gst_parse_bin_from_description_full(text.c_str(), TRUE, nullptr,
                                                        GST_PARSE_FLAG_FATAL_ERRORS, &err);
  if (!bin) {
    // A setting that names something this machine does not have (a missing plugin, a typo in
    // a tester's fragment): fatal, and said with the setting itself, which the player chose.
    if (error) {
      const bool source = std::string(what) == "source";
      const std::string detail = err ? err->message : i18n::tr("unknown error");
      // Translators: {fragment} is the GStreamer description the player chose; {error} is
      // GStreamer's message (often English).
      *error = i18n::fill(source ? i18n::tr("Shotcall can't use the audio source '{fragment}' "
                                            "({error}). Choose another microphone in Preferences.")
                                 : i18n::tr("Shotcall can't use the audio sink '{fragment}' "
                                            "({error}). Choose another output in Preferences."),
                          {{"fragment", text}, {"error", detail}});
    }
    g_clear_error(&err);
    return nullptr;
  }
  g_clear_error(&err);
  return bin;
}

bool link_chain(std::initializer_list<GstElement*> chain, std::string* error) {
  GstElement* prev = nullptr;
  for (GstElement* e : chain) {
    if (prev && !gst_element_link(prev, e)) {
      if (error) {
        *error =
            std::string("cannot link ") + GST_ELEMENT_NAME(prev) + " to " + GST_ELEMENT_NAME(e);
      }
      return false;
    }
    prev = e;
  }
  return true;
}

// Audio devices inside the fragments get a short ring buffer (see docs/latency.md). Runs on
// whatever thread adds the element; it only sets that element's properties.
void tune_device(GstBin*, GstBin*, GstElement* element, gpointer user_data) {
  const int buffer_ms = GPOINTER_TO_INT(user_data);
  if (GST_IS_AUDIO_BASE_SRC(element) || GST_IS_AUDIO_BASE_SINK(element)) {
    g_object_set(element, "buffer-time", static_cast<gint64>(buffer_ms) * 1000, "latency-time",
                 static_cast<gint64>(10) * 1000, nullptr);
  }
}

bool has_property(GstElement* e, const char* name) {
  return g_object_class_find_property(G_OBJECT_GET_CLASS(e), name) != nullptr;
}

// On the pad where the microphone fragment enters the capture chain: notes the first buffer,
// and turns the fragment's EOS (a file or test source that ran out, a device that went away)
// into a bus message instead of letting it end every link's stream.
GstPadProbeReturn watch_microphone(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER) {
    static_cast<std::atomic<bool>*>(data)->store(true);
    return GST_PAD_PROBE_OK;
  }
  GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
  if (!event || GST_EVENT_TYPE(event) != GST_EVENT_EOS) return GST_PAD_PROBE_OK;
  if (GstElement* parent = gst_pad_get_parent_element(pad)) {
    // Which fragment ended: one already replaced (its EOS racing the swap) is not news.
    GstStructure* s = gst_structure_new_empty(VoicePipeline::kMicrophoneEnded);
    if (GstPad* peer = gst_pad_get_peer(pad)) {
      if (GstElement* from = gst_pad_get_parent_element(peer)) {
        gst_structure_set(s, "fragment", GST_TYPE_ELEMENT, from, nullptr);
        gst_object_unref(from);
      }
      gst_object_unref(peer);
    }
    gst_element_post_message(parent, gst_message_new_element(GST_OBJECT(parent), s));
    gst_object_unref(parent);
  }
  return GST_PAD_PROBE_DROP;
}

// The speakers' failure must not stop the mixer: an error returned from their fragment would
// end the mixer's task, and no sink swapped in later would get sound again. Their ghost sink pad
// answers "ok" instead; the error message itself still reaches the bus, and the engine replaces
// them (VoicePipeline::replace_speakers).
GstFlowReturn swallow_errors(GstFlowReturn ret) {
  return ret <= GST_FLOW_NOT_NEGOTIATED ? GST_FLOW_OK : ret;
}
GstFlowReturn speakers_chain(GstPad* pad, GstObject* parent, GstBuffer* buffer) {
  return swallow_errors(gst_proxy_pad_chain_default(pad, parent, buffer));
}
GstFlowReturn speakers_chain_list(GstPad* pad, GstObject* parent, GstBufferList* list) {
  return swallow_errors(gst_proxy_pad_chain_list_default(pad, parent, list));
}
void shield_mixer_from(GstElement* speakers) {
  GPtr<GstPad> in(gst_element_get_static_pad(speakers, "sink"));
  if (!in || !GST_IS_PROXY_PAD(in.get())) return;
  gst_pad_set_chain_function(in.get(), speakers_chain);
  gst_pad_set_chain_list_function(in.get(), speakers_chain_list);
}

void delete_flag_ref(gpointer data) {
  delete static_cast<std::shared_ptr<std::atomic<bool>>*>(data);
}

GstPadProbeReturn watch_microphone_shared(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  return watch_microphone(pad, info, static_cast<std::shared_ptr<std::atomic<bool>>*>(data)->get());
}

}  // namespace

GstElement* make_opus_encoder(const VoiceConfig& config, std::string* error) {
  GstElement* enc = make_element("opusenc", nullptr, error);
  if (!enc) return nullptr;
  gst_util_set_object_arg(G_OBJECT(enc), "audio-type", "voice");
  gst_util_set_object_arg(G_OBJECT(enc), "frame-size", config.frame_ms == 20 ? "20" : "10");
  g_object_set(enc, "bitrate", config.bitrate, "inband-fec", config.inband_fec, "dtx", config.dtx,
               "packet-loss-percentage", config.expected_loss_percent, nullptr);
  return enc;
}

std::unique_ptr<VoicePipeline> VoicePipeline::build(const VoiceConfig& config, std::string* error) {
  std::unique_ptr<VoicePipeline> p(new VoicePipeline());
  const unsigned n = g_instance.fetch_add(1);
  std::string name = "shotcall-voice-" + std::to_string(n);
  p->pipeline_.reset(GST_ELEMENT(gst_object_ref_sink(gst_pipeline_new(name.c_str()))));
  // webrtcdsp finds its echo probe by name, process-wide: each engine needs its own name.
  p->probe_name_ = "shotcall-echo-probe-" + std::to_string(n);
  // The system clock, always: a device element that provided the clock (pulsesrc does) may be
  // swapped out mid-call (a device that went away, VoicePipeline::use_microphone), and a clock
  // that stops with it would stall the whole pipeline. The devices slave to it instead.
  {
    GstClock* clock = gst_system_clock_obtain();
    gst_pipeline_use_clock(GST_PIPELINE(p->pipeline_.get()), clock);
    gst_object_unref(clock);
  }
  if (config.device_buffer_ms > 0) {
    g_signal_connect(p->pipeline_.get(), "deep-element-added", G_CALLBACK(tune_device),
                     GINT_TO_POINTER(config.device_buffer_ms));
  }
  p->frame_ms_ = config.frame_ms;
  if (!p->build_output(config, error) || !p->build_capture(config, error)) return nullptr;
  p->set_render_delay(config.jitter_ms, false);
  return p;
}

bool VoicePipeline::build_capture(const VoiceConfig& config, std::string* error) {
  GstElement* src = parse_fragment(config.source, "source", error);
  if (!src) return false;
  gst_bin_add(bin(), src);
  source_ = src;
  GstElement* conv = make_element("audioconvert", nullptr, error);
  GstElement* res = conv ? make_element("audioresample", nullptr, error) : nullptr;
  GstElement* caps = res ? caps_filter(kRawCaps, error) : nullptr;
  // Each buffer goes on no earlier than its timestamp plus the source's latency: when a
  // microphone delivers it (so a microphone never waits here). A file plays in real time; a
  // live test tone, which GStreamer hands out at the start of its period, arrives when a
  // microphone's would, so tests and benchmarks see a microphone's timing and cost from here on
  // (the links' own pacing, peer_link.cpp, then finds each frame already due).
  GstElement* pace = caps ? make_element("clocksync", "capture-pace", error) : nullptr;
  if (!pace) return false;
  pace_ = pace;
  gst_bin_add_many(bin(), conv, res, caps, pace, nullptr);
  capture_in_ = conv;
  if (!link_chain({conv, res, caps, pace}, error)) return false;
  if (!gst_element_link(src, conv)) {
    // Nothing it offers converts to audio: the call goes on without it.
    microphone_fault_ = DeviceFault{
        DeviceProblem::BadFormat, "source fragment '" + config.source + "' does not link to audio"};
    retired_.push_back(new_ref(src));
    source_ = make_source_stand_in(false);
    if (!replace_stopped(bin(), src, source_, conv, BranchEnd::Source)) {
      if (error) *error = "the silent stand-in for the microphone does not link";
      return false;
    }
  }
  {
    GPtr<GstPad> in(gst_element_get_static_pad(conv, "sink"));
    gst_pad_add_probe(in.get(),
                      static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER |
                                                   GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
                      watch_microphone_shared,
                      new std::shared_ptr<std::atomic<bool>>(microphone_ran_), delete_flag_ref);
  }
  // The microphone's own level, before the speech processing: while the capture is stopped
  // right after it (muted, push-to-talk released) it alone keeps the level display alive.
  raw_level_ = make_element("level", "self-level-raw", error);
  if (!raw_level_) return false;
  g_object_set(raw_level_, "interval", static_cast<guint64>(config.level_interval_ms) * GST_MSECOND,
               "post-messages", FALSE, nullptr);
  gst_bin_add(bin(), raw_level_);
  if (!link_chain({pace, raw_level_}, error)) return false;
  {
    GPtr<GstPad> out(gst_element_get_static_pad(raw_level_, "src"));
    gate_capture(out.get(), gate_, kRawBytesPerSecond, config.frame_ms);
  }
  GstElement* last = raw_level_;

  if (config.echo_cancel || config.noise_suppression || config.gain_control) {
    GstElement* dsp = make_element("webrtcdsp", nullptr, error);
    if (!dsp) return false;
    g_object_set(dsp, "echo-cancel", config.echo_cancel, "noise-suppression",
                 config.noise_suppression, "gain-control", config.gain_control, "probe",
                 probe_name_.c_str(), nullptr);
    // The canceller must find the echo's delay itself: the delay webrtcdsp derives from the
    // probe's and the capture's timestamps does not match where the far end's voice comes back
    // (measured: no echo removed at all). The extended filter covers the longer echo paths of
    // laptop speakers and rooms; high suppression takes ERLE from 11 to 15 dB
    // (SpeechProcessing.EchoCancellerRemovesTheFarEndsVoiceFromTheMicrophone).
    if (config.echo_cancel)
      g_object_set(dsp, "delay-agnostic", TRUE, "extended-filter", TRUE, "echo-suppression-level",
                   2, nullptr);
    gst_bin_add(bin(), dsp);
    if (!link_chain({last, dsp}, error)) return false;
    // A microphone of buffers under 10 ms: see period_gather.hpp.
    GPtr<GstPad> dsp_in(gst_element_get_static_pad(dsp, "sink"));
    gather_period_after_discont(dsp_in.get(), kRawBytesPerSecond / 100);
    last = dsp;
  }

  level_ = make_element("level", "self-level", error);
  mute_ = level_ ? make_element("volume", "self-mute", error) : nullptr;
  if (!mute_) return false;
  g_object_set(level_, "interval", static_cast<guint64>(config.level_interval_ms) * GST_MSECOND,
               "post-messages", TRUE, nullptr);
  gst_bin_add_many(bin(), level_, mute_, nullptr);
  if (!link_chain({last, level_, mute_}, error)) return false;
  last = mute_;

  if (!config.encoder_per_peer) {
    encoder_ = make_opus_encoder(config, error);
    if (!encoder_) return false;
    gst_bin_add(bin(), encoder_);
    if (!link_chain({last, encoder_}, error)) return false;
    last = encoder_;
  }
  tee_ = make_element("tee", "fanout", error);
  if (!tee_) return false;
  // With no peer yet the tee has no branch: that must not stop the capture thread.
  g_object_set(tee_, "allow-not-linked", TRUE, nullptr);
  gst_bin_add(bin(), tee_);
  return link_chain({last, tee_}, error);
}

bool VoicePipeline::build_output(const VoiceConfig& config, std::string* error) {
  // A live silent source keeps the mixer running (and the echo probe fed) with no peer yet. The
  // mixer emits a block once every input covers it, and a live source hands out a buffer when
  // its period is over: so the keeper's period is the mixer's, and both are part of the render
  // delay (render_latency_ms). 5 ms: at 10 the render delay had to be 5 ms longer.
  GstElement* silence = make_element("audiotestsrc", "silence-keeper", error);
  if (!silence) return false;
  g_object_set(silence, "is-live", TRUE, "samplesperbuffer", 48 * kMixerPeriodMs, nullptr);
  gst_util_set_object_arg(G_OBJECT(silence), "wave", "silence");
  GstElement* silence_caps = caps_filter(kRawCaps, error);
  mixer_ = silence_caps ? make_element("audiomixer", "mixer", error) : nullptr;
  GstElement* mix_caps = mixer_ ? caps_filter(kMixCaps, error) : nullptr;
  deafen_ = mix_caps ? make_element("volume", "deafen", error) : nullptr;
  // rglimiter: unity below -6 dBFS, above it a soft knee that approaches full scale and never
  // reaches it. The mixed output stays clean however many teammates shout at once.
  GstElement* limiter = deafen_ ? make_element("rglimiter", "limiter", error) : nullptr;
  GstElement* to_raw = limiter ? make_element("audioconvert", "limited-to-s16", error) : nullptr;
  GstElement* raw_caps = to_raw ? caps_filter(kRawCaps, error) : nullptr;
  if (!raw_caps) return false;
  // Dither and noise shaping would only add work: the float mix came from 16-bit decoders.
  gst_util_set_object_arg(G_OBJECT(to_raw), "dithering", "none");
  gst_util_set_object_arg(G_OBJECT(to_raw), "noise-shaping", "none");
  // Each link's place in the mix is decided by the link (mesh::MixAlignment, peer_link.cpp),
  // which marks the buffers to realign on. The mixer's own rule (a stray of 40 ms for 1 s)
  // would realign in the middle of the creep that follows a late packet and leave the sound
  // that far off for good: measured once 40 ms early, every block late. So it never fires.
  g_object_set(mixer_, "alignment-threshold", static_cast<guint64>(3600) * GST_SECOND, nullptr);
  if (has_property(mixer_, "output-buffer-duration")) {
    g_object_set(mixer_, "output-buffer-duration",
                 static_cast<guint64>(kMixerPeriodMs) * GST_MSECOND, nullptr);
  }
  gst_bin_add_many(bin(), silence, silence_caps, mixer_, mix_caps, deafen_, limiter, to_raw,
                   raw_caps, nullptr);
  if (!link_chain({silence, silence_caps, mixer_, mix_caps, deafen_, limiter, to_raw, raw_caps},
                  error))
    return false;
  GstElement* last = raw_caps;
  if (config.echo_cancel) {
    // The canceller's reference is a branch of its own, so that it can be held back while the
    // capture is stopped (capture_gate.hpp) without holding back what the player hears.
    GstElement* split = make_element("tee", "echo-split", error);
    GstElement* probe =
        split ? make_element("webrtcechoprobe", probe_name_.c_str(), error) : nullptr;
    GstElement* end = probe ? make_element("fakesink", "echo-reference-end", error) : nullptr;
    if (!end) return false;
    g_object_set(end, "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, nullptr);
    gst_bin_add_many(bin(), split, probe, end, nullptr);
    if (!link_chain({last, split}, error) || !link_chain({probe, end}, error)) return false;
    GPtr<GstPad> to_probe(gst_element_request_pad_simple(split, "src_%u"));
    GPtr<GstPad> probe_in(gst_element_get_static_pad(probe, "sink"));
    if (!to_probe || gst_pad_link(to_probe.get(), probe_in.get()) != GST_PAD_LINK_OK) {
      if (error) *error = "cannot link the echo canceller's probe";
      return false;
    }
    gate_echo_reference(to_probe.get(), gate_);
    last = split;
  }
  GstElement* conv = make_element("audioconvert", nullptr, error);
  GstElement* res = conv ? make_element("audioresample", nullptr, error) : nullptr;
  if (!res) return false;
  gst_bin_add_many(bin(), conv, res, nullptr);
  GstElement* sink = parse_fragment(config.sink, "sink", error);
  if (!sink) return false;
  gst_bin_add(bin(), sink);
  sink_ = sink;
  output_out_ = res;
  shield_mixer_from(sink);
  if (!link_chain({last, conv, res}, error)) return false;
  if (gst_element_link(res, sink)) return true;
  speakers_fault_ = DeviceFault{DeviceProblem::BadFormat,
                                "sink fragment '" + config.sink + "' does not take audio"};
  retired_.push_back(new_ref(sink));
  sink_ = make_sink_stand_in();
  if (replace_stopped(bin(), sink, sink_, res, BranchEnd::Sink)) return true;
  if (error) *error = "the stand-in for the speakers does not link";
  return false;
}

GstElement* VoicePipeline::make_source_stand_in(bool running) const {
  // Live silence at the capture chain's period, so the encoder and every link keep running.
  GstElement* s = gst_element_factory_make("audiotestsrc", "microphone-stand-in");
  g_object_set(s, "is-live", TRUE, "samplesperbuffer", 480, nullptr);
  gst_util_set_object_arg(G_OBJECT(s), "wave", "silence");
  if (running) {
    // Its buffers start at the pipeline's running time now, not at 0: a live source's old
    // timestamps would be late, and the links' RTP timestamps would jump back.
    if (GstClock* clock = gst_element_get_clock(pipeline_.get())) {
      const GstClockTime now = gst_clock_get_time(clock);
      const GstClockTime base = gst_element_get_base_time(pipeline_.get());
      if (now > base) g_object_set(s, "timestamp-offset", static_cast<gint64>(now - base), nullptr);
      gst_object_unref(clock);
    }
  }
  return s;
}

GstElement* VoicePipeline::make_sink_stand_in() const {
  GstElement* s = gst_element_factory_make("fakesink", "speakers-stand-in");
  // Synchronised like a device; async=false so that joining a running pipeline changes no state.
  g_object_set(s, "sync", TRUE, "async", FALSE, nullptr);
  return s;
}

Branch VoicePipeline::branch_of(GstObject* object) const {
  GstElement* top = child_of_bin_containing(bin(), object);
  if (!top) return Branch::Gone;
  for (const auto& r : retired_) {
    if (r.get() == top) return Branch::Retired;
  }
  if (top == source_ && !microphone_fault_) return Branch::Microphone;
  if (top == sink_ && !speakers_fault_) return Branch::Speakers;
  return Branch::Other;
}

bool VoicePipeline::replace_microphone(DeviceFault fault, GMainContext* context) {
  if (microphone_fault_ || !source_) return false;
  microphone_fault_ = std::move(fault);
  GstElement* old = source_;
  retired_.push_back(new_ref(old));
  source_ = make_source_stand_in(true);
  replace_running(bin(), old, source_, capture_in_, BranchEnd::Source, context);
  return true;
}

bool VoicePipeline::replace_speakers(DeviceFault fault, GMainContext* context) {
  if (speakers_fault_ || !sink_) return false;
  speakers_fault_ = std::move(fault);
  GstElement* old = sink_;
  retired_.push_back(new_ref(old));
  sink_ = make_sink_stand_in();
  replace_running(bin(), old, sink_, output_out_, BranchEnd::Sink, context);
  return true;
}

bool VoicePipeline::use_microphone(const std::string& fragment, GMainContext* context) {
  if (!source_) return false;
  GstElement* fresh = parse_fragment(fragment, "source", nullptr);
  if (!fresh) return false;
  GstElement* old = source_;
  retired_.push_back(new_ref(old));
  microphone_fault_.reset();
  microphone_ran_->store(false);
  source_ = fresh;
  replace_running(bin(), old, source_, capture_in_, BranchEnd::Source, context);
  return true;
}

bool VoicePipeline::use_speakers(const std::string& fragment, GMainContext* context) {
  if (!sink_) return false;
  GstElement* fresh = parse_fragment(fragment, "sink", nullptr);
  if (!fresh) return false;
  // Joining a running pipeline: a sink that waited for preroll would take the pipeline's state
  // back to PAUSED for a moment.
  if (GST_IS_BIN(fresh)) {
    GstIterator* it = gst_bin_iterate_sinks(GST_BIN(fresh));
    GValue item = G_VALUE_INIT;
    while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
      g_object_set(g_value_get_object(&item), "async", FALSE, nullptr);
      g_value_reset(&item);
    }
    g_value_unset(&item);
    gst_iterator_free(it);
  }
  shield_mixer_from(fresh);
  GstElement* old = sink_;
  retired_.push_back(new_ref(old));
  speakers_fault_.reset();
  sink_ = fresh;
  replace_running(bin(), old, sink_, output_out_, BranchEnd::Sink, context);
  return true;
}

bool VoicePipeline::start_once(GstStateChangeReturn* ret) {
  *ret = gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING);
  if (*ret != GST_STATE_CHANGE_FAILURE) {
    // Live sinks finish their state change with the first buffer; a broken fragment posts
    // its error before that.
    *ret = gst_element_get_state(pipeline_.get(), nullptr, nullptr, 5 * GST_SECOND);
  }
  return *ret != GST_STATE_CHANGE_FAILURE;
}

bool VoicePipeline::take_device_errors(std::vector<GstMessage*>* others) {
  bool failed = false;
  GPtr<GstBus> bus(gst_element_get_bus(pipeline_.get()));
  while (GstMessage* msg = gst_bus_pop_filtered(bus.get(), GST_MESSAGE_ERROR)) {
    const Branch b = branch_of(GST_MESSAGE_SRC(msg));
    if (b == Branch::Microphone || b == Branch::Speakers) {
      // branch_of says Microphone/Speakers only while the fragment has no fault yet.
      GstElement* old = b == Branch::Microphone ? source_ : sink_;
      auto& fault = b == Branch::Microphone ? microphone_fault_ : speakers_fault_;
      fault = device_fault_from(msg, false);
      g_warning("voice: the %s fragment failed to start: %s",
                b == Branch::Microphone ? "microphone" : "speaker", fault->detail.c_str());
      // Swapped once the pipeline is back at NULL (start()).
      retired_.push_back(new_ref(old));
      failed = true;
      gst_message_unref(msg);
    } else if (b == Branch::Retired || b == Branch::Gone) {
      gst_message_unref(msg);
    } else {
      others->push_back(msg);
    }
  }
  return failed;
}

bool VoicePipeline::start(std::string* error) {
  // Each round either starts, fails for good, or swaps at least one failing device for its
  // stand-in (which does not fail): two swaps at most, so three rounds.
  for (int round = 0; round < 3 && !(microphone_fault_ && speakers_fault_); ++round) {
    GstStateChangeReturn ret;
    const bool started = start_once(&ret);
    std::vector<GstMessage*> others;
    const bool device_failed = take_device_errors(&others);
    if (!device_failed) {
      if (started) {
        // Not ours to judge here: the engine's bus watch reports them.
        GPtr<GstBus> bus(gst_element_get_bus(pipeline_.get()));
        for (GstMessage* m : others) gst_bus_post(bus.get(), m);
        return true;
      }
      std::string detail = "the state change failed";
      for (GstMessage* m : others) {
        detail = device_fault_from(m, false).detail;
        gst_message_unref(m);
      }
      g_warning("voice: the audio pipeline failed to start: %s", detail.c_str());
      if (error) *error = voice_start_error_words();
      stop();
      return false;
    }
    for (GstMessage* m : others) gst_message_unref(m);  // consequences of the device's failure
    stop();
    // The retired fragments still in the bin are the ones that just failed.
    if (microphone_fault_ && GST_OBJECT_PARENT(source_) == GST_OBJECT(bin()) &&
        branch_of(GST_OBJECT(source_)) == Branch::Retired) {
      GstElement* old = source_;
      source_ = make_source_stand_in(false);
      replace_stopped(bin(), old, source_, capture_in_, BranchEnd::Source);
    }
    if (speakers_fault_ && GST_OBJECT_PARENT(sink_) == GST_OBJECT(bin()) &&
        branch_of(GST_OBJECT(sink_)) == Branch::Retired) {
      GstElement* old = sink_;
      sink_ = make_sink_stand_in();
      replace_stopped(bin(), old, sink_, output_out_, BranchEnd::Sink);
    }
  }
  if (error) {
    *error =
        microphone_fault_ && speakers_fault_ ? no_audio_device_words() : voice_start_error_words();
  }
  stop();
  return false;
}

void VoicePipeline::stop() {
  if (pipeline_) gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
}

VoicePipeline::~VoicePipeline() { stop(); }

void VoicePipeline::set_capture_gate(CaptureGate gate) {
  if (gate_->exchange(gate, std::memory_order_relaxed) == gate) return;
  // Whatever passes a closed gate (Silenced: all of it; Stopped: the keepalive frames) is silence.
  g_object_set(mute_, "mute", gate != CaptureGate::Open, nullptr);
  // One of the two levels speaks for the microphone: the processed one wherever it still runs.
  g_object_set(raw_level_, "post-messages", gate == CaptureGate::Stopped, nullptr);
  g_object_set(level_, "post-messages", gate != CaptureGate::Stopped, nullptr);
}

std::optional<GstClockTime> VoicePipeline::live_capture_period() const {
  GPtr<GstPad> paced(gst_element_get_static_pad(pace_, "src"));
  GstQuery* query = gst_query_new_latency();
  gboolean live = FALSE;
  GstClockTime period = GST_CLOCK_TIME_NONE;
  if (gst_pad_query(paced.get(), query)) gst_query_parse_latency(query, &live, &period, nullptr);
  gst_query_unref(query);
  if (!live || !GST_CLOCK_TIME_IS_VALID(period)) return std::nullopt;
  return period;
}

void VoicePipeline::set_render_delay(int jitter_ms, bool decoder_holds) {
  gst_pipeline_set_latency(
      GST_PIPELINE(pipeline_.get()),
      static_cast<GstClockTime>(render_latency_ms(jitter_ms, frame_ms_, decoder_holds)) *
          GST_MSECOND);
}

void VoicePipeline::set_deafened(bool deafened) {
  g_object_set(deafen_, "mute", deafened, nullptr);
}

}  // namespace shotcall::media
