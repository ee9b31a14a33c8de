#include "app/media/capture_gate.hpp"

#include "common/gst_ptr.hpp"

namespace shotcall::media {
namespace {

bool stopped(const CaptureGateState& gate) {
  return gate->load(std::memory_order_relaxed) == CaptureGate::Stopped;
}

// Only the capture thread touches the fields after the probe is added.
struct CaptureProbe {
  CaptureGateState gate;
  bool dropped = false;
  GstClockTime last_keepalive = GST_CLOCK_TIME_NONE;
};

GstPadProbeReturn on_capture_buffer(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* probe = static_cast<CaptureProbe*>(data);
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  const GstClockTime pts = GST_BUFFER_PTS(buffer);
  bool keepalive = false;
  if (stopped(probe->gate)) {
    keepalive = GST_CLOCK_TIME_IS_VALID(pts) &&
                (!GST_CLOCK_TIME_IS_VALID(probe->last_keepalive) || pts < probe->last_keepalive ||
                 pts - probe->last_keepalive >= kCaptureKeepalive);
    if (!keepalive) {
      probe->dropped = true;
      return GST_PAD_PROBE_DROP;
    }
    probe->last_keepalive = pts;
  } else {
    probe->last_keepalive = GST_CLOCK_TIME_NONE;
  }
  if (!keepalive && !probe->dropped) return GST_PAD_PROBE_OK;
  buffer = gst_buffer_make_writable(buffer);
  if (keepalive) gst_buffer_memset(buffer, 0, 0, gst_buffer_get_size(buffer));
  if (probe->dropped) GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DISCONT);
  probe->dropped = keepalive;  // the next one follows a gap again, unless the gate opened
  GST_PAD_PROBE_INFO_DATA(info) = buffer;
  return GST_PAD_PROBE_OK;
}

GstPadProbeReturn on_echo_reference(GstPad*, GstPadProbeInfo*, gpointer data) {
  return stopped(*static_cast<CaptureGateState*>(data)) ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

}  // namespace

void gate_capture(GstPad* src_pad, CaptureGateState gate) {
  gst_pad_add_probe(src_pad, GST_PAD_PROBE_TYPE_BUFFER, on_capture_buffer,
                    new CaptureProbe{std::move(gate)},
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
