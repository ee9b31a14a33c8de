#include "signaling/server/transport/output_meter.hpp"

#include <algorithm>

namespace shotcall::server {

void OutputMeter::feed(const std::uint8_t* bytes, std::size_t n) {
  while (n > 0) {
    if (payload_left_ > 0) {
      const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(payload_left_, n));
      if (counted_frame_) written_ += take;
      payload_left_ -= take;
      bytes += take;
      n -= take;
      continue;
    }
    header_[header_len_++] = *bytes++;
    --n;
    if (header_len_ < 2) continue;
    const std::uint8_t len7 = header_[1] & 0x7f;
    const std::size_t extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    const std::size_t mask = (header_[1] & 0x80) ? 4 : 0;
    if (header_len_ < 2 + extended + mask) continue;
    std::uint64_t length = len7;
    if (extended > 0) {
      length = 0;
      for (std::size_t i = 0; i < extended; ++i) length = (length << 8) | header_[2 + i];
    }
    const std::uint8_t opcode = header_[0] & 0x0f;
    counted_frame_ = opcode < 0x8 || opcode == 0xA;  // continuation, text, binary; pong
    if (counted_frame_) written_ += kQueuedFrameOverhead;
    payload_left_ = length;
    header_len_ = 0;
  }
}

namespace {

struct MeteredOutput {
  GOutputStream parent;
  GOutputStream* base;
  std::shared_ptr<OutputMeter>* meter;
};
struct MeteredOutputClass {
  GOutputStreamClass parent_class;
};

MeteredOutput* as_metered(gpointer p) { return static_cast<MeteredOutput*>(p); }

void count(MeteredOutput* self, const void* buffer, gssize written) {
  if (written > 0)
    (*self->meter)
        ->feed(static_cast<const std::uint8_t*>(buffer), static_cast<std::size_t>(written));
}

gssize write_fn(GOutputStream* stream, const void* buffer, gsize count_bytes,
                GCancellable* cancellable, GError** error) {
  MeteredOutput* self = as_metered(stream);
  const gssize n = g_output_stream_write(self->base, buffer, count_bytes, cancellable, error);
  count(self, buffer, n);
  return n;
}

gboolean flush_fn(GOutputStream* stream, GCancellable* cancellable, GError** error) {
  return g_output_stream_flush(as_metered(stream)->base, cancellable, error);
}

// The socket is closed by its owner (WsConnection::close_socket), never by a blocking flush here.
gboolean close_fn(GOutputStream*, GCancellable*, GError**) { return TRUE; }

gboolean can_poll(GPollableOutputStream* stream) {
  GOutputStream* base = as_metered(stream)->base;
  return G_IS_POLLABLE_OUTPUT_STREAM(base) &&
         g_pollable_output_stream_can_poll(G_POLLABLE_OUTPUT_STREAM(base));
}

gboolean is_writable(GPollableOutputStream* stream) {
  return g_pollable_output_stream_is_writable(G_POLLABLE_OUTPUT_STREAM(as_metered(stream)->base));
}

GSource* create_source(GPollableOutputStream* stream, GCancellable* cancellable) {
  GSource* base_source = g_pollable_output_stream_create_source(
      G_POLLABLE_OUTPUT_STREAM(as_metered(stream)->base), nullptr);
  GSource* source = g_pollable_source_new_full(stream, base_source, cancellable);
  g_source_unref(base_source);
  return source;
}

gssize write_nonblocking(GPollableOutputStream* stream, const void* buffer, gsize count_bytes,
                         GError** error) {
  MeteredOutput* self = as_metered(stream);
  const gssize n = g_pollable_output_stream_write_nonblocking(G_POLLABLE_OUTPUT_STREAM(self->base),
                                                              buffer, count_bytes, nullptr, error);
  count(self, buffer, n);
  return n;
}

static void pollable_iface_init(GPollableOutputStreamInterface* iface) {
  iface->can_poll = can_poll;
  iface->is_writable = is_writable;
  iface->create_source = create_source;
  iface->write_nonblocking = write_nonblocking;
}

static void metered_output_init(MeteredOutput* self) {
  self->base = nullptr;
  self->meter = nullptr;
}

static void metered_output_finalize(GObject* object);

static void metered_output_class_init(MeteredOutputClass* klass) {
  G_OBJECT_CLASS(klass)->finalize = metered_output_finalize;
  GOutputStreamClass* out = G_OUTPUT_STREAM_CLASS(klass);
  out->write_fn = write_fn;
  out->flush = flush_fn;
  out->close_fn = close_fn;
}

G_DEFINE_TYPE_WITH_CODE(MeteredOutput, metered_output, G_TYPE_OUTPUT_STREAM,
                        G_IMPLEMENT_INTERFACE(G_TYPE_POLLABLE_OUTPUT_STREAM, pollable_iface_init))

static void metered_output_finalize(GObject* object) {
  MeteredOutput* self = as_metered(object);
  delete self->meter;
  if (self->base) g_object_unref(self->base);
  G_OBJECT_CLASS(metered_output_parent_class)->finalize(object);
}

// The pair libsoup reads and writes: the shared input half and the metered output. Not a
// GSimpleIOStream because of how it closes. libsoup closes its stream with g_io_stream_close_async,
// whose default runs the close in a GIO worker thread: our output's flush_fn and the frame
// guard's input then ran there while the main loop closed the socket under them (WsConnection::
// close_socket, a server stopping), with nothing ordering the two (ThreadSanitizer saw flush_fn
// race). Both halves close without blocking (the socket itself is closed by its owner), so the
// close runs where it is asked for, on the main loop, like every other use of these streams.
struct MeteredIOStream {
  GIOStream parent;
  GInputStream* input;
  GOutputStream* output;
};
struct MeteredIOStreamClass {
  GIOStreamClass parent_class;
};

MeteredIOStream* as_metered_io(gpointer p) { return static_cast<MeteredIOStream*>(p); }

GInputStream* get_input(GIOStream* stream) { return as_metered_io(stream)->input; }
GOutputStream* get_output(GIOStream* stream) { return as_metered_io(stream)->output; }

static void metered_io_stream_init(MeteredIOStream* self) {
  self->input = nullptr;
  self->output = nullptr;
}

static void metered_io_stream_close_async(GIOStream* stream, int io_priority,
                                          GCancellable* cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
static gboolean metered_io_stream_close_finish(GIOStream* stream, GAsyncResult* result,
                                               GError** error);
static void metered_io_stream_finalize(GObject* object);

static void metered_io_stream_class_init(MeteredIOStreamClass* klass) {
  G_OBJECT_CLASS(klass)->finalize = metered_io_stream_finalize;
  GIOStreamClass* io = G_IO_STREAM_CLASS(klass);
  io->get_input_stream = get_input;
  io->get_output_stream = get_output;
  io->close_async = metered_io_stream_close_async;
  io->close_finish = metered_io_stream_close_finish;
}

G_DEFINE_TYPE(MeteredIOStream, metered_io_stream, G_TYPE_IO_STREAM)

static void metered_io_stream_close_async(GIOStream* stream, int io_priority,
                                          GCancellable* cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data) {
  GTask* task = g_task_new(stream, cancellable, callback, user_data);
  g_task_set_priority(task, io_priority);
  GError* error = nullptr;
  // GIOStream's own close_fn: closes the output half, then the input half, here and now.
  if (G_IO_STREAM_CLASS(metered_io_stream_parent_class)->close_fn(stream, cancellable, &error))
    g_task_return_boolean(task, TRUE);
  else
    g_task_return_error(task, error);
  g_object_unref(task);
}

static gboolean metered_io_stream_close_finish(GIOStream*, GAsyncResult* result, GError** error) {
  return g_task_propagate_boolean(G_TASK(result), error);
}

static void metered_io_stream_finalize(GObject* object) {
  MeteredIOStream* self = as_metered_io(object);
  if (self->input) g_object_unref(self->input);
  if (self->output) g_object_unref(self->output);
  G_OBJECT_CLASS(metered_io_stream_parent_class)->finalize(object);
}

}  // namespace

GIOStream* with_metered_output(GIOStream* stream, std::shared_ptr<OutputMeter> meter) {
  auto* out = static_cast<MeteredOutput*>(g_object_new(metered_output_get_type(), nullptr));
  out->base = G_OUTPUT_STREAM(g_object_ref(g_io_stream_get_output_stream(stream)));
  out->meter = new std::shared_ptr<OutputMeter>(std::move(meter));
  auto* io = static_cast<MeteredIOStream*>(g_object_new(metered_io_stream_get_type(), nullptr));
  io->input = G_INPUT_STREAM(g_object_ref(g_io_stream_get_input_stream(stream)));
  io->output = G_OUTPUT_STREAM(out);  // takes g_object_new's reference
  GIOStream* metered = G_IO_STREAM(io);
  // A GIOStream closes its halves when it is disposed: `stream` must live as long as the new one
  // (closing a TLS connection's output half would end the TLS session).
  g_object_set_data_full(G_OBJECT(metered), "shotcall-metered-inner", g_object_ref(stream),
                         g_object_unref);
  return metered;
}

}  // namespace shotcall::server
