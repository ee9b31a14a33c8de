// Instances failing behind the real HAProxy (data/haproxy/shotcall-signal.cfg): killed, shutting
// down, frozen. What their clients see, how fast HAProxy notices, where new clients go.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>

#include "tests/cluster/lb_cluster.hpp"
#include "tests/support/http_get.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/raw_ws_client.hpp"

namespace shotcall::test {
namespace {

using Clock = std::chrono::steady_clock;

long ms_since(Clock::time_point t) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count());
}

// Nine clients, three per instance (leastconn, connected one at a time), each knowing where it is.
std::vector<Located> nine_clients(LbCluster& cluster, const std::string& prefix) {
  std::vector<Located> out;
  for (int i = 0; i < 9; ++i)
    out.push_back(connect_located(cluster, prefix + std::to_string(i) + "#EUW"));
  return out;
}

std::size_t closed_count(const std::vector<Located>& clients, int instance) {
  return static_cast<std::size_t>(std::count_if(
      clients.begin(), clients.end(),
      [&](const Located& l) { return l.instance == instance && l.client && l.client->closed(); }));
}

TEST(LbFailover, KilledInstanceClientsAreCutAndNewClientsGoToTheOthers) {
  LbCluster cluster;
  auto clients = nine_clients(cluster, "Kill");
  for (const auto& c : clients) ASSERT_TRUE(c.client);
  const std::size_t mark = cluster.lb->log_text().size();
  const auto before = cluster.lb->server_stats().at("s2");

  const auto killed_at = Clock::now();
  const ProcessExit exit = cluster.instance(2).terminate(10s, SIGKILL);
  ASSERT_TRUE(exit.signaled);

  // Its three clients lose their tunnel at once: the dead process's sockets close, and HAProxy
  // passes the close on.
  ASSERT_TRUE(run_until([&] { return closed_count(clients, 2) == 3; }, 5s))
      << closed_count(clients, 2) << " of instance 2's clients saw the close";
  const long cut_ms = ms_since(killed_at);

  // New clients right away, before the health check need have noticed: a refused connection
  // is retried on another instance (retries + redispatch), so every one succeeds.
  std::vector<std::unique_ptr<WsClient>> fresh;
  for (int i = 0; i < 9; ++i) {
    fresh.push_back(registered_client(cluster.lb->url(), "After" + std::to_string(i) + "#EUW"));
    ASSERT_TRUE(fresh.back()) << "new client " << i;
  }
  const long reconnected_ms = ms_since(killed_at);
  EXPECT_LT(reconnected_ms, 5000);

  const auto down = cluster.lb->wait_server_down(2, 10s, mark);
  ASSERT_TRUE(down) << cluster.lb->log_text();
  const long detected_ms = ms_since(killed_at);
  EXPECT_NE(down->find("Connection refused"), std::string::npos) << *down;

  // The others kept theirs and now hold everyone: 3 + 3 old, 9 new.
  for (const auto& c : clients) {
    if (c.instance == 2) continue;
    EXPECT_TRUE(c.client->barrier()) << "a client of instance " << c.instance;
  }
  EXPECT_EQ(connections_of(cluster.instance(1)) + connections_of(cluster.instance(3)), 15);
  const auto stats = cluster.lb->server_stats();
  EXPECT_EQ(stats.at("s2").current_sessions, 0);
  EXPECT_EQ(stats.at("s2").status, "DOWN");
  // Until it was marked down, leastconn sent new clients to the dead, empty s2 first; each such
  // attempt was refused and went on to another server.
  const long s2_attempts = stats.at("s2").total_sessions - before.total_sessions;
  EXPECT_EQ(stats.at("s2").redispatches - before.redispatches, s2_attempts);
  RecordProperty("clients_cut_ms", static_cast<int>(cut_ms));
  RecordProperty("nine_new_clients_ms", static_cast<int>(reconnected_ms));
  RecordProperty("marked_down_ms", static_cast<int>(detected_ms));
  RecordProperty("s2_attempts_after_kill", static_cast<int>(s2_attempts));
  std::printf(
      "[ measured ] clients of the killed instance cut after %ld ms; 9 new clients "
      "registered %ld ms after the kill (%ld of them first sent to the dead instance and "
      "redispatched); marked DOWN after %ld ms\n",
      cut_ms, reconnected_ms, s2_attempts, detected_ms);
}

TEST(LbFailover, ShuttingDownInstanceIsTakenOutByItsHealthzBeforeItStops) {
  LbCluster cluster;
  auto& draining = cluster.instance(2);
  // A client that never answers the server's close frame keeps instance 2 in its shutdown
  // grace (about 2 s) after SIGTERM: alive, but answering /healthz with 503. Connected directly,
  // so that HAProxy cutting its sessions does not end the grace early.
  RawWsClient holder(draining.url());
  ASSERT_TRUE(run_until([&] { return connections_of(draining) == 1; }, 10s));
  const std::size_t mark = cluster.lb->log_text().size();
  const long s2_given = cluster.lb->server_stats().at("s2").total_sessions;

  const auto term_at = Clock::now();
  ASSERT_EQ(::kill(draining.pid(), SIGTERM), 0);
  const auto down = cluster.lb->wait_server_down(2, 10s, mark);
  ASSERT_TRUE(down) << cluster.lb->log_text();
  const long detected_ms = ms_since(term_at);
  // Marked down by the health check's verdict on /healthz, not by a refused connection.
  EXPECT_NE(down->find("Layer7 wrong status, code: 503"), std::string::npos) << *down;
  // It is still there, draining: a client straight to it would be turned away.
  const HttpResponse direct = http_get(draining.http_url("/healthz"));
  EXPECT_EQ(direct.status, 503u) << "instance 2 ended before HAProxy noticed (" << detected_ms
                                 << " ms)";

  // New clients through the LB all land on the two others and register.
  std::vector<std::unique_ptr<WsClient>> fresh;
  for (int i = 0; i < 6; ++i) {
    fresh.push_back(registered_client(cluster.lb->url(), "Drain" + std::to_string(i) + "#EUW"));
    ASSERT_TRUE(fresh.back());
  }
  EXPECT_EQ(cluster.lb->server_stats().at("s2").total_sessions, s2_given);
  EXPECT_EQ(connections_of(cluster.instance(1)) + connections_of(cluster.instance(3)), 6);

  holder.drop();
  const ProcessExit exit = draining.wait_exit(10s);
  EXPECT_TRUE(exit.exited && !exit.signaled && exit.status == 0) << draining.stderr_text();
  std::printf("[ measured ] draining instance marked DOWN (503) %ld ms after SIGTERM\n",
              detected_ms);
  RecordProperty("marked_down_ms", static_cast<int>(detected_ms));
}

TEST(LbFailover, FrozenInstanceIsMarkedDownItsClientsAreCutAndItComesBack) {
  LbCluster cluster;
  auto clients = nine_clients(cluster, "Freeze");
  for (const auto& c : clients) ASSERT_TRUE(c.client);
  const std::size_t mark = cluster.lb->log_text().size();

  const auto frozen_at = Clock::now();
  Frozen frozen(cluster.instance(2).pid());  // SIGSTOP: sockets stay open, nothing answers
  const auto down = cluster.lb->wait_server_down(2, 20s, mark);
  ASSERT_TRUE(down) << cluster.lb->log_text();
  const long detected_ms = ms_since(frozen_at);
  EXPECT_NE(down->find("timeout"), std::string::npos) << *down;

  // on-marked-down shutdown-sessions: HAProxy cuts the frozen instance's clients itself (the
  // instance cannot), so they can reconnect elsewhere instead of hanging for the tunnel timeout.
  ASSERT_TRUE(run_until([&] { return closed_count(clients, 2) == 3; }, 5s))
      << closed_count(clients, 2) << " of instance 2's clients were cut";
  const long cut_ms = ms_since(frozen_at);
  for (const auto& c : clients) {
    if (c.instance == 2) continue;
    EXPECT_FALSE(c.client->closed()) << "a client of instance " << c.instance;
  }

  // Reconnecting: they land on the live instances.
  std::vector<std::unique_ptr<WsClient>> back;
  for (int i = 0; i < 3; ++i) {
    back.push_back(registered_client(cluster.lb->url(), "Back" + std::to_string(i) + "#EUW"));
    ASSERT_TRUE(back.back());
  }
  EXPECT_EQ(connections_of(cluster.instance(1)) + connections_of(cluster.instance(3)), 9);

  // Thawed, it passes two checks and is back; being the emptiest, it takes the next client.
  const std::size_t thaw_mark = cluster.lb->log_text().size();
  frozen.thaw();
  ASSERT_TRUE(cluster.lb->wait_server_up(2, 20s, thaw_mark)) << cluster.lb->log_text();
  ASSERT_TRUE(run_until([&] { return connections_of(cluster.instance(2)) == 0; }, 10s))
      << "instance 2 did not notice its cut connections";
  const Located next = connect_located(cluster, "Next#EUW");
  EXPECT_EQ(next.instance, 2);
  std::printf(
      "[ measured ] frozen instance marked DOWN after %ld ms, its clients cut after %ld ms\n",
      detected_ms, cut_ms);
  RecordProperty("marked_down_ms", static_cast<int>(detected_ms));
}

}  // namespace
}  // namespace shotcall::test
