// Three real shotcall-signal instances sharing state through a real redis-server, behind the
// real HAProxy running data/haproxy/shotcall-signal.cfg: the scaled-out deployment of
// docs/self-hosting.md, started on free loopback ports. Their identity bindings live in a
// database of their own in the test program's PostgreSQL (tests/cluster/shared_postgres.hpp),
// and they answer proofs for the balancer's address (--public-host), which clients dial.
//
// Its constructor takes what ServerProcess's takes (arguments and environment for every
// instance), and it answers url() and stderr_text() like one server, so the protocol's
// integration tests run against it unchanged (cluster_protocol_tests).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/haproxy_process.hpp"
#include "tests/support/redis_process.hpp"
#include "tests/support/server_process.hpp"

namespace shotcall::test {

class RedisCluster {
 public:
  explicit RedisCluster(std::vector<std::string> args = {},
                        std::map<std::string, std::string> env = {},
                        std::chrono::milliseconds startup = std::chrono::seconds(20));
  // On a failing test (or one left by an exception), prints HAProxy's log and every instance's
  // stderr: a 502 from the balancer says nothing by itself.
  ~RedisCluster();
  RedisCluster(const RedisCluster&) = delete;
  RedisCluster& operator=(const RedisCluster&) = delete;

  // Through the load balancer.
  std::string url() const { return lb_->url(); }
  // Every instance's stderr, one after the other.
  std::string stderr_text() const;

  // Instance n (1..3): "s<n>" in HAProxy and its --instance-id.
  ServerProcess& instance(int n) { return *instances_.at(static_cast<std::size_t>(n - 1)); }
  RedisProcess& redis() { return *redis_; }
  // The instances' --database (postgresql://…), for `shotcall-signal identity`; "" when the
  // test passed its own --database.
  const std::string& database_url() const { return database_url_; }
  HaproxyProcess& lb() { return *lb_; }
  const std::vector<std::string>& instance_args() const { return args_; }

 private:
  std::vector<std::string> args_;
  std::string database_url_;
  std::unique_ptr<RedisProcess> redis_;
  std::vector<std::unique_ptr<ServerProcess>> instances_;
  std::unique_ptr<HaproxyProcess> lb_;
};

// The instance (1..3) a peer id belongs to ("s2.…" → 2), 0 when it names none of them.
int instance_of(const std::string& peer_id);

}  // namespace shotcall::test
