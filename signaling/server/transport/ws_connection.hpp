// One accepted WebSocket: owns the libsoup connection, forwards its signals to the server and
// carries the per-connection state the server keeps (rate budget, liveness, whether its departure
// was already announced). Libsoup calls back on the main loop, the same thread as the server.
#pragma once

#include <libsoup/soup.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/glib_ptr.hpp"
#include "signaling/core/pairing.hpp"
#include "signaling/server/transport/output_meter.hpp"
#include "signaling/server/transport/rate_limiter.hpp"

namespace shotcall::server {

class WsConnection;

class WsEvents {
 public:
  virtual ~WsEvents() = default;
  virtual void on_message(WsConnection& conn, SoupWebsocketDataType type, GBytes* data) = 0;
  virtual void on_alive(WsConnection& conn) = 0;   // a pong came back
  virtual void on_closed(WsConnection& conn) = 0;  // the socket is gone; `conn` may be freed after
};

class WsConnection {
 public:
  // `base` is the client's socket stream under `conn`'s (guarded) stream; closed here when the
  // WebSocket is done, since libsoup closes only the stream it was given.
  WsConnection(SoupWebsocketConnection* conn, GIOStream* base, core::ConnId id,
               std::string address, FrameGate gate, WsEvents& events);
  ~WsConnection();
  WsConnection(const WsConnection&) = delete;
  WsConnection& operator=(const WsConnection&) = delete;

  core::ConnId id() const { return id_; }
  const std::string& address() const { return address_; }
  FrameGate& gate() { return gate_; }

  bool open() const;
  // Sends one text frame; does nothing unless the connection is open. Returns false, sending
  // nothing, when the frame would take what is queued for the client past the limit set by
  // limit_queue: the client reads too slowly and the caller should close it (kSlowReaderClose).
  bool send_text(const std::string& text);
  // Counts the pong libsoup queues by itself for a ping of `payload_bytes`. Returns false when it
  // would take the queue past the limit, as send_text does: a client that pings and never reads
  // would otherwise grow the server's memory by a pong per ping, unseen.
  bool owe_pong(std::uint64_t payload_bytes);
  // Bounds what may wait in memory for this client: `meter` sees what left for the socket
  // (output_meter.hpp). A frame is always accepted into an empty queue.
  void limit_queue(std::shared_ptr<const OutputMeter> meter, std::uint64_t max_queued_bytes);
  // Bytes (with kQueuedFrameOverhead per frame) queued and not yet taken by the socket.
  std::uint64_t queued_bytes() const;
  // Starts a close handshake with `code` (libsoup force-closes a peer that never answers).
  void close(int code, std::string_view reason);
  // Fails the connection (RFC 6455 §7.1.7): sends a close frame with `code`, then shuts the
  // socket down at once instead of waiting for the peer's close, which after a broken or
  // endless frame could never be read. Without a socket (set_socket) it is close().
  void fail(int code, std::string_view reason);
  void set_socket(GSocket* socket);
  // The code for metrics and logs: what we sent if we closed, else what the peer sent, else 1006.
  int close_code() const;

  void set_limits(std::uint64_t max_payload, unsigned keepalive_s);
  // Closes the socket under the WebSocket (asynchronously; never blocks on a stalled peer).
  void close_socket();

  std::int64_t last_seen_us = 0;  // monotonic time of the last frame or pong
  bool departed = false;          // the pairing core has already been told it left
  bool holds_slot = false;        // it counts against Admission and must give its slot back
  bool refused = false;           // closed at once for want of a slot; never joined the core
  unsigned io_thread = 0;         // the IoThreads thread polling it

 private:
  static void on_message_cb(SoupWebsocketConnection*, gint type, GBytes* data, gpointer self);
  static void on_pong_cb(SoupWebsocketConnection*, GBytes*, gpointer self);
  static void on_closed_cb(SoupWebsocketConnection*, gpointer self);
  static gboolean close_deadline_cb(gpointer self);
  bool open_or_closing() const;
  // Adds a frame of `payload_bytes` to what is queued, unless it would take it past the limit.
  bool queue(std::uint64_t payload_bytes);
  // Ends the WebSocket from under libsoup: shuts the socket down both ways (or, without one,
  // closes the stream), so its reads end and it emits "closed".
  void shut_socket();

  GPtr<SoupWebsocketConnection> conn_;
  GPtr<GIOStream> base_;
  GPtr<GSocket> socket_;  // the TCP socket under base_ (under TLS, if any)
  core::ConnId id_;
  std::string address_;
  FrameGate gate_;
  WsEvents& events_;
  int sent_close_code_ = 0;
  guint close_deadline_ = 0;  // on the main context: shuts the socket if our close goes unanswered
  std::shared_ptr<const OutputMeter> meter_;
  std::uint64_t max_queued_ = 0;
  std::uint64_t queued_total_ = 0;  // cost of every data frame and pong queued, the meter's unit
};

// The close code for a client whose queue is full: it does not read what it is sent (docs/
// protocol.md, "Limits"). 4xxx: an application code, so a client can tell it from abuse (1008).
inline constexpr int kSlowReaderClose = 4008;

}  // namespace shotcall::server
