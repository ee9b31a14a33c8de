// The connection test's shell against what a player may type in: the real shotcall-signal (with
// and without a policy asking for keys), a port nobody listens on, and a web server that is not
// Shotcall. The words are the pure part's (server_probe_test.cpp); here, what was found.
#include <glib.h>
#include <gtest/gtest.h>
#include <libsoup/soup.h>

#include <optional>

#include "app/net/server_probe.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"

namespace shotcall::net {
namespace {

using namespace std::chrono_literals;

ProbeFindings probe(const std::string& url) {
  std::optional<ProbeFindings> found;
  probe_server(
      url, [&](const ProbeFindings& f) { found = f; }, 10s);
  EXPECT_TRUE(test::run_until([&] { return found.has_value(); }, 30s)) << url;
  return found.value_or(ProbeFindings{});
}

TEST(ServerProbeLive, ShotcallServerWithIdentity) {
  test::ServerProcess server;
  const auto f = probe(server.url());
  EXPECT_EQ(f.reach, ProbeReach::Shotcall) << f.detail;
  ASSERT_TRUE(f.hello);
  EXPECT_EQ(f.hello->policy, "none");
  EXPECT_EQ(f.hello->features, std::vector<std::string>{"identity-1"});
  EXPECT_EQ(f.health_status, 200);
  EXPECT_EQ(f.health_body, "ok");
  const auto report = describe_probe(f);
  EXPECT_TRUE(report.usable);
  EXPECT_EQ(report.lines.at(0), "Reached the Shotcall server at " + server.url() + ".");
}

TEST(ServerProbeLive, PolicyKeyIsAnnounced) {
  test::ServerProcess server({"--identity", "key"});
  const auto f = probe(server.url());
  ASSERT_EQ(f.reach, ProbeReach::Shotcall) << f.detail;
  EXPECT_EQ(f.hello->policy, "key");
  EXPECT_TRUE(describe_probe(f).usable);  // loopback: keys may be sent
}

TEST(ServerProbeLive, RefusedPort) {
  const int port = test::free_loopback_port();  // bound, read back and closed: nobody listens
  const std::string url = "ws://127.0.0.1:" + std::to_string(port) + "/ws";
  const auto f = probe(url);
  EXPECT_EQ(f.reach, ProbeReach::Unreachable);
  const auto report = describe_probe(f);
  EXPECT_FALSE(report.usable);
  EXPECT_EQ(report.lines.at(0).rfind("Could not reach " + url + " (", 0), 0u) << report.text();
  EXPECT_NE(report.text().find("refused"), std::string::npos) << report.text();
}

TEST(ServerProbeLive, BadAddressIsReportedOnALaterTurn) {
  bool done = false;
  ProbeFindings found;
  probe_server("http://127.0.0.1:1/ws", [&](const ProbeFindings& f) {
    found = f;
    done = true;
  });
  EXPECT_FALSE(done);  // never from inside probe_server()
  ASSERT_TRUE(test::run_until([&] { return done; }, 10s));
  EXPECT_EQ(found.reach, ProbeReach::BadAddress);
}

// A web server that is not Shotcall: every path 404, no WebSocket.
TEST(ServerProbeLive, PlainWebServer) {
  SoupServer* web = soup_server_new(nullptr, nullptr);
  soup_server_add_handler(
      web, nullptr,
      [](SoupServer*, SoupServerMessage* msg, const char*, GHashTable*, gpointer) {
        soup_server_message_set_status(msg, SOUP_STATUS_NOT_FOUND, nullptr);
      },
      nullptr, nullptr);
  GError* error = nullptr;
  ASSERT_TRUE(soup_server_listen_local(web, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
      << error->message;
  GSList* uris = soup_server_get_uris(web);
  const int port = g_uri_get_port(static_cast<GUri*>(uris->data));
  g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(g_uri_unref));

  const auto f = probe("ws://127.0.0.1:" + std::to_string(port) + "/ws");
  EXPECT_EQ(f.reach, ProbeReach::NotShotcall) << f.detail;
  EXPECT_EQ(f.http_status, 404);
  EXPECT_EQ(f.health_status, 404);
  EXPECT_FALSE(describe_probe(f).usable);
  soup_server_disconnect(web);
  g_object_unref(web);
}

TEST(ServerProbeLive, CancelledProbeNeverReports) {
  test::ServerProcess server;
  bool reported = false;
  auto cancel = probe_server(server.url(), [&](const ProbeFindings&) { reported = true; });
  cancel();
  // A second probe finishing proves the loop turned long enough for the first to have answered.
  const auto f = probe(server.url());
  EXPECT_EQ(f.reach, ProbeReach::Shotcall);
  EXPECT_FALSE(reported);
  cancel();  // harmless once abandoned
}

}  // namespace
}  // namespace shotcall::net
