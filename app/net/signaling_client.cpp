#include "app/net/signaling_client.hpp"

#include <libsoup/soup.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <random>

#include "app/i18n/translate.hpp"
#include "app/net/backoff.hpp"
#include "app/net/ice_refresh.hpp"
#include "app/net/identity_handshake.hpp"
#include "common/glib_ptr.hpp"
#include "signaling/protocol/codec.hpp"

namespace shotcall::net {

const char* to_string(LinkState state) {
  switch (state) {
    case LinkState::Connecting: return "connecting";
    case LinkState::Registered: return "registered";
    case LinkState::Refused: return "refused";
    case LinkState::Failed: return "failed";
    case LinkState::Stopped: return "stopped";
  }
  return "unknown";
}

struct SignalingClient::Impl {
  Impl(SignalingOptions o, Events e)
      : options(std::move(o)),
        events(std::move(e)),
        backoff(options.first_retry_ms, options.max_retry_ms,
                [this] { return std::uniform_real_distribution<double>(0, 1)(rng); }),
        rng(std::random_device{}()),
        context(g_main_context_ref_thread_default()),
        handshake(HandshakeOptions{options.url, options.riot_id, options.puuid, options.token,
                                   options.key, options.link_first}),
        session(soup_session_new_with_options("timeout", 10u, nullptr)) {}

  ~Impl() {
    stopped = true;
    clear_timers();
    g_cancellable_cancel(cancellable.get());
    drop_connection(false);
    g_main_context_unref(context);
  }

  void set_state(LinkState s, const std::string& detail) {
    if (s == state && detail.empty()) return;
    state = s;
    if (events.on_state) events.on_state(s, detail);
  }

  void connect() {
    if (stopped) return;
    set_state(consecutive_failures >= options.attempts_before_failed ? LinkState::Failed
                                                                      : LinkState::Connecting,
              "");
    GPtr<SoupMessage> msg{soup_message_new(SOUP_METHOD_GET, options.url.c_str())};
    if (!msg) {
      stopped = true;
      // Translators: why the server link stopped; {url} is the address in Preferences.
      set_state(LinkState::Refused,
                i18n::fill(i18n::tr("not a valid server address: {url}"), {{"url", options.url}}));
      return;
    }
    cancellable.reset(g_cancellable_new());
    soup_session_websocket_connect_async(session.get(), msg.get(), nullptr, nullptr,
                                         G_PRIORITY_DEFAULT, cancellable.get(),
                                         &Impl::on_connected, this);
  }

  static void on_connected(GObject* source, GAsyncResult* result, gpointer user_data) {
    GError* error = nullptr;
    SoupWebsocketConnection* conn =
        soup_session_websocket_connect_finish(SOUP_SESSION(source), result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      g_error_free(error);  // the client is gone or stopping: `user_data` may be dangling
      return;
    }
    auto* self = static_cast<Impl*>(user_data);
    if (!conn) {
      const std::string why = error ? error->message : "unknown error";
      g_clear_error(&error);
      self->retry("cannot reach " + self->options.url + ": " + why);
      return;
    }
    self->attach(conn);
  }

  void attach(SoupWebsocketConnection* conn) {
    connection.reset(conn);
    soup_websocket_connection_set_keepalive_interval(conn, options.keepalive_s);
    last_heard_us = g_get_monotonic_time();
    handlers[0] = g_signal_connect(conn, "message", G_CALLBACK(&Impl::on_frame), this);
    handlers[1] = g_signal_connect(conn, "closed", G_CALLBACK(&Impl::on_closed), this);
    handlers[2] = g_signal_connect(conn, "pong", G_CALLBACK(&Impl::on_pong), this);
    watchdog = g_timeout_add_seconds(options.keepalive_s, &Impl::on_watchdog, this);

    send_raw(protocol::encode(handshake.start()));
  }

  void send_raw(const std::string& text) {
    if (connection &&
        soup_websocket_connection_get_state(connection.get()) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_send_text(connection.get(), text.c_str());
  }

  static void on_frame(SoupWebsocketConnection*, gint type, GBytes* bytes, gpointer user_data) {
    auto* self = static_cast<Impl*>(user_data);
    self->last_heard_us = g_get_monotonic_time();
    if (type != SOUP_WEBSOCKET_DATA_TEXT) return;
    gsize size = 0;
    const auto* data = static_cast<const char*>(g_bytes_get_data(bytes, &size));
    auto decoded = protocol::decode_server(std::string_view{data, size});
    if (const auto* error = std::get_if<protocol::DecodeError>(&decoded)) {
      g_warning("signaling: ignoring a frame the server sent: %s", error->message.c_str());
      return;
    }
    self->on_message(std::get<protocol::ServerMessage>(std::move(decoded)));
  }

  void on_message(const protocol::ServerMessage& message) {
    if (state != LinkState::Registered) {
      const IdentityHandshake::Step step = handshake.on_message(message);
      for (const auto& next : step.send) send_raw(protocol::encode(next));
      if (step.refusal) {
        stopped = true;
        drop_connection(true);
        set_state(LinkState::Refused, *step.refusal);
      } else if (step.retry_later) {
        drop_connection(true);
        retry("the server cannot check identities right now");
      }
    }
    if (is_refresh_error(message)) {
      on_refresh_error(std::get<protocol::Error>(message.body));
      return;  // our own request, not the caller's
    }
    if (const auto* fresh = std::get_if<protocol::IceServersReply>(&message.body))
      schedule_refresh(fresh->ice_servers);
    if (std::holds_alternative<protocol::Verified>(message.body) && !refresh_unsupported) {
      // Under policy riot the relay comes with the level this connection has just reached:
      // ask for it now, not at the next expiry (a player behind a strict NAT needs it to talk).
      refresh_at(wall_now_ms());
    }
    if (const auto* connected = std::get_if<protocol::Connected>(&message.body)) {
      peer_id = connected->peer_id;
      if (registered_once) ++reconnect_count;
      registered_once = true;
      stale_claim_retries = 0;
      consecutive_failures = 0;
      backoff.reset();
      set_state(LinkState::Registered, "");
      schedule_refresh(connected->ice_servers);
    } else if (const auto* error = std::get_if<protocol::Error>(&message.body);
               error && error->re == "register-user" && state != LinkState::Registered) {
      if (error->code == protocol::ErrorCode::RiotIdInUse &&
          (registered_once || handshake.proofs_allowed()) &&
          stale_claim_retries < kStaleClaimRetries) {
        // The holder is most likely our own previous connection: we were registered a moment
        // ago, on a server instance that died and is not yet known to be dead (a few seconds,
        // docs/self-hosting.md "Scaling out"); or, as we prove our key, a stale session of this
        // device on another instance, which the server is closing now. Ask again shortly.
        ++stale_claim_retries;
        drop_connection(true);
        set_state(LinkState::Connecting,
                  "our Riot ID is still held by another session (most likely our previous one)");
        if (retry_timer) g_source_remove(retry_timer);
        retry_timer = g_timeout_add(kStaleClaimRetryMs, &Impl::on_retry, this);
      } else if (error->code == protocol::ErrorCode::RiotIdInUse ||
                 error->code == protocol::ErrorCode::Unauthorized) {
        // Retrying cannot fix these: someone holds our Riot ID, or the token is wrong.
        stopped = true;
        drop_connection(true);
        set_state(LinkState::Refused, error->message);
      }
    }
    if (events.on_message) events.on_message(message);
  }

  // ---- renewing time-limited TURN credentials (refresh-ice-servers) ----

  std::int64_t wall_now_ms() const {
    return options.wall_clock_ms ? options.wall_clock_ms() : g_get_real_time() / 1000;
  }

  bool is_refresh_error(const protocol::ServerMessage& message) const {
    const auto* error = std::get_if<protocol::Error>(&message.body);
    return error && (message.id == kRefreshRequestId || error->re == "refresh-ice-servers");
  }

  void schedule_refresh(const std::vector<protocol::IceServer>& servers) {
    if (refresh_unsupported) return;
    refresh_at(ice_refresh_at_ms(servers, wall_now_ms()));
  }

  // Asks for fresh ICE servers at `due_ms` on the wall clock; never, for nullopt.
  void refresh_at(std::optional<std::int64_t> due_ms) {
    refresh_due_ms = due_ms;
    arm_refresh();
  }

  // The timer runs on the monotonic clock, which stands still while the computer sleeps: it is
  // armed for at most kRefreshRecheckMs at a time, and each time it fires the wall clock decides.
  void arm_refresh() {
    if (refresh_timer) g_source_remove(refresh_timer);
    refresh_timer = 0;
    if (!refresh_due_ms) return;
    const std::int64_t wait = std::clamp<std::int64_t>(*refresh_due_ms - wall_now_ms(), 0,
                                                       kRefreshRecheckMs);
    refresh_timer = g_timeout_add(static_cast<guint>(wait), &Impl::on_refresh_timer, this);
  }

  static gboolean on_refresh_timer(gpointer user_data) {
    auto* self = static_cast<Impl*>(user_data);
    self->refresh_timer = 0;
    if (!self->refresh_due_ms) return G_SOURCE_REMOVE;
    if (*self->refresh_due_ms - self->wall_now_ms() > kRefreshEarlyToleranceMs) {
      self->arm_refresh();
      return G_SOURCE_REMOVE;
    }
    if (self->state == LinkState::Registered && self->connection) {
      self->send_raw(protocol::encode(
          protocol::ClientMessage{std::string{kRefreshRequestId}, protocol::RefreshIceServers{}}));
    }
    // Its answer schedules the next one; without an answer, ask again later.
    self->refresh_at(self->wall_now_ms() + kRefreshNoAnswerMs);
    return G_SOURCE_REMOVE;
  }

  void on_refresh_error(const protocol::Error& error) {
    if (error.code == protocol::ErrorCode::UnknownType) {
      // A server older than the extension: the credentials from `connected` are all there is
      // until the next reconnect. Asking again would only repeat this answer.
      refresh_unsupported = true;
      refresh_at(std::nullopt);
      g_message("signaling: the server cannot renew TURN credentials (no refresh-ice-servers); "
                "links built after they expire may not reach a relay");
      return;
    }
    // rate-limited, or anything else passing: try again a little later.
    refresh_at(wall_now_ms() + kRefreshNoAnswerMs);
  }

  void stop_refresh() { refresh_at(std::nullopt); }

  static void on_pong(SoupWebsocketConnection*, GBytes*, gpointer user_data) {
    static_cast<Impl*>(user_data)->last_heard_us = g_get_monotonic_time();
  }

  static gboolean on_watchdog(gpointer user_data) {
    auto* self = static_cast<Impl*>(user_data);
    const gint64 silent_us = g_get_monotonic_time() - self->last_heard_us;
    if (silent_us > 3 * static_cast<gint64>(self->options.keepalive_s) * G_USEC_PER_SEC) {
      self->watchdog = 0;
      self->drop_connection(false);
      self->retry("the server stopped answering");
      return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
  }

  static void on_closed(SoupWebsocketConnection* conn, gpointer user_data) {
    auto* self = static_cast<Impl*>(user_data);
    const int code = soup_websocket_connection_get_close_code(conn);
    self->drop_connection(false);
    if (self->stopped) return;
    if (code == kReplacedCloseCode) {
      // identity-1: another session of this device (or an unlink) took the seat. Coming back by
      // ourselves would throw that session out in turn.
      self->stopped = true;
      // Translators: why the server link stopped, shown after "The server turned you away".
      self->set_state(LinkState::Refused,
                      i18n::tr("signed in from another session of this device, or this device "
                               "was unlinked: this session stops"));
      return;
    }
    self->retry("the server closed the connection (" + std::to_string(code) + ")");
  }

  void retry(const std::string& why) {
    if (stopped) return;
    ++consecutive_failures;
    const bool failed = consecutive_failures >= options.attempts_before_failed;
    set_state(failed ? LinkState::Failed : LinkState::Connecting, why);
    if (retry_timer) g_source_remove(retry_timer);
    retry_timer = g_timeout_add(backoff.next_delay_ms(), &Impl::on_retry, this);
  }

  static gboolean on_retry(gpointer user_data) {
    auto* self = static_cast<Impl*>(user_data);
    self->retry_timer = 0;
    self->connect();
    return G_SOURCE_REMOVE;
  }

  void drop_connection(bool say_goodbye) {
    stop_refresh();  // the next `connected` brings new credentials
    if (watchdog) {
      g_source_remove(watchdog);
      watchdog = 0;
    }
    if (!connection) return;
    for (gulong& h : handlers) {
      if (h) g_signal_handler_disconnect(connection.get(), h);
      h = 0;
    }
    if (soup_websocket_connection_get_state(connection.get()) == SOUP_WEBSOCKET_STATE_OPEN) {
      // The closing handshake outlives this client: the connection keeps itself alive until
      // libsoup says it closed, so frames sent just before (a leave-channel) still go out.
      SoupWebsocketConnection* closing = connection.release();
      closing_count().fetch_add(1);
      g_signal_connect(closing, "closed", G_CALLBACK(&Impl::on_goodbye_done), nullptr);
      soup_websocket_connection_close(
          closing, say_goodbye ? SOUP_WEBSOCKET_CLOSE_NORMAL : SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
          nullptr);
    }
    connection.reset();
    peer_id.clear();
  }

  static void on_goodbye_done(SoupWebsocketConnection* conn, gpointer) {
    g_idle_add_full(G_PRIORITY_DEFAULT, [](gpointer c) { g_object_unref(c); return G_SOURCE_REMOVE; },
                    conn, nullptr);
    closing_count().fetch_sub(1);
  }
  static std::atomic<int>& closing_count() {
    static std::atomic<int> n{0};
    return n;
  }

  void clear_timers() {
    if (retry_timer) g_source_remove(retry_timer);
    retry_timer = 0;
    if (watchdog) g_source_remove(watchdog);
    watchdog = 0;
    stop_refresh();
  }

  static constexpr int kReplacedCloseCode = 4001;
  SignalingOptions options;
  Events events;
  Backoff backoff;
  std::mt19937 rng;
  GMainContext* context;
  IdentityHandshake handshake;
  GPtr<SoupSession> session;
  GPtr<GCancellable> cancellable{g_cancellable_new()};
  GPtr<SoupWebsocketConnection> connection;
  gulong handlers[3] = {0, 0, 0};
  guint retry_timer = 0;
  guint watchdog = 0;
  gint64 last_heard_us = 0;
  LinkState state = LinkState::Stopped;
  std::string peer_id;
  std::uint32_t consecutive_failures = 0;
  std::uint32_t reconnect_count = 0;
  bool registered_once = false;
  // A refused re-registration is retried this often, this many times (see on_message).
  static constexpr std::uint32_t kStaleClaimRetries = 20;
  static constexpr guint kStaleClaimRetryMs = 500;
  std::uint32_t stale_claim_retries = 0;
  bool stopped = false;
  // refresh-ice-servers: when to ask next (wall clock, unix ms), the timer that checks, and
  // whether the server said it does not know the request (then we never ask it again).
  static constexpr const char* kRefreshRequestId = "ice-refresh";
  static constexpr std::int64_t kRefreshRecheckMs = 5 * 60 * 1000;
  static constexpr std::int64_t kRefreshNoAnswerMs = 60 * 1000;
  static constexpr std::int64_t kRefreshEarlyToleranceMs = 50;
  std::optional<std::int64_t> refresh_due_ms;
  guint refresh_timer = 0;
  bool refresh_unsupported = false;
};

SignalingClient::SignalingClient(SignalingOptions options, Events events)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(events))) {}

SignalingClient::~SignalingClient() = default;

void SignalingClient::start() {
  impl_->stopped = false;
  impl_->connect();
}

void SignalingClient::stop() {
  impl_->stopped = true;
  impl_->clear_timers();
  g_cancellable_cancel(impl_->cancellable.get());
  impl_->drop_connection(true);
  impl_->set_state(LinkState::Stopped, "");
}

bool SignalingClient::send(const protocol::ClientMessage& message) {
  if (impl_->state != LinkState::Registered || !impl_->connection) return false;
  impl_->send_raw(protocol::encode(message));
  return true;
}

LinkState SignalingClient::state() const { return impl_->state; }
const std::string& SignalingClient::peer_id() const { return impl_->peer_id; }
std::uint32_t SignalingClient::reconnects() const { return impl_->reconnect_count; }

bool SignalingClient::goodbyes_pending() { return Impl::closing_count().load() > 0; }

}  // namespace shotcall::net
