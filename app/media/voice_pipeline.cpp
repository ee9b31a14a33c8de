#include "app/media/voice_pipeline.hpp"

#include <gst/audio/audio.h>

#include <atomic>
#include <initializer_list>

namespace shotcall::media {
namespace {

// The one raw format inside the engine: what webrtcdsp, opusenc and the mixer all take, so no
// converter sits between them.
constexpr const char* kRawCaps =
    "audio/x-raw,format=S16LE,rate=48000,channels=1,layout=interleaved";

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
  GstElement* bin = gst_parse_bin_from_description_full(
      text.c_str(), TRUE, nullptr, GST_PARSE_FLAG_FATAL_ERRORS, &err);
  if (!bin) {
    if (error) {
      *error = std::string("audio ") + what + " '" + text +
               "' does not parse: " + (err ? err->message : "unknown error");
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
        *error = std::string("cannot link ") + GST_ELEMENT_NAME(prev) + " to " +
                 GST_ELEMENT_NAME(e);
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

}  // namespace

GstElement* make_opus_encoder(const VoiceConfig& config, std::string* error) {
  GstElement* enc = make_element("opusenc", nullptr, error);
  if (!enc) return nullptr;
  gst_util_set_object_arg(G_OBJECT(enc), "audio-type", "voice");
  gst_util_set_object_arg(G_OBJECT(enc), "frame-size", config.frame_ms == 20 ? "20" : "10");
  g_object_set(enc, "bitrate", config.bitrate, "inband-fec", config.inband_fec, "dtx",
               config.dtx, "packet-loss-percentage", config.expected_loss_percent, nullptr);
  return enc;
}

std::unique_ptr<VoicePipeline> VoicePipeline::build(const VoiceConfig& config,
                                                    std::string* error) {
  std::unique_ptr<VoicePipeline> p(new VoicePipeline());
  const unsigned n = g_instance.fetch_add(1);
  std::string name = "shotcall-voice-" + std::to_string(n);
  p->pipeline_.reset(GST_ELEMENT(gst_object_ref_sink(gst_pipeline_new(name.c_str()))));
  // webrtcdsp finds its echo probe by name, process-wide: each engine needs its own name.
  p->probe_name_ = "shotcall-echo-probe-" + std::to_string(n);
  if (config.device_buffer_ms > 0) {
    g_signal_connect(p->pipeline_.get(), "deep-element-added", G_CALLBACK(tune_device),
                     GINT_TO_POINTER(config.device_buffer_ms));
  }
  if (!p->build_output(config, error) || !p->build_capture(config, error)) return nullptr;
  p->set_jitter_ms(config.jitter_ms);
  return p;
}

bool VoicePipeline::build_capture(const VoiceConfig& config, std::string* error) {
  GstElement* src = parse_fragment(config.source, "source", error);
  if (!src) return false;
  gst_bin_add(bin(), src);
  GstElement* conv = make_element("audioconvert", nullptr, error);
  GstElement* res = conv ? make_element("audioresample", nullptr, error) : nullptr;
  GstElement* caps = res ? caps_filter(kRawCaps, error) : nullptr;
  if (!caps) return false;
  gst_bin_add_many(bin(), conv, res, caps, nullptr);
  if (!link_chain({src, conv, res, caps}, error)) return false;
  GstElement* last = caps;

  if (config.echo_cancel || config.noise_suppression || config.gain_control) {
    GstElement* dsp = make_element("webrtcdsp", nullptr, error);
    if (!dsp) return false;
    g_object_set(dsp, "echo-cancel", config.echo_cancel, "noise-suppression",
                 config.noise_suppression, "gain-control", config.gain_control, "probe",
                 probe_name_.c_str(), nullptr);
    gst_bin_add(bin(), dsp);
    if (!link_chain({last, dsp}, error)) return false;
    last = dsp;
  }

  level_ = make_element("level", "self-level", error);
  mute_ = level_ ? make_element("volume", "self-mute", error) : nullptr;
  if (!mute_) return false;
  g_object_set(level_, "interval",
               static_cast<guint64>(config.level_interval_ms) * GST_MSECOND, "post-messages",
               TRUE, nullptr);
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
  // A live silent source keeps the mixer running (and the echo probe fed) with no peer yet.
  GstElement* silence = make_element("audiotestsrc", "silence-keeper", error);
  if (!silence) return false;
  g_object_set(silence, "is-live", TRUE, "samplesperbuffer", 480, nullptr);
  gst_util_set_object_arg(G_OBJECT(silence), "wave", "silence");
  GstElement* silence_caps = caps_filter(kRawCaps, error);
  mixer_ = silence_caps ? make_element("audiomixer", "mixer", error) : nullptr;
  GstElement* mix_caps = mixer_ ? caps_filter(kRawCaps, error) : nullptr;
  deafen_ = mix_caps ? make_element("volume", "deafen", error) : nullptr;
  if (!deafen_) return false;
  if (has_property(mixer_, "output-buffer-duration")) {
    g_object_set(mixer_, "output-buffer-duration",
                 static_cast<guint64>(kMixerPeriodMs) * GST_MSECOND, nullptr);
  }
  gst_bin_add_many(bin(), silence, silence_caps, mixer_, mix_caps, deafen_, nullptr);
  if (!link_chain({silence, silence_caps, mixer_, mix_caps, deafen_}, error)) return false;
  GstElement* last = deafen_;
  if (config.echo_cancel) {
    GstElement* probe = make_element("webrtcechoprobe", probe_name_.c_str(), error);
    if (!probe) return false;
    gst_bin_add(bin(), probe);
    if (!link_chain({last, probe}, error)) return false;
    last = probe;
  }
  GstElement* conv = make_element("audioconvert", nullptr, error);
  GstElement* res = conv ? make_element("audioresample", nullptr, error) : nullptr;
  if (!res) return false;
  gst_bin_add_many(bin(), conv, res, nullptr);
  GstElement* sink = parse_fragment(config.sink, "sink", error);
  if (!sink) return false;
  gst_bin_add(bin(), sink);
  return link_chain({last, conv, res, sink}, error);
}

bool VoicePipeline::start(std::string* error) {
  GstStateChangeReturn ret = gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING);
  if (ret != GST_STATE_CHANGE_FAILURE) {
    // Live sinks finish their state change with the first buffer; a broken fragment posts
    // its error before that.
    ret = gst_element_get_state(pipeline_.get(), nullptr, nullptr, 5 * GST_SECOND);
  }
  if (ret != GST_STATE_CHANGE_FAILURE) return true;
  if (error) {
    *error = "audio pipeline failed to start";
    GstPtr<GstBus> bus(gst_element_get_bus(pipeline_.get()));
    if (GstMessage* msg = gst_bus_pop_filtered(bus.get(), GST_MESSAGE_ERROR)) {
      GError* err = nullptr;
      gchar* debug = nullptr;
      gst_message_parse_error(msg, &err, &debug);
      *error += std::string(": ") + GST_OBJECT_NAME(GST_MESSAGE_SRC(msg)) + ": " +
                (err ? err->message : "unknown error");
      g_clear_error(&err);
      g_free(debug);
      gst_message_unref(msg);
    }
  }
  stop();
  return false;
}

void VoicePipeline::stop() {
  if (pipeline_) gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
}

VoicePipeline::~VoicePipeline() { stop(); }

void VoicePipeline::set_muted(bool muted) { g_object_set(mute_, "mute", muted, nullptr); }

void VoicePipeline::set_jitter_ms(int jitter_ms) {
  gst_pipeline_set_latency(GST_PIPELINE(pipeline_.get()),
                           static_cast<GstClockTime>(render_latency_ms(jitter_ms)) * GST_MSECOND);
}

void VoicePipeline::set_deafened(bool deafened) {
  g_object_set(deafen_, "mute", deafened, nullptr);
}

}  // namespace shotcall::media
