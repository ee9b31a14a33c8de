#include "app/media/branch_swap.hpp"

#include <atomic>

#include "app/media/gst_util.hpp"

namespace shotcall::media {
namespace {

void unlink_old(GstElement* old, GstElement* neighbour, BranchEnd end) {
  if (end == BranchEnd::Source)
    gst_element_unlink(old, neighbour);
  else
    gst_element_unlink(neighbour, old);
}

bool link_fresh(GstElement* fresh, GstElement* neighbour, BranchEnd end) {
  return end == BranchEnd::Source ? gst_element_link(fresh, neighbour)
                                  : gst_element_link(neighbour, fresh);
}

// The pad on `neighbour` that faces the old element.
GstPad* facing_pad(GstElement* neighbour, BranchEnd end) {
  return gst_element_get_static_pad(neighbour, end == BranchEnd::Source ? "sink" : "src");
}

// No reference to the bin or the neighbour: the probe lives on the neighbour's pad, so holding
// either would keep that pad, and with it this Swap, alive forever if the probe never fired.
struct Swap {
  GstElement* old;    // ref
  GstElement* fresh;  // ref
  BranchEnd end;
  GMainContext* context;  // ref
  std::atomic<bool> done{false};
};

void free_swap(gpointer data) {
  auto* s = static_cast<Swap*>(data);
  gst_object_unref(s->old);
  gst_object_unref(s->fresh);
  g_main_context_unref(s->context);
  delete s;
}

GstPadProbeReturn swap_when_idle(GstPad* pad, GstPadProbeInfo*, gpointer data) {
  auto* s = static_cast<Swap*>(data);
  // An idle probe may be called more than once (from several threads) before it is removed.
  if (s->done.exchange(true)) return GST_PAD_PROBE_REMOVE;
  GPtr<GstElement> neighbour(gst_pad_get_parent_element(pad));
  GstObject* parent = neighbour ? gst_object_get_parent(GST_OBJECT(neighbour.get())) : nullptr;
  if (!parent) return GST_PAD_PROBE_REMOVE;  // the pipeline is being taken apart
  GstBin* bin = GST_BIN(parent);             // our ref, handed to the main context below
  unlink_old(s->old, neighbour.get(), s->end);
  gst_bin_add(bin, GST_ELEMENT(gst_object_ref(s->fresh)));
  if (!link_fresh(s->fresh, neighbour.get(), s->end)) {
    GST_ELEMENT_ERROR(s->fresh, CORE, NEGOTIATION, ("stand-in does not link"), (nullptr));
  }
  gst_element_sync_state_with_parent(s->fresh);
  // The old element stops on the main context: its own streaming thread may be running this.
  GstElement* old = GST_ELEMENT(gst_object_ref(s->old));
  post_to_context(s->context, [bin, old] {
    gst_element_set_state(old, GST_STATE_NULL);
    if (GST_OBJECT_PARENT(old) == GST_OBJECT(bin)) gst_bin_remove(bin, old);
    gst_object_unref(old);
    gst_object_unref(bin);
  });
  return GST_PAD_PROBE_REMOVE;
}

}  // namespace

bool replace_stopped(GstBin* bin, GstElement* old, GstElement* fresh, GstElement* neighbour,
                     BranchEnd end) {
  gst_object_ref_sink(fresh);
  unlink_old(old, neighbour, end);
  gst_element_set_state(old, GST_STATE_NULL);
  gst_bin_remove(bin, old);
  gst_bin_add(bin, fresh);
  const bool ok = link_fresh(fresh, neighbour, end);
  gst_object_unref(fresh);  // the bin's now
  return ok;
}

void replace_running(GstBin*, GstElement* old, GstElement* fresh, GstElement* neighbour,
                     BranchEnd end, GMainContext* context) {
  auto* s = new Swap{GST_ELEMENT(gst_object_ref(old)), GST_ELEMENT(gst_object_ref_sink(fresh)), end,
                     g_main_context_ref(context)};
  GPtr<GstPad> pad(facing_pad(neighbour, end));
  gst_pad_add_probe(pad.get(), GST_PAD_PROBE_TYPE_IDLE, swap_when_idle, s, free_swap);
}

}  // namespace shotcall::media
