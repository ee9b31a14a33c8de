// Replaces the element at one end of a chain (the microphone fragment upstream of the capture
// chain, or the speaker fragment downstream of the output chain) with a stand-in, in a stopped
// or a running bin. Internal to app/media.
#pragma once

#include <gst/gst.h>

namespace shotcall::media {

enum class BranchEnd {
  Source,  // `old` feeds `neighbour`
  Sink,    // `neighbour` feeds `old`
};

// The bin is not running (NULL): unlinks `old`, removes it, adds `fresh` and links it in its
// place. Takes ownership of a floating `fresh`. False when `fresh` does not link.
bool replace_stopped(GstBin* bin, GstElement* old, GstElement* fresh, GstElement* neighbour,
                     BranchEnd end);

// The bin runs: blocks the pad between `old` and `neighbour` until it is idle
// (GST_PAD_PROBE_TYPE_IDLE), and in that moment unlinks `old`, adds `fresh`, links it and brings
// it to the bin's state, so no buffer meets an unlinked pad. `old` is then set to NULL and removed
// on `context` (never from a streaming thread: `old`'s own thread may be the one that found the
// pad idle). Takes ownership of a floating `fresh`.
// `bin` is `neighbour`'s parent (found again from the pad when the probe fires).
void replace_running(GstBin* bin, GstElement* old, GstElement* fresh, GstElement* neighbour,
                     BranchEnd end, GMainContext* context);

}  // namespace shotcall::media
