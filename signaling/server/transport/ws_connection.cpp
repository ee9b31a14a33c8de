#include "signaling/server/transport/ws_connection.hpp"

#include <string>
#include <utility>

namespace shotcall::server {
namespace {
// How long a close we started waits for the peer's answer before the socket is shut. libsoup 2.4
// waits 5 s itself, but when its own timer fires it drops the timer without unreferencing it
// (on_timeout_close_io), leaking it for every peer that never answers: a dead one, a slow reader.
// Ending the wait a second sooner takes libsoup's ordinary path (EOF), which frees the timer.
constexpr guint kCloseAnswerMs = 4000;
}  // namespace

WsConnection::WsConnection(SoupWebsocketConnection* conn, GIOStream* base, core::ConnId id,
                           std::string address, FrameGate gate, WsEvents& events)
    : conn_(SOUP_WEBSOCKET_CONNECTION(g_object_ref(conn))),
      base_(G_IO_STREAM(g_object_ref(base))),
      id_(id),
      address_(std::move(address)),
      gate_(gate),
      events_(events) {
  g_signal_connect(conn, "message", G_CALLBACK(on_message_cb), this);
  g_signal_connect(conn, "pong", G_CALLBACK(on_pong_cb), this);
  g_signal_connect(conn, "closed", G_CALLBACK(on_closed_cb), this);
}

WsConnection::~WsConnection() {
  g_signal_handlers_disconnect_by_data(conn_.get(), this);
  if (close_deadline_) g_source_remove(close_deadline_);
  // Dropping the last reference of a connection that is still open makes libsoup close it.
  if (open()) soup_websocket_connection_close(conn_.get(), SOUP_WEBSOCKET_CLOSE_GOING_AWAY, nullptr);
  close_socket();
}

void WsConnection::close_socket() {
  if (!base_ || g_io_stream_is_closed(base_.get()) || g_io_stream_has_pending(base_.get())) return;
  // The task holds its own reference to the stream until the close completes.
  g_io_stream_close_async(base_.get(), G_PRIORITY_DEFAULT, nullptr, nullptr, nullptr);
}

bool WsConnection::open() const {
  return soup_websocket_connection_get_state(conn_.get()) == SOUP_WEBSOCKET_STATE_OPEN;
}

bool WsConnection::send_text(const std::string& text) {
  if (!open()) return true;
  if (!queue(text.size())) return false;
  soup_websocket_connection_send_text(conn_.get(), text.c_str());
  return true;
}

bool WsConnection::owe_pong(std::uint64_t payload_bytes) { return !open() || queue(payload_bytes); }

bool WsConnection::queue(std::uint64_t payload_bytes) {
  const std::uint64_t cost = payload_bytes + kQueuedFrameOverhead;
  if (meter_) {
    const std::uint64_t queued = queued_bytes();
    if (queued > 0 && queued + cost > max_queued_) return false;
  }
  queued_total_ += cost;
  return true;
}

void WsConnection::limit_queue(std::shared_ptr<const OutputMeter> meter,
                               std::uint64_t max_queued_bytes) {
  meter_ = std::move(meter);
  max_queued_ = max_queued_bytes;
  queued_total_ = meter_ ? meter_->written() : 0;
}

std::uint64_t WsConnection::queued_bytes() const {
  if (!meter_) return 0;
  const std::uint64_t written = meter_->written();
  return queued_total_ > written ? queued_total_ - written : 0;
}

void WsConnection::close(int code, std::string_view reason) {
  if (!open()) return;
  sent_close_code_ = code;
  const std::string r{reason};
  soup_websocket_connection_close(conn_.get(), static_cast<gushort>(code), r.c_str());
  if (!close_deadline_ && open_or_closing())
    close_deadline_ = g_timeout_add(kCloseAnswerMs, close_deadline_cb, this);
}

bool WsConnection::open_or_closing() const {
  const auto state = soup_websocket_connection_get_state(conn_.get());
  return state == SOUP_WEBSOCKET_STATE_OPEN || state == SOUP_WEBSOCKET_STATE_CLOSING;
}

gboolean WsConnection::close_deadline_cb(gpointer self) {
  auto* c = static_cast<WsConnection*>(self);
  c->close_deadline_ = 0;
  c->shut_socket();
  return G_SOURCE_REMOVE;
}

void WsConnection::shut_socket() {
  // Both ways: reads then end, so libsoup finishes the close now and emits "closed".
  if (socket_ && !g_socket_is_closed(socket_.get()))
    g_socket_shutdown(socket_.get(), TRUE, TRUE, nullptr);
  else
    close_socket();
}

void WsConnection::fail(int code, std::string_view reason) {
  close(code, reason);  // libsoup writes the close frame at once when the socket takes it
  if (socket_) shut_socket();
}

void WsConnection::set_socket(GSocket* socket) {
  socket_.reset(socket ? G_SOCKET(g_object_ref(socket)) : nullptr);
}

int WsConnection::close_code() const {
  if (sent_close_code_ != 0) return sent_close_code_;
  const int received = soup_websocket_connection_get_close_code(conn_.get());
  return received != 0 ? received : SOUP_WEBSOCKET_CLOSE_ABNORMAL;
}

void WsConnection::set_limits(std::uint64_t max_payload, unsigned keepalive_s) {
  soup_websocket_connection_set_max_incoming_payload_size(conn_.get(), max_payload);
  soup_websocket_connection_set_keepalive_interval(conn_.get(), keepalive_s);
}

void WsConnection::on_message_cb(SoupWebsocketConnection*, gint type, GBytes* data,
                                 gpointer self) {
  auto* c = static_cast<WsConnection*>(self);
  c->events_.on_message(*c, static_cast<SoupWebsocketDataType>(type), data);
}

void WsConnection::on_pong_cb(SoupWebsocketConnection*, GBytes*, gpointer self) {
  auto* c = static_cast<WsConnection*>(self);
  c->events_.on_alive(*c);
}

void WsConnection::on_closed_cb(SoupWebsocketConnection*, gpointer self) {
  auto* c = static_cast<WsConnection*>(self);
  if (c->close_deadline_) g_source_remove(std::exchange(c->close_deadline_, 0));
  c->close_socket();
  c->events_.on_closed(*c);
}

}  // namespace shotcall::server
