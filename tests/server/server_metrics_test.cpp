// The whole GET /metrics of a running server, read as a scraper reads it: every part (the
// server's own, the Riot watcher's, identity's) in one valid exposition text, no family declared
// twice, every sample inside its declared family. With --redis: tests/cluster/cluster_metrics_test.
#include <gtest/gtest.h>

#include "tests/server/exposition_check.hpp"
#include "tests/server/server_test_helpers.hpp"
#include "tests/support/http_get.hpp"

namespace shotcall::test {
namespace {

constexpr const char* kKeyVar = "SHOTCALL_TEST_RIOT_KEY";

// Riot on, pointed at a closed loopback port: nobody watches a game, so no call goes out, but
// the watcher's families are rendered.
std::vector<std::string> with_riot(std::vector<std::string> args) {
  for (const char* a : {"--riot-api-key-env", kKeyVar, "--riot-platform", "euw1", "--riot-api-base",
                        "http://127.0.0.1:9", "--riot-rate-limits", "20:1,100:120"})
    args.emplace_back(a);
  return args;
}
const std::map<std::string, std::string> kRiotEnv{
    {kKeyVar, "RGAPI-00000000-0000-0000-0000-metricstest0"}};

// Some traffic, so the labelled families have samples: a registration and a frame that does not
// decode.
void exercise(const ServerProcess& server) {
  Player p = registered(server, "Metrics#EUW");
  p->send_text("not json");
  ASSERT_TRUE(p->wait_for_error("bad-json"));
}

TEST(ServerMetricsText, ASingleInstanceServesOneValidExpositionText) {
  ServerProcess server(with_riot({}), kRiotEnv);
  exercise(server);
  const HttpResponse r = http_get(server.http_url("/metrics"));
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(sample(r.body, "shotcall_messages_received_total{type=\"invalid\"}"), 1);
  expect_valid_exposition(r.body, {"shotcall_connections", "shotcall_relay_latency_seconds",
                                   "shotcall_riot_rate_limit", "shotcall_identity_database_up"});
  EXPECT_EQ(r.body.find("shotcall_redis_up"), std::string::npos);
}

}  // namespace
}  // namespace shotcall::test
