#include "ui/device_monitor.hpp"

#include <gst/gst.h>

namespace shotcall::ui {

namespace {

// gst-launch quoting: a value with anything but plain characters goes in double quotes.
std::string quoted(const std::string& value) {
  if (!value.empty() && value.find_first_of(" \t\"\\!=,;") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// "factory prop=value …" for the element the device creates: the properties it set away from
// their defaults are what select this device (device=…, card=…, path=…).
std::string fragment_of(GstDevice* device) {
  GstElement* element = gst_device_create_element(device, nullptr);
  if (!element) return "";
  gst_object_ref_sink(element);
  GstElementFactory* factory = gst_element_get_factory(element);
  std::string out = factory ? GST_OBJECT_NAME(factory) : "";
  guint n = 0;
  GParamSpec** specs = g_object_class_list_properties(G_OBJECT_GET_CLASS(element), &n);
  for (guint i = 0; i < n && !out.empty(); ++i) {
    GParamSpec* spec = specs[i];
    const std::string name = spec->name;
    if (name == "name" || name == "parent") continue;
    if (!(spec->flags & G_PARAM_READABLE) || !(spec->flags & G_PARAM_WRITABLE)) continue;
    const GType type = G_PARAM_SPEC_VALUE_TYPE(spec);
    const GType base = G_TYPE_FUNDAMENTAL(type);
    if (base != G_TYPE_STRING && base != G_TYPE_BOOLEAN && base != G_TYPE_INT &&
        base != G_TYPE_UINT && base != G_TYPE_INT64 && base != G_TYPE_UINT64 &&
        base != G_TYPE_DOUBLE && base != G_TYPE_FLOAT && base != G_TYPE_ENUM &&
        base != G_TYPE_FLAGS)
      continue;
    GValue value = G_VALUE_INIT;
    g_value_init(&value, type);
    g_object_get_property(G_OBJECT(element), spec->name, &value);
    if (!g_param_value_defaults(spec, &value)) {
      gchar* text = gst_value_serialize(&value);
      if (text) out += " " + name + "=" + quoted(text);
      g_free(text);
    }
    g_value_unset(&value);
  }
  g_free(specs);
  gst_object_unref(element);
  return out;
}

}  // namespace

struct DeviceMonitor::Impl {
  GstDeviceMonitor* monitor = nullptr;
  guint watch = 0;
  std::function<void()> on_changed;

  static gboolean on_bus(GstBus*, GstMessage* message, gpointer data) {
    auto* self = static_cast<Impl*>(data);
    if ((GST_MESSAGE_TYPE(message) == GST_MESSAGE_DEVICE_ADDED ||
         GST_MESSAGE_TYPE(message) == GST_MESSAGE_DEVICE_REMOVED) &&
        self->on_changed) {
      self->on_changed();
    }
    return G_SOURCE_CONTINUE;
  }

  std::vector<AudioDevice> list(bool inputs) const {
    std::vector<AudioDevice> out;
    if (!monitor) return out;
    GList* devices = gst_device_monitor_get_devices(monitor);
    for (GList* l = devices; l; l = l->next) {
      GstDevice* device = GST_DEVICE(l->data);
      const bool is_input = gst_device_has_classes(device, "Audio/Source");
      if (is_input != inputs) continue;
      // PulseAudio/PipeWire list each output's monitor as a source: not a microphone.
      // PipeWire's PulseAudio server says so in the device's properties only.
      gchar* klass = gst_device_get_device_class(device);
      bool monitor_source = klass && g_strrstr(klass, "Monitor");
      g_free(klass);
      if (GstStructure* props = gst_device_get_properties(device)) {
        const gchar* device_class = gst_structure_get_string(props, "device.class");
        if (g_strcmp0(device_class, "monitor") == 0) monitor_source = true;
        gst_structure_free(props);
      }
      if (monitor_source) continue;
      gchar* name = gst_device_get_display_name(device);
      AudioDevice d{name ? name : "", fragment_of(device), is_input};
      g_free(name);
      if (!d.fragment.empty()) out.push_back(std::move(d));
    }
    g_list_free_full(devices, gst_object_unref);
    return out;
  }
};

DeviceMonitor::DeviceMonitor() : impl_(std::make_unique<Impl>()) {}

DeviceMonitor::~DeviceMonitor() {
  if (impl_->watch) g_source_remove(impl_->watch);
  if (impl_->monitor) {
    gst_device_monitor_stop(impl_->monitor);
    gst_object_unref(impl_->monitor);
  }
}

void DeviceMonitor::start(std::function<void()> on_changed) {
  if (impl_->monitor) return;
  gst_init(nullptr, nullptr);
  impl_->on_changed = std::move(on_changed);
  impl_->monitor = gst_device_monitor_new();
  gst_device_monitor_add_filter(impl_->monitor, "Audio/Source", nullptr);
  gst_device_monitor_add_filter(impl_->monitor, "Audio/Sink", nullptr);
  GstBus* bus = gst_device_monitor_get_bus(impl_->monitor);
  impl_->watch = gst_bus_add_watch(bus, &Impl::on_bus, impl_.get());
  gst_object_unref(bus);
  // No device provider (no sound server, no ALSA) is not an error: the defaults still work.
  gst_device_monitor_start(impl_->monitor);
}

std::vector<AudioDevice> DeviceMonitor::inputs() const { return impl_->list(true); }
std::vector<AudioDevice> DeviceMonitor::outputs() const { return impl_->list(false); }

}  // namespace shotcall::ui
