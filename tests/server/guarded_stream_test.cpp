// The stream libsoup reads a client through (transport/guarded_stream.hpp), over a real socket
// pair: it reads into the reader's buffer and keeps no buffer of its own, so these check what
// that must still get right — bytes handed on intact through buffers smaller than a frame, a
// header split across reads held back without looking like the end of the stream, dropped pings
// leaving nothing behind, a fault reported once, and the end of the stream passed on.
#include "signaling/server/transport/guarded_stream.hpp"

#include <gio/gio.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/glib_ptr.hpp"
#include "signaling/server/transport/descriptor_hub.hpp"
#include "tests/support/raw_ws_client.hpp"

namespace shotcall::server {
namespace {

using shotcall::test::RawWsClient;

std::string frame(unsigned opcode, const std::string& payload) {
  return RawWsClient::encode_frame(opcode, true, payload);
}

// A connected socket pair: `stream` is the server's side (a GSocketConnection, as libsoup's),
// bytes written to `client` arrive on it.
struct SocketPair {
  SocketPair() {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
      throw std::runtime_error("socketpair");
    client = fds[1];
    socket.reset(g_socket_new_from_fd(fds[0], nullptr));
    if (!socket) throw std::runtime_error("g_socket_new_from_fd");
    stream.reset(G_IO_STREAM(g_socket_connection_factory_create_connection(socket.get())));
  }
  ~SocketPair() {
    if (client >= 0) ::close(client);
  }
  void send(const std::string& bytes) const {
    ASSERT_EQ(::write(client, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
  void end() {
    ::close(client);
    client = -1;
  }
  int client = -1;
  GPtr<GSocket> socket;
  GPtr<GIOStream> stream;
};

struct Guarded {
  explicit Guarded(SocketPair& pair, std::uint64_t max = 1000, int controls_allowed = 100) {
    GuardHooks hooks;
    hooks.on_fault = [this](GuardFault why) { faults.push_back(why); };
    hooks.admit_control = [this, controls_allowed](bool, std::uint64_t) {
      return ++controls_offered <= controls_allowed;
    };
    io.reset(new_guarded_stream(pair.stream.get(), pair.socket.get(), max, std::move(hooks)));
    in = G_POLLABLE_INPUT_STREAM(g_io_stream_get_input_stream(io.get()));
  }
  // One non-blocking read of at most `count` bytes: the bytes, or nullopt for "would block";
  // `ended` says whether it was the end of the stream.
  std::optional<std::string> read(gsize count, bool* ended = nullptr) {
    std::string buffer(count, '\0');
    GError* error = nullptr;
    const gssize n =
        g_pollable_input_stream_read_nonblocking(in, buffer.data(), count, nullptr, &error);
    if (ended) *ended = n == 0;
    if (n < 0) {
      EXPECT_TRUE(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) << error->message;
      g_error_free(error);
      return std::nullopt;
    }
    buffer.resize(static_cast<std::size_t>(n));
    return buffer;
  }
  // Everything readable now, through reads of `count` bytes.
  std::string read_all(gsize count) {
    std::string out;
    while (const auto chunk = read(count)) {
      if (chunk->empty()) break;
      out += *chunk;
    }
    return out;
  }
  // The stream's pollable source, attached to `context` and calling back into `fired`.
  GPtr<GSource> watch(GMainContext* context) {
    GPtr<GSource> source{g_pollable_input_stream_create_source(in, nullptr)};
    GPollableSourceFunc on_ready = [](GObject* stream, gpointer data) -> gboolean {
      static_cast<Guarded*>(data)->fired_with.push_back(stream);
      return G_SOURCE_CONTINUE;
    };
    g_source_set_callback(source.get(), G_SOURCE_FUNC(on_ready), this, nullptr);
    g_source_attach(source.get(), context);
    return source;
  }
  std::vector<GObject*> fired_with;  // the stream each call back was handed
  std::vector<GuardFault> faults;
  int controls_offered = 0;
  GPtr<GIOStream> io;
  GPollableInputStream* in = nullptr;
};

// A guarded stream whose pollable source is attached to a context of its own.
struct Watched {
  Watched() : context(g_main_context_new()), source(g.watch(context.get())) {}
  ~Watched() { g_source_destroy(source.get()); }
  SocketPair pair;
  Guarded g{pair};
  GPtr<GMainContext> context;
  GPtr<GSource> source;
};

TEST(GuardedStream, HandsFramesOnIntactThroughReadsSmallerThanAFrame) {
  SocketPair pair;
  Guarded g(pair);
  const std::string bytes = frame(1, "hello") + frame(1, std::string(300, 'q')) + frame(2, "bin");
  pair.send(bytes);
  EXPECT_EQ(g.read_all(7), bytes);
  EXPECT_FALSE(g.read(7)) << "nothing more to read must be 'would block', not data or the end";
  EXPECT_TRUE(g.faults.empty());
}

TEST(GuardedStream, AHeaderSplitAcrossReadsIsHeldBackThenHandedOnWhole) {
  SocketPair pair;
  Guarded g(pair);
  const std::string f = frame(1, std::string(200, 'x'));  // a 2+2 byte length header, a mask
  pair.send(f.substr(0, 3));
  bool ended = true;
  EXPECT_FALSE(g.read(64, &ended)) << "a partial header must read as 'would block'";
  EXPECT_FALSE(ended);
  pair.send(f.substr(3));
  // More comes out of the first read than was read into it (the held-back header too): the
  // rest waits in the stream, which says it is readable though the socket is empty.
  const auto first = g.read(5);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, f.substr(0, 5));
  EXPECT_EQ(*first + g.read_all(5), f);
}

TEST(GuardedStream, BytesWaitingInTheStreamMakeItReadable) {
  SocketPair pair;
  Guarded g(pair);
  const std::string f = frame(1, std::string(40, 'y'));  // a 2-byte header and a 4-byte mask
  pair.send(f.substr(0, 3));
  EXPECT_FALSE(g.read(64));  // three header bytes held back
  pair.send(f.substr(3, 3));
  // Three bytes read from the socket complete the header: six bytes to hand on, three fit. The
  // socket is now empty, and the other three wait in the stream.
  EXPECT_EQ(*g.read(3), f.substr(0, 3));
  EXPECT_TRUE(g_pollable_input_stream_is_readable(g.in));
  GPtr<GSource> source{g_pollable_input_stream_create_source(g.in, nullptr)};
  bool fired = false;
  // A pollable source calls back with the stream first (GPollableSourceFunc).
  GPollableSourceFunc on_ready = [](GObject*, gpointer data) -> gboolean {
    *static_cast<bool*>(data) = true;
    return G_SOURCE_REMOVE;
  };
  g_source_set_callback(source.get(), G_SOURCE_FUNC(on_ready), &fired, nullptr);
  GPtr<GMainContext> context{g_main_context_new()};
  g_source_attach(source.get(), context.get());
  // Ready at once: a reader waiting on the empty socket would never get these bytes.
  g_main_context_iteration(context.get(), FALSE);
  EXPECT_TRUE(fired);
  g_source_destroy(source.get());
  EXPECT_EQ(*g.read(64), f.substr(3, 3));
  pair.send(f.substr(6));
  EXPECT_EQ(g.read_all(64), f.substr(6));
}

TEST(GuardedStream, DroppedPingsLeaveNothingBehindAndDoNotEndTheStream) {
  SocketPair pair;
  Guarded g(pair, 1000, 1);
  const std::string ping = frame(9, "p");
  const std::string text = frame(1, "data");
  pair.send(ping + ping);
  EXPECT_EQ(*g.read(64), ping) << "the first ping is within the budget, the second dropped";
  pair.send(ping);
  bool ended = true;
  EXPECT_FALSE(g.read(64, &ended)) << "a read that drops everything must be 'would block'";
  EXPECT_FALSE(ended) << "a dropped ping ended the stream";
  pair.send(ping + text);
  EXPECT_EQ(g.read_all(64), text);
  EXPECT_EQ(g.controls_offered, 4);
}

TEST(GuardedStream, AFaultIsReportedOnceAndNothingPassesAfterIt) {
  SocketPair pair;
  Guarded g(pair, 100);
  const std::string ok = frame(1, "fine");
  pair.send(ok + frame(1, std::string(101, 'z')) + frame(1, "after"));
  EXPECT_EQ(g.read_all(64), ok);
  ASSERT_EQ(g.faults.size(), 1u);
  EXPECT_EQ(g.faults[0], GuardFault::TooBig);
  pair.send(frame(1, "more"));
  EXPECT_EQ(g.read_all(64), "");
  EXPECT_EQ(g.faults.size(), 1u);
}

// What an I/O thread's every wake-up walks: one GSource per waiting connection, not the chain of
// pollable sources libsoup's and GIO's streams would wrap around the socket's.
TEST(GuardedStream, ItsSourceIsOneGSourceOnTheSocket) {
  Watched w;
  // A context numbers every source attached to it, child sources included, one after another.
  GPtr<GSource> next{g_idle_source_new()};
  const guint after = g_source_attach(next.get(), w.context.get());
  EXPECT_EQ(after, g_source_get_id(w.source.get()) + 1) << "the source brought child sources along";
  g_source_destroy(next.get());
}

TEST(GuardedStream, ItsSourceWakesForTheClientsBytesWithTheStream) {
  Watched w;
  Guarded& g = w.g;
  EXPECT_FALSE(g_main_context_iteration(w.context.get(), FALSE));
  EXPECT_TRUE(g.fired_with.empty()) << "ready with nothing to read";
  const std::string f = frame(1, "wake");
  w.pair.send(f);
  g_main_context_iteration(w.context.get(), TRUE);  // returns once the socket is readable
  ASSERT_EQ(g.fired_with.size(), 1u);
  EXPECT_EQ(g.fired_with[0], G_OBJECT(g.in)) << "a pollable source hands on its own stream";
  EXPECT_EQ(g.read_all(64), f);
  EXPECT_FALSE(g_main_context_iteration(w.context.get(), FALSE)) << "still ready once drained";
  w.pair.end();
  g_main_context_iteration(w.context.get(), TRUE);  // the end of the stream wakes it too
  EXPECT_EQ(g.fired_with.size(), 2u);
  bool ended = false;
  EXPECT_TRUE(g.read(64, &ended));
  EXPECT_TRUE(ended);
}

// On an I/O thread (a DescriptorHub current) the sockets go into the thread's epoll set: the
// context polls its own wake-up descriptor and the set, however many connections it holds.
TEST(GuardedStream, OnAThreadWithAHubItsSourcesPollOneDescriptorBetweenThem) {
  GPtr<GMainContext> context{g_main_context_new()};
  DescriptorHub::make_current(DescriptorHub::attach(context.get()));
  SocketPair pairs[3];
  Guarded g0(pairs[0]), g1(pairs[1]), g2(pairs[2]);
  GPtr<GSource> sources[] = {g0.watch(context.get()), g1.watch(context.get()),
                             g2.watch(context.get())};
  DescriptorHub::make_current(nullptr);
  ASSERT_TRUE(g_main_context_acquire(context.get()));
  gint priority = 0;
  g_main_context_prepare(context.get(), &priority);
  GPollFD fds[8];
  gint timeout = 0;
  EXPECT_EQ(g_main_context_query(context.get(), priority, &timeout, fds, 8), 2);
  g_main_context_check(context.get(), priority, fds, 0);
  g_main_context_release(context.get());
  pairs[1].send(frame(1, "one"));
  g_main_context_iteration(context.get(), TRUE);
  EXPECT_TRUE(g0.fired_with.empty());
  EXPECT_EQ(g1.fired_with.size(), 1u) << "the hub's turn did not reach the connection's source";
  EXPECT_TRUE(g2.fired_with.empty());
  EXPECT_EQ(g1.read_all(64), frame(1, "one"));
  for (auto& s : sources) g_source_destroy(s.get());
}

// A closed socket's number goes to the next socket, and so may the address of its GSocket, by
// which the hub tells a socket's new source from another socket's: no entry may outlive it.
TEST(GuardedStream, OnAThreadWithAHubAClosedSocketLeavesNoEntryBehind) {
  GPtr<GMainContext> context{g_main_context_new()};
  auto hub = DescriptorHub::attach(context.get());
  DescriptorHub::make_current(hub);
  SocketPair noticed, finalized;
  Guarded g0(noticed), g1(finalized);
  GPtr<GSource> first = g0.watch(context.get());
  GPtr<GSource> second = g1.watch(context.get());
  DescriptorHub::make_current(nullptr);
  ASSERT_EQ(hub->watched(), 2u);
  ASSERT_TRUE(g_socket_close(noticed.socket.get(), nullptr));
  g_main_context_iteration(context.get(), FALSE);  // its source sees the socket closed
  EXPECT_EQ(hub->watched(), 1u);
  // Closed, then its source let go of before any turn saw it.
  ASSERT_TRUE(g_socket_close(finalized.socket.get(), nullptr));
  g_source_destroy(second.get());
  second.reset();
  EXPECT_EQ(hub->watched(), 0u);
  g_source_destroy(first.get());
}

TEST(GuardedStream, ItsSourceIsReadyWhenTheSocketIsClosedUnderIt) {
  Watched w;
  ASSERT_TRUE(g_socket_close(w.pair.socket.get(), nullptr));
  // Its descriptor number is free for the next connection: the reader must hear now, and the
  // source must not keep polling that number.
  EXPECT_TRUE(g_main_context_iteration(w.context.get(), FALSE));
  EXPECT_EQ(w.g.fired_with.size(), 1u);
  GError* error = nullptr;
  char byte = 0;
  EXPECT_LT(g_pollable_input_stream_read_nonblocking(w.g.in, &byte, 1, nullptr, &error), 0);
  EXPECT_TRUE(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CLOSED));
  if (error) g_error_free(error);
}

TEST(GuardedStream, TheEndOfTheSocketIsTheEndOfTheStream) {
  SocketPair pair;
  Guarded g(pair);
  const std::string f = frame(1, "bye");
  pair.send(f);
  pair.end();
  EXPECT_EQ(*g.read(64), f);
  bool ended = false;
  const auto last = g.read(64, &ended);
  ASSERT_TRUE(last);
  EXPECT_TRUE(ended);
}

}  // namespace
}  // namespace shotcall::server
