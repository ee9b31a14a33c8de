// Where clicks start in a GStreamer stream: for the mouth-to-ear test and benchmark, which both
// time a ticking test tone through two engines. Header-only, so that the benchmark (built with
// or without the tests) shares it. Called from streaming threads.
#pragma once

#include <gst/gst.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace shotcall::test {

// Finds silence→click edges in S16 48 kHz buffers of interleaved channels.
struct ClickOnsets {
  ClickOnsets(int threshold, GstClockTime quiet_to_end)
      : threshold(threshold),
        quiet_frames(static_cast<gsize>(gst_util_uint64_scale(quiet_to_end, 48000, GST_SECOND))) {}

  // Scans a buffer whose first frame is at `start` (a clock time, or a timestamp).
  void scan(GstBuffer* buffer, GstClockTime start, int channels = 1) {
    GstMapInfo map;
    if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) return;
    const auto* s = reinterpret_cast<const gint16*>(map.data);
    const auto stride = static_cast<gsize>(std::max(channels, 1));
    const gsize frames = map.size / 2 / stride;
    std::lock_guard lock(mutex);
    for (gsize f = 0; f < frames; ++f) {
      int peak = 0;
      for (gsize c = 0; c < stride; ++c) peak = std::max(peak, std::abs(s[f * stride + c]));
      if (peak > threshold) {
        if (!loud) times.push_back(start + gst_util_uint64_scale(f, GST_SECOND, 48000));
        loud = true;
        quiet_run = 0;
      } else if (++quiet_run > quiet_frames) {
        loud = false;
      }
    }
    gst_buffer_unmap(buffer, &map);
  }

  const int threshold;
  const gsize quiet_frames;  // this long below the threshold ends a click
  std::mutex mutex;
  std::vector<GstClockTime> times;
  bool loud = false;
  gsize quiet_run = 0;  // frames since the last loud one, across buffers
};

// How many channels a pad's buffers interleave: opusdec hands out stereo when it negotiates it,
// and a mono scan would find a click at frame f at 2f (up to 10 ms off in a 10 ms buffer).
inline int channels_of(GstPad* pad) {
  int channels = 1;
  if (GstCaps* caps = gst_pad_get_current_caps(pad)) {
    gst_structure_get_int(gst_caps_get_structure(caps, 0), "channels", &channels);
    gst_caps_unref(caps);
  }
  return channels;
}

// A buffer probe into `data` (ClickOnsets), by clock time: a live source stamps each buffer with
// the running time its first sample was captured, so base time + PTS is when that was.
inline GstPadProbeReturn scan_clicks_captured(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  GstBuffer* buf = GST_PAD_PROBE_INFO_BUFFER(info);
  GstElement* element = GST_ELEMENT(gst_pad_get_parent(pad));
  if (element && GST_BUFFER_PTS_IS_VALID(buf)) {
    static_cast<ClickOnsets*>(data)->scan(
        buf, gst_element_get_base_time(element) + GST_BUFFER_PTS(buf), channels_of(pad));
  }
  if (element) gst_object_unref(element);
  return GST_PAD_PROBE_OK;
}

// A buffer probe into `data` (ClickOnsets), by timestamp: where a click sits in the stream.
inline GstPadProbeReturn scan_clicks_by_timestamp(GstPad* pad, GstPadProbeInfo* info,
                                                  gpointer data) {
  GstBuffer* buf = GST_PAD_PROBE_INFO_BUFFER(info);
  if (GST_BUFFER_PTS_IS_VALID(buf))
    static_cast<ClickOnsets*>(data)->scan(buf, GST_BUFFER_PTS(buf), channels_of(pad));
  return GST_PAD_PROBE_OK;
}

}  // namespace shotcall::test
