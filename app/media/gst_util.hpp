// Small threading and element helpers shared by the media files (internal, not public API).
#pragma once

#include <gst/gst.h>

#include <functional>
#include <string>

#include "common/gst_ptr.hpp"  // GPtr, for the media files that include this one

namespace shotcall::media {

// Runs `fn` later on `context` from an idle source, whatever thread calls this. Never runs it
// inline, so a caller on the main thread is not re-entered. This is how streaming-thread
// callbacks reach the main loop before touching any engine state.
void post_to_context(GMainContext* context, std::function<void()> fn);

// Makes an element or returns nullptr with `error` saying which factory is missing.
GstElement* make_element(const char* factory, const char* name, std::string* error);

// The direct child of `bin` that contains `object` (or is it), or nullptr when `object` is not
// inside `bin` (for instance because it was removed already).
GstElement* child_of_bin_containing(GstBin* bin, GstObject* object);

}  // namespace shotcall::media
