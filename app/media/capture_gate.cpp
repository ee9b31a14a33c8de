#include "app/media/capture_gate.hpp"

#include <algorithm>

namespace shotcall::media {
namespace {

bool stopped(const CaptureGateState& gate) {
  return gate->load(std::memory_order_relaxed) == CaptureGate::Stopped;
}

// Only the capture thread touches the fields after the probe is added. Time is counted in bytes
// of the chain's fixed raw format, not by timestamps: a source may send none, or jump.
struct CaptureProbe {
  CaptureProbe(CaptureGateState gate, std::uint64_t interval, std::uint64_t span,
               std::uint64_t first)
      : gate(std::move(gate)),
        interval_bytes(interval),
        keepalive_bytes(span),
        first_bytes(first),
        since_keepalive(interval) {}
  ~CaptureProbe() {
    if (pending) gst_buffer_unref(pending);
  }
  CaptureProbe(const CaptureProbe&) = delete;
  CaptureProbe& operator=(const CaptureProbe&) = delete;

  // Whether this buffer goes on (open, or part of a keepalive); counts the keepalive's bytes.
  bool passes(std::uint64_t size) {
    if (gate->load(std::memory_order_relaxed) != CaptureGate::Stopped) {
      // The first keepalive as soon as the gate closes: a call muted from its start carries
      // RTP at once.
      keepalive_left = 0;
      since_keepalive = interval_bytes;
      return true;
    }
    if (keepalive_left == 0 && since_keepalive >= interval_bytes) {
      keepalive_left = keepalive_bytes;
      since_keepalive = 0;
    }
    since_keepalive += size;
    if (keepalive_left == 0) return false;
    keepalive_left -= std::min(keepalive_left, size);
    return true;
  }

  CaptureGateState gate;
  std::uint64_t interval_bytes;   // one keepalive per this much captured sound
  std::uint64_t keepalive_bytes;  // how much sound a keepalive lets through
  std::uint64_t first_bytes;      // the least the first buffer after a gap may hold
  std::uint64_t since_keepalive;
  std::uint64_t keepalive_left = 0;  // still to let through of the current keepalive
  bool dropped = false;              // buffers were dropped since the last one let through
  GstBuffer* pending = nullptr;      // the first buffers after a gap, gathered
  std::uint64_t pending_bytes = 0;
};

GstPadProbeReturn on_capture_buffer(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* probe = static_cast<CaptureProbe*>(data);
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  const std::uint64_t size = gst_buffer_get_size(buffer);
  if (!probe->passes(size)) {
    if (probe->pending) gst_buffer_unref(probe->pending);
    probe->pending = nullptr;
    probe->pending_bytes = 0;
    probe->dropped = true;
    return GST_PAD_PROBE_DROP;
  }
  if (!probe->dropped) return GST_PAD_PROBE_OK;
  // The first sound after a gap goes on as one buffer of at least a webrtcdsp period, marked
  // DISCONT so the speech processing and the encoder resynchronise on it. Smaller, it would be
  // lost: webrtcdsp clears its adapter on a DISCONT, and GstBaseTransform keeps reporting the
  // DISCONT for every input until one yields output, so with buffers under 10 ms (a PipeWire
  // quantum) the speech processing would never hand anything on again.
  probe->pending = probe->pending ? gst_buffer_append(probe->pending, gst_buffer_ref(buffer))
                                  : gst_buffer_ref(buffer);
  probe->pending_bytes += size;
  if (probe->pending_bytes < probe->first_bytes) return GST_PAD_PROBE_DROP;  // held, not lost
  GstBuffer* first = gst_buffer_make_writable(probe->pending);  // timestamps of the first piece
  probe->pending = nullptr;
  probe->pending_bytes = 0;
  probe->dropped = false;
  GST_BUFFER_FLAG_SET(first, GST_BUFFER_FLAG_DISCONT);
  GST_BUFFER_DURATION(first) = GST_CLOCK_TIME_NONE;
  gst_buffer_unref(buffer);
  GST_PAD_PROBE_INFO_DATA(info) = first;
  return GST_PAD_PROBE_OK;
}

GstPadProbeReturn on_echo_reference(GstPad*, GstPadProbeInfo*, gpointer data) {
  return stopped(*static_cast<CaptureGateState*>(data)) ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

}  // namespace

void gate_capture(GstPad* src_pad, CaptureGateState gate, int bytes_per_second, int frame_ms) {
  const auto per_ms = static_cast<std::uint64_t>(bytes_per_second) / 1000;
  // webrtcdsp passes on whole 10 ms periods and forgets a partial one at the next DISCONT; the
  // encoder needs a whole frame: a keepalive lets through at least both.
  const auto span_ms = static_cast<std::uint64_t>(std::max(10, frame_ms));
  gst_pad_add_probe(src_pad, GST_PAD_PROBE_TYPE_BUFFER, on_capture_buffer,
                    new CaptureProbe(std::move(gate), per_ms * kCaptureKeepaliveMs,
                                     per_ms * span_ms, per_ms * 10),
                    [](gpointer d) { delete static_cast<CaptureProbe*>(d); });
}

void gate_echo_reference(GstPad* src_pad, CaptureGateState gate) {
  gst_pad_add_probe(
      src_pad,
      static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
      on_echo_reference, new CaptureGateState(std::move(gate)),
      [](gpointer d) { delete static_cast<CaptureGateState*>(d); });
}

}  // namespace shotcall::media
