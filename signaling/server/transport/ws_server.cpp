#include "signaling/server/transport/ws_server.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <utility>
#include <variant>

#include "signaling/identity/base64url.hpp"
#include "signaling/identity/crockford.hpp"
#include "signaling/protocol/codec.hpp"
#include "signaling/server/ops/identity_metrics.hpp"
#include "signaling/server/transport/http_reply.hpp"
#include "signaling/server/transport/peer_id.hpp"
#include "signaling/server/transport/web_assets.hpp"
#include "signaling/store/identity_store_factory.hpp"

namespace shotcall::server {
namespace {

constexpr guint kSweepIntervalS = 60;
// Pending connections the kernel queues for us (capped by net.core.somaxconn).
constexpr gint kListenBacklog = 4096;
// A silent peer (no frame, no pong) goes after this many keepalive intervals.
constexpr std::int64_t kMissedIntervalsBeforeDrop = 3;

core::PairingConfig pairing_config(const ServerConfig& c) {
  core::PairingConfig p;
  p.max_members = c.max_members;
  p.max_frame = c.max_frame;  // clients enforce the same limit on what we relay to them
  // Behind a proxy (no per-address limit) every client shares one address: no cap per address.
  if (c.max_connections_per_ip == 0) p.max_unjoined_per_address = 0;
  if (!c.stun_urls.empty()) p.ice_servers.push_back(protocol::IceServer{c.stun_urls, {}, {}});
  if (!c.turn_urls.empty() && c.turn_secret)
    p.turn_secret =
        core::TurnSecretConfig{c.turn_urls, c.turn_secret->secret, c.turn_secret->ttl_s};
  else if (!c.turn_urls.empty())
    p.relay_servers.push_back(protocol::IceServer{c.turn_urls, c.turn_username, c.turn_credential});
  p.server = protocol::ServerInfo{"shotcall-signal", SHOTCALL_VERSION};
  p.access_token = c.access_token;
  p.watch_available = c.riot.has_value();
  p.identity.riot_verify = c.riot && c.riot->verify_share_percent > 0;
  p.identity.policy =
      core::identity_policy_from_wire(c.identity_policy).value_or(core::IdentityPolicy::None);
  p.replace_in_own_call = c.redis_url.has_value();
  return p;
}

core::PairingDeps pairing_deps(const CallClock& clock, const std::string& instance,
                               store::IdentityStore* identity_store) {
  core::PairingDeps deps{[&clock] { return clock.now_ms(); },
                         [instance] {
                           return instance.empty() ? new_peer_id() : instance + "." + new_peer_id();
                         }};
  deps.identity = identity_store;
  deps.new_challenge = [] { return identity::base64url_encode(random_bytes(24)); };
  deps.new_link_code = [] { return identity::new_link_code(); };
  return deps;
}

std::unique_ptr<store::IdentityStore> open_identity(const ServerConfig& c, std::string& error) {
  auto opened = store::open_identity_store(c.database, error);
  if (!opened) error = "cannot open the identity database (--database " + c.database + "): " + error;
  return opened;
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
      instance_(make_instance_name(config_)),
      store_(make_channel_store(config_)),
      identity_store_(open_identity(config_, identity_store_error_)),
      pairing_(pairing_config(config_), *store_,
               pairing_deps(clock_, instance_, identity_store_.get())),
      admission_(config_.max_connections, config_.max_connections_per_ip) {
  char rate[32];
  std::snprintf(rate, sizeof rate, "%g", config_.rate);
  rate_limited_text_ = std::string{"too many messages (at most "} + rate +
                       " per second): dropped; slow down";
}

WsServer::~WsServer() {
  // First, so that no other thread runs a callback of ours while we take things apart.
  if (io_) io_->stop();
  riot_.reset();  // its callbacks reach into the connections below
  verify_.reset();
  runner_.reset();
  for (guint* s : {&liveness_source_, &sweep_source_, &purge_source_, &grace_source_,
                   &faults_source_, &main_jobs_source_})
    if (*s) g_source_remove(*s);
  conns_.clear();
  graveyard_.clear();
  if (server_) soup_server_disconnect(server_.get());
}

bool WsServer::start(std::string& error, bool& bad_config) {
  bad_config = false;
  if (!identity_store_) {
    error = identity_store_error_;
    return false;
  }
  GTlsCertificate* cert = nullptr;
  if (config_.tls()) {
    GError* raw = nullptr;
    cert = g_tls_certificate_new_from_files(config_.tls_cert->c_str(), config_.tls_key->c_str(),
                                            &raw);
    GPtr<GError> err{raw};
    if (!cert) {
      error = "cannot load --tls-cert/--tls-key: " + std::string{err ? err->message : "unknown"};
      bad_config = true;
      return false;
    }
  }
  runner_ = make_pairing_runner(config_, RunnerParts{pairing_, *store_, clock_, instance_, log_},
                                runner_sink(), error);
  if (!runner_) {
    bad_config = true;
    return false;
  }
  if (config_.riot) {
    std::string riot_error;
    riot_ = RiotBridge::create(
        *config_.riot, pairing_, *runner_, log_, [this](const core::Outbox& out) { deliver(out); },
        &riot_error);
    if (!riot_) {
      error = riot_error;
      bad_config = true;
      return false;
    }
    if (config_.riot->verify_share_percent > 0) {
      verify_ = VerificationBridge::create(*config_.riot, *runner_, &riot_error);
      if (!verify_) {
        error = riot_error;
        bad_config = true;
        return false;
      }
    }
  }
  server_.reset(SOUP_SERVER(soup_server_new(SOUP_SERVER_SERVER_HEADER, "shotcall-signal ",
                                            cert ? SOUP_SERVER_TLS_CERTIFICATE : nullptr, cert,
                                            nullptr)));
  GPtr<GTlsCertificate> tls_cert{cert};  // the server and the listener hold their own

  soup_server_add_handler(server_.get(), "/ws", handshake_cb, this, nullptr);
  soup_server_add_handler(server_.get(), "/healthz", healthz_cb, this, nullptr);
  soup_server_add_handler(server_.get(), "/metrics", metrics_cb, this, nullptr);
  if (config_.web) add_web_handlers(server_.get());  // "/" and "/app/": the browser client

  GPtr<GInetAddress> inet{g_inet_address_new_from_string(config_.bind.c_str())};
  if (!inet) {
    error = "--bind: not an IP address: " + config_.bind;
    bad_config = true;
    return false;
  }
  GPtr<GSocketAddress> addr{g_inet_socket_address_new(inet.get(), config_.port)};
  // Our own listening socket, because libsoup's has a backlog of 10: after a restart a whole
  // player base reconnects at once, and with 10 most of them would wait for retransmits.
  GError* raw = nullptr;
  GPtr<GSocket> listener{g_socket_new(g_inet_address_get_family(inet.get()), G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, &raw)};
  if (listener) {
    g_socket_set_listen_backlog(listener.get(), kListenBacklog);
    const bool bound = config_.reuse_port ? bind_reusing_port(listener.get(), addr.get(), &raw)
                                          : g_socket_bind(listener.get(), addr.get(), TRUE, &raw);
    if (!bound || !g_socket_listen(listener.get(), &raw)) listener.reset();
  }
  if (!listener) {
    GPtr<GError> err{raw};
    error = "cannot listen on " + config_.bind + " port " + std::to_string(config_.port) + ": " +
            (err ? err->message : "unknown");
    return false;
  }
  // The bound port, which differs from the configured one when that was 0.
  guint port = config_.port;
  if (GPtr<GSocketAddress> local{g_socket_get_local_address(listener.get(), nullptr)})
    port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(local.get()));
  listener_ = std::make_unique<Listener>(
      server_.get(), listener.get(), tls_cert.get(),
      ListenerSettings{config_.handshake_timeout_s, config_.max_connections_per_ip,
                       config_.trusted_proxies},
      log_, [this](std::string_view reason) { metrics_.connection_refused(reason); });
  if (!listener_->start(error)) return false;
  io_ = std::make_unique<IoThreads>(loop_lock_, config_.io_threads, config_.io_thread_connections);
  const bool v6 = g_inet_address_get_family(inet.get()) == G_SOCKET_FAMILY_IPV6;
  url_ = std::string{config_.tls() ? "wss://" : "ws://"} + (v6 ? "[" : "") + config_.bind +
         (v6 ? "]" : "") + ":" + std::to_string(port) + "/ws";
  bound_port_ = static_cast<std::uint16_t>(port);
  pairing_.set_accepted_hosts(accepted_hosts());
  if (config_.public_hosts.empty() && g_inet_address_get_is_any(inet.get()))
    log_.warn("identity-no-host",
              {{"hint", "listening on all addresses without --public-host: clients' identity "
                        "proofs name the host they dial, and none will be accepted"}});

  if (config_.keepalive_s > 0)
    liveness_source_ = g_timeout_add_seconds(config_.keepalive_s, liveness_tick_cb, this);
  sweep_source_ = g_timeout_add_seconds(kSweepIntervalS, sweep_tick_cb, this);
  runner_->start();
  // How clients get TURN credentials: the secret's variable is named, its value never.
  const std::string turn = config_.turn_urls.empty() ? "off"
                           : !config_.turn_secret
                               ? "static credentials"
                               : "time-limited credentials, " +
                                     std::to_string(config_.turn_secret->ttl_s) +
                                     " s, secret from $" + config_.turn_secret->env;
  log_.info("listening", {{"url", url_},
                          {"max_frame", static_cast<std::uint64_t>(config_.max_frame)},
                          {"max_members", static_cast<std::uint64_t>(config_.max_members)},
                          {"keepalive_s", config_.keepalive_s},
                          {"io_threads", config_.io_threads},
                          {"io_thread_connections", config_.io_thread_connections},
                          {"access_token", config_.access_token ? "required" : "none"},
                          {"identity", config_.identity_policy.c_str()},
                          {"database", identity_store_->describe().c_str()},
                          {"riot_platform", config_.riot ? config_.riot->platform.c_str() : "off"},
                          {"turn", turn.c_str()}});
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
  auto& message = std::get<protocol::ClientMessage>(decoded);
  metrics_.message_received(protocol::type_name(message.body));
  runner_->handle(conn.id(), std::move(message), received_us);
}

RunnerSink WsServer::runner_sink() {
  RunnerSink sink;
  sink.deliver = [this](const core::Outbox& out, std::int64_t relay_start_us) {
    deliver(out, relay_start_us);
  };
  sink.send_text = [this](core::ConnId id, const std::string& text) {
    const auto it = conns_.find(id);
    if (it == conns_.end() || it->second->departed || !it->second->open()) return false;
    return send_or_close_slow(*it->second, text);
  };
  return sink;
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
    if (!send_or_close_slow(*it->second, *text)) continue;
    if (o.close_code != 0) {  // identity-1: replaced (4001), too many registrations (1008)
      WsConnection& closing = *it->second;
      log_.info("ws-close-by-core", {{"conn", closing.id()}, {"code", o.close_code}});
      depart(closing);
      closing.close(o.close_code, o.close_reason);
    }
    if (const auto* e = std::get_if<protocol::Error>(&o.message.body))
      metrics_.error_sent(protocol::to_wire(e->code));
    else if (relay_start_us != 0 && std::holds_alternative<protocol::SignalFrom>(o.message.body))
      metrics_.relay_latency(monotonic_s(g_get_monotonic_time() - relay_start_us));
  }
  // What the core asks of the Riot watcher and of Riot, once the frames that answer it are out.
  if (riot_ && !out.watch.empty()) on_main([this, watch = out.watch] { riot_->apply(watch); });
  if (verify_ && !out.lookups.empty())
    on_main([this, lookups = out.lookups] { verify_->run(lookups); });
}

void WsServer::on_main(std::function<void()> job) {
  if (main_jobs_.empty() && g_main_context_is_owner(g_main_context_default())) return job();
  main_jobs_.push_back(std::move(job));
  // At the default priority, not an idle's: the main loop then runs it as soon as it wakes,
  // before any HTTP request that arrives after (a /metrics scrape sees the watch applied).
  if (!main_jobs_source_)
    main_jobs_source_ = g_idle_add_full(G_PRIORITY_DEFAULT, main_jobs_cb, this, nullptr);
}

gboolean WsServer::main_jobs_cb(gpointer self) {
  auto* s = static_cast<WsServer*>(self);
  s->main_jobs_source_ = 0;
  // A job may add jobs: they run in this turn too, in order.
  while (!s->main_jobs_.empty()) {
    auto job = std::move(s->main_jobs_.front());
    s->main_jobs_.pop_front();
    job();
  }
  return G_SOURCE_REMOVE;
}

void WsServer::run(GMainLoop* loop) {
  run_holding(loop, loop_lock_);
  // Nothing of ours runs once the loop is over: the caller may take the server apart.
  if (io_) io_->stop();
}

bool WsServer::send_or_close_slow(WsConnection& conn, const std::string& text) {
  if (conn.send_text(text)) return true;
  // It does not read what it is sent: closed before its queue takes more memory. A client that
  // reads again finds the close code after what was already queued.
  log_.warn("slow-reader", {{"conn", conn.id()}, {"queued", conn.queued_bytes()},
                            {"limit", static_cast<std::uint64_t>(config_.max_queued_bytes)}});
  depart(conn);
  conn.close(kSlowReaderClose, "too slow: the client does not read what it is sent");
  return false;
}

std::vector<std::string> WsServer::accepted_hosts() const {
  std::vector<std::string> hosts = config_.public_hosts;
  GPtr<GInetAddress> inet{g_inet_address_new_from_string(config_.bind.c_str())};
  if (!inet || g_inet_address_get_is_any(inet.get())) return hosts;  // only --public-host names
  const bool v6 = g_inet_address_get_family(inet.get()) == G_SOCKET_FAMILY_IPV6;
  gchar* text = g_inet_address_to_string(inet.get());  // canonical, lower case
  const std::string canonical{text};
  g_free(text);
  const std::string address = v6 ? "[" + canonical + "]" : canonical;
  const std::string port = std::to_string(bound_port_);
  const bool default_port = bound_port_ == (config_.tls() ? 443 : 80);
  hosts.push_back(address + ":" + port);
  if (default_port) hosts.push_back(address);
  if (g_inet_address_get_is_loopback(inet.get())) {
    hosts.push_back("localhost:" + port);
    if (default_port) hosts.push_back("localhost");
  }
  return hosts;
}

bool WsServer::identity_store_up() {
  // A database that does not answer may take its timeout to say so: ask at most every 5 s.
  const std::int64_t now = g_get_monotonic_time();
  if (identity_checked_us_ != 0 && now - identity_checked_us_ < 5 * G_USEC_PER_SEC)
    return identity_up_;
  identity_checked_us_ = now;
  const bool was_up = identity_up_;
  try {
    identity_store_->ping();
    identity_up_ = true;
  } catch (const store::StoreUnavailable& e) {
    identity_up_ = false;
    if (was_up) log_.warn("identity-database-down", {{"error", e.what()}});
  }
  if (identity_up_ && !was_up) log_.info("identity-database-up");
  return identity_up_;
}

// ---- departures ------------------------------------------------------------------------------

void WsServer::depart(WsConnection& conn) {
  if (conn.departed) return;
  conn.departed = true;
  if (conn.holds_slot) {
    conn.holds_slot = false;
    admission_.release(conn.address());
  }
  runner_->disconnect(conn.id());
}

void WsServer::on_alive(WsConnection& conn) { conn.last_seen_us = g_get_monotonic_time(); }

void WsServer::on_closed(WsConnection& conn) {
  const core::ConnId id = conn.id();
  depart(conn);
  metrics_.connection_closed(conn.close_code());
  if (!conn.refused) log_.info("ws-close", {{"conn", id}, {"code", conn.close_code()}});
  auto it = conns_.find(id);
  if (it != conns_.end()) {
    io_->release(conn.io_thread);
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
  s->runner_->sweep();
  if (const std::size_t lapsed = s->pairing_.expire_bindings())
    s->log_.info("identity-lapsed", {{"bindings", static_cast<std::uint64_t>(lapsed)}});
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
  else if (!s->identity_store_up())
    // Still 200: connections that proved before keep their seats; new bindings get
    // `unavailable` until the database answers again.
    set_text_response(msg, SOUP_STATUS_OK, "text/plain",
                      "degraded: identity database unreachable (" +
                          s->identity_store_->describe() +
                          "); proven players keep their seats, new bindings wait\n");
  else if (const RunnerHealth health = s->runner_->health(); health.degraded)
    // Still 200: e.g. without Redis the instance serves its own connections, and a load balancer
    // that took every instance out while Redis is away would cut everyone off.
    set_text_response(msg, SOUP_STATUS_OK, "text/plain", "degraded: " + health.why + "\n");
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
                      s->runner_->channel_count()};
  // One writer through every part, so no family is declared twice across them. It throws on
  // such a mistake: a scrape that fails (500, logged), never a server that stops.
  PrometheusText out;
  try {
    s->metrics_.render(out, gauges);
    if (s->riot_) s->riot_->render_metrics(out);
    render_identity_metrics(out, s->pairing_.identity_counters(), s->identity_store_up());
    // With Redis: shotcall_instance_info, shotcall_redis_*, shotcall_store_*, …
    s->runner_->render_metrics(out);
  } catch (const std::exception& e) {
    s->log_.error("metrics-render-failed", {{"error", e.what()}});
    return set_text_response(msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain",
                             "metrics unavailable: see the server's log\n");
  }
  set_text_response(msg, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8", out.take());
}

// ---- shutdown --------------------------------------------------------------------------------

void WsServer::shutdown(std::function<void()> done, unsigned grace_ms) {
  if (shutting_down_) return;
  shutting_down_ = true;
  shutdown_done_ = std::move(done);
  admission_.drain();
  runner_->leave();
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
  if (!shutting_down_ || !conns_.empty() || opening_ != 0 || !shutdown_done_) return;
  if (grace_source_) {
    g_source_remove(grace_source_);
    grace_source_ = 0;
  }
  // Called from inside a signal emission: let the caller decide when to stop the loop.
  std::exchange(shutdown_done_, nullptr)();
}

}  // namespace shotcall::server
