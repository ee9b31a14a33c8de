#include "tests/media/delaying_link.hpp"

#include <algorithm>

namespace shotcall::test {
namespace {

// RFC 7983: a first byte of 128-191 is RTP or RTCP, and RTCP's packet types are 192-223.
bool is_rtp(const GstMapInfo& map) {
  return map.size >= 12 && map.data[0] >= 128 && map.data[0] <= 191 &&
         !(map.data[1] >= 192 && map.data[1] <= 223);
}

}  // namespace

gint64 DelayingLink::arrival_us(GstBuffer* buffer, gint64 read_us) {
  GstMapInfo map;
  if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) return read_us;
  gint64 arrival = read_us;
  if (is_rtp(map)) {
    const guint32 timestamp = GST_READ_UINT32_BE(map.data + 4);
    const guint32 ssrc = GST_READ_UINT32_BE(map.data + 8);
    const auto& [first_timestamp, first_read_us] =
        streams.try_emplace(ssrc, timestamp, read_us).first->second;
    const auto ticks = static_cast<gint32>(timestamp - first_timestamp);
    arrival = std::min(read_us, first_read_us + gint64{ticks} * 1000 / 48);
  }
  gst_buffer_unmap(buffer, &map);
  return arrival;
}

void DelayingLink::hold(GstBuffer* buffer, GstClockTime base_time, GstClock* clock) {
  const gint64 read_us = g_get_monotonic_time();
  const gint64 release_us = std::max(
      last_release_us, arrival_us(buffer, read_us) + extra_us(random) + gint64{step_ms} * 1000);
  last_release_us = release_us;
  const gint64 wait = release_us - read_us;
  if (wait > 0) g_usleep(static_cast<gulong>(wait));
  const GstClockTime now = gst_clock_get_time(clock) - base_time;
  if (GST_BUFFER_DTS_IS_VALID(buffer)) GST_BUFFER_DTS(buffer) = now;
  if (GST_BUFFER_PTS_IS_VALID(buffer)) GST_BUFFER_PTS(buffer) = now;
  packets++;
}

GstPadProbeReturn delay_packet(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  auto* link = static_cast<DelayingLink*>(data);
  GstElement* element = GST_ELEMENT(gst_pad_get_parent(pad));
  GstClock* clock = gst_element_get_clock(element);
  const GstClockTime base_time = gst_element_get_base_time(element);
  gst_object_unref(element);
  if (!clock) return GST_PAD_PROBE_OK;
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer* buffer = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    link->hold(buffer, base_time, clock);
    GST_PAD_PROBE_INFO_DATA(info) = buffer;
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList* list = gst_buffer_list_make_writable(GST_PAD_PROBE_INFO_BUFFER_LIST(info));
    for (guint i = 0; i < gst_buffer_list_length(list); ++i) {
      GstBuffer* buffer = gst_buffer_make_writable(gst_buffer_copy(gst_buffer_list_get(list, i)));
      link->hold(buffer, base_time, clock);
      gst_buffer_list_remove(list, i, 1);
      gst_buffer_list_insert(list, static_cast<gint>(i), buffer);
    }
    GST_PAD_PROBE_INFO_DATA(info) = list;
  }
  gst_object_unref(clock);
  return GST_PAD_PROBE_OK;
}

bool LosingLink::loses(GstBuffer* buffer) {
  const int one_in = every;
  if (one_in <= 0) return false;
  GstMapInfo map;
  if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) return false;
  const bool rtp = is_rtp(map);
  gst_buffer_unmap(buffer, &map);
  if (!rtp || ++this->rtp % one_in != 0) return false;
  lost++;
  return true;
}

GstPadProbeReturn lose_packet(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* link = static_cast<LosingLink*>(data);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    return link->loses(GST_PAD_PROBE_INFO_BUFFER(info)) ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
  }
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList* list = gst_buffer_list_make_writable(GST_PAD_PROBE_INFO_BUFFER_LIST(info));
    for (guint i = 0; i < gst_buffer_list_length(list);) {
      if (link->loses(gst_buffer_list_get(list, i)))
        gst_buffer_list_remove(list, i, 1);
      else
        ++i;
    }
    GST_PAD_PROBE_INFO_DATA(info) = list;
    if (gst_buffer_list_length(list) == 0) return GST_PAD_PROBE_DROP;
  }
  return GST_PAD_PROBE_OK;
}

}  // namespace shotcall::test
