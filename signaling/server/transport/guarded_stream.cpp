#include "signaling/server/transport/guarded_stream.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

#include "signaling/server/transport/frame_guard.hpp"

namespace shotcall::server {
namespace {

// The C++ state lives in its own struct, constructed and destroyed with the GObject.
struct GuardState {
  GuardState(std::uint64_t max, GuardHooks hooks)
      : guard(max, std::move(hooks.admit_control)), on_fault(std::move(hooks.on_fault)) {}
  FrameGuard guard;
  std::function<void(GuardFault)> on_fault;
  std::string pending;  // output that did not fit the caller's buffer
  std::string scratch;
};

struct FrameGuardConverter {
  GObject parent;
  GuardState* state;
};
struct FrameGuardConverterClass {
  GObjectClass parent_class;
};

FrameGuardConverter* as_converter(GConverter* c) {
  return reinterpret_cast<FrameGuardConverter*>(c);
}

GConverterResult convert(GConverter* converter, const void* inbuf, gsize inbuf_size, void* outbuf,
                         gsize outbuf_size, GConverterFlags flags, gsize* bytes_read,
                         gsize* bytes_written, GError** error) {
  GuardState& s = *as_converter(converter)->state;
  *bytes_read = 0;
  *bytes_written = 0;
  // GConverter rules: progress on every CONVERTED; NO_SPACE / PARTIAL_INPUT when none is possible.
  if (!s.pending.empty()) {
    if (outbuf_size == 0) {
      g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "no space");
      return G_CONVERTER_ERROR;
    }
    const gsize n = std::min<gsize>(s.pending.size(), outbuf_size);
    std::memcpy(outbuf, s.pending.data(), n);
    s.pending.erase(0, n);
    *bytes_written = n;
    return G_CONVERTER_CONVERTED;
  }
  if (inbuf_size == 0) {
    if (flags & G_CONVERTER_INPUT_AT_END) return G_CONVERTER_FINISHED;
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT, "need input");
    return G_CONVERTER_ERROR;
  }
  if (outbuf_size == 0) {
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "no space");
    return G_CONVERTER_ERROR;
  }
  // Output never exceeds input plus one held-back header, so feeding at most outbuf_size bytes
  // keeps `pending` tiny.
  const gsize take = std::min(inbuf_size, outbuf_size);
  s.scratch.clear();
  const bool tripped_now =
      s.guard.feed(std::string_view{static_cast<const char*>(inbuf), take}, s.scratch);
  *bytes_read = take;
  const gsize n = std::min<gsize>(s.scratch.size(), outbuf_size);
  std::memcpy(outbuf, s.scratch.data(), n);
  *bytes_written = n;
  s.pending.assign(s.scratch, n, std::string::npos);
  if (tripped_now && s.on_fault) s.on_fault(s.guard.fault());
  return G_CONVERTER_CONVERTED;
}

void reset(GConverter*) {}

static void converter_iface_init(GConverterIface* iface) {
  iface->convert = convert;
  iface->reset = reset;
}

static void frame_guard_converter_init(FrameGuardConverter* self) { self->state = nullptr; }

static void frame_guard_converter_finalize(GObject* object);

static void frame_guard_converter_class_init(FrameGuardConverterClass* klass) {
  G_OBJECT_CLASS(klass)->finalize = frame_guard_converter_finalize;
}

G_DEFINE_TYPE_WITH_CODE(FrameGuardConverter, frame_guard_converter, G_TYPE_OBJECT,
                        G_IMPLEMENT_INTERFACE(G_TYPE_CONVERTER, converter_iface_init))

static void frame_guard_converter_finalize(GObject* object) {
  delete reinterpret_cast<FrameGuardConverter*>(object)->state;
  G_OBJECT_CLASS(frame_guard_converter_parent_class)->finalize(object);
}

}  // namespace

GIOStream* new_guarded_stream(GIOStream* base, std::uint64_t max_message_bytes, GuardHooks hooks) {
  auto* converter =
      static_cast<FrameGuardConverter*>(g_object_new(frame_guard_converter_get_type(), nullptr));
  converter->state = new GuardState(max_message_bytes, std::move(hooks));
  GInputStream* in =
      g_converter_input_stream_new(g_io_stream_get_input_stream(base), G_CONVERTER(converter));
  g_object_unref(converter);
  GIOStream* stream = g_simple_io_stream_new(in, g_io_stream_get_output_stream(base));
  g_object_unref(in);
  return stream;
}

}  // namespace shotcall::server
