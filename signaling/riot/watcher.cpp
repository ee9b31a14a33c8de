#include "signaling/riot/watcher.hpp"

#include <glib.h>

#include <algorithm>
#include <deque>
#include <utility>

#include "signaling/riot/riot_client.hpp"
#include "signaling/riot/riot_json.hpp"
#include "signaling/riot/routing.hpp"

namespace shotcall::riot {
namespace {

std::int64_t now_ms() { return g_get_monotonic_time() / 1000; }

void drop_source(GSource*& source) {
  if (!source) return;
  g_source_destroy(source);
  g_source_unref(source);
  source = nullptr;
}

const char* endpoint_name(CallKind kind) {
  return kind == CallKind::Account ? "account" : "spectator";
}

std::string status_label(const RiotResponse& r) {
  if (r.timed_out) return "timeout";
  if (r.status == 0) return "error";
  return std::to_string(r.status);
}

const char* end_reason_name(GameEndReason reason) {
  switch (reason) {
    case GameEndReason::NotSeen: return "no longer seen";
    case GameEndReason::NewGame: return "a player is in a new game";
    case GameEndReason::Unwatched: return "no watched player left";
  }
  return "";
}

}  // namespace

struct Watcher::Impl {
  // One routing value: its own limiter and its own count of requests in flight.
  struct Host {
    RiotRateLimiter limiter;
    int in_flight = 0;
  };

  WatcherOptions options;
  GMainContext* context = nullptr;
  std::unique_ptr<RiotClient> client;
  WatchScheduler scheduler;
  Host account;
  Host spectator;
  std::map<std::string, std::map<std::string, std::uint64_t>> requests;
  std::deque<WatchEvent> pending;
  GameStartedCallback on_started;
  GameEndedCallback on_ended;
  AccountNotFoundCallback on_not_found;
  GSource* timer = nullptr;  // next pump when something falls due
  GSource* kick = nullptr;   // pump and event delivery from a fresh main-loop iteration
  // Expires with the Impl, so code after a user callback knows whether it may go on.
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  Impl(WatcherOptions opts, std::unique_ptr<RiotClient> c)
      : options(std::move(opts)),
        client(std::move(c)),
        scheduler(options.schedule),
        account{RiotRateLimiter(options.rate_limits)},
        spectator{RiotRateLimiter(options.rate_limits)} {
    context = g_main_context_ref_thread_default();
    scheduler.set_sustainable_rate(spectator.limiter.sustainable_rate_per_s());
  }

  ~Impl() {
    drop_source(timer);
    drop_source(kick);
    client.reset();  // cancels requests: no answer arrives after this
    if (context) g_main_context_unref(context);
  }

  Host& host(CallKind kind) { return kind == CallKind::Account ? account : spectator; }

  void schedule_kick() {
    if (kick) return;
    kick = g_idle_source_new();
    g_source_set_callback(
        kick,
        [](gpointer data) -> gboolean {
          auto* self = static_cast<Impl*>(data);
          g_source_unref(std::exchange(self->kick, nullptr));
          std::weak_ptr<bool> still = self->alive;
          self->deliver_events();
          if (!still.expired()) self->pump();
          return G_SOURCE_REMOVE;
        },
        this, nullptr);
    g_source_attach(kick, context);
  }

  void collect_events() {
    for (WatchEvent& e : scheduler.take_events()) {
      if (auto* s = std::get_if<GameStarted>(&e)) {
        g_info("game %s: %zu watched player(s) found%s", s->game_id.c_str(), s->players.size(),
               s->first_report ? "" : " (game already tracked)");
      } else if (auto* end = std::get_if<GameEnded>(&e)) {
        g_info("game %s ended: %s", end->game_id.c_str(), end_reason_name(end->reason));
      } else if (auto* nf = std::get_if<AccountNotFound>(&e)) {
        g_info("Riot knows no account %s", nf->riot_id.c_str());
      }
      pending.push_back(std::move(e));
    }
    if (!pending.empty()) schedule_kick();
  }

  void deliver_events() {
    std::weak_ptr<bool> still = alive;
    while (!still.expired() && !pending.empty()) {
      WatchEvent e = std::move(pending.front());
      pending.pop_front();
      // Copies: a callback may replace itself or destroy the watcher.
      if (auto* s = std::get_if<GameStarted>(&e)) {
        if (auto cb = on_started) cb(*s);
      } else if (auto* end = std::get_if<GameEnded>(&e)) {
        if (auto cb = on_ended) cb(*end);
      } else if (auto* nf = std::get_if<AccountNotFound>(&e)) {
        if (auto cb = on_not_found) cb(*nf);
      }
    }
  }

  void pump() {
    const std::int64_t now = now_ms();
    for (CallKind kind : {CallKind::Account, CallKind::Spectator}) {
      Host& h = host(kind);
      while (h.in_flight < options.max_in_flight_per_host && scheduler.has_due(kind, now) &&
             h.limiter.next_allowed_ms(now) <= now) {
        auto call = scheduler.next_call(kind, now);
        if (!call) break;  // cannot happen: has_due() said one is due
        if (!h.limiter.try_acquire(now)) {  // cannot happen either: next_allowed_ms() said so
          scheduler.on_failure(*call, now);
          break;
        }
        send(*call);
      }
    }
    arm_timer(now);
  }

  void arm_timer(std::int64_t now) {
    std::optional<std::int64_t> wake;
    for (CallKind kind : {CallKind::Account, CallKind::Spectator}) {
      Host& h = host(kind);
      if (h.in_flight >= options.max_in_flight_per_host) continue;  // an answer will pump
      const auto due = scheduler.next_due_ms(kind);
      if (!due) continue;
      const std::int64_t allowed = h.limiter.next_allowed_ms(now);
      if (allowed == RiotRateLimiter::kAfterAnAnswer) continue;  // an answer will pump
      const std::int64_t at = std::max(*due, allowed);
      if (!wake || at < *wake) wake = at;
    }
    drop_source(timer);
    if (!wake) return;
    const std::int64_t delay = std::clamp<std::int64_t>(*wake - now, 0, G_MAXUINT / 2);
    timer = g_timeout_source_new(static_cast<guint>(delay));
    g_source_set_callback(
        timer,
        [](gpointer data) -> gboolean {
          auto* self = static_cast<Impl*>(data);
          g_source_unref(std::exchange(self->timer, nullptr));
          self->pump();
          return G_SOURCE_REMOVE;
        },
        this, nullptr);
    g_source_attach(timer, context);
  }

  void send(const WatchCall& call) {
    ++host(call.kind).in_flight;
    auto done = [this, call](const RiotResponse& r) { on_answer(call, r); };
    if (call.kind == CallKind::Account) {
      g_debug("account-v1 lookup for %s", call.player_key.c_str());
      client->account_by_riot_id(call.game_name, call.tag_line, std::move(done));
    } else {
      g_debug("spectator-v5 poll%s%s", call.game_id.empty() ? "" : " re-checking ",
              call.game_id.c_str());
      client->active_game(call.puuid, std::move(done));
    }
  }

  void on_answer(const WatchCall& call, const RiotResponse& r) {
    const std::int64_t now = now_ms();
    Host& h = host(call.kind);
    --h.in_flight;
    // From now on the permit ages from the answer: Riot counted the request before this.
    h.limiter.complete(now);
    ++requests[endpoint_name(call.kind)][status_label(r)];
    g_debug("%s answer: %s in %lld ms", endpoint_name(call.kind), status_label(r).c_str(),
            static_cast<long long>(r.elapsed_ms));
    if (!r.app_rate_limit.empty() || !r.app_rate_limit_count.empty()) {
      const auto generation = h.limiter.limits_generation();
      h.limiter.observe_headers(r.app_rate_limit, r.app_rate_limit_count, now);
      if (generation != h.limiter.limits_generation()) {
        g_info("Riot %s limits now %s", endpoint_name(call.kind),
               format_rate_limits(h.limiter.windows()).c_str());
        if (call.kind == CallKind::Spectator) {
          scheduler.set_sustainable_rate(h.limiter.sustainable_rate_per_s());
        }
      }
    }
    interpret(call, r, h.limiter, now);
    collect_events();
    pump();
  }

  void interpret(const WatchCall& call, const RiotResponse& r, RiotRateLimiter& limiter,
                 std::int64_t now) {
    const char* endpoint = endpoint_name(call.kind);
    if (r.status == 429) {
      const auto retry = parse_retry_after(r.retry_after);
      limiter.on_429(retry, now);
      g_warning("Riot rate-limited %s calls (%s); waiting %s", endpoint,
                r.rate_limit_type.empty() ? "service" : r.rate_limit_type.c_str(),
                retry ? (r.retry_after + " s as asked").c_str() : "with backoff");
      scheduler.on_failure(call, now);
      return;
    }
    if (r.timed_out || r.status == 0 || r.status >= 500 || r.status == 401 || r.status == 403) {
      limiter.on_server_error(now);
      if (r.status == 401 || r.status == 403) {
        g_warning("Riot refused the API key (HTTP %d): missing, wrong or expired", r.status);
      } else {
        g_warning("Riot %s call failed: %s; backing off", endpoint,
                  r.timed_out ? "timeout" : r.status ? ("HTTP " + std::to_string(r.status)).c_str()
                                                     : r.transport_error.c_str());
      }
      scheduler.on_failure(call, now);
      return;
    }
    limiter.on_success(now);
    if (r.status == 404) {
      // Riot says "Data not found - ..." for an unknown account or a player in no game. Any
      // other 404 (a retired API version, a proxy) is still read as "not found", so games can
      // end, but it is worth a warning; the body itself is never logged.
      const auto riot_error = parse_riot_error(r.body);
      if (!riot_error.ok() || riot_error.value->message.rfind("Data not found", 0) != 0) {
        g_warning("Riot %s call answered a 404 that is not Riot's \"Data not found\"", endpoint);
      }
      if (call.kind == CallKind::Account) {
        scheduler.on_account_not_found(call, now);
      } else {
        scheduler.on_not_in_game(call, now);
      }
      return;
    }
    if (r.status != 200) {
      g_warning("Riot %s call answered HTTP %d; retrying later", endpoint, r.status);
      scheduler.on_failure(call, now);
      return;
    }
    if (call.kind == CallKind::Account) {
      auto parsed = parse_account(r.body);
      if (parsed.ok()) return scheduler.on_account(call, *parsed.value, now);
      g_warning("unreadable account-v1 answer: %s", parsed.error.c_str());
    } else {
      auto parsed = parse_active_game(r.body);
      if (parsed.ok()) return scheduler.on_active_game(call, *parsed.value, now);
      g_warning("unreadable spectator-v5 answer: %s", parsed.error.c_str());
    }
    scheduler.on_failure(call, now);
  }
};

Watcher::Watcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Watcher::~Watcher() = default;

std::unique_ptr<Watcher> Watcher::create(WatcherOptions options, std::string* error) {
  auto fail = [&](std::string message) -> std::unique_ptr<Watcher> {
    if (error) *error = std::move(message);
    return nullptr;
  };
  HostsResult hosts = resolve_hosts(options.platform, options.base_url);
  if (!hosts.ok()) return fail(hosts.error);
  if (options.rate_limits.windows.empty()) return fail("no rate-limit windows configured");
  RiotClientOptions client_options;
  client_options.hosts = *hosts.hosts;
  client_options.api_key = options.api_key;
  client_options.request_timeout = options.request_timeout;
  client_options.max_connections_per_host = std::max(options.max_in_flight_per_host, 1);
  std::string client_error;
  auto client = RiotClient::create(std::move(client_options), &client_error);
  if (!client) return fail(client_error);
  options.max_in_flight_per_host = std::max(options.max_in_flight_per_host, 1);
  options.api_key.clear();  // the client holds the only copy
  return std::unique_ptr<Watcher>(
      new Watcher(std::make_unique<Impl>(std::move(options), std::move(client))));
}

WatchScheduler::WatchResult Watcher::watch(std::string_view riot_id, std::string_view puuid) {
  const auto result = impl_->scheduler.watch(riot_id, puuid, now_ms());
  if (result == WatchScheduler::WatchResult::Added) {
    impl_->collect_events();
    impl_->schedule_kick();
  }
  return result;
}

bool Watcher::unwatch(std::string_view riot_id) {
  if (!impl_->scheduler.unwatch(riot_id, now_ms())) return false;
  impl_->collect_events();
  impl_->schedule_kick();  // fewer watchers: the timer may now be set too late or too early
  return true;
}

std::optional<PlayerView> Watcher::player(std::string_view riot_id) const {
  return impl_->scheduler.player(riot_id);
}

void Watcher::set_game_started_callback(GameStartedCallback cb) { impl_->on_started = std::move(cb); }
void Watcher::set_game_ended_callback(GameEndedCallback cb) { impl_->on_ended = std::move(cb); }
void Watcher::set_account_not_found_callback(AccountNotFoundCallback cb) {
  impl_->on_not_found = std::move(cb);
}

WatcherMetrics Watcher::metrics() const {
  const Impl& i = *impl_;
  const std::int64_t now = now_ms();
  WatcherMetrics m;
  m.requests = i.requests;
  m.poll_interval_ms = i.scheduler.poll_interval_ms();
  m.game_check_interval_ms = i.scheduler.game_check_interval_ms();
  m.watchers = i.scheduler.watcher_count();
  m.unresolved = i.scheduler.unresolved_count();
  m.in_game = i.scheduler.in_game_count();
  m.games = i.scheduler.game_count();
  m.spectator_limits = format_rate_limits(i.spectator.limiter.windows());
  m.account_limits = format_rate_limits(i.account.limiter.windows());
  m.spectator_wait_ms = std::max<std::int64_t>(i.spectator.limiter.next_allowed_ms(now) - now, 0);
  m.account_wait_ms = std::max<std::int64_t>(i.account.limiter.next_allowed_ms(now) - now, 0);
  return m;
}

}  // namespace shotcall::riot
