#include "signaling/riot/riot_client.hpp"

#include <libsoup/soup.h>

#include <set>
#include <utility>

#include "common/glib_ptr.hpp"

namespace shotcall::riot {
namespace {

void drop_source(GSource*& source) {
  if (!source) return;
  g_source_destroy(source);
  g_source_unref(source);
  source = nullptr;
}

std::int64_t now_ms() { return g_get_monotonic_time() / 1000; }

// Printable ASCII only: what Riot keys are made of, and nothing that could split a header.
bool header_safe(const std::string& value) {
  if (value.empty()) return false;
  for (unsigned char c : value) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

bool url_parses(const std::string& url) {
  SoupURI* uri = soup_uri_new(url.c_str());
  const bool ok = uri && SOUP_URI_VALID_FOR_HTTP(uri);
  if (uri) soup_uri_free(uri);
  return ok;
}

std::string header(SoupMessage* msg, const char* name) {
  const char* v = soup_message_headers_get_one(msg->response_headers, name);
  return v ? v : "";
}

}  // namespace

struct RiotClient::Impl {
  // One request, owned by libsoup's completion callback, which runs exactly once per queued
  // message (also when the session is aborted): that is where it is freed.
  struct InFlight {
    Impl* owner = nullptr;  // nullptr once the client is gone or the request timed out
    SoupMessage* msg = nullptr;
    GSource* timeout = nullptr;
    bool reported = false;  // the caller already had its answer (a timeout)
    std::int64_t started_ms = 0;
    Callback cb;
  };

  RiotClientOptions options;
  GMainContext* context = nullptr;
  GPtr<SoupSession> session;
  std::set<InFlight*> in_flight;

  ~Impl() {
    for (InFlight* req : in_flight) {
      req->owner = nullptr;
      drop_source(req->timeout);
    }
    in_flight.clear();
    // Aborting completes every queued message; their owners are already detached.
    if (session) soup_session_abort(session.get());
    if (context) g_main_context_unref(context);
  }

  void get(const std::string& base, const std::string& path, Callback cb) {
    const std::string url = base + path;
    SoupMessage* msg = soup_message_new(SOUP_METHOD_GET, url.c_str());
    if (!msg) {  // cannot happen: create() checked the base and paths are escaped
      RiotResponse r;
      r.transport_error = "invalid URL";
      cb(r);
      return;
    }
    soup_message_set_flags(msg, SOUP_MESSAGE_NO_REDIRECT);
    soup_message_headers_replace(msg->request_headers, "X-Riot-Token", options.api_key.c_str());
    soup_message_headers_replace(msg->request_headers, "Accept", "application/json");
    auto* req = new InFlight;
    req->owner = this;
    req->msg = msg;
    req->started_ms = now_ms();
    req->cb = std::move(cb);
    const auto timeout_ms = options.request_timeout.count() < 1 ? 1 : options.request_timeout.count();
    req->timeout = g_timeout_source_new(static_cast<guint>(timeout_ms));
    g_source_set_callback(req->timeout, &Impl::on_timeout, req, nullptr);
    g_source_attach(req->timeout, context);
    in_flight.insert(req);
    soup_session_queue_message(session.get(), msg, &Impl::on_done, req);
  }

  // Our own timer gives the caller its answer on time. libsoup 2.4 does not wake a request
  // that waits for a response when it is cancelled (the wait does not watch the cancellable), so
  // the message is cancelled and left to the session's socket timeout, which closes the
  // connection a moment later; its completion is then ignored.
  static gboolean on_timeout(gpointer data) {
    auto* req = static_cast<InFlight*>(data);
    g_source_unref(std::exchange(req->timeout, nullptr));
    Impl* self = std::exchange(req->owner, nullptr);
    req->reported = true;
    if (!self) return G_SOURCE_REMOVE;
    self->in_flight.erase(req);
    RiotResponse r;
    r.timed_out = true;
    r.elapsed_ms = now_ms() - req->started_ms;
    Callback cb = std::move(req->cb);
    // May complete (and free) req synchronously: req is not touched after this line.
    soup_session_cancel_message(self->session.get(), req->msg, SOUP_STATUS_CANCELLED);
    cb(r);  // last: the callback may destroy the client
    return G_SOURCE_REMOVE;
  }

  static void on_done(SoupSession*, SoupMessage* msg, gpointer data) {
    auto* req = static_cast<InFlight*>(data);
    drop_source(req->timeout);
    Impl* self = req->owner;
    if (req->reported || !self) {  // timed out already, or the client is gone
      delete req;
      return;
    }
    RiotResponse r;
    r.elapsed_ms = now_ms() - req->started_ms;
    const guint status = msg->status_code;
    if (SOUP_STATUS_IS_TRANSPORT_ERROR(status)) {
      const char* phrase = soup_status_get_phrase(status);
      r.transport_error = phrase ? phrase : "transport error";
    } else {
      r.status = static_cast<int>(status);
      if (msg->response_body && msg->response_body->data) {
        r.body.assign(msg->response_body->data,
                      static_cast<std::size_t>(msg->response_body->length));
      }
      r.app_rate_limit = header(msg, "X-App-Rate-Limit");
      r.app_rate_limit_count = header(msg, "X-App-Rate-Limit-Count");
      r.retry_after = header(msg, "Retry-After");
      r.rate_limit_type = header(msg, "X-Rate-Limit-Type");
    }
    Callback cb = std::move(req->cb);
    self->in_flight.erase(req);
    delete req;
    cb(r);  // last: the callback may destroy the client
  }
};

RiotClient::RiotClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RiotClient::~RiotClient() = default;

std::unique_ptr<RiotClient> RiotClient::create(RiotClientOptions options, std::string* error) {
  auto fail = [&](std::string message) -> std::unique_ptr<RiotClient> {
    if (error) *error = std::move(message);
    return nullptr;
  };
  // Deliberately vague: the message must not help anyone reconstruct the key from logs.
  if (!header_safe(options.api_key)) return fail("Riot API key is empty or malformed");
  for (const std::string* base : {&options.hosts.platform_base, &options.hosts.account_base}) {
    if (!url_parses(*base + "/")) return fail("Riot base URL does not parse: " + *base);
  }
  auto impl = std::make_unique<Impl>();
  const int conns = options.max_connections_per_host < 1 ? 1 : options.max_connections_per_host;
  impl->options = std::move(options);
  impl->context = g_main_context_ref_thread_default();
  const std::string user_agent = std::string("shotcall/") + SHOTCALL_VERSION;
  // The socket timeout (whole seconds) frees connections whose request we gave up on; see
  // on_timeout. It is never shorter than our own, which decides what the caller sees.
  const auto timeout_ms = impl->options.request_timeout.count();
  const guint socket_timeout_s = static_cast<guint>(timeout_ms < 1000 ? 1 : (timeout_ms + 999) / 1000);
  // Twice the per-host budget: with a base override both routing values share one host, and
  // neither should wait for a connection behind the other (that would bunch requests up).
  impl->session.reset(soup_session_new_with_options(
      SOUP_SESSION_USER_AGENT, user_agent.c_str(), SOUP_SESSION_MAX_CONNS_PER_HOST, conns * 2,
      SOUP_SESSION_MAX_CONNS, conns * 4, SOUP_SESSION_TIMEOUT, socket_timeout_s, nullptr));
  return std::unique_ptr<RiotClient>(new RiotClient(std::move(impl)));
}

void RiotClient::account_by_riot_id(std::string_view game_name, std::string_view tag_line,
                                    Callback cb) {
  impl_->get(impl_->options.hosts.account_base, account_by_riot_id_path(game_name, tag_line),
             std::move(cb));
}

void RiotClient::active_game(std::string_view puuid, Callback cb) {
  impl_->get(impl_->options.hosts.platform_base, active_game_path(puuid), std::move(cb));
}

void RiotClient::summoner_by_puuid(std::string_view puuid, Callback cb) {
  impl_->get(impl_->options.hosts.platform_base, summoner_by_puuid_path(puuid), std::move(cb));
}

std::size_t RiotClient::in_flight() const { return impl_->in_flight.size(); }

}  // namespace shotcall::riot
