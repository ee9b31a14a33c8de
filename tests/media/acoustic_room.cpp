#include "tests/media/acoustic_room.hpp"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>

#include <algorithm>
#include <cmath>

#include "app/media/engine_access.hpp"

namespace shotcall::test {
namespace {

constexpr int kRate = 48000;

}  // namespace

AcousticRoom::AcousticRoom(std::string name, RoomSettings settings)
    : name_(std::move(name)), settings_(settings) {}

AcousticRoom::~AcousticRoom() {
  // The engine (and its streaming threads) must be stopped before the room goes.
  if (speakers_) gst_object_unref(speakers_);
  if (microphone_) gst_object_unref(microphone_);
}

std::string AcousticRoom::source_fragment() const {
  // clocksync releases each buffer one period (10 ms) after its timestamp, as a device delivers
  // a period once it has captured it all.
  return "appsrc name=" + name_ +
         "-microphone is-live=true format=time "
         "caps=audio/x-raw,format=S16LE,rate=48000,channels=1,layout=interleaved ! "
         "clocksync ts-offset=10000000";
}

std::string AcousticRoom::sink_fragment() const {
  return "appsink name=" + name_ +
         "-speakers sync=true max-buffers=4 drop=false "
         "caps=audio/x-raw,format=S16LE,rate=48000,channels=1,layout=interleaved";
}

bool AcousticRoom::attach(media::VoiceEngine& engine, std::string* why) {
  GstElement* pipeline = media::EngineInternals::pipeline(engine);
  speakers_ = gst_bin_get_by_name(GST_BIN(pipeline), (name_ + "-speakers").c_str());
  microphone_ = gst_bin_get_by_name(GST_BIN(pipeline), (name_ + "-microphone").c_str());
  if (!speakers_ || !microphone_) {
    if (why) *why = "the room's appsink/appsrc are not in " + name_ + "'s pipeline";
    return false;
  }
  GstAppSinkCallbacks callbacks{};
  callbacks.new_sample = [](GstAppSink* sink, gpointer self) {
    return on_sample(GST_ELEMENT(sink), self);
  };
  gst_app_sink_set_callbacks(GST_APP_SINK(speakers_), &callbacks, this, nullptr);
  return true;
}

GstFlowReturn AcousticRoom::on_sample(GstElement* sink, gpointer self) {
  GstSample* sample = gst_app_sink_pull_sample(GST_APP_SINK(sink));
  if (!sample) return GST_FLOW_EOS;
  static_cast<AcousticRoom*>(self)->render(sample);
  gst_sample_unref(sample);
  return GST_FLOW_OK;
}

void AcousticRoom::speak(std::vector<std::int16_t> voice) {
  std::lock_guard lock(mutex_);
  voice_ = std::move(voice);
  voice_pos_ = 0;
  voice_done_ = false;
}

void AcousticRoom::start_measuring() {
  std::lock_guard lock(mutex_);
  totals_ = {};
  measuring_ = true;
}

RoomTotals AcousticRoom::stop_measuring() {
  std::lock_guard lock(mutex_);
  measuring_ = false;
  return totals_;
}

void AcousticRoom::render(GstSample* sample) {
  GstBuffer* played = gst_sample_get_buffer(sample);
  const GstSegment* segment = gst_sample_get_segment(sample);
  if (!played || !segment || !GST_BUFFER_PTS_IS_VALID(played)) return;
  GstMapInfo map;
  if (!gst_buffer_map(played, &map, GST_MAP_READ)) return;
  const auto* in = reinterpret_cast<const std::int16_t*>(map.data);
  const std::size_t n = map.size / sizeof(std::int16_t);
  const GstClockTime played_at =
      gst_segment_to_running_time(segment, GST_FORMAT_TIME, GST_BUFFER_PTS(played));

  GstBuffer* heard = gst_buffer_new_allocate(nullptr, n * sizeof(std::int16_t), nullptr);
  GstMapInfo out_map;
  gst_buffer_map(heard, &out_map, GST_MAP_WRITE);
  auto* out = reinterpret_cast<std::int16_t*>(out_map.data);
  GstClockTime pts = 0;
  {
    std::lock_guard lock(mutex_);
    if (!anchored_) {
      // The sink synchronises: this buffer is being played now. From now on, the sound of a
      // buffer stamped p is heard in the room at running time p + offset_.
      const GstClockTime now = gst_element_get_current_running_time(speakers_);
      offset_ = GST_CLOCK_TIME_IS_VALID(now) ? GST_CLOCK_DIFF(played_at, now) : 0;
      anchored_ = true;
    }
    pts = played_at + offset_ + static_cast<GstClockTime>(settings_.echo_delay_ms) * GST_MSECOND;
    for (std::size_t i = 0; i < n; ++i) {
      const double echo = settings_.echo_gain * in[i];
      double voice = 0;
      if (voice_pos_ < voice_.size()) {
        voice = voice_[voice_pos_++];
        if (voice_pos_ == voice_.size()) {
          if (settings_.loop_voice) {
            voice_pos_ = 0;
          } else {
            voice_done_ = true;
          }
        }
      }
      const double noise = settings_.noise_rms > 0 ? settings_.noise_rms * gauss_(rng_) : 0;
      if (measuring_) {
        totals_.echo_energy += echo * echo;
        totals_.voice_energy += voice * voice;
        totals_.noise_energy += noise * noise;
        ++totals_.samples;
      }
      out[i] =
          static_cast<std::int16_t>(std::clamp(std::lround(echo + voice + noise), -32768L, 32767L));
    }
  }
  gst_buffer_unmap(heard, &out_map);
  gst_buffer_unmap(played, &map);
  GST_BUFFER_PTS(heard) = pts;
  GST_BUFFER_DURATION(heard) = gst_util_uint64_scale(n, GST_SECOND, kRate);
  gst_app_src_push_buffer(GST_APP_SRC(microphone_), heard);
  written_ += n;
}

}  // namespace shotcall::test
