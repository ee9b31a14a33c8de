#include "signaling/server/ops/riot_metrics.hpp"

#include <cstdint>

#include "signaling/riot/riot_rate_limiter.hpp"

namespace shotcall::server {
namespace {

// Milliseconds as Prometheus seconds: 1250 → 1.25, 10000 → 10.
double seconds(std::int64_t ms) { return static_cast<double>(ms) / 1000.0; }

template <typename T>
void gauge(PrometheusText& out, const char* name, const char* help, T value) {
  out.family(name, help, MetricType::gauge);
  out.sample(value);
}

void limits(PrometheusText& out, const char* endpoint, const std::string& spec) {
  const auto windows = riot::parse_rate_limits(spec);
  if (!windows) return;
  for (const riot::RateWindow& w : *windows) {
    const std::string window = PrometheusText::format_value(seconds(w.window_ms));
    out.sample({{"endpoint", endpoint}, {"window_seconds", window}}, w.limit);
  }
}

}  // namespace

void render_riot_metrics(PrometheusText& out, const riot::WatcherMetrics& m, const RiotGauges& g) {
  out.family("shotcall_riot_requests_total",
             "Riot API calls answered, by endpoint (account, spectator) and HTTP status (or "
             "timeout, error).",
             MetricType::counter);
  for (const auto& [endpoint, statuses] : m.requests)
    for (const auto& [status, n] : statuses)
      out.sample({{"endpoint", endpoint}, {"status", status}}, n);
  gauge(out, "shotcall_riot_poll_interval_seconds",
        "How often each watched player not in a game is polled; grows with the number of "
        "watched players so the calls fit the key's limits.",
        seconds(m.poll_interval_ms));
  gauge(out, "shotcall_riot_game_check_interval_seconds",
        "How often a running game is re-checked.", seconds(m.game_check_interval_ms));
  gauge(out, "shotcall_riot_watched_players", "Riot IDs being watched.", m.watchers);
  gauge(out, "shotcall_riot_unresolved_players",
        "Watched Riot IDs whose account is not known (yet).", m.unresolved);
  gauge(out, "shotcall_riot_players_in_game", "Watched players in a running game.", m.in_game);
  gauge(out, "shotcall_riot_games", "Running games the watcher tracks.", m.games);
  gauge(out, "shotcall_riot_watching_connections", "Connections that sent watch-game.",
        g.watching_connections);
  gauge(out, "shotcall_riot_server_games", "Games with channels the server opened.",
        g.server_games);
  out.family("shotcall_riot_rate_limit",
             "Requests allowed per window in force, by endpoint and window length.",
             MetricType::gauge);
  limits(out, "account", m.account_limits);
  limits(out, "spectator", m.spectator_limits);
  out.family("shotcall_riot_wait_seconds",
             "Time until the next call may go out (rate limit, Retry-After or backoff), by "
             "endpoint.",
             MetricType::gauge);
  out.sample({{"endpoint", "account"}}, seconds(m.account_wait_ms));
  out.sample({{"endpoint", "spectator"}}, seconds(m.spectator_wait_ms));
}

}  // namespace shotcall::server
