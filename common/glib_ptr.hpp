// One owning pointer for GLib, GObject and GStreamer values: GPtr<T> gives back what it holds
// (unref or free) when it lets go, and moves like any std::unique_ptr.
//
// Two headers, one type: this one needs only GLib and GObject, so the pure floors (protocol, mesh,
// game parsing) may include it; common/gst_ptr.hpp includes this one and teaches GPtr the
// GStreamer types. Pure code must never see a GStreamer header, so they cannot live here.
#pragma once

#include <glib-object.h>

#include <memory>
#include <type_traits>

namespace shotcall {

// GStreamer's GstCaps, GstBuffer, GstMessage... begin with a `mini_object` member.
template <typename T>
concept HasMiniObjectMember = requires(T* p) {
  p->mini_object;
};

// How a T that one owns is given back (`release`) and, for shared values, how another owner takes
// a reference of its own (`ref`, used by new_ref()).
//
// The primary template serves GObject and everything derived from it (GSocket, JsonParser,
// SoupSession, GstElement, GstPad...): C gives derived types no base the compiler can see, so
// GObject is the rule and every other kind of value needs its specialisation below (GLib) or in
// common/gst_ptr.hpp (GStreamer). Boxed json-glib values (JsonNode, JsonObject, JsonArray) are
// not GObjects: they need a specialisation before anyone holds them in a GPtr.
// GLib values that are not GObjects and have no specialisation yet: g_object_unref on one would
// crash at run time, so holding one is refused at compile time until it is taught here.
template <typename T>
concept UntaughtGLibValue = std::is_same_v<T, GMainContext> || std::is_same_v<T, GMainLoop> ||
    std::is_same_v<T, GSource> || std::is_same_v<T, GVariant> || std::is_same_v<T, GHashTable> ||
    std::is_same_v<T, GString> || std::is_same_v<T, GDateTime> || std::is_same_v<T, GPtrArray> ||
    std::is_same_v<T, GArray> || std::is_same_v<T, GKeyFile> || std::is_same_v<T, GRegex> ||
    std::is_same_v<T, GTimer> || std::is_same_v<T, GAsyncQueue>;

template <typename T>
struct GOwnership {
  // The mistake the two headers invite: a GStreamer mini object held with only this header
  // included would be g_object_unref'd.
  static_assert(!HasMiniObjectMember<T>, "a GStreamer mini object: include common/gst_ptr.hpp");
  static_assert(!UntaughtGLibValue<T>, "not a GObject: specialise GOwnership for it first");

  static void release(T* p) { g_object_unref(p); }
  static T* ref(T* p) { return static_cast<T*>(g_object_ref(p)); }
};

template <>
struct GOwnership<GError> {
  static void release(GError* p) { g_error_free(p); }
};

// A string (or any buffer) from g_malloc: g_strdup, g_inet_address_to_string, g_utf8_normalize...
template <>
struct GOwnership<gchar> {
  static void release(gchar* p) { g_free(p); }
};

template <>
struct GOwnership<GBytes> {
  static void release(GBytes* p) { g_bytes_unref(p); }
  static GBytes* ref(GBytes* p) { return g_bytes_ref(p); }
};

template <>
struct GOwnership<GByteArray> {
  static void release(GByteArray* p) { g_byte_array_unref(p); }
  static GByteArray* ref(GByteArray* p) { return g_byte_array_ref(p); }
};

template <>
struct GOwnership<GMainContext> {
  static void release(GMainContext* p) { g_main_context_unref(p); }
  static GMainContext* ref(GMainContext* p) { return g_main_context_ref(p); }
};

template <>
struct GOwnership<GSource> {
  static void release(GSource* p) { g_source_unref(p); }
  static GSource* ref(GSource* p) { return g_source_ref(p); }
};

template <>
struct GOwnership<GChecksum> {
  static void release(GChecksum* p) { g_checksum_free(p); }
};

// The deleter of every GPtr: one type, whatever T is; nullptr is fine.
struct GDeleter {
  template <typename T>
  void operator()(T* p) const {
    if (p) GOwnership<T>::release(p);
  }
};

template <typename T>
using GPtr = std::unique_ptr<T, GDeleter>;

// A reference of the caller's own to a borrowed `p` (nullptr gives an empty GPtr), for holders
// that keep what they were lent.
template <typename T>
GPtr<T> new_ref(T* p) {
  return GPtr<T>{p ? GOwnership<T>::ref(p) : nullptr};
}

}  // namespace shotcall
