// probe_server(): the libsoup 3 shell of the connection test. GET /healthz (its answer is only
// reported: a server behind a proxy may not route it), then the WebSocket, `hello`, the answer,
// and a normal close. Everything is asynchronous on the caller's main context.
#include "app/net/server_probe.hpp"

#include <libsoup/soup.h>

#include <memory>
#include <utility>

#include "app/i18n/translate.hpp"
#include "signaling/protocol/codec.hpp"

namespace shotcall::net {
namespace {

constexpr gsize kMaxHealthBytes = 512;

class Probe {
 public:
  Probe(std::string url, ProbeDone done, std::chrono::milliseconds timeout)
      : done_(std::move(done)), cancellable_(g_cancellable_new()) {
    findings_.url = std::move(url);
    const auto ms = static_cast<guint>(std::max<std::int64_t>(1, timeout.count()));
    session_ = soup_session_new_with_options("timeout", std::max(1u, ms / 1000u), "idle-timeout",
                                             std::max(1u, ms / 1000u), nullptr);
    timer_ = g_timeout_add(ms, &Probe::on_deadline, this);
  }
  ~Probe() {
    if (timer_) g_source_remove(timer_);
    if (ws_) {
      g_signal_handlers_disconnect_by_data(ws_, this);
      if (soup_websocket_connection_get_state(ws_) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close(ws_, SOUP_WEBSOCKET_CLOSE_NORMAL, nullptr);
      g_object_unref(ws_);
    }
    g_clear_object(&msg_);
    g_object_unref(cancellable_);
    g_object_unref(session_);
  }

  // Abandons the probe: no `done`. libsoup's outstanding callbacks still arrive (cancelled);
  // the last one frees the probe.
  void cancel() {
    done_ = nullptr;
    finish();
  }

  void start() {
    const std::string health = health_url_of(findings_.url);
    if (health.empty()) {
      findings_.reach = ProbeReach::BadAddress;
      // Report on the next turn: never from inside probe_server().
      idle_ = g_idle_add(
          [](gpointer data) -> gboolean {
            auto* self = static_cast<Probe*>(data);
            self->idle_ = 0;
            self->finish();
            return G_SOURCE_REMOVE;
          },
          this);
      return;
    }
    msg_ = soup_message_new(SOUP_METHOD_GET, health.c_str());
    ++pending_;
    soup_session_send_and_read_async(session_, msg_, G_PRIORITY_DEFAULT, cancellable_,
                                     &Probe::on_health, this);
  }

 private:
  static void on_health(GObject* source, GAsyncResult* result, gpointer data) {
    auto* self = static_cast<Probe*>(data);
    --self->pending_;
    GError* error = nullptr;
    GBytes* body = soup_session_send_and_read_finish(SOUP_SESSION(source), result, &error);
    if (self->finished_) {
      g_clear_error(&error);
      if (body) g_bytes_unref(body);
      self->maybe_free();
      return;
    }
    if (!body) {
      self->fail(error);
      g_clear_error(&error);
      return;
    }
    self->findings_.health_status = static_cast<int>(soup_message_get_status(self->msg_));
    gsize size = 0;
    const auto* text = static_cast<const char*>(g_bytes_get_data(body, &size));
    std::string line{text, std::min(size, kMaxHealthBytes)};
    line = line.substr(0, line.find_first_of("\r\n"));
    self->findings_.health_body = line;
    g_bytes_unref(body);
    self->connect_websocket();
  }

  void connect_websocket() {
    g_clear_object(&msg_);
    msg_ = soup_message_new(SOUP_METHOD_GET, findings_.url.c_str());
    ++pending_;
    soup_session_websocket_connect_async(session_, msg_, nullptr, nullptr, G_PRIORITY_DEFAULT,
                                         cancellable_, &Probe::on_connected, this);
  }

  static void on_connected(GObject* source, GAsyncResult* result, gpointer data) {
    auto* self = static_cast<Probe*>(data);
    --self->pending_;
    GError* error = nullptr;
    SoupWebsocketConnection* ws =
        soup_session_websocket_connect_finish(SOUP_SESSION(source), result, &error);
    if (self->finished_) {
      g_clear_error(&error);
      if (ws) g_object_unref(ws);
      self->maybe_free();
      return;
    }
    if (!ws) {
      if (error && error->domain == SOUP_WEBSOCKET_ERROR) {
        self->findings_.reach = ProbeReach::NotShotcall;
        self->findings_.http_status = static_cast<int>(soup_message_get_status(self->msg_));
        self->findings_.detail = error->message;
        g_clear_error(&error);
        self->finish();
        return;
      }
      self->fail(error);
      g_clear_error(&error);
      return;
    }
    self->ws_ = ws;
    g_signal_connect(ws, "message", G_CALLBACK(&Probe::on_frame), self);
    g_signal_connect(ws, "closed", G_CALLBACK(&Probe::on_closed), self);
    const std::string hello = protocol::encode(protocol::ClientMessage{"probe", protocol::Hello{}});
    soup_websocket_connection_send_text(ws, hello.c_str());
  }

  // The connection's own signals may finish (and delete) the probe, which drops its reference
  // to the connection: a reference of their own keeps it alive until they return.
  struct HoldConnection {
    explicit HoldConnection(SoupWebsocketConnection* c)
        : conn(static_cast<SoupWebsocketConnection*>(g_object_ref(c))) {}
    ~HoldConnection() { g_object_unref(conn); }
    SoupWebsocketConnection* conn;
  };

  static void on_frame(SoupWebsocketConnection* conn, gint type, GBytes* bytes, gpointer data) {
    const HoldConnection hold{conn};
    auto* self = static_cast<Probe*>(data);
    if (self->finished_) return;
    gsize size = 0;
    const auto* text = static_cast<const char*>(g_bytes_get_data(bytes, &size));
    auto decoded = protocol::decode_server(std::string_view{text, size});
    auto* message = std::get_if<protocol::ServerMessage>(&decoded);
    if (type != SOUP_WEBSOCKET_DATA_TEXT || !message) {
      self->findings_.reach = ProbeReach::NotShotcall;
      self->findings_.detail = i18n::tr("its WebSocket does not speak Shotcall's protocol");
      self->finish();
      return;
    }
    if (message->id != std::optional<std::string>{"probe"}) return;  // not the answer yet
    if (const auto* hello = std::get_if<protocol::HelloReply>(&message->body)) {
      self->findings_.reach = ProbeReach::Shotcall;
      self->findings_.hello = *hello;
    } else if (const auto* err = std::get_if<protocol::Error>(&message->body);
               err && err->code == protocol::ErrorCode::UnknownType) {
      self->findings_.reach = ProbeReach::ShotcallV1;
    } else {
      self->findings_.reach = ProbeReach::NotShotcall;
      self->findings_.detail = i18n::tr("it answered hello unexpectedly");
    }
    self->finish();
  }

  static void on_closed(SoupWebsocketConnection* conn, gpointer data) {
    const HoldConnection hold{conn};
    auto* self = static_cast<Probe*>(data);
    if (self->finished_) return;
    self->findings_.reach = ProbeReach::NotShotcall;
    self->findings_.detail = i18n::tr("it closed the WebSocket without answering");
    self->finish();
  }

  static gboolean on_deadline(gpointer data) {
    auto* self = static_cast<Probe*>(data);
    self->timer_ = 0;
    if (self->ws_) {
      self->findings_.reach = ProbeReach::NotShotcall;
      self->findings_.detail = i18n::tr("no answer to hello in time");
    } else {
      self->findings_.reach = ProbeReach::Unreachable;
      self->findings_.detail = i18n::tr("no answer in time");
    }
    self->finish();
    return G_SOURCE_REMOVE;
  }

  void fail(const GError* error) {
    findings_.detail = error ? error->message : i18n::tr("unknown error");
    if (error && error->domain == G_TLS_ERROR) {
      findings_.reach = ProbeReach::TlsRefused;
    } else {
      findings_.reach = ProbeReach::Unreachable;
    }
    finish();
  }

  // Reports once, then frees the probe as soon as no libsoup callback is outstanding.
  void finish() {
    if (finished_) return;
    finished_ = true;
    if (timer_) g_source_remove(std::exchange(timer_, 0));
    if (idle_) g_source_remove(std::exchange(idle_, 0));
    g_cancellable_cancel(cancellable_);
    ProbeDone done = std::move(done_);
    done_ = nullptr;
    *alive_ = false;
    const ProbeFindings findings = findings_;
    maybe_free();  // may delete this
    if (done) done(findings);
  }

  void maybe_free() {
    if (finished_ && pending_ == 0) delete this;
  }

 public:
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

 private:
  ProbeDone done_;
  ProbeFindings findings_;
  SoupSession* session_ = nullptr;
  SoupMessage* msg_ = nullptr;
  SoupWebsocketConnection* ws_ = nullptr;
  GCancellable* cancellable_ = nullptr;
  guint timer_ = 0;
  guint idle_ = 0;
  int pending_ = 0;  // libsoup callbacks still to come
  bool finished_ = false;
};

}  // namespace

std::function<void()> probe_server(const std::string& server_url, ProbeDone done,
                                   std::chrono::milliseconds timeout) {
  auto* probe = new Probe(server_url, std::move(done), timeout);
  std::weak_ptr<bool> alive = probe->alive_;
  probe->start();
  return [probe, alive] {
    if (auto a = alive.lock(); a && *a) probe->cancel();
  };
}

}  // namespace shotcall::net
