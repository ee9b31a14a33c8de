#include "app/game/lcd_fetch.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "app/game/lcd_tls_database.hpp"

namespace shotcall::game {
namespace {

// allgamedata is a few hundred KiB late in a long game; stop reading far beyond that.
constexpr std::size_t kMaxBodyBytes = 8u * 1024u * 1024u;
constexpr gsize kReadChunk = 64 * 1024;

}  // namespace

LcdFetch* LcdFetch::start(SoupSession* session, const std::string& url,
                          std::chrono::milliseconds timeout, GMainContext* context, Done done) {
  auto* self = new LcdFetch();
  self->done_ = std::move(done);
  self->msg_ = soup_message_new(SOUP_METHOD_GET, url.c_str());
  self->cancellable_ = g_cancellable_new();
  if (!self->msg_) {  // the poller parsed this URL already; kept for safety, not expected
    delete self;
    return nullptr;
  }
  soup_message_headers_replace(soup_message_get_request_headers(self->msg_), "Accept",
                               "application/json");

  self->timer_ = g_timeout_source_new(static_cast<guint>(std::max<std::int64_t>(1, timeout.count())));
  g_source_set_callback(
      self->timer_,
      [](gpointer data) -> gboolean {
        on_timeout_fired(static_cast<LcdFetch*>(data));
        return G_SOURCE_REMOVE;
      },
      self, nullptr);
  g_source_attach(self->timer_, context);
  soup_session_send_async(session, self->msg_, G_PRIORITY_DEFAULT, self->cancellable_,
                          &LcdFetch::on_sent, self);
  return self;
}

LcdFetch::~LcdFetch() {
  if (timer_) {
    g_source_destroy(timer_);
    g_source_unref(timer_);
  }
  // Dropping an unfinished body stream closes it without reading the rest (libsoup marks the
  // connection unusable); nothing blocks.
  g_clear_object(&body_stream_);
  g_clear_object(&cancellable_);
  g_clear_object(&msg_);
}

void LcdFetch::cancel() {
  done_ = nullptr;
  g_cancellable_cancel(cancellable_);
}

void LcdFetch::on_timeout_fired(LcdFetch* self) {
  g_source_unref(std::exchange(self->timer_, nullptr));
  self->timed_out_ = true;
  // The operation under way completes with G_IO_ERROR_CANCELLED and finishes the fetch.
  g_cancellable_cancel(self->cancellable_);
}

void LcdFetch::on_sent(GObject* source, GAsyncResult* result, gpointer data) {
  auto* self = static_cast<LcdFetch*>(data);
  GError* error = nullptr;
  GInputStream* stream = soup_session_send_finish(SOUP_SESSION(source), result, &error);
  if (!stream) {
    PollOutcome out = self->failure(error);
    g_clear_error(&error);
    self->finish(std::move(out));
    return;
  }
  self->body_stream_ = stream;
  // Read every body, error pages too: they are small, and a fully read answer keeps the
  // connection reusable.
  self->read_more();
}

void LcdFetch::read_more() {
  g_input_stream_read_bytes_async(body_stream_, kReadChunk, G_PRIORITY_DEFAULT, cancellable_,
                                  &LcdFetch::on_read, this);
}

void LcdFetch::on_read(GObject* source, GAsyncResult* result, gpointer data) {
  auto* self = static_cast<LcdFetch*>(data);
  GError* error = nullptr;
  GBytes* bytes = g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), result, &error);
  if (!bytes) {
    PollOutcome out = self->failure(error);
    g_clear_error(&error);
    self->finish(std::move(out));
    return;
  }
  gsize len = 0;
  const auto* chunk = static_cast<const char*>(g_bytes_get_data(bytes, &len));
  if (len > 0) self->body_.append(chunk, len);
  g_bytes_unref(bytes);
  if (self->body_.size() > kMaxBodyBytes) {
    self->finish({PollOutcome::Kind::TransportError, "answer too large", 0, {}});
    return;
  }
  if (len > 0) {
    self->read_more();
    return;
  }

  // End of the body.
  const guint status = soup_message_get_status(self->msg_);
  PollOutcome out;
  out.http_status = static_cast<int>(status);
  if (status == SOUP_STATUS_OK) {
    out.kind = PollOutcome::Kind::Body;
    out.body = std::move(self->body_);
  } else {
    out.kind = PollOutcome::Kind::HttpError;
    const char* reason = soup_message_get_reason_phrase(self->msg_);
    out.detail = "HTTP " + std::to_string(status) + " " + (reason ? reason : "");
  }
  self->finish(std::move(out));
}

PollOutcome LcdFetch::failure(const GError* error) const {
  PollOutcome out;
  out.http_status = static_cast<int>(soup_message_get_status(msg_));
  out.detail = error ? error->message : "request failed";
  if (timed_out_) {
    out.kind = PollOutcome::Kind::Timeout;
    out.detail = "no answer in time";
  } else if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
             g_error_matches(error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
             g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
             (error && error->domain == G_RESOLVER_ERROR)) {
    out.kind = PollOutcome::Kind::Unreachable;
  } else if (error && error->domain == G_TLS_ERROR) {
    // libsoup 3 refuses a certificate the database does not trust (no accept-certificate
    // handler) and keeps the verdict on the message.
    out.kind = PollOutcome::Kind::Untrusted;
    const GTlsCertificateFlags flags = soup_message_get_tls_peer_certificate_errors(msg_);
    out.detail = flags ? describe_tls_errors(flags) : out.detail;
  } else {
    out.kind = PollOutcome::Kind::TransportError;
  }
  return out;
}

void LcdFetch::finish(PollOutcome outcome) {
  Done done = std::move(done_);
  delete this;
  if (done) done(std::move(outcome));
}

}  // namespace shotcall::game
