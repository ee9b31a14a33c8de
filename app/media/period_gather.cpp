#include "app/media/period_gather.hpp"

namespace shotcall::media {
namespace {

struct Gather {
  std::uint64_t period_bytes;
  GstBuffer* pending = nullptr;  // the DISCONT buffer and what followed it, short of a period
  std::uint64_t pending_bytes = 0;
  ~Gather() {
    if (pending) gst_buffer_unref(pending);
  }
};

GstPadProbeReturn gather(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* g = static_cast<Gather*>(data);
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  const std::uint64_t size = gst_buffer_get_size(buffer);
  if (GST_BUFFER_IS_DISCONT(buffer) && g->pending) {
    gst_buffer_unref(g->pending);  // stale: the stream started over again
    g->pending = nullptr;
    g->pending_bytes = 0;
  }
  if (!g->pending) {
    if (!GST_BUFFER_IS_DISCONT(buffer) || size >= g->period_bytes) return GST_PAD_PROBE_OK;
    g->pending = gst_buffer_ref(buffer);
    g->pending_bytes = size;
    return GST_PAD_PROBE_DROP;  // held, not lost
  }
  g->pending = gst_buffer_append(g->pending, gst_buffer_ref(buffer));
  g->pending_bytes += size;
  if (g->pending_bytes < g->period_bytes) return GST_PAD_PROBE_DROP;
  GstBuffer* whole = gst_buffer_make_writable(g->pending);  // the first piece's timestamps
  g->pending = nullptr;
  g->pending_bytes = 0;
  GST_BUFFER_DURATION(whole) = GST_CLOCK_TIME_NONE;
  gst_buffer_unref(buffer);
  GST_PAD_PROBE_INFO_DATA(info) = whole;
  return GST_PAD_PROBE_OK;
}

}  // namespace

void gather_period_after_discont(GstPad* sink_pad, std::uint64_t period_bytes) {
  gst_pad_add_probe(sink_pad, GST_PAD_PROBE_TYPE_BUFFER, gather, new Gather{period_bytes},
                    [](gpointer g) { delete static_cast<Gather*>(g); });
}

}  // namespace shotcall::media
