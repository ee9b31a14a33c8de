// The whole GET /metrics of an instance started with --redis, read as a scraper reads it: the
// cluster's families (shotcall_instance_info, shotcall_redis_*, shotcall_store_*, …) join the
// server's, the Riot watcher's and identity's in one valid exposition text, no family twice.
#include <gtest/gtest.h>

#include "tests/cluster/redis_cluster.hpp"
#include "tests/server/exposition_check.hpp"
#include "tests/server/server_test_helpers.hpp"
#include "tests/support/http_get.hpp"

namespace shotcall::test {
namespace {

constexpr const char* kKeyVar = "SHOTCALL_TEST_RIOT_KEY";

TEST(ClusterMetricsText, AnInstanceWithRedisServesOneValidExpositionText) {
  // Riot on, pointed at a closed loopback port: nobody watches a game, so no call goes out, but
  // the watcher's families are rendered too.
  RedisCluster cluster({"--riot-api-key-env", kKeyVar, "--riot-platform", "euw1", "--riot-api-base",
                        "http://127.0.0.1:9", "--riot-rate-limits", "20:1,100:120"},
                       {{kKeyVar, "RGAPI-00000000-0000-0000-0000-metricstest0"}});
  Player p = registered(cluster, "Metrics#EUW");
  p->send_text("not json");
  ASSERT_TRUE(p->wait_for_error("bad-json"));
  for (int n = 1; n <= 3; ++n) {
    const HttpResponse r = http_get(cluster.instance(n).http_url("/metrics"));
    ASSERT_EQ(r.status, 200u) << r.error;
    EXPECT_EQ(sample(r.body, "shotcall_instance_info{instance=\"s" + std::to_string(n) + "\"}"), 1);
    expect_valid_exposition(
        r.body, {"shotcall_connections", "shotcall_relay_latency_seconds",
                 "shotcall_riot_rate_limit", "shotcall_identity_database_up",
                 "shotcall_instance_info", "shotcall_redis_up", "shotcall_store_calls_total"});
  }
}

}  // namespace
}  // namespace shotcall::test
