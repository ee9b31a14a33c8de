// The WebSocket handshake and the admission of a new connection (WsServer, continued).
#include <utility>

#include "signaling/server/guarded_stream.hpp"
#include "signaling/server/http_reply.hpp"
#include "signaling/server/ws_server.hpp"

namespace shotcall::server {

namespace {
// What the handshake handler hands to the "wrote-informational" callback.
struct PendingUpgrade {
  WsServer* server;
  SoupClientContext* client;  // a reference (boxed copy)
  std::string address;
  ~PendingUpgrade() { g_boxed_free(SOUP_TYPE_CLIENT_CONTEXT, client); }
};
}  // namespace

void WsServer::handshake_cb(SoupServer*, SoupMessage* msg, const char* path, GHashTable*,
                            SoupClientContext* client, gpointer self) {
  auto* s = static_cast<WsServer*>(self);
  if (g_strcmp0(path, "/ws") != 0) return soup_message_set_status(msg, SOUP_STATUS_NOT_FOUND);
  // Refusing before the upgrade costs the server nothing; accept() checks again, since several
  // handshakes can be in flight at once.
  const char* host = soup_client_context_get_host(client);
  std::string address = host ? host : "unknown";
  const Admit verdict = s->admission_.check(address);
  if (verdict != Admit::Yes) {
    s->metrics_.connection_refused(refusal_reason(verdict));
    const guint status = verdict == Admit::AddressFull ? 429 : SOUP_STATUS_SERVICE_UNAVAILABLE;
    return set_text_response(msg, status, "text/plain", std::string{refusal_reason(verdict)} + "\n");
  }
  // The handshake is done here rather than by soup_server_add_websocket_handler() so that no
  // extension is negotiated (permessage-deflate would let a small frame inflate past any limit)
  // and so the socket can be wrapped in a FrameGuard before libsoup reads a frame.
  if (!soup_websocket_server_process_handshake(msg, nullptr, nullptr)) return;  // status set
  auto* pending = new PendingUpgrade{
      s, static_cast<SoupClientContext*>(g_boxed_copy(SOUP_TYPE_CLIENT_CONTEXT, client)),
      std::move(address)};
  g_signal_connect_data(
      msg, "wrote-informational", G_CALLBACK(upgraded_cb), pending,
      [](gpointer p, GClosure*) { delete static_cast<PendingUpgrade*>(p); }, GConnectFlags(0));
}

void WsServer::request_started_cb(SoupServer*, SoupMessage*, SoupClientContext* client,
                                  gpointer self) {
  // libsoup 2.4 keeps an idle HTTP connection forever: bound the wait for each request.
  if (GSocket* sock = soup_client_context_get_gsocket(client))
    g_socket_set_timeout(sock, static_cast<WsServer*>(self)->config_.handshake_timeout_s);
}

void WsServer::upgraded_cb(SoupMessage* msg, gpointer data) {
  auto* p = static_cast<PendingUpgrade*>(data);
  if (msg->status_code != SOUP_STATUS_SWITCHING_PROTOCOLS) return;
  // A WebSocket may be quiet for long; keepalive judges it from here on.
  if (GSocket* sock = soup_client_context_get_gsocket(p->client)) g_socket_set_timeout(sock, 0);
  GIOStream* base = soup_client_context_steal_connection(p->client);
  if (!base) return;
  p->server->accept(base, msg, p->address);
  g_object_unref(base);
}

void WsServer::accept(GIOStream* base, SoupMessage* handshake, const std::string& address) {
  const core::ConnId id = next_id_++;
  GObjectPtr<GIOStream> guarded{new_guarded_stream(base, config_.max_frame, [this, id] {
    // Runs inside libsoup's read: act from an idle.
    oversized_.push_back(id);
    if (!oversize_source_) oversize_source_ = g_idle_add(oversize_cb, this);
  })};
  GObjectPtr<SoupWebsocketConnection> ws{soup_websocket_connection_new(
      guarded.get(), soup_message_get_uri(handshake), SOUP_WEBSOCKET_CONNECTION_SERVER,
      soup_message_headers_get_one(handshake->request_headers, "Origin"), nullptr)};
  WsEvents& events = *this;
  auto conn = std::make_unique<WsConnection>(ws.get(), base, id, address,
                                             FrameGate(config_.rate, config_.burst), events);
  const Admit verdict = admission_.acquire(address);
  if (verdict != Admit::Yes) {
    metrics_.connection_refused(refusal_reason(verdict));
    conn->departed = true;  // never joined the core: nothing to announce
    conn->refused = true;
    conn->close(SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                verdict == Admit::Draining ? "server shutting down" : "too many connections");
    conns_.emplace(id, std::move(conn));
    return;
  }
  conn->holds_slot = true;
  // The guard already holds messages to max_frame; libsoup's own valve (which cuts the socket
  // without a close frame, and at >=) stays just above it as a second line.
  conn->set_limits(config_.max_frame + 1, config_.keepalive_s);
  conn->last_seen_us = g_get_monotonic_time();
  pairing_.connect(id);
  metrics_.connection_opened();
  log_.info("ws-open", {{"conn", id}, {"addr", address}});
  conns_.emplace(id, std::move(conn));
}

gboolean WsServer::oversize_cb(gpointer self) {
  auto* s = static_cast<WsServer*>(self);
  s->oversize_source_ = 0;
  s->close_oversized();
  return G_SOURCE_REMOVE;
}

void WsServer::close_oversized() {
  for (core::ConnId id : std::exchange(oversized_, {})) {
    auto it = conns_.find(id);
    if (it == conns_.end()) continue;
    WsConnection& c = *it->second;
    log_.warn("frame-too-big", {{"conn", id}, {"limit", static_cast<std::uint64_t>(config_.max_frame)}});
    depart(c);
    c.close(SOUP_WEBSOCKET_CLOSE_TOO_BIG, "message too big");
  }
}

}  // namespace shotcall::server
