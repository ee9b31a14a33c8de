// Owning pointers for GObject and GLib values, so lifetimes read like the rest of the C++.
#pragma once

#include <glib-object.h>

#include <memory>

namespace shotcall::server {

struct GObjectUnref {
  void operator()(gpointer p) const {
    if (p) g_object_unref(p);
  }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct GErrorFree {
  void operator()(GError* e) const {
    if (e) g_error_free(e);
  }
};
using GErrorPtr = std::unique_ptr<GError, GErrorFree>;

}  // namespace shotcall::server
