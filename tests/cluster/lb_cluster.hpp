// Three real shotcall-signal instances (memory store, each on its own free port) behind the real
// HAProxy running data/haproxy/shotcall-signal.cfg, and what the tests ask of them.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/haproxy_process.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/ws_client.hpp"

namespace shotcall::test {

struct LbCluster {
  // `lb_env`: more variables for the HAProxy configuration (SHOTCALL_LB_MAX_CONN_PER_IP …).
  explicit LbCluster(std::map<std::string, std::string> lb_env = {});

  // Instance n (1..3) is HAProxy's server s<n>.
  ServerProcess& instance(int n) { return *instances.at(static_cast<std::size_t>(n - 1)); }

  std::vector<std::unique_ptr<ServerProcess>> instances;
  std::unique_ptr<HaproxyProcess> lb;
};

// The instance's own shotcall_connections gauge, read from its /metrics (-1 if unreadable).
long connections_of(const ServerProcess& instance);

// A WebSocket client through `url` that has registered `riot_id` and got `connected`; fails the
// test (returns nullptr) otherwise.
std::unique_ptr<WsClient> registered_client(const std::string& url, const std::string& riot_id);

// Connects and registers through the LB, and tells which instance (1..3) took the client: the one
// whose connection gauge went up. Only for clients connected one at a time. instance 0: failed.
struct Located {
  std::unique_ptr<WsClient> client;
  int instance = 0;
};
Located connect_located(LbCluster& cluster, const std::string& riot_id);

// A signal that is sent and withdrawn by the destructor: SIGSTOP now, SIGCONT at scope exit,
// so a failing assertion never leaves a frozen instance that cannot see its SIGTERM.
class Frozen {
 public:
  explicit Frozen(GPid pid);
  ~Frozen();
  void thaw();

 private:
  GPid pid_;
  bool frozen_ = true;
};

}  // namespace shotcall::test
