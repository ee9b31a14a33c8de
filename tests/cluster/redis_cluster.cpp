#include "tests/cluster/redis_cluster.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <exception>

#include "tests/cluster/shared_postgres.hpp"
#include "tests/support/free_port.hpp"

namespace shotcall::test {

RedisCluster::RedisCluster(std::vector<std::string> args, std::map<std::string, std::string> env,
                           std::chrono::milliseconds startup)
    : args_(std::move(args)) {
  redis_ = std::make_unique<RedisProcess>(startup);
  // With --redis an instance starts only with a shared PostgreSQL store; a test may name its own.
  const bool own_database = std::any_of(args_.begin(), args_.end(), [](const std::string& a) {
    return a == "--database" || a.rfind("--database=", 0) == 0;
  });
  if (!own_database) database_url_ = fresh_postgres_database();
  // Clients dial the balancer, and sign its address into their proofs: the instances must know
  // it before HAProxy (which needs theirs) starts.
  const int lb_port = free_loopback_port();
  std::vector<std::string> backends;
  for (int n = 1; n <= 3; ++n) {
    std::vector<std::string> a = args_;
    // Every test client is 127.0.0.1: HAProxy limits per client. The configuration sends the
    // PROXY protocol, which the instances read from the LB's address only.
    a.insert(a.end(), {"--redis", redis_->url(), "--instance-id", "s" + std::to_string(n),
                       "--max-connections-per-ip", "0", "--trusted-proxy", "127.0.0.1",
                       "--public-host", "127.0.0.1:" + std::to_string(lb_port)});
    if (!own_database) a.insert(a.end(), {"--database", database_url_});
    instances_.push_back(std::make_unique<ServerProcess>(a, env, startup));
    backends.push_back("127.0.0.1:" + std::to_string(instances_.back()->port()));
  }
  lb_ = std::make_unique<HaproxyProcess>(backends, std::map<std::string, std::string>{}, startup,
                                         lb_port);
  EXPECT_TRUE(lb_->wait_fully_healthy(std::chrono::seconds(15))) << lb_->log_text();
}

RedisCluster::~RedisCluster() {
  // The exception that fails a test is recorded only after this runs: count it here too.
  if (std::uncaught_exceptions() == 0 && !::testing::Test::HasFailure()) return;
  std::fprintf(stderr, "--- HAProxy log ---\n%s\n--- instances' stderr ---\n%s\n",
               lb_ ? lb_->log_text().c_str() : "(not started)", stderr_text().c_str());
}

std::string RedisCluster::stderr_text() const {
  std::string all;
  for (const auto& i : instances_) all += i->stderr_text();
  return all;
}

int instance_of(const std::string& peer_id) {
  if (peer_id.size() < 3 || peer_id[0] != 's' || peer_id[2] != '.') return 0;
  const int n = peer_id[1] - '0';
  return n >= 1 && n <= 3 ? n : 0;
}

}  // namespace shotcall::test
