#include "tests/support/ws_client.hpp"

#include <stdexcept>

#include "signaling/protocol/codec.hpp"
#include "tests/support/main_loop.hpp"

namespace shotcall::test {

bool Frame::is_error(std::string_view code) const {
  const auto* e = as<protocol::Error>();
  return e && protocol::to_wire(e->code) == code;
}

WsClient::Attempt WsClient::try_connect(const std::string& url, WsClientOptions options) {
  Attempt attempt;
  std::unique_ptr<WsClient> client{new WsClient()};
  client->session_ = soup_session_new_with_options(
      SOUP_SESSION_SSL_STRICT, options.accept_invalid_certificates ? FALSE : TRUE,
      SOUP_SESSION_SSL_USE_SYSTEM_CA_FILE, TRUE, nullptr);
  SoupMessage* request = soup_message_new(SOUP_METHOD_GET, url.c_str());
  if (!request) {
    attempt.error = "bad URL: " + url;
    return attempt;
  }
  struct Pending {
    bool done = false;
    SoupWebsocketConnection* conn = nullptr;
    std::string error;
  } pending;
  GCancellable* cancel = g_cancellable_new();
  soup_session_websocket_connect_async(
      client->session_, request, nullptr, nullptr, cancel,
      [](GObject* src, GAsyncResult* res, gpointer d) {
        auto* p = static_cast<Pending*>(d);
        GError* error = nullptr;
        p->conn = soup_session_websocket_connect_finish(SOUP_SESSION(src), res, &error);
        if (error) {
          p->error = error->message;
          g_error_free(error);
        }
        p->done = true;
      },
      &pending);
  if (!run_until([&] { return pending.done; }, options.connect_timeout)) {
    g_cancellable_cancel(cancel);
    run_until([&] { return pending.done; }, 10s);  // the callback writes into `pending`
    if (pending.error.empty()) pending.error = "timed out";
  }
  g_object_unref(cancel);
  attempt.http_status = request->status_code;
  g_object_unref(request);
  if (!pending.conn) {
    attempt.error = pending.error.empty() ? "connect failed" : pending.error;
    return attempt;
  }
  client->conn_ = pending.conn;
  // The server's limit is what the tests probe; the client must not be the one to refuse.
  soup_websocket_connection_set_max_incoming_payload_size(client->conn_, 16 * 1024 * 1024);
  g_signal_connect(client->conn_, "message", G_CALLBACK(on_message), client.get());
  g_signal_connect(client->conn_, "closed", G_CALLBACK(on_closed), client.get());
  attempt.client = std::move(client);
  return attempt;
}

std::unique_ptr<WsClient> WsClient::connect(const std::string& url, WsClientOptions options) {
  auto attempt = try_connect(url, options);
  if (!attempt.client)
    throw std::runtime_error("WebSocket connect to " + url + " failed: " + attempt.error +
                             " (HTTP " + std::to_string(attempt.http_status) + ")");
  return std::move(attempt.client);
}

WsClient::~WsClient() {
  if (conn_) {
    g_signal_handlers_disconnect_by_data(conn_, this);
    if (soup_websocket_connection_get_state(conn_) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close(conn_, SOUP_WEBSOCKET_CLOSE_NORMAL, nullptr);
    g_object_unref(conn_);
  }
  if (session_) {
    soup_session_abort(session_);
    g_object_unref(session_);
  }
}

void WsClient::on_message(SoupWebsocketConnection*, gint type, GBytes* data, gpointer self) {
  auto* c = static_cast<WsClient*>(self);
  ++c->received_total_;
  gsize size = 0;
  const auto* bytes = static_cast<const char*>(g_bytes_get_data(data, &size));
  Frame f;
  f.text.assign(bytes ? bytes : "", size);
  if (type != SOUP_WEBSOCKET_DATA_TEXT) {
    f.decode_error = "binary frame";
  } else {
    auto decoded = protocol::decode_server(f.text);
    if (auto* m = std::get_if<protocol::ServerMessage>(&decoded)) {
      f.type = std::string{protocol::type_name(m->body)};
      f.message = std::move(*m);
    } else {
      f.decode_error = std::get<protocol::DecodeError>(decoded).message;
    }
  }
  c->frames_.push_back(std::move(f));
}

void WsClient::on_closed(SoupWebsocketConnection*, gpointer self) {
  static_cast<WsClient*>(self)->closed_ = true;
}

void WsClient::send_text(const std::string& text) {
  if (soup_websocket_connection_get_state(conn_) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text(conn_, text.c_str());
}

void WsClient::send(const protocol::ClientMessage& message) { send_text(protocol::encode(message)); }

void WsClient::send_binary(const std::string& bytes) {
  if (soup_websocket_connection_get_state(conn_) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_binary(conn_, bytes.data(), bytes.size());
}

std::optional<Frame> WsClient::wait_for(const FramePredicate& match,
                                        std::chrono::milliseconds timeout) {
  std::optional<Frame> found;
  std::size_t scanned = 0;  // frames already looked at need no second look
  run_until(
      [&] {
        for (; scanned < frames_.size(); ++scanned) {
          if (match(frames_[scanned])) {
            found = std::move(frames_[scanned]);
            frames_.erase(frames_.begin() + static_cast<std::ptrdiff_t>(scanned));
            return true;
          }
        }
        return closed_ && scanned >= frames_.size();
      },
      timeout);
  return found;
}

std::optional<Frame> WsClient::wait_for_type(std::string_view type,
                                             std::chrono::milliseconds timeout) {
  return wait_for([type](const Frame& f) { return f.type == type; }, timeout);
}

std::optional<Frame> WsClient::wait_for_error(std::string_view code,
                                              std::chrono::milliseconds timeout) {
  return wait_for([code](const Frame& f) { return f.is_error(code); }, timeout);
}

bool WsClient::barrier(std::chrono::milliseconds timeout) {
  const std::string id = "barrier-" + std::to_string(++barrier_seq_);
  send_text("{\"type\":\"x-test-barrier\",\"id\":\"" + id + "\"}");
  return wait_for([&](const Frame& f) { return f.message && f.message->id == id; }, timeout)
      .has_value();
}

std::optional<Frame> WsClient::take(const FramePredicate& match) {
  for (auto it = frames_.begin(); it != frames_.end(); ++it) {
    if (match(*it)) {
      Frame f = std::move(*it);
      frames_.erase(it);
      return f;
    }
  }
  return std::nullopt;
}

bool WsClient::has(const FramePredicate& match) const {
  for (const auto& f : frames_)
    if (match(f)) return true;
  return false;
}

void WsClient::close(unsigned short code, const std::string& reason) {
  if (soup_websocket_connection_get_state(conn_) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close(conn_, code, reason.empty() ? nullptr : reason.c_str());
}

bool WsClient::wait_closed(std::chrono::milliseconds timeout) {
  return run_until([&] { return closed_; }, timeout);
}

unsigned short WsClient::close_code() const {
  return soup_websocket_connection_get_close_code(conn_);
}

std::string WsClient::close_reason() const {
  const char* r = soup_websocket_connection_get_close_data(conn_);
  return r ? r : "";
}

namespace msg {
namespace {
protocol::IdValue id_value(std::string text) {
  const bool number = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  return protocol::IdValue{std::move(text), number};
}
}  // namespace

protocol::ClientMessage register_user(std::string riot_id, std::optional<std::string> id,
                                      std::optional<std::string> token) {
  return {std::move(id), protocol::RegisterUser{std::move(riot_id), std::nullopt, std::move(token)}};
}
protocol::ClientMessage find_or_create(std::string game_id, std::string team_id,
                                       std::vector<std::string> teammates,
                                       std::optional<std::string> id) {
  return {std::move(id), protocol::FindOrCreateChannel{id_value(std::move(game_id)),
                                                       id_value(std::move(team_id)),
                                                       std::move(teammates)}};
}
protocol::ClientMessage join(std::string channel_id, std::optional<std::string> id) {
  return {std::move(id), protocol::JoinChannel{std::move(channel_id)}};
}
protocol::ClientMessage leave(std::string channel_id, std::optional<std::string> id) {
  return {std::move(id), protocol::LeaveChannel{std::move(channel_id)}};
}
protocol::ClientMessage signal(std::string to, std::string data_json, std::optional<std::string> id) {
  return {std::move(id), protocol::SignalTo{std::move(to), std::move(data_json)}};
}
protocol::ClientMessage chat(std::string channel_id, std::string text,
                             std::optional<std::string> id) {
  return {std::move(id), protocol::ChatSend{std::move(channel_id), std::move(text)}};
}
}  // namespace msg

}  // namespace shotcall::test
