#include "app/media/gst_util.hpp"

namespace shotcall::media {

void post_to_context(GMainContext* context, std::function<void()> fn) {
  auto* heap = new std::function<void()>(std::move(fn));
  GSource* source = g_idle_source_new();
  g_source_set_priority(source, G_PRIORITY_DEFAULT);
  g_source_set_callback(
      source,
      [](gpointer data) -> gboolean {
        (*static_cast<std::function<void()>*>(data))();
        return G_SOURCE_REMOVE;
      },
      heap, [](gpointer data) { delete static_cast<std::function<void()>*>(data); });
  g_source_attach(source, context);
  g_source_unref(source);
}

GstElement* make_element(const char* factory, const char* name, std::string* error) {
  GstElement* e = gst_element_factory_make(factory, name);
  if (!e && error) *error = std::string("GStreamer element '") + factory + "' is not installed";
  return e;
}

GstElement* child_of_bin_containing(GstBin* bin, GstObject* object) {
  GstObject* current = object ? GST_OBJECT(gst_object_ref(object)) : nullptr;
  while (current) {
    GstObject* parent = gst_object_get_parent(current);
    if (parent == GST_OBJECT(bin)) {
      gst_object_unref(parent);
      GstElement* found = GST_IS_ELEMENT(current) ? GST_ELEMENT(current) : nullptr;
      gst_object_unref(current);  // still referenced by the bin
      return found;
    }
    gst_object_unref(current);
    current = parent;
  }
  return nullptr;
}

}  // namespace shotcall::media
