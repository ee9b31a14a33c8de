#include "signaling/server/ops/riot_metrics.hpp"

#include <cstdint>

#include "signaling/riot/riot_rate_limiter.hpp"
#include "signaling/server/ops/metrics.hpp"

namespace shotcall::server {
namespace {

void header(std::string& out, const char* name, const char* help, const char* type) {
  out += std::string{"# HELP "} + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

// Milliseconds as Prometheus seconds: "1.25", "10".
std::string seconds(std::int64_t ms) {
  std::string s = std::to_string(ms / 1000);
  if (const std::int64_t rest = ms % 1000; rest != 0) {
    std::string frac = std::to_string(rest + 1000).substr(1);  // three digits
    while (frac.back() == '0') frac.pop_back();
    s += "." + frac;
  }
  return s;
}

void gauge(std::string& out, const char* name, const char* help, const std::string& value) {
  header(out, name, help, "gauge");
  out += std::string{name} + " " + value + "\n";
}

void limits(std::string& out, const char* endpoint, const std::string& spec) {
  const auto windows = riot::parse_rate_limits(spec);
  if (!windows) return;
  for (const riot::RateWindow& w : *windows) {
    out += std::string{"shotcall_riot_rate_limit{endpoint=\""} + endpoint +
           "\",window_seconds=\"" + seconds(w.window_ms) + "\"} " + std::to_string(w.limit) + "\n";
  }
}

}  // namespace

std::string render_riot_metrics(const riot::WatcherMetrics& m, const RiotGauges& g) {
  std::string out;
  header(out, "shotcall_riot_requests_total",
         "Riot API calls answered, by endpoint (account, spectator) and HTTP status (or timeout, "
         "error).",
         "counter");
  for (const auto& [endpoint, statuses] : m.requests)
    for (const auto& [status, n] : statuses)
      out += "shotcall_riot_requests_total{endpoint=\"" + escape_label_value(endpoint) +
             "\",status=\"" + escape_label_value(status) + "\"} " + std::to_string(n) + "\n";
  gauge(out, "shotcall_riot_poll_interval_seconds",
        "How often each watched player not in a game is polled; grows with the number of "
        "watched players so the calls fit the key's limits.",
        seconds(m.poll_interval_ms));
  gauge(out, "shotcall_riot_game_check_interval_seconds",
        "How often a running game is re-checked.", seconds(m.game_check_interval_ms));
  gauge(out, "shotcall_riot_watched_players", "Riot IDs being watched.", std::to_string(m.watchers));
  gauge(out, "shotcall_riot_unresolved_players",
        "Watched Riot IDs whose account is not known (yet).", std::to_string(m.unresolved));
  gauge(out, "shotcall_riot_players_in_game", "Watched players in a running game.",
        std::to_string(m.in_game));
  gauge(out, "shotcall_riot_games", "Running games the watcher tracks.", std::to_string(m.games));
  gauge(out, "shotcall_riot_watching_connections", "Connections that sent watch-game.",
        std::to_string(g.watching_connections));
  gauge(out, "shotcall_riot_server_games", "Games with channels the server opened.",
        std::to_string(g.server_games));
  header(out, "shotcall_riot_rate_limit",
         "Requests allowed per window in force, by endpoint and window length.", "gauge");
  limits(out, "account", m.account_limits);
  limits(out, "spectator", m.spectator_limits);
  header(out, "shotcall_riot_wait_seconds",
         "Time until the next call may go out (rate limit, Retry-After or backoff), by endpoint.",
         "gauge");
  out += "shotcall_riot_wait_seconds{endpoint=\"account\"} " + seconds(m.account_wait_ms) + "\n";
  out += "shotcall_riot_wait_seconds{endpoint=\"spectator\"} " + seconds(m.spectator_wait_ms) + "\n";
  return out;
}

}  // namespace shotcall::server
