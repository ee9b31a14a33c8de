#include "tests/cluster/lb_cluster.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <sstream>

#include "tests/support/http_get.hpp"

namespace shotcall::test {

LbCluster::LbCluster(std::map<std::string, std::string> lb_env) {
  std::vector<std::string> backends;
  for (int i = 0; i < 3; ++i) {
    // The configuration sends the PROXY protocol: the instances must trust the LB's address.
    // Every test client is 127.0.0.1 too, so the per-address limit is off here (HAProxy has its
    // own); lb_client_address_test covers the limit through the LB.
    instances.push_back(std::make_unique<ServerProcess>(
        std::vector<std::string>{"--max-connections-per-ip", "0", "--trusted-proxy", "127.0.0.1"}));
    backends.push_back("127.0.0.1:" + std::to_string(instances.back()->port()));
  }
  lb = std::make_unique<HaproxyProcess>(backends, std::move(lb_env));
  // Failures are then judged as a long-running LB judges them (two failed checks, not one).
  EXPECT_TRUE(lb->wait_fully_healthy(std::chrono::seconds(15))) << lb->log_text();
}

long connections_of(const ServerProcess& instance) {
  const HttpResponse r = http_get(instance.http_url("/metrics"));
  if (r.status != 200) return -1;
  std::istringstream lines(r.body);
  std::string line;
  const std::string name = "shotcall_connections ";
  while (std::getline(lines, line))
    if (line.rfind(name, 0) == 0) return std::stol(line.substr(name.size()));
  return -1;
}

std::unique_ptr<WsClient> registered_client(const std::string& url, const std::string& riot_id) {
  auto attempt = WsClient::try_connect(url);
  if (!attempt.client) {
    ADD_FAILURE() << "connect to " << url << " failed: " << attempt.error << " (HTTP "
                  << attempt.http_status << ")";
    return nullptr;
  }
  attempt.client->send(msg::register_user(riot_id, "reg-" + riot_id));
  const auto connected = attempt.client->wait_for_type("connected", std::chrono::seconds(10));
  if (!connected || !connected->message || connected->message->id != "reg-" + riot_id) {
    ADD_FAILURE() << riot_id << " got no connected reply through " << url;
    return nullptr;
  }
  return std::move(attempt.client);
}

Located connect_located(LbCluster& cluster, const std::string& riot_id) {
  long before[3];
  for (int n = 1; n <= 3; ++n) before[n - 1] = connections_of(cluster.instance(n));
  Located located;
  located.client = registered_client(cluster.lb->url(), riot_id);
  if (!located.client) return located;
  // The instance counted the connection before it answered register-user.
  for (int n = 1; n <= 3; ++n) {
    if (connections_of(cluster.instance(n)) == before[n - 1] + 1) {
      EXPECT_EQ(located.instance, 0) << "two instances gained a connection";
      located.instance = n;
    }
  }
  EXPECT_NE(located.instance, 0) << riot_id << " is on no instance";
  return located;
}

Frozen::Frozen(GPid pid) : pid_(pid) { ::kill(pid_, SIGSTOP); }

Frozen::~Frozen() { thaw(); }

void Frozen::thaw() {
  if (frozen_) ::kill(pid_, SIGCONT);
  frozen_ = false;
}

}  // namespace shotcall::test
