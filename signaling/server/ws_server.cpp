#include "signaling/server/ws_server.hpp"

#include <sys/socket.h>

#include <cerrno>

#include <cstdio>
#include <utility>
#include <variant>

#include "signaling/protocol/codec.hpp"
#include "signaling/server/http_reply.hpp"
#include "signaling/server/peer_id.hpp"

namespace shotcall::server {
namespace {

// Channels made by find-or-create but never joined go after this long (pairing.hpp: sweep()).
constexpr std::int64_t kUnjoinedChannelTtlMs = 10 * 60 * 1000;
constexpr guint kSweepIntervalS = 60;
// Pending connections the kernel queues for us (capped by net.core.somaxconn).
constexpr gint kListenBacklog = 4096;
// A silent peer (no frame, no pong) goes after this many keepalive intervals.
constexpr std::int64_t kMissedIntervalsBeforeDrop = 3;

core::PairingConfig pairing_config(const ServerConfig& c) {
  core::PairingConfig p;
  p.max_members = c.max_members;
  if (!c.stun_urls.empty()) p.ice_servers.push_back(protocol::IceServer{c.stun_urls, {}, {}});
  if (!c.turn_urls.empty())
    p.ice_servers.push_back(protocol::IceServer{c.turn_urls, c.turn_username, c.turn_credential});
  p.server = protocol::ServerInfo{"shotcall-signal", SHOTCALL_VERSION};
  p.access_token = c.access_token;
  p.watch_available = c.riot.has_value();
  return p;
}

core::PairingDeps pairing_deps(const CallClock& clock, const std::string& instance) {
  return core::PairingDeps{[&clock] { return clock.now_ms(); },
                           [instance] {
                             return instance.empty() ? new_peer_id() : instance + "." + new_peer_id();
                           }};
}

std::string instance_name(const ServerConfig& c) {
  if (!c.redis_url) return {};
  if (!c.instance_id.empty()) return c.instance_id;
  return new_peer_id().substr(0, 8);
}

std::unique_ptr<core::ChannelStore> make_store(const ServerConfig& c) {
  if (c.redis_url) return std::make_unique<store::SnapshotStore>();
  return std::make_unique<core::MemoryStore>();
}

// bind(2) with SO_REUSEPORT. Not g_socket_bind: GLib turns SO_REUSEPORT off on stream sockets
// just before it binds them.
bool bind_reusing_port(GSocket* socket, GSocketAddress* address, GError** error) {
  if (!g_socket_set_option(socket, SOL_SOCKET, SO_REUSEADDR, 1, error) ||
      !g_socket_set_option(socket, SOL_SOCKET, SO_REUSEPORT, 1, error))
    return false;
  sockaddr_storage native{};
  const gssize size = g_socket_address_get_native_size(address);
  if (size < 0 || !g_socket_address_to_native(address, &native, sizeof native, error)) return false;
  if (::bind(g_socket_get_fd(socket), reinterpret_cast<sockaddr*>(&native),
             static_cast<socklen_t>(size)) != 0) {
    const int e = errno;
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "Error binding to address: %s",
                g_strerror(e));
    return false;
  }
  return true;
}

double monotonic_s(std::int64_t us) { return static_cast<double>(us) / 1e6; }

}  // namespace

WsServer::WsServer(ServerConfig config, Logger& log)
    : config_(std::move(config)),
      log_(log),
      instance_(instance_name(config_)),
      store_(make_store(config_)),
      pairing_(pairing_config(config_), *store_, pairing_deps(clock_, instance_)),
      admission_(config_.max_connections, config_.max_connections_per_ip) {
  char rate[32];
  std::snprintf(rate, sizeof rate, "%g", config_.rate);
  rate_limited_text_ = std::string{"too many messages (at most "} + rate +
                       " per second): dropped; slow down";
}

WsServer::~WsServer() {
  riot_.reset();  // its callbacks reach into the connections below
  shared_.reset();
  for (guint* s :
       {&liveness_source_, &sweep_source_, &purge_source_, &grace_source_, &oversize_source_})
    if (*s) g_source_remove(*s);
  conns_.clear();
  graveyard_.clear();
  if (server_) soup_server_disconnect(server_.get());
}

bool WsServer::start(std::string& error, bool& bad_config) {
  bad_config = false;
  GTlsCertificate* cert = nullptr;
  if (config_.tls()) {
    GError* raw = nullptr;
    cert = g_tls_certificate_new_from_files(config_.tls_cert->c_str(), config_.tls_key->c_str(),
                                            &raw);
    GErrorPtr err{raw};
    if (!cert) {
      error = "cannot load --tls-cert/--tls-key: " + std::string{err ? err->message : "unknown"};
      bad_config = true;
      return false;
    }
  }
  if (config_.redis_url) {
    RedisEndpoint endpoint;
    std::string redis_error;
    if (!parse_redis_url(*config_.redis_url, endpoint, redis_error)) {
      error = redis_error;
      bad_config = true;
      return false;
    }
    SharedPairing::Hooks hooks;
    hooks.deliver = [this](const core::Outbox& out) { deliver(out); };
    hooks.send_text = [this](core::ConnId id, const std::string& text) {
      const auto it = conns_.find(id);
      if (it == conns_.end() || it->second->departed || !it->second->open()) return false;
      it->second->send_text(text);
      return true;
    };
    hooks.notice_all = [this](const protocol::Notice& notice) {
      deliver(pairing_.broadcast_notice(notice));
    };
    hooks.after_call = [this] {
      if (riot_) riot_->apply(pairing_.take_watch_requests());
    };
    shared_ = std::make_unique<SharedPairing>(pairing_, static_cast<store::SnapshotStore&>(*store_),
                                              clock_, instance_, endpoint, log_, std::move(hooks));
  }
  if (config_.riot) {
    std::string riot_error;
    riot_ = RiotBridge::create(
        *config_.riot, pairing_, log_, [this](const core::Outbox& out) { deliver(out); },
        &riot_error);
    if (!riot_) {
      error = riot_error;
      bad_config = true;
      return false;
    }
    if (shared_) {
      riot_->route_through(
          [this](protocol::IdValue game, protocol::IdValue team, std::vector<std::string> roster) {
            shared_->open_server_channel(std::move(game), std::move(team), std::move(roster));
          },
          [this](std::string game) { shared_->close_server_game(std::move(game)); });
    }
  }
  server_.reset(SOUP_SERVER(soup_server_new(SOUP_SERVER_SERVER_HEADER, "shotcall-signal ",
                                            cert ? SOUP_SERVER_TLS_CERTIFICATE : nullptr, cert,
                                            nullptr)));
  if (cert) g_object_unref(cert);

  g_signal_connect(server_.get(), "request-started", G_CALLBACK(request_started_cb), this);
  soup_server_add_handler(server_.get(), "/ws", handshake_cb, this, nullptr);
  soup_server_add_handler(server_.get(), "/healthz", healthz_cb, this, nullptr);
  soup_server_add_handler(server_.get(), "/metrics", metrics_cb, this, nullptr);

  GObjectPtr<GInetAddress> inet{g_inet_address_new_from_string(config_.bind.c_str())};
  if (!inet) {
    error = "--bind: not an IP address: " + config_.bind;
    bad_config = true;
    return false;
  }
  GObjectPtr<GSocketAddress> addr{g_inet_socket_address_new(inet.get(), config_.port)};
  // Our own listening socket, because libsoup's has a backlog of 10: after a restart a whole
  // player base reconnects at once, and with 10 most of them would wait for retransmits.
  GError* raw = nullptr;
  GObjectPtr<GSocket> listener{g_socket_new(g_inet_address_get_family(inet.get()),
                                            G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &raw)};
  if (listener) {
    g_socket_set_listen_backlog(listener.get(), kListenBacklog);
    const bool bound = config_.reuse_port ? bind_reusing_port(listener.get(), addr.get(), &raw)
                                          : g_socket_bind(listener.get(), addr.get(), TRUE, &raw);
    if (!bound || !g_socket_listen(listener.get(), &raw)) listener.reset();
  }
  const auto options = config_.tls() ? SOUP_SERVER_LISTEN_HTTPS : SoupServerListenOptions(0);
  if (!listener || !soup_server_listen_socket(server_.get(), listener.get(), options, &raw)) {
    GErrorPtr err{raw};
    error = "cannot listen on " + config_.bind + " port " + std::to_string(config_.port) + ": " +
            (err ? err->message : "unknown");
    return false;
  }

  // The bound port, which differs from the configured one when that was 0.
  guint port = config_.port;
  GSList* uris = soup_server_get_uris(server_.get());
  if (uris) port = soup_uri_get_port(static_cast<SoupURI*>(uris->data));
  g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(soup_uri_free));
  const bool v6 = g_inet_address_get_family(inet.get()) == G_SOCKET_FAMILY_IPV6;
  url_ = std::string{config_.tls() ? "wss://" : "ws://"} + (v6 ? "[" : "") + config_.bind +
         (v6 ? "]" : "") + ":" + std::to_string(port) + "/ws";

  if (config_.keepalive_s > 0)
    liveness_source_ = g_timeout_add_seconds(config_.keepalive_s, liveness_tick_cb, this);
  sweep_source_ = g_timeout_add_seconds(kSweepIntervalS, sweep_tick_cb, this);
  if (shared_) {
    shared_->start();
    log_.info("shared-state", {{"redis", *config_.redis_url}, {"instance", instance_}});
  }
  log_.info("listening", {{"url", url_},
                          {"max_frame", static_cast<std::uint64_t>(config_.max_frame)},
                          {"max_members", static_cast<std::uint64_t>(config_.max_members)},
                          {"keepalive_s", config_.keepalive_s},
                          {"access_token", config_.access_token ? "required" : "none"},
                          {"riot_platform", config_.riot ? config_.riot->platform.c_str() : "off"}});
  return true;
}

// ---- frames ----------------------------------------------------------------------------------

void WsServer::on_message(WsConnection& conn, SoupWebsocketDataType type, GBytes* data) {
  const std::int64_t now = g_get_monotonic_time();
  if (conn.departed || !conn.open()) return;
  conn.last_seen_us = now;
  switch (conn.gate().admit(monotonic_s(now))) {
    case FrameVerdict::Accept:
      handle_frame(conn, type, data, now);
      return;
    case FrameVerdict::Drop:
      metrics_.frame_rate_limited();
      return;
    case FrameVerdict::DropAndWarn:
      metrics_.frame_rate_limited();
      send_error(conn, protocol::ErrorCode::RateLimited, rate_limited_text_);
      return;
    case FrameVerdict::Close:
      metrics_.frame_rate_limited();
      log_.warn("flood-close", {{"conn", conn.id()}, {"addr", conn.address()}});
      depart(conn);
      conn.close(SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "rate limit exceeded");
      return;
  }
}

void WsServer::handle_frame(WsConnection& conn, SoupWebsocketDataType type, GBytes* data,
                            std::int64_t received_us) {
  if (type != SOUP_WEBSOCKET_DATA_TEXT) {
    metrics_.message_received("invalid");
    send_error(conn, protocol::ErrorCode::BadJson, "binary frames are not accepted: send JSON text");
    return;
  }
  gsize size = 0;
  const auto* bytes = static_cast<const char*>(g_bytes_get_data(data, &size));
  auto decoded = protocol::decode_client(std::string_view{bytes ? bytes : "", size});
  if (auto* err = std::get_if<protocol::DecodeError>(&decoded)) {
    metrics_.message_received("invalid");
    deliver(core::Outbox{core::Outgoing{conn.id(), protocol::error_reply(*err)}});
    return;
  }
  const auto& message = std::get<protocol::ClientMessage>(decoded);
  metrics_.message_received(protocol::type_name(message.body));
  if (shared_) {
    shared_->handle(conn.id(), message);
    return;
  }
  const bool relay = std::holds_alternative<protocol::SignalTo>(message.body);
  deliver(pairing_.handle(conn.id(), message), relay ? received_us : 0);
  if (riot_) riot_->apply(pairing_.take_watch_requests());
}

void WsServer::send_error(WsConnection& conn, protocol::ErrorCode code, std::string message) {
  deliver(core::Outbox{core::Outgoing{
      conn.id(), protocol::ServerMessage{std::nullopt,
                                         protocol::Error{code, std::move(message), std::nullopt}}}});
}

void WsServer::deliver(const core::Outbox& out, std::int64_t relay_start_us) {
  // Broadcasts repeat one message to several members: encode each distinct one once.
  std::vector<std::pair<const protocol::ServerMessage*, std::string>> encoded;
  for (const auto& o : out) {
    auto it = conns_.find(o.to);
    if (it == conns_.end() || it->second->departed || !it->second->open()) continue;
    const std::string* text = nullptr;
    for (const auto& [m, t] : encoded)
      if (*m == o.message) text = &t;
    if (!text) {
      encoded.emplace_back(&o.message, protocol::encode(o.message));
      text = &encoded.back().second;
    }
    it->second->send_text(*text);
    if (const auto* e = std::get_if<protocol::Error>(&o.message.body))
      metrics_.error_sent(protocol::to_wire(e->code));
    else if (relay_start_us != 0 && std::holds_alternative<protocol::SignalFrom>(o.message.body))
      metrics_.relay_latency(monotonic_s(g_get_monotonic_time() - relay_start_us));
  }
}

// ---- departures ------------------------------------------------------------------------------

void WsServer::depart(WsConnection& conn) {
  if (conn.departed) return;
  conn.departed = true;
  if (conn.holds_slot) {
    conn.holds_slot = false;
    admission_.release(conn.address());
  }
  if (shared_) {
    shared_->disconnect(conn.id());
    return;
  }
  deliver(pairing_.disconnect(conn.id()));
  if (riot_) riot_->apply(pairing_.take_watch_requests());
}

void WsServer::on_alive(WsConnection& conn) { conn.last_seen_us = g_get_monotonic_time(); }

void WsServer::on_closed(WsConnection& conn) {
  const core::ConnId id = conn.id();
  depart(conn);
  metrics_.connection_closed(conn.close_code());
  if (!conn.refused) log_.info("ws-close", {{"conn", id}, {"code", conn.close_code()}});
  auto it = conns_.find(id);
  if (it != conns_.end()) {
    // Freed from an idle callback: this signal emission still runs on the connection.
    graveyard_.push_back(std::move(it->second));
    conns_.erase(it);
    if (!purge_source_) purge_source_ = g_idle_add(purge_cb, this);
  }
  maybe_finish_shutdown();
}

gboolean WsServer::purge_cb(gpointer self) {
  auto* s = static_cast<WsServer*>(self);
  s->purge_source_ = 0;
  s->graveyard_.clear();
  return G_SOURCE_REMOVE;
}

gboolean WsServer::liveness_tick_cb(gpointer self) {
  auto* s = static_cast<WsServer*>(self);
  const std::int64_t limit_us =
      kMissedIntervalsBeforeDrop * static_cast<std::int64_t>(s->config_.keepalive_s) * 1000000;
  const std::int64_t now = g_get_monotonic_time();
  std::vector<core::ConnId> dead;
  for (const auto& [id, c] : s->conns_)
    if (!c->departed && now - c->last_seen_us > limit_us) dead.push_back(id);
  for (core::ConnId id : dead) {
    auto it = s->conns_.find(id);
    if (it == s->conns_.end()) continue;
    WsConnection& c = *it->second;
    s->log_.info("keepalive-drop", {{"conn", id}, {"addr", c.address()}});
    // Announce at once; the close handshake with a dead peer only ends by libsoup's timeout.
    s->depart(c);
    c.close(SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "no pong within 3 keepalive intervals");
  }
  return G_SOURCE_CONTINUE;
}

gboolean WsServer::sweep_tick_cb(gpointer self) {
  auto* s = static_cast<WsServer*>(self);
  // With Redis, unjoined channels expire with their keys' TTL instead.
  if (!s->shared_) s->pairing_.sweep(kUnjoinedChannelTtlMs);
  return G_SOURCE_CONTINUE;
}

// ---- HTTP ------------------------------------------------------------------------------------

void WsServer::healthz_cb(SoupServer*, SoupMessage* msg, const char* path, GHashTable*,
                          SoupClientContext*, gpointer self) {
  auto* s = static_cast<WsServer*>(self);
  if (g_strcmp0(path, "/healthz") != 0) return soup_message_set_status(msg, SOUP_STATUS_NOT_FOUND);
  if (msg->method != SOUP_METHOD_GET && msg->method != SOUP_METHOD_HEAD)
    return soup_message_set_status(msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
  if (s->shutting_down_)
    set_text_response(msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/plain", "shutting down\n");
  else if (s->shared_ && !s->shared_->redis_up())
    // Still 200: the instance serves its own connections, and a load balancer that took every
    // instance out while Redis is away would cut everyone off.
    set_text_response(msg, SOUP_STATUS_OK, "text/plain",
                      "degraded: redis unreachable; serving this instance's connections only\n");
  else
    set_text_response(msg, SOUP_STATUS_OK, "text/plain", "ok\n");
}

void WsServer::metrics_cb(SoupServer*, SoupMessage* msg, const char* path, GHashTable*,
                          SoupClientContext*, gpointer self) {
  auto* s = static_cast<WsServer*>(self);
  if (g_strcmp0(path, "/metrics") != 0) return soup_message_set_status(msg, SOUP_STATUS_NOT_FOUND);
  if (msg->method != SOUP_METHOD_GET && msg->method != SOUP_METHOD_HEAD)
    return soup_message_set_status(msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
  const Gauges gauges{s->admission_.total(), s->pairing_.registered_count(),
                      s->shared_ ? s->shared_->local_channel_count() : s->pairing_.channel_count()};
  std::string text = s->metrics_.render(gauges);
  if (s->shared_) text += s->shared_->render_metrics();
  if (s->riot_) text += s->riot_->render_metrics();
  set_text_response(msg, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8", text);
}

// ---- shutdown --------------------------------------------------------------------------------

void WsServer::shutdown(std::function<void()> done, unsigned grace_ms) {
  if (shutting_down_) return;
  shutting_down_ = true;
  shutdown_done_ = std::move(done);
  admission_.drain();
  if (shared_) shared_->leave();
  log_.info("shutting-down", {{"connections", static_cast<std::uint64_t>(conns_.size())}});
  std::vector<core::ConnId> ids;
  for (const auto& [id, c] : conns_) ids.push_back(id);
  for (core::ConnId id : ids) {
    auto it = conns_.find(id);
    if (it != conns_.end()) it->second->close(SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "server shutting down");
  }
  grace_source_ = g_timeout_add(grace_ms, grace_expired_cb, this);
  maybe_finish_shutdown();
}

gboolean WsServer::grace_expired_cb(gpointer self) {
  auto* s = static_cast<WsServer*>(self);
  s->grace_source_ = 0;
  s->log_.warn("shutdown-grace-expired",
               {{"still_open", static_cast<std::uint64_t>(s->conns_.size())}});
  if (auto done = std::exchange(s->shutdown_done_, nullptr)) done();
  return G_SOURCE_REMOVE;
}

void WsServer::maybe_finish_shutdown() {
  if (!shutting_down_ || !conns_.empty() || !shutdown_done_) return;
  if (grace_source_) {
    g_source_remove(grace_source_);
    grace_source_ = 0;
  }
  // Called from inside a signal emission: let the caller decide when to stop the loop.
  std::exchange(shutdown_done_, nullptr)();
}

}  // namespace shotcall::server
