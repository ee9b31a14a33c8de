// The Riot watcher's numbers for GET /metrics, in the Prometheus text format: requests by
// endpoint and status, the poll interval fair scheduling arrived at, watched players and games,
// the limits in force. Pure. Label values come from bounded sets (two endpoints, the statuses
// the watcher counts, the windows Riot announces), never from players; and never the key.
#pragma once

#include <cstddef>
#include <string>

#include "signaling/riot/watcher.hpp"
#include "signaling/server/ops/prometheus_text.hpp"

namespace shotcall::server {

struct RiotGauges {
  std::size_t watching_connections = 0;  // connections that sent watch-game
  std::size_t server_games = 0;          // games with channels the server opened
};

void render_riot_metrics(PrometheusText& out, const riot::WatcherMetrics& m, const RiotGauges& g);

}  // namespace shotcall::server
