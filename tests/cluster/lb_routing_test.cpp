// The HAProxy configuration (data/haproxy/shotcall-signal.cfg, run unchanged) in front of three
// real shotcall-signal instances: clients reach every instance, the protocol works through it,
// and what the LB answers itself (/healthz, /metrics, per-address limit, TLS).
#include <glib/gstdio.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/cluster/lb_cluster.hpp"
#include "tests/support/http_get.hpp"
#include "tests/support/lcd_certs.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/spawned_process.hpp"

namespace shotcall::test {
namespace {

TEST(LbConfig, HaproxyAcceptsTheFileWithAndWithoutItsOptions) {
  const std::string haproxy = HaproxyProcess::binary_path();
  ASSERT_FALSE(haproxy.empty()) << "haproxy is not installed (scripts/install-deps)";
  for (const std::map<std::string, std::string>& env :
       {std::map<std::string, std::string>{},
        std::map<std::string, std::string>{{"SHOTCALL_LB_STATS", "127.0.0.1:7899"},
                                           {"SHOTCALL_LB_MAX_CONN_PER_IP", "5"}}}) {
    SpawnedProcess check({haproxy, "-c", "-f", HaproxyProcess::config_path()}, env);
    const ProcessExit exit = check.wait_exit(30s);
    EXPECT_TRUE(exit.exited && !exit.signaled && exit.status == 0) << check.output();
    EXPECT_NE(check.output().find("Configuration file is valid"), std::string::npos)
        << check.output();
  }
}

TEST(LbRouting, LeastconnSpreadsClientsEvenlyAndTheProtocolWorksThroughIt) {
  LbCluster cluster;
  std::vector<std::unique_ptr<WsClient>> clients;
  // One after the other, each registered before the next: leastconn then gives each instance
  // exactly one of every three.
  for (int i = 0; i < 9; ++i) {
    clients.push_back(registered_client(cluster.lb->url(), "Spread" + std::to_string(i) + "#EUW"));
    ASSERT_TRUE(clients.back());
  }
  for (int n = 1; n <= 3; ++n)
    EXPECT_EQ(connections_of(cluster.instance(n)), 3) << "instance " << n;
  // HAProxy's own view agrees: three open tunnels per server.
  const auto stats = cluster.lb->server_stats();
  for (const char* s : {"s1", "s2", "s3"}) {
    ASSERT_TRUE(stats.count(s)) << s;
    EXPECT_EQ(stats.at(s).current_sessions, 3) << s;
    EXPECT_EQ(stats.at(s).status, "UP") << s;
    EXPECT_EQ(stats.at(s).check_status, "L7OK") << s;  // GET /healthz answered 200
  }
  // The tunnels carry both directions after the registration too.
  for (auto& c : clients) EXPECT_TRUE(c->barrier());

  // Closing a client frees its slot on its instance (the tunnel ends at both ends).
  clients[0]->close();
  EXPECT_TRUE(clients[0]->wait_closed());
  EXPECT_TRUE(run_until(
      [&] {
        return connections_of(cluster.instance(1)) + connections_of(cluster.instance(2)) +
                   connections_of(cluster.instance(3)) ==
               8;
      },
      10s));
}

TEST(LbRouting, ChannelThroughTheLbWhenTeammatesShareAnInstance) {
  LbCluster cluster;
  // With the memory store only teammates on one instance meet: of four clients, two share one.
  std::vector<Located> c;
  std::vector<std::string> ids;
  int first = -1, second = -1;
  for (int i = 0; i < 4 && second < 0; ++i) {
    ids.push_back("Mate" + std::to_string(i) + "#EUW");
    c.push_back(connect_located(cluster, ids.back()));
    ASSERT_TRUE(c.back().client);
    for (int j = 0; j < i; ++j)
      if (c[static_cast<std::size_t>(j)].instance == c.back().instance) first = j, second = i;
  }
  ASSERT_GE(second, 0) << "four clients on three instances and no two together";
  auto& a = *c[static_cast<std::size_t>(first)].client;
  auto& b = *c[static_cast<std::size_t>(second)].client;
  const std::string& a_id = ids[static_cast<std::size_t>(first)];
  const std::string& b_id = ids[static_cast<std::size_t>(second)];
  a.send(msg::find_or_create("g1", "100", {a_id, b_id}, "f0"));
  const auto created = a.wait_for_type("channel-created");
  ASSERT_TRUE(created);
  // The teammate on the same instance hears of the channel, joins, and both see each other.
  const auto available = b.wait_for_type("channel-available");
  ASSERT_TRUE(available);
  const auto* ch = created->as<protocol::ChannelCreated>();
  ASSERT_TRUE(ch);
  b.send(msg::join(ch->channel.channel_id, "j1"));
  EXPECT_TRUE(b.wait_for_type("joined-channel"));
}

TEST(LbRouting, HealthzIsTheLbsOwnAndMetricsAndOtherPathsStayBehindIt) {
  LbCluster cluster;
  const HttpResponse healthz = http_get(cluster.lb->http_url("/healthz"));
  EXPECT_EQ(healthz.status, 200u) << healthz.error;
  EXPECT_EQ(healthz.body, "ok");
  // Per-instance counters through an LB would jump between processes: not forwarded.
  EXPECT_EQ(http_get(cluster.lb->http_url("/metrics")).status, 404u);
  EXPECT_EQ(http_get(cluster.lb->http_url("/")).status, 404u);
  // Every instance still counts zero connections: none of these reached one.
  for (int n = 1; n <= 3; ++n) EXPECT_EQ(connections_of(cluster.instance(n)), 0);

  // With every instance gone the LB says so.
  const std::size_t mark = cluster.lb->log_text().size();
  for (int n = 1; n <= 3; ++n) cluster.instance(n).terminate(10s, SIGKILL);
  for (int n = 1; n <= 3; ++n) ASSERT_TRUE(cluster.lb->wait_server_down(n, 15s, mark)) << n;
  const HttpResponse none = http_get(cluster.lb->http_url("/healthz"));
  EXPECT_EQ(none.status, 503u);
  EXPECT_EQ(none.body, "no instance up");
  // A WebSocket client now gets HAProxy's 503, not a hang.
  const auto attempt = WsClient::try_connect(cluster.lb->url());
  EXPECT_FALSE(attempt.client);
  EXPECT_EQ(attempt.http_status, 503u) << attempt.error;
}

TEST(LbRouting, PerAddressLimitIsEnforcedAtTheLb) {
  // The instances see only the LB's address, so the limit per client address lives in HAProxy.
  LbCluster cluster(std::map<std::string, std::string>{{"SHOTCALL_LB_MAX_CONN_PER_IP", "3"}});
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(registered_client(cluster.lb->url(), "Limit" + std::to_string(i) + "#EUW"));
    ASSERT_TRUE(clients.back());
  }
  const auto fourth = WsClient::try_connect(cluster.lb->url());
  EXPECT_FALSE(fourth.client);
  EXPECT_EQ(fourth.http_status, 429u) << fourth.error;
  // Refused at the LB: no instance saw a fourth connection.
  long total = 0;
  for (int n = 1; n <= 3; ++n) total += connections_of(cluster.instance(n));
  EXPECT_EQ(total, 3);
}

TEST(LbRouting, TlsEndsAtTheLbWithTheCertificateVariable) {
  gchar* dir_c = g_dir_make_tmp("shotcall-lb-tls-XXXXXX", nullptr);
  ASSERT_TRUE(dir_c);
  const std::string dir = dir_c;
  g_free(dir_c);
  LcdCertificateFiles files;
  std::string error;
  ASSERT_TRUE(write_lcd_certificates(dir, LcdCertificateSpec{}, &files, &error)) << error;
  // HAProxy takes the chain and the key in one PEM file.
  const std::string combined = dir + "/lb.pem";
  {
    std::ifstream cert(files.cert_file), key(files.key_file);
    std::ofstream out(combined);
    out << cert.rdbuf() << key.rdbuf();
  }
  {
    LbCluster cluster(std::map<std::string, std::string>{{"SHOTCALL_LB_TLS_CERT", combined}});
    ASSERT_EQ(cluster.lb->url().rfind("wss://", 0), 0u);
    WsClientOptions insecure;
    insecure.accept_invalid_certificates = true;  // a throwaway CA
    auto client = WsClient::connect(cluster.lb->url(), insecure);
    client->send(msg::register_user("Tls#EUW", "t1"));
    EXPECT_TRUE(client->wait_for_type("connected"));
    // Plain HTTP on the TLS port is not served.
    EXPECT_NE(
        http_get("http://127.0.0.1:" + std::to_string(cluster.lb->port()) + "/healthz").status,
        200u);
  }
  for (const auto& f : {files.ca_file, files.cert_file, files.key_file, combined})
    g_unlink(f.c_str());
  // write_lcd_certificates may leave other files (serials, CA key): remove what is left.
  if (GDir* d = g_dir_open(dir.c_str(), 0, nullptr)) {
    while (const gchar* name = g_dir_read_name(d)) g_unlink((dir + "/" + name).c_str());
    g_dir_close(d);
  }
  g_rmdir(dir.c_str());
}

}  // namespace
}  // namespace shotcall::test
