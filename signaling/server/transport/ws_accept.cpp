// The WebSocket handshake and the admission of a new connection (WsServer, continued).
#include <cstring>
#include <utility>

#include "signaling/server/transport/client_address.hpp"
#include "signaling/server/transport/guarded_stream.hpp"
#include "signaling/server/transport/http_reply.hpp"
#include "signaling/server/transport/origin_policy.hpp"
#include "signaling/server/transport/output_meter.hpp"
#include "signaling/server/transport/ws_server.hpp"

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
  // A browser page from elsewhere may not use its visitor as a client (origin_policy.hpp).
  const char* origin = soup_message_headers_get_one(msg->request_headers, "Origin");
  const char* host_header = soup_message_headers_get_one(msg->request_headers, "Host");
  if (!origin_allowed(origin ? std::optional<std::string_view>{origin} : std::nullopt,
                      host_header ? host_header : "", s->config_.public_hosts,
                      s->config_.allowed_origins)) {
    s->metrics_.connection_refused("origin");
    return set_text_response(msg, SOUP_STATUS_FORBIDDEN, "text/plain",
                             "this page's origin may not connect (see --allowed-origin)\n");
  }
  // Refusing before the upgrade costs the server nothing; accept() checks again, since several
  // handshakes can be in flight at once.
  // The client behind a trusted proxy (client_address.hpp): its PROXY header, read by the
  // listener, or its X-Forwarded-For; any other peer is its own address.
  // X-Forwarded-For counts only without a PROXY header and while the listener still knows the
  // connection: after a header (UNKNOWN or LOCAL too) the client may have written that field.
  const char* host = soup_client_context_get_host(client);
  const auto listened =
      s->listener_->address_of_pending(soup_client_context_get_remote_address(client));
  std::string address = listened
                            ? listened->address
                            : canonical_address(host ? host : "").value_or(host ? host : "unknown");
  if (listened && !listened->proxy_header && !s->config_.trusted_proxies.empty()) {
    const char* xff = soup_message_headers_get_list(msg->request_headers, "X-Forwarded-For");
    address = forwarded_client(address, xff ? std::optional<std::string_view>{xff} : std::nullopt,
                               s->config_.trusted_proxies);
  }
  const Admit verdict = s->admission_.check(address);
  if (verdict != Admit::Yes) {
    s->metrics_.connection_refused(refusal_reason(verdict));
    const guint status = verdict == Admit::AddressFull ? 429 : SOUP_STATUS_SERVICE_UNAVAILABLE;
    return set_text_response(msg, status, "text/plain", std::string{refusal_reason(verdict)} + "\n");
  }
  // The handshake is done here rather than by soup_server_add_websocket_handler() so that no
  // extension is negotiated (permessage-deflate would let a small frame inflate past any limit)
  // and so the socket can be wrapped in a FrameGuard before libsoup reads a frame.
  // RFC 6455 §4.2.1: exactly one key. libsoup would take the last of several, so two parsers
  // could disagree about which handshake this is.
  const char* keys = soup_message_headers_get_list(msg->request_headers, "Sec-WebSocket-Key");
  if (keys && std::strchr(keys, ',')) {
    s->metrics_.connection_refused("bad-handshake");
    return set_text_response(msg, SOUP_STATUS_BAD_REQUEST, "text/plain",
                             "exactly one Sec-WebSocket-Key header, please\n");
  }
  if (!soup_websocket_server_process_handshake(msg, nullptr, nullptr)) return;  // status set
  auto* pending = new PendingUpgrade{
      s, static_cast<SoupClientContext*>(g_boxed_copy(SOUP_TYPE_CLIENT_CONTEXT, client)),
      std::move(address)};
  g_signal_connect_data(
      msg, "wrote-informational", G_CALLBACK(upgraded_cb), pending,
      [](gpointer p, GClosure*) { delete static_cast<PendingUpgrade*>(p); }, GConnectFlags(0));
}

void WsServer::upgraded_cb(SoupMessage* msg, gpointer data) {
  auto* p = static_cast<PendingUpgrade*>(data);
  if (msg->status_code != SOUP_STATUS_SWITCHING_PROTOCOLS) return;
  // No handshake deadline any more: keepalive judges a WebSocket from here on.
  GPtr<GSocket> socket =
      p->server->listener_->upgraded(soup_client_context_get_remote_address(p->client));
  GIOStream* base = soup_client_context_steal_connection(p->client);
  if (!base) return;
  p->server->accept(base, socket.get(), msg, p->address);
  g_object_unref(base);
}

void WsServer::accept(GIOStream* base, GSocket* socket, SoupMessage* handshake,
                      const std::string& address) {
  char* uri = soup_uri_to_string(soup_message_get_uri(handshake), FALSE);
  GPtr<gchar> uri_text{uri};
  const char* origin = soup_message_headers_get_one(handshake->request_headers, "Origin");
  // The slot is taken here, as the handshake completes: a handshake checked after this one
  // (handshake_cb) must see it taken, though the WebSocket opens later, on its thread.
  const Admit verdict = admission_.acquire(address);
  const unsigned thread = io_->take();
  ++opening_;
  // Shared: std::function copies its target, and GPtr does not copy.
  auto o = std::make_shared<Opening>(Opening{new_ref(base), new_ref(socket), uri ? uri : "",
                                             origin ? origin : "", address, verdict, thread});
  io_->post(thread, [this, o] { open_websocket(*o); });
}

void WsServer::open_websocket(Opening& o) {
  --opening_;
  // Admitted, but the stop began while it was on its way here: it goes as everyone else does.
  const bool stopped_on_the_way = o.verdict == Admit::Yes && shutting_down_;
  if (stopped_on_the_way) {
    admission_.release(o.address);
    o.verdict = Admit::Draining;
  }
  const core::ConnId id = next_id_++;
  GuardHooks hooks;
  hooks.on_fault = [this, id](GuardFault why) {
    // Runs inside libsoup's read: act from an idle.
    if (why == GuardFault::TooBig)
      faults_.push_back({id, SOUP_WEBSOCKET_CLOSE_TOO_BIG, "frame-too-big", "message too big"});
    else
      faults_.push_back({id, SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR, "protocol-error",
                         "protocol error"});
    if (!faults_source_) faults_source_ = g_idle_add(faults_cb, this);
  };
  hooks.admit_control = [this, id](bool ping, std::uint64_t payload) {
    return admit_control_frame(id, ping, payload);
  };
  GPtr<GIOStream> guarded{
      new_guarded_stream(o.base.get(), o.socket.get(), config_.max_frame, std::move(hooks))};
  // Counts what leaves libsoup's outgoing queue, so a client that does not read is bounded.
  auto meter = std::make_shared<OutputMeter>();
  GPtr<GIOStream> metered{with_metered_output(guarded.get(), meter)};
  // Made on this thread, whose context it then polls (libsoup takes the thread-default one).
  SoupURI* uri = soup_uri_new(o.uri.c_str());
  GPtr<SoupWebsocketConnection> ws{
      soup_websocket_connection_new(metered.get(), uri, SOUP_WEBSOCKET_CONNECTION_SERVER,
                                    o.origin.empty() ? nullptr : o.origin.c_str(), nullptr)};
  if (uri) soup_uri_free(uri);
  WsEvents& events = *this;
  auto conn = std::make_unique<WsConnection>(ws.get(), o.base.get(), id, o.address,
                                             FrameGate(config_.rate, config_.burst), events);
  conn->set_socket(o.socket.get());
  conn->io_thread = o.io_thread;
  conn->limit_queue(std::move(meter), config_.max_queued_bytes);
  if (o.verdict != Admit::Yes) {
    metrics_.connection_refused(refusal_reason(o.verdict));
    conn->departed = true;  // never joined the core: nothing to announce
    conn->refused = true;
    if (stopped_on_the_way)
      conn->close(SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "server shutting down");
    else
      conn->close(SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                  o.verdict == Admit::Draining ? "server shutting down" : "too many connections");
    conns_.emplace(id, std::move(conn));
    return;
  }
  conn->holds_slot = true;
  // The guard already holds messages to max_frame; libsoup's own valve (which cuts the socket
  // without a close frame, and at >=) stays just above it as a second line.
  conn->set_limits(config_.max_frame + 1, config_.keepalive_s);
  conn->last_seen_us = g_get_monotonic_time();
  // The core's per-address limits (channels, bindings, verifications, link codes) count an
  // IPv6 client by its /64, as admission does.
  runner_->connect(id, address_group(o.address));
  metrics_.connection_opened();
  log_.info("ws-open", {{"conn", id}, {"addr", o.address}, {"io_thread", o.io_thread}});
  conns_.emplace(id, std::move(conn));
}

gboolean WsServer::faults_cb(gpointer self) {
  auto* s = static_cast<WsServer*>(self);
  s->faults_source_ = 0;
  s->close_faulted();
  return G_SOURCE_REMOVE;
}

void WsServer::close_faulted() {
  for (const Fault& f : std::exchange(faults_, {})) {
    auto it = conns_.find(f.id);
    if (it == conns_.end()) continue;
    WsConnection& c = *it->second;
    // Each ping read before this idle ran may have found the queue full: one close is enough.
    if (f.code == kSlowReaderClose && c.departed) continue;
    if (f.code == SOUP_WEBSOCKET_CLOSE_TOO_BIG)
      log_.warn(f.event, {{"conn", f.id}, {"limit", static_cast<std::uint64_t>(config_.max_frame)}});
    else if (f.code == kSlowReaderClose)
      log_.warn(f.event, {{"conn", f.id},
                          {"queued", c.queued_bytes()},
                          {"limit", static_cast<std::uint64_t>(config_.max_queued_bytes)}});
    else
      log_.warn(f.event, {{"conn", f.id}, {"addr", c.address()}});
    depart(c);
    // A slow reader is closed as send_or_close_slow closes it: what was queued stays readable.
    if (f.code == kSlowReaderClose)
      c.close(f.code, f.reason);
    else
      c.fail(f.code, f.reason);
  }
}

bool WsServer::admit_control_frame(core::ConnId id, bool ping, std::uint64_t payload_bytes) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return true;  // not yet registered: nothing to spend from
  WsConnection& c = *it->second;
  if (c.departed) return false;  // being closed: only its close frame matters now
  switch (c.gate().admit(static_cast<double>(g_get_monotonic_time()) / 1e6)) {
    case FrameVerdict::Accept:
      // Its pong waits in libsoup's queue like any frame: a client that pings within the rate
      // and never reads is closed as a slow reader once the queue is full.
      if (!ping || c.owe_pong(payload_bytes)) return true;
      faults_.push_back({id, kSlowReaderClose, "slow-reader",
                         "too slow: the client does not read what it is sent"});
      if (!faults_source_) faults_source_ = g_idle_add(faults_cb, this);
      return false;
    case FrameVerdict::Drop:
    case FrameVerdict::DropAndWarn:  // no error message for a ping: it would be read by no one
      metrics_.frame_rate_limited();
      return false;
    case FrameVerdict::Close:
      metrics_.frame_rate_limited();
      faults_.push_back({id, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "flood-close",
                         "rate limit exceeded"});
      if (!faults_source_) faults_source_ = g_idle_add(faults_cb, this);
      return false;
  }
  return false;
}

}  // namespace shotcall::server
