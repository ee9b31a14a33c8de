// Mouth-to-ear through the engine (measures.hpp). Engine A plays clicks; a pad probe at A's
// level element (right after capture and the DSP) stamps the clock time each click's first
// sample was captured; B's synchronised fakesink stamps the clock time it renders that click.
// Both pipelines use the system clock, so the difference is the delay a listener would hear,
// less the sound devices' own buffers (which a fakesink and a test source do not have).
// On the listener it also reports where the render delay goes: how long before its render time
// each buffer leaves the decoder and the mixer, and where the mixer put each click against its
// decoded timestamp (docs/performance.md, "Where the mixer puts a link's sound").
#include <gst/gst.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "app/media/engine_access.hpp"
#include "app/mesh/jitter_budget.hpp"
#include "bench/common/proc_stats.hpp"
#include "bench/voice/measures.hpp"
#include "bench/voice/voice_mesh.hpp"
#include "tests/support/click_onsets.hpp"

namespace shotcall::bench {
namespace {

constexpr int kTickMs = 250;
// Wake-up jitter of a synchronised sink on an idle machine is well under this.
constexpr GstClockTime kLateMargin = 2 * GST_MSECOND;

// Clicks are 3000 loud (of 32767) at their start; 60 ms of quiet ends one.
struct Onsets : test::ClickOnsets {
  Onsets() : ClickOnsets(3000, 60 * GST_MSECOND) {}
};

// What the listener's sink saw: the clicks it rendered, and how many buffers reached it after
// their render time (base time + PTS + the pipeline's latency). A late buffer is a glitch on a
// real sound card, so a cut in the render delay must leave this at zero.
struct Ear {
  Onsets onsets;
  std::atomic<int> buffers{0};
  std::atomic<int> late{0};
  std::atomic<GstClockTime> latency{0};
};

void on_render(GstElement* sink, GstBuffer* buf, GstPad*, gpointer data) {
  // fakesink sync=true hands a buffer off when the clock reaches its render time, or at once
  // when it arrives after it.
  auto* ear = static_cast<Ear*>(data);
  GstClock* clock = gst_element_get_clock(sink);
  const GstClockTime now = clock ? gst_clock_get_time(clock) : 0;
  if (clock) gst_object_unref(clock);
  const GstClockTime due = gst_element_get_base_time(sink) + GST_BUFFER_PTS(buf) + ear->latency;
  ear->buffers++;
  if (GST_BUFFER_PTS_IS_VALID(buf) && now > due + kLateMargin) ear->late++;
  ear->onsets.scan(buf, now);
}

// How long before its render time each buffer leaves one element of the listener's receive path
// (the decoder, the mixer): where the render delay is spent. Negative: that stage alone already
// made the buffer late.
struct Slack {
  std::mutex mutex;
  std::vector<double> ms;
  const std::atomic<GstClockTime>* latency = nullptr;
  gulong probe = 0;
  GstPad* pad = nullptr;
};

GstPadProbeReturn on_stage(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  auto* slack = static_cast<Slack*>(data);
  GstBuffer* buf = GST_PAD_PROBE_INFO_BUFFER(info);
  GstElement* element = GST_ELEMENT(gst_pad_get_parent(pad));
  GstClock* clock = element ? gst_element_get_clock(element) : nullptr;
  if (clock && GST_BUFFER_PTS_IS_VALID(buf)) {
    const GstClockTime due =
        gst_element_get_base_time(element) + GST_BUFFER_PTS(buf) + *slack->latency;
    const GstClockTime now = gst_clock_get_time(clock);
    std::lock_guard lock(slack->mutex);
    slack->ms.push_back((static_cast<double>(due) - static_cast<double>(now)) / 1e6);
  }
  if (clock) gst_object_unref(clock);
  if (element) gst_object_unref(element);
  return GST_PAD_PROBE_OK;
}

// Where the mixer put each click against the timestamp the decoder gave it (sink timestamp −
// decoder timestamp, paired within a third of the click interval). Zero when the mix follows
// the timestamps; the mixer keeps a stream continuous and only realigns it when it strays by
// more than its alignment threshold, so a link's sound can sit that far from its timestamps.
std::vector<double> placements(Onsets& decoded, Onsets& rendered) {
  std::scoped_lock lock(decoded.mutex, rendered.mutex);
  std::vector<double> ms;
  constexpr double kPair = kTickMs / 3.0;
  for (GstClockTime r : rendered.times) {
    for (GstClockTime d : decoded.times) {
      const double diff = (static_cast<double>(r) - static_cast<double>(d)) / 1e6;
      if (diff > -kPair && diff < kPair) ms.push_back(diff);
    }
  }
  return ms;
}

// The first element made by `factory` anywhere in the pipeline (the listener has one link).
GstElement* first_of(GstElement* pipeline, const char* factory) {
  GstElement* found = nullptr;
  GstIterator* it = gst_bin_iterate_recurse(GST_BIN(pipeline));
  GValue item = G_VALUE_INIT;
  while (!found && gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
    auto* element = GST_ELEMENT(g_value_get_object(&item));
    GstElementFactory* made_by = gst_element_get_factory(element);
    if (made_by && g_strcmp0(GST_OBJECT_NAME(made_by), factory) == 0)
      found = GST_ELEMENT(gst_object_ref(element));
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(it);
  return found;
}

void watch_stage(GstElement* element, Slack& slack, const std::atomic<GstClockTime>& latency) {
  if (!element) return;
  slack.latency = &latency;
  slack.pad = gst_element_get_static_pad(element, "src");
  if (slack.pad)
    slack.probe =
        gst_pad_add_probe(slack.pad, GST_PAD_PROBE_TYPE_BUFFER, on_stage, &slack, nullptr);
  gst_object_unref(element);
}

void unwatch_stage(Slack& slack) {
  if (!slack.pad) return;
  gst_pad_remove_probe(slack.pad, slack.probe);
  gst_object_unref(slack.pad);
  slack.pad = nullptr;
}

void slack_fields(JsonOut& out, const char* name, Slack& slack) {
  std::vector<double> ms;
  {
    std::lock_guard lock(slack.mutex);
    ms = slack.ms;
  }
  const auto behind = std::count_if(ms.begin(), ms.end(), [](double m) { return m < 0; });
  out.key(name).begin_object();
  out.field("buffers", static_cast<int>(ms.size())).field("behind", static_cast<int>(behind));
  if (!ms.empty()) out.field("p5", percentile(ms, 5)).field("p50", percentile(ms, 50));
  out.end_object();
}

// Runs until the listener's depth has not moved for longer than its budget's hold, or for at
// most `seconds`. True when it settled.
bool settle_depth(VoiceMesh& mesh, const media::VoiceEngine& listener, double seconds) {
  const gint64 still_us = (mesh::JitterLimits{}.shrink_after_ms + 1000) * 1000;
  int depth = listener.jitter_ms();
  gint64 since_us = g_get_monotonic_time();
  return mesh.run_until(
      [&] {
        const gint64 now_us = g_get_monotonic_time();
        if (listener.jitter_ms() != depth) {
          depth = listener.jitter_ms();
          since_us = now_us;
        }
        return now_us - since_us >= still_us;
      },
      seconds);
}

}  // namespace

bool measure_mouth_to_ear(const MouthToEarSetup& setup, double seconds, JsonOut& out) {
  Onsets mouth;
  Ear ear;  // these outlive the mesh: streaming threads write here until the engines stop
  Slack decoded;
  Slack mixed;
  Onsets decoded_clicks;   // by timestamp, at the decoder
  Onsets rendered_clicks;  // by timestamp, at the sink
  std::vector<double> delays;
  int render_latency_ms = 0;
  int jitter_ms = setup.jitter_ms;  // the depth in use when the measurement ended
  int jitter_at_start_ms = setup.jitter_ms;
  int depth_moves = 0;        // how often the adaptive depth changed during the window
  bool depth_settled = true;  // the adaptive depth was still before the window
  bool ok = false;
  {
    VoiceMesh mesh;
    media::VoiceConfig a = VoiceMesh::base_config(0);
    a.source =
        "audiotestsrc is-live=true wave=ticks freq=1000 volume=0.8 samplesperbuffer=480 "
        "tick-interval=" +
        std::to_string(kTickMs * 1000000LL);
    media::VoiceConfig b = VoiceMesh::base_config(0);
    b.source = "audiotestsrc is-live=true wave=silence";
    b.sink = "fakesink name=m2e sync=true signal-handoffs=true";
    for (media::VoiceConfig* c : {&a, &b}) {
      c->frame_ms = setup.frame_ms;
      c->jitter_ms = setup.jitter_ms;
      c->echo_cancel = c->noise_suppression = c->gain_control = setup.dsp;
      c->adaptive_jitter = setup.adaptive;
    }
    mesh.add("a", a);
    mesh.add("b", b);
    GstElement* a_pipe = media::EngineInternals::pipeline(*mesh.node("a").engine);
    GstElement* b_pipe = media::EngineInternals::pipeline(*mesh.node("b").engine);
    GstElement* level = gst_bin_get_by_name(GST_BIN(a_pipe), "self-level");
    GstElement* sink = gst_bin_get_by_name(GST_BIN(b_pipe), "m2e");
    if (level && sink) {
      GstPad* level_sink = gst_element_get_static_pad(level, "sink");
      const gulong probe = gst_pad_add_probe(level_sink, GST_PAD_PROBE_TYPE_BUFFER,
                                             test::scan_clicks_captured, &mouth, nullptr);
      ear.latency =
          static_cast<GstClockTime>(mesh.node("b").engine->pipeline_latency_ms()) * GST_MSECOND;
      g_signal_connect(sink, "handoff", G_CALLBACK(on_render), &ear);
      mesh.join("b", "a");
      ok = mesh.run_until([&] { return mesh.all_audio({"a", "b"}); }, 30);
      if (ok) {
        mesh.run_for(2.0);  // the jitter buffer fills, DTLS settles; first clicks may straddle it
        // A depth that follows the link is measured once it settled on this clean one: unchanged
        // for longer than the budget's hold, so that it would have moved by now if it were going
        // to. Not "at the floor": that needs under 1.25 ms of jitter (app/mesh/jitter_budget.hpp),
        // which a loopback link keeps only while this machine runs both engines evenly.
        if (setup.adaptive) depth_settled = settle_depth(mesh, *mesh.node("b").engine, 40);
        const auto render_delay = [&] {
          return static_cast<GstClockTime>(mesh.node("b").engine->pipeline_latency_ms()) *
                 GST_MSECOND;
        };
        ear.latency = render_delay();
        jitter_at_start_ms = jitter_ms = mesh.node("b").engine->jitter_ms();
        {
          std::scoped_lock lock(mouth.mutex, ear.onsets.mutex);
          mouth.times.clear();
          ear.onsets.times.clear();
        }
        ear.buffers = 0;
        ear.late = 0;
        GstElement* decoder = first_of(b_pipe, "opusdec");
        GstPad* decoder_src = decoder ? gst_element_get_static_pad(decoder, "src") : nullptr;
        GstPad* sink_pad = gst_element_get_static_pad(sink, "sink");
        const gulong decoded_probe =
            decoder_src
                ? gst_pad_add_probe(decoder_src, GST_PAD_PROBE_TYPE_BUFFER,
                                    test::scan_clicks_by_timestamp, &decoded_clicks, nullptr)
                : 0;
        const gulong rendered_probe =
            gst_pad_add_probe(sink_pad, GST_PAD_PROBE_TYPE_BUFFER, test::scan_clicks_by_timestamp,
                              &rendered_clicks, nullptr);
        watch_stage(decoder, decoded, ear.latency);
        watch_stage(gst_bin_get_by_name(GST_BIN(b_pipe), "mixer"), mixed, ear.latency);
        // A depth that moves in the window moves the render time: late is judged against the
        // render delay in force, and the moves are counted.
        mesh.run_until(
            [&] {
              if (mesh.node("b").engine->jitter_ms() != jitter_ms) {
                jitter_ms = mesh.node("b").engine->jitter_ms();
                ear.latency = render_delay();
                depth_moves++;
              }
              return false;
            },
            seconds);
        unwatch_stage(decoded);
        unwatch_stage(mixed);
        if (decoder_src) {
          gst_pad_remove_probe(decoder_src, decoded_probe);
          gst_object_unref(decoder_src);
        }
        gst_pad_remove_probe(sink_pad, rendered_probe);
        gst_object_unref(sink_pad);
      }
      g_signal_handlers_disconnect_by_data(sink, &ear);
      gst_pad_remove_probe(level_sink, probe);
      gst_object_unref(level_sink);
      render_latency_ms = mesh.node("b").engine->pipeline_latency_ms();
      jitter_ms = mesh.node("b").engine->jitter_ms();
    }
    if (level) gst_object_unref(level);
    if (sink) gst_object_unref(sink);
  }
  {
    std::scoped_lock lock(mouth.mutex, ear.onsets.mutex);
    // Each rendered click pairs with the latest captured click before it (clicks are kTickMs
    // apart, far more than any delay measured here, so there is no ambiguity).
    for (GstClockTime e : ear.onsets.times) {
      GstClockTime best = GST_CLOCK_TIME_NONE;
      for (GstClockTime m : mouth.times)
        if (m <= e) best = m;
      if (GST_CLOCK_TIME_IS_VALID(best) && e - best < kTickMs * GST_MSECOND)
        delays.push_back(static_cast<double>(e - best) / 1e6);
    }
  }
  const double p50 = percentile(delays, 50);
  ok = ok && delays.size() >= 4;
  out.begin_object().field("setup", setup.name).field("ok", ok);
  out.field("frame_ms", setup.frame_ms).field("jitter_ms", jitter_ms).field("dsp", setup.dsp);
  out.field("adaptive_jitter", setup.adaptive);
  if (setup.adaptive) {
    out.field("jitter_at_start_ms", jitter_at_start_ms).field("depth_moves", depth_moves);
    out.field("depth_settled", depth_settled);
  }
  out.field("clicks_captured", static_cast<int>(mouth.times.size()));
  out.field("clicks_rendered", static_cast<int>(ear.onsets.times.size()))
      .field("samples", static_cast<int>(delays.size()));
  out.field("p50_ms", p50)
      .field("p95_ms", percentile(delays, 95))
      .field("min_ms", percentile(delays, 0));
  out.field("engine_render_latency_ms", render_latency_ms);
  out.field("buffers_rendered", ear.buffers.load()).field("buffers_late", ear.late.load());
  out.key("slack_ms").begin_object();
  slack_fields(out, "decoded", decoded);
  slack_fields(out, "mixed", mixed);
  out.end_object();
  const std::vector<double> placed = placements(decoded_clicks, rendered_clicks);
  out.key("mix_placement_ms").begin_object().field("clicks", static_cast<int>(placed.size()));
  if (!placed.empty()) {
    out.field("min", percentile(placed, 0)).field("p50", percentile(placed, 50));
    out.field("max", percentile(placed, 100));
  }
  out.end_object();
  out.key("breakdown_ms").begin_object();
  out.field("frame", setup.frame_ms).field("jitter_buffer", jitter_ms);
  out.field("rest", p50 - setup.frame_ms - jitter_ms);
  out.end_object();
  out.end_object();
  return ok;
}

}  // namespace shotcall::bench
