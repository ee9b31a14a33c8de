// GPtr (common/glib_ptr.hpp) for GStreamer values. Apart from glib_ptr.hpp because pure floors
// must not see a GStreamer header; code that holds GStreamer values includes this one instead.
//
// GstObject and everything derived from it (GstElement, GstPad, GstBus...) are GObjects: the
// primary GOwnership serves them (gst_object_unref is g_object_unref plus a trace line). What
// needs teaching is the mini objects, which are refcounted but not GObjects.
#pragma once

#include <gst/gst.h>

#include "common/glib_ptr.hpp"

namespace shotcall {

template <typename T>
struct GstMiniObjectOwnership {
  static void release(T* p) { gst_mini_object_unref(GST_MINI_OBJECT_CAST(p)); }
  static T* ref(T* p) { return reinterpret_cast<T*>(gst_mini_object_ref(GST_MINI_OBJECT_CAST(p))); }
};

template <>
struct GOwnership<GstCaps> : GstMiniObjectOwnership<GstCaps> {};
template <>
struct GOwnership<GstMessage> : GstMiniObjectOwnership<GstMessage> {};
template <>
struct GOwnership<GstPromise> : GstMiniObjectOwnership<GstPromise> {};
template <>
struct GOwnership<GstSample> : GstMiniObjectOwnership<GstSample> {};

}  // namespace shotcall
