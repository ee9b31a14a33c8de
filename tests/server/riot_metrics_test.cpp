// The Riot watcher's section of /metrics: every family present, values in Prometheus' units.
#include <gtest/gtest.h>

#include <sstream>

#include "signaling/server/ops/riot_metrics.hpp"

namespace shotcall::server {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

TEST(RiotMetrics, RendersRequestsIntervalsAndLimits) {
  riot::WatcherMetrics m;
  m.requests["account"]["200"] = 10;
  m.requests["spectator"]["404"] = 7;
  m.requests["spectator"]["429"] = 1;
  m.requests["spectator"]["timeout"] = 2;
  m.poll_interval_ms = 15000;
  m.game_check_interval_ms = 60250;
  m.watchers = 10;
  m.unresolved = 1;
  m.in_game = 8;
  m.games = 1;
  m.spectator_limits = "20:1,100:120";
  m.account_limits = "500:10";
  m.spectator_wait_ms = 1500;
  PrometheusText out;
  render_riot_metrics(out, m, RiotGauges{9, 1});
  const std::string text = out.take();
  for (const char* line :
       {"# TYPE shotcall_riot_requests_total counter",
        "shotcall_riot_requests_total{endpoint=\"account\",status=\"200\"} 10",
        "shotcall_riot_requests_total{endpoint=\"spectator\",status=\"404\"} 7",
        "shotcall_riot_requests_total{endpoint=\"spectator\",status=\"429\"} 1",
        "shotcall_riot_requests_total{endpoint=\"spectator\",status=\"timeout\"} 2",
        "# TYPE shotcall_riot_poll_interval_seconds gauge",
        "shotcall_riot_poll_interval_seconds 15",
        "shotcall_riot_game_check_interval_seconds 60.25",
        "shotcall_riot_watched_players 10",
        "shotcall_riot_unresolved_players 1",
        "shotcall_riot_players_in_game 8",
        "shotcall_riot_games 1",
        "shotcall_riot_watching_connections 9",
        "shotcall_riot_server_games 1",
        "shotcall_riot_rate_limit{endpoint=\"account\",window_seconds=\"10\"} 500",
        "shotcall_riot_rate_limit{endpoint=\"spectator\",window_seconds=\"1\"} 20",
        "shotcall_riot_rate_limit{endpoint=\"spectator\",window_seconds=\"120\"} 100",
        "shotcall_riot_wait_seconds{endpoint=\"account\"} 0",
        "shotcall_riot_wait_seconds{endpoint=\"spectator\"} 1.5"}) {
    EXPECT_TRUE(has_line(text, line)) << line << "\n" << text;
  }
}

TEST(RiotMetrics, EveryLineIsACommentOrASample) {
  riot::WatcherMetrics m;
  m.poll_interval_ms = 1;
  m.spectator_limits = "garbage";  // never from Riot unparsed, but must not break the text
  PrometheusText out;
  render_riot_metrics(out, m, {});
  const std::string text = out.take();
  EXPECT_TRUE(has_line(text, "shotcall_riot_poll_interval_seconds 0.001"));
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    ASSERT_FALSE(l.empty());
    EXPECT_TRUE(l[0] == '#' || l.rfind("shotcall_riot_", 0) == 0) << l;
    if (l[0] != '#') {
      EXPECT_NE(l.rfind(' '), std::string::npos) << l;
    }
  }
}

}  // namespace
}  // namespace shotcall::server
