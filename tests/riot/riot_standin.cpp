#include "tests/riot/riot_standin.hpp"

#include <libsoup/soup.h>

#include <future>
#include <list>
#include <mutex>
#include <thread>
#include <utility>

#include "tests/riot/standin_rules.hpp"

namespace shotcall::riot::test {
namespace {

std::int64_t mono_ms() { return g_get_monotonic_time() / 1000; }

}  // namespace

// The HTTP side: a SoupServer on its own thread and GMainContext, handing each request to the
// rules under the lock.
struct RiotStandin::Impl {
  struct Stalled {
    SoupMessage* msg = nullptr;
    gulong handler = 0;
    bool finished = false;
  };

  mutable std::mutex mu;
  StandinRules rules;  // guarded by mu
  std::function<void(const StandinRequest&)> observer;  // guarded by mu

  // Owned by the server thread.
  std::thread thread;
  GMainContext* ctx = nullptr;
  GMainLoop* loop = nullptr;
  SoupServer* server = nullptr;
  std::uint16_t port = 0;
  std::list<Stalled> stalled;

  void run(std::uint16_t wanted_port, std::promise<std::string>& ready) {
    ctx = g_main_context_new();
    g_main_context_push_thread_default(ctx);
    server = soup_server_new(SOUP_SERVER_SERVER_HEADER, "riot-standin", nullptr);
    soup_server_add_handler(server, nullptr, &Impl::on_request, this, nullptr);
    GError* error = nullptr;
    if (!soup_server_listen_local(server, wanted_port, SOUP_SERVER_LISTEN_IPV4_ONLY, &error)) {
      ready.set_value(std::string("listen failed: ") + (error ? error->message : "?"));
      if (error) g_error_free(error);
      g_object_unref(server);
      g_main_context_pop_thread_default(ctx);
      g_main_context_unref(ctx);
      return;
    }
    GSList* uris = soup_server_get_uris(server);
    if (uris) port = static_cast<std::uint16_t>(soup_uri_get_port(static_cast<SoupURI*>(uris->data)));
    g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(soup_uri_free));
    loop = g_main_loop_new(ctx, FALSE);
    ready.set_value("");
    g_main_loop_run(loop);

    for (Stalled& s : stalled) {
      g_signal_handler_disconnect(s.msg, s.handler);
      if (!s.finished) {
        soup_message_set_status(s.msg, SOUP_STATUS_SERVICE_UNAVAILABLE);
        soup_server_unpause_message(server, s.msg);
      }
      g_object_unref(s.msg);
    }
    stalled.clear();
    soup_server_disconnect(server);
    g_object_unref(server);
    while (g_main_context_iteration(ctx, FALSE)) {
    }
    g_main_loop_unref(loop);
    g_main_context_pop_thread_default(ctx);
    g_main_context_unref(ctx);
  }

  static void on_request(SoupServer*, SoupMessage* msg, const char*, GHashTable*,
                         SoupClientContext*, gpointer data) {
    auto* self = static_cast<Impl*>(data);
    StandinRequest rec;
    rec.time_ms = mono_ms();
    rec.method = msg->method ? msg->method : "";
    SoupURI* uri = soup_message_get_uri(msg);
    rec.path = uri && uri->path ? uri->path : "";
    if (const char* t = soup_message_headers_get_one(msg->request_headers, "X-Riot-Token")) {
      rec.token = t;
    }
    StandinAnswer answer;
    std::function<void(const StandinRequest&)> observer;
    {
      std::lock_guard<std::mutex> lock(self->mu);
      answer = self->rules.answer(rec);
      observer = self->observer;
    }
    if (answer.stall) {
      soup_server_pause_message(self->server, msg);
      self->stalled.push_back(Stalled{static_cast<SoupMessage*>(g_object_ref(msg)), 0, false});
      Stalled& s = self->stalled.back();
      s.handler = g_signal_connect_swapped(msg, "finished", G_CALLBACK(+[](gpointer p) {
                                             static_cast<Stalled*>(p)->finished = true;
                                           }),
                                           &s);
    } else {
      soup_message_set_status(msg, static_cast<guint>(answer.status));
      for (const auto& [name, value] : answer.headers) {
        soup_message_headers_replace(msg->response_headers, name.c_str(), value.c_str());
      }
      soup_message_set_response(msg, "application/json;charset=utf-8", SOUP_MEMORY_COPY,
                                answer.body.data(), answer.body.size());
    }
    if (observer) observer(rec);
  }
};

RiotStandin::RiotStandin(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RiotStandin::~RiotStandin() {
  g_main_context_invoke(
      impl_->ctx,
      [](gpointer loop) -> gboolean {
        g_main_loop_quit(static_cast<GMainLoop*>(loop));
        return G_SOURCE_REMOVE;
      },
      impl_->loop);
  impl_->thread.join();
}

std::unique_ptr<RiotStandin> RiotStandin::start(std::uint16_t port, std::string* error) {
  auto impl = std::make_unique<Impl>();
  std::promise<std::string> ready;
  auto result = ready.get_future();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw, port, &ready] { raw->run(port, ready); });
  const std::string failure = result.get();
  if (!failure.empty()) {
    impl->thread.join();
    if (error) *error = failure;
    return nullptr;
  }
  return std::unique_ptr<RiotStandin>(new RiotStandin(std::move(impl)));
}

std::uint16_t RiotStandin::port() const { return impl_->port; }

std::string RiotStandin::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

void RiotStandin::set_api_key(std::string key) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->rules.api_key = std::move(key);
}

void RiotStandin::set_rate_limits(std::string spec) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->rules.set_rate_limits(std::move(spec));
}

void RiotStandin::add_foreign_requests(const std::string& routing, int n) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  const std::int64_t now = mono_ms();
  for (int i = 0; i < n; ++i) impl_->rules.arrivals[routing].push_back(now);
}

void RiotStandin::add_account(std::string puuid, std::string game_name, std::string tag_line) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->rules.accounts.push_back(
      StandinRules::Account{std::move(puuid), std::move(game_name), std::move(tag_line)});
}

void RiotStandin::add_game(const StandinGame& game) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->rules.add_game(game);
}

bool RiotStandin::add_game_json(const std::string& json, std::string* error) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->rules.add_game_json(json, error);
}

void RiotStandin::end_game(std::int64_t game_id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->rules.games.erase(game_id);
}

void RiotStandin::set_summoner(std::string puuid, int profile_icon_id,
                               std::int64_t revision_date_ms) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->rules.summoners[std::move(puuid)] = {profile_icon_id, revision_date_ms};
}

void RiotStandin::hide_game(std::int64_t game_id, int answers) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->rules.games.find(game_id);
  if (it != impl_->rules.games.end()) it->second.hidden = answers;
}

void RiotStandin::fail_next(int status, int n, std::optional<int> retry_after_s) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->rules.fail_status = status;
  impl_->rules.fail_count = n;
  impl_->rules.fail_retry_after = retry_after_s;
}

void RiotStandin::stall_next(int n) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->rules.stall_count = n;
}

std::vector<StandinRequest> RiotStandin::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->rules.log;
}

std::size_t RiotStandin::count(StandinEndpoint endpoint) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::size_t n = 0;
  for (const StandinRequest& r : impl_->rules.log) n += r.endpoint == endpoint ? 1 : 0;
  return n;
}

std::vector<std::string> RiotStandin::limit_violations() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->rules.violations;
}

void RiotStandin::set_observer(std::function<void(const StandinRequest&)> observer) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->observer = std::move(observer);
}

}  // namespace shotcall::riot::test
