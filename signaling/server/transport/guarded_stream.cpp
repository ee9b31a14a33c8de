#include "signaling/server/transport/guarded_stream.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "signaling/server/transport/descriptor_hub.hpp"
#include "signaling/server/transport/frame_guard.hpp"

namespace shotcall::server {
namespace {

// The C++ state lives in its own struct, constructed and destroyed with the GObject.
struct GuardState {
  GuardState(std::uint64_t max, GuardHooks hooks)
      : guard(max, std::move(hooks.admit_control)), on_fault(std::move(hooks.on_fault)) {}
  FrameGuard guard;
  std::function<void(GuardFault)> on_fault;
  std::string pending;  // passed bytes that did not fit the caller's buffer (a header at most)
};

// A GInputStream that reads the socket straight into the caller's buffer and puts back there
// what the guard lets through. It was a GConverterInputStream, which keeps a 4 KiB input buffer
// per connection for as long as the connection lives: a third of an idle session's memory.
struct GuardedInput {
  GInputStream parent;
  GInputStream* base;
  GSocket* socket;  // under `base`, polled directly; null: `base`'s own source is used
  GuardState* state;
};
struct GuardedInputClass {
  GInputStreamClass parent_class;
};

GuardedInput* as_guarded(gpointer p) { return static_cast<GuardedInput*>(p); }

// `got` bytes were just read into `buffer`: replaces them with what the guard hands on (at most
// `count` bytes; the rest waits in `pending`) and returns how many that is, 0 when the guard held
// everything back (a header not yet complete) or dropped it (a ping over the rate).
gsize pass(GuardState& s, void* buffer, gsize got, gsize count) {
  // One per thread, not per connection: feed() is done with it before anything else runs here.
  thread_local std::string passed;
  passed.clear();
  const bool tripped_now =
      s.guard.feed(std::string_view{static_cast<const char*>(buffer), got}, passed);
  const gsize n = std::min<gsize>(passed.size(), count);
  std::memcpy(buffer, passed.data(), n);
  s.pending.assign(passed, n, std::string::npos);
  if (tripped_now && s.on_fault) s.on_fault(s.guard.fault());
  return n;
}

// A read of the guarded stream: bytes waiting here first; else reads of the socket (`read_base`,
// blocking or not) until something passes, it would block, or it ends. What the guard holds back
// or drops must not look like the end of the stream (0) to the reader.
template <typename ReadBase>
gssize read_through(GuardState& s, void* buffer, gsize count, ReadBase read_base) {
  if (count == 0) return 0;
  if (!s.pending.empty()) {
    const gsize n = std::min<gsize>(s.pending.size(), count);
    std::memcpy(buffer, s.pending.data(), n);
    s.pending.erase(0, n);
    return static_cast<gssize>(n);
  }
  for (;;) {
    const gssize got = read_base(buffer, count);
    if (got <= 0) return got;  // an error (or would block), or the end of the stream
    if (const gsize n = pass(s, buffer, static_cast<gsize>(got), count))
      return static_cast<gssize>(n);
  }
}

gssize read_fn(GInputStream* stream, void* buffer, gsize count, GCancellable* cancellable,
               GError** error) {
  GuardedInput* self = as_guarded(stream);
  return read_through(*self->state, buffer, count, [&](void* into, gsize n) {
    return g_input_stream_read(self->base, into, n, cancellable, error);
  });
}

// The socket is closed by its owner (WsConnection::close_socket), as the output half's is.
gboolean close_fn(GInputStream*, GCancellable*, GError**) { return TRUE; }

gboolean can_poll(GPollableInputStream* stream) {
  GInputStream* base = as_guarded(stream)->base;
  return G_IS_POLLABLE_INPUT_STREAM(base) &&
         g_pollable_input_stream_can_poll(G_POLLABLE_INPUT_STREAM(base));
}

gboolean is_readable(GPollableInputStream* stream) {
  GuardedInput* self = as_guarded(stream);
  return !self->state->pending.empty() ||
         g_pollable_input_stream_is_readable(G_POLLABLE_INPUT_STREAM(self->base));
}

// The source libsoup waits on for a client's next bytes: one GSource on the socket's descriptor.
// `base`'s own source would be four (libsoup's filter stream and GIO's socket stream each wrap
// their base's source in a pollable source of their own, and ours wrapped those), and an I/O
// thread walks every attached source on every wake-up: with a hundred connections a thread, those
// walks were most of what a relayed signal cost. On an I/O thread the descriptor goes into the
// thread's epoll set (descriptor_hub.hpp), which raises `ready`; elsewhere it is polled here.
struct ReadableSource {
  GSource source;
  GObject* stream;  // handed to the GPollableSourceFunc, as a pollable source does
  GSocket* socket;
  // Constructed in place (g_source_new only zeroes the struct): no allocation per message.
  std::shared_ptr<DescriptorHub> hub;  // empty: `fd_tag` polls the descriptor
  gpointer fd_tag;
  int fd;         // as watched: a closed GSocket no longer says which number it had
  bool watching;  // the descriptor is in the context's poll or the hub's set
  std::atomic<bool> ready;
};

void stop_watching(ReadableSource* self) {
  if (!self->watching) return;
  self->watching = false;
  if (self->hub)
    self->hub->unwatch(self->fd, &self->ready);
  else
    g_source_remove_unix_fd(&self->source, self->fd_tag);
}

gboolean readable_prepare(GSource* source, gint* timeout) {
  auto* self = reinterpret_cast<ReadableSource*>(source);
  *timeout = -1;
  // As GIO's socket source: a socket closed under the source is ready, so that its reader learns
  // it from its next read; and its descriptor number may already belong to another connection.
  if (self->watching && g_socket_is_closed(self->socket)) stop_watching(self);
  return !self->watching || self->ready.load(std::memory_order_relaxed);
}

gboolean readable_check(GSource* source) {
  // GLib also takes the source as ready when a descriptor it polls itself reports an event.
  return reinterpret_cast<ReadableSource*>(source)->ready.load(std::memory_order_relaxed);
}

gboolean readable_dispatch(GSource* source, GSourceFunc callback, gpointer data) {
  auto* self = reinterpret_cast<ReadableSource*>(source);
  self->ready.store(false, std::memory_order_relaxed);  // level-triggered: raised again if unread
  if (!callback) return G_SOURCE_REMOVE;
  // Set as a GSourceFunc (g_source_set_callback), called as what it is; through void(*)() as C
  // casts between function types must go.
  auto on_ready = reinterpret_cast<GPollableSourceFunc>(reinterpret_cast<void (*)()>(callback));
  return on_ready(self->stream, data);
}

void readable_finalize(GSource* source) {
  auto* self = reinterpret_cast<ReadableSource*>(source);
  // GLib lets go of a polled descriptor itself; the hub's entry is ours to remove.
  if (self->hub && self->watching) self->hub->unwatch(self->fd, &self->ready);
  self->hub.~shared_ptr();
  g_object_unref(self->stream);
  g_object_unref(self->socket);
}

GSourceFuncs readable_funcs = {readable_prepare,  readable_check, readable_dispatch,
                               readable_finalize, nullptr,        nullptr};

GSource* new_readable_source(GObject* stream, GSocket* socket, bool readable_now) {
  GSource* source = g_source_new(&readable_funcs, sizeof(ReadableSource));
  g_source_set_static_name(source, "shotcall guarded input");
  auto* self = reinterpret_cast<ReadableSource*>(source);
  self->stream = G_OBJECT(g_object_ref(stream));
  self->socket = G_SOCKET(g_object_ref(socket));
  new (&self->hub) std::shared_ptr<DescriptorHub>();
  self->ready.store(readable_now, std::memory_order_relaxed);
  if (g_socket_is_closed(socket)) return source;  // ready at once, as closed (see prepare)
  const int fd = self->fd = g_socket_get_fd(socket);
  if (auto hub = DescriptorHub::current(); hub && hub->watch(fd, self->socket, &self->ready)) {
    self->hub = std::move(hub);
  } else {
    self->fd_tag = g_source_add_unix_fd(source, fd, GIOCondition(G_IO_IN | G_IO_HUP | G_IO_ERR));
  }
  self->watching = true;
  return source;
}

GSource* create_source(GPollableInputStream* stream, GCancellable* cancellable) {
  GuardedInput* self = as_guarded(stream);
  if (self->socket && !cancellable) {
    // Readable now if bytes wait here or in `base` (libsoup's buffer may hold bytes that came
    // with the handshake): the socket alone would not say so.
    return new_readable_source(G_OBJECT(stream), self->socket, is_readable(stream));
  }
  // Bytes waiting here are readable now, whatever the socket says.
  GSource* base_source =
      self->state->pending.empty()
          ? g_pollable_input_stream_create_source(G_POLLABLE_INPUT_STREAM(self->base), nullptr)
          : g_timeout_source_new(0);
  GSource* source = g_pollable_source_new_full(stream, base_source, cancellable);
  g_source_unref(base_source);
  return source;
}

gssize read_nonblocking(GPollableInputStream* stream, void* buffer, gsize count, GError** error) {
  GuardedInput* self = as_guarded(stream);
  return read_through(*self->state, buffer, count, [&](void* into, gsize n) {
    return g_pollable_input_stream_read_nonblocking(G_POLLABLE_INPUT_STREAM(self->base), into, n,
                                                    nullptr, error);
  });
}

static void pollable_iface_init(GPollableInputStreamInterface* iface) {
  iface->can_poll = can_poll;
  iface->is_readable = is_readable;
  iface->create_source = create_source;
  iface->read_nonblocking = read_nonblocking;
}

static void guarded_input_init(GuardedInput* self) {
  self->base = nullptr;
  self->socket = nullptr;
  self->state = nullptr;
}

static void guarded_input_finalize(GObject* object);

static void guarded_input_class_init(GuardedInputClass* klass) {
  G_OBJECT_CLASS(klass)->finalize = guarded_input_finalize;
  GInputStreamClass* in = G_INPUT_STREAM_CLASS(klass);
  in->read_fn = read_fn;
  in->close_fn = close_fn;
}

G_DEFINE_TYPE_WITH_CODE(GuardedInput, guarded_input, G_TYPE_INPUT_STREAM,
                        G_IMPLEMENT_INTERFACE(G_TYPE_POLLABLE_INPUT_STREAM, pollable_iface_init))

static void guarded_input_finalize(GObject* object) {
  GuardedInput* self = as_guarded(object);
  delete self->state;
  if (self->base) g_object_unref(self->base);
  if (self->socket) g_object_unref(self->socket);
  G_OBJECT_CLASS(guarded_input_parent_class)->finalize(object);
}

}  // namespace

GIOStream* new_guarded_stream(GIOStream* base, GSocket* socket, std::uint64_t max_message_bytes,
                              GuardHooks hooks) {
  auto* in = static_cast<GuardedInput*>(g_object_new(guarded_input_get_type(), nullptr));
  in->base = G_INPUT_STREAM(g_object_ref(g_io_stream_get_input_stream(base)));
  in->socket = socket ? G_SOCKET(g_object_ref(socket)) : nullptr;
  in->state = new GuardState(max_message_bytes, std::move(hooks));
  GIOStream* stream =
      g_simple_io_stream_new(G_INPUT_STREAM(in), g_io_stream_get_output_stream(base));
  g_object_unref(in);
  return stream;
}

}  // namespace shotcall::server
