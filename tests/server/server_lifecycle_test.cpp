// The process as an operator meets it: flags, exit codes, the listening line, logs, TLS, SIGTERM.
#include <gtest/gtest.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <signal.h>

#include <fstream>
#include <sstream>

#include "tests/server/server_test_helpers.hpp"
#include "tests/support/http_get.hpp"
#include "tests/support/raw_ws_client.hpp"

namespace shotcall::test {
namespace {

TEST(ServerLifecycle, SigtermClosesEveryClientWith1001AndExitsZero) {
  ServerProcess server;
  auto team = form_team(server, "Bye", "1", "100", 2);
  auto lone = WsClient::connect(server.url());
  auto exit = server.terminate(10s);
  ASSERT_TRUE(exit.exited);
  EXPECT_FALSE(exit.signaled);
  EXPECT_EQ(exit.status, 0);
  EXPECT_LT(exit.took, 3000ms);
  for (WsClient* c : {team.players[0].ws.get(), team.players[1].ws.get(), lone.get()}) {
    ASSERT_TRUE(c->wait_closed());
    EXPECT_EQ(c->close_code(), 1001);
  }
  EXPECT_NE(server.stderr_text().find("shutting-down"), std::string::npos);
}

TEST(ServerLifecycle, SigintStopsItToo) {
  ServerProcess server;
  auto c = WsClient::connect(server.url());
  auto exit = server.terminate(10s, SIGINT);
  ASSERT_TRUE(exit.exited);
  EXPECT_EQ(exit.status, 0);
  ASSERT_TRUE(c->wait_closed());
  EXPECT_EQ(c->close_code(), 1001);
}

TEST(ServerLifecycle, HealthzIs503WhileShuttingDownAndAPeerThatNeverClosesIsWaitedForBoundedly) {
  ServerProcess server;
  RawWsClient stuck(server.url());  // will never answer the close frame
  ASSERT_EQ(http_get(server.http_url("/healthz")).status, 200u);
  const auto start = std::chrono::steady_clock::now();
  kill(server.pid(), SIGTERM);
  unsigned status = 0;
  ASSERT_TRUE(run_until([&] { return (status = http_get(server.http_url("/healthz")).status) == 503; },
                        5s)) << "last status " << status;
  // The stuck peer holds the shutdown only for the grace period (about 2 s).
  auto exit = server.wait_exit(10s);
  ASSERT_TRUE(exit.exited);
  EXPECT_FALSE(exit.signaled);
  EXPECT_EQ(exit.status, 0);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 1500ms);
  EXPECT_LT(took, 6s);
  EXPECT_NE(server.stderr_text().find("shutdown-grace-expired"), std::string::npos);
}

TEST(ServerLifecycle, ASecondSignalStopsAtOnce) {
  ServerProcess server;
  RawWsClient stuck(server.url());
  kill(server.pid(), SIGTERM);
  ASSERT_TRUE(server.wait_for_stderr("shutting-down"));
  auto exit = server.terminate(10s);
  ASSERT_TRUE(exit.exited);
  EXPECT_EQ(exit.status, 0);
  EXPECT_LT(exit.took, 1500ms);
}

TEST(ServerLifecycle, NewConnectionsAreRefusedWhileShuttingDown) {
  ServerProcess server;
  RawWsClient stuck(server.url());
  kill(server.pid(), SIGTERM);
  ASSERT_TRUE(run_until([&] { return http_get(server.http_url("/healthz")).status == 503; }, 5s));
  auto late = WsClient::try_connect(server.url());
  EXPECT_FALSE(late.client);
  EXPECT_EQ(late.http_status, 503u);
}

TEST(ServerLifecycle, BadFlagsExitTwoWithAMessage) {
  struct Case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    std::string mentions;
  };
  const std::vector<Case> cases{
      {{"--port", "seventy"}, {}, "--port"},
      {{"--max-frame", "12"}, {}, "--max-frame"},
      {{"--log-format", "yaml"}, {}, "--log-format"},
      {{"--frobnicate"}, {}, "unknown option"},
      {{}, {{"SHOTCALL_RATE", "-5"}}, "SHOTCALL_RATE"},
      {{"--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem", "--port", "0"},
       {},
       "tls"},
  };
  for (const auto& c : cases) {
    auto r = run_signal_binary(c.args, c.env);
    ASSERT_TRUE(r.exit.exited);
    EXPECT_EQ(r.exit.status, 2) << c.mentions;
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("listening on"), std::string::npos);
  }
}

TEST(ServerLifecycle, HelpAndVersion) {
  auto help = run_signal_binary({"--help"});
  EXPECT_EQ(help.exit.status, 0);
  EXPECT_NE(help.out.find("--access-token"), std::string::npos);
  auto version = run_signal_binary({"--version"});
  EXPECT_EQ(version.exit.status, 0);
  EXPECT_EQ(version.out.rfind("shotcall-signal ", 0), 0u) << version.out;
}

TEST(ServerLifecycle, APortInUseIsAnErrorNotACrash) {
  ServerProcess first;
  auto r = run_signal_binary({"--port", std::to_string(first.port())});
  ASSERT_TRUE(r.exit.exited);
  EXPECT_EQ(r.exit.status, 1);
  EXPECT_NE(r.err.find("cannot listen"), std::string::npos) << r.err;
}

TEST(ServerLifecycle, JsonLogsAreOneObjectPerLineAndHoldNoSecretsOrContents) {
  ServerProcess server({"--log-format", "json", "--access-token", "sekrit-token"});
  {
    auto a = WsClient::connect(server.url());
    a->send(msg::register_user("Log#1", std::nullopt, "sekrit-token"));
    EXPECT_TRUE(a->wait_for_type("connected"));
    a->send(msg::find_or_create("1", "100", {"Log#1"}));
    auto created = a->wait_for_type("channel-created");
    EXPECT_TRUE(created);
    a->send(msg::join(created->as<protocol::ChannelCreated>()->channel.channel_id));
    a->send(msg::chat(created->as<protocol::ChannelCreated>()->channel.channel_id,
                      "the-chat-words"));
    EXPECT_TRUE(a->wait_for_type("chat"));
    a->close();
    EXPECT_TRUE(a->wait_closed());
  }
  ASSERT_TRUE(server.wait_for_stderr("ws-close"));
  server.terminate();
  const std::string log = server.stderr_text();
  EXPECT_EQ(log.find("sekrit-token"), std::string::npos);
  EXPECT_EQ(log.find("the-chat-words"), std::string::npos);
  std::istringstream lines(log);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    JsonParser* parser = json_parser_new();
    GError* error = nullptr;
    EXPECT_TRUE(json_parser_load_from_data(parser, line.c_str(), -1, &error)) << line;
    if (!error) {
      JsonNode* root = json_parser_get_root(parser);
      EXPECT_TRUE(root && JSON_NODE_HOLDS_OBJECT(root)) << line;
      if (root && JSON_NODE_HOLDS_OBJECT(root)) {
        JsonObject* o = json_node_get_object(root);
        EXPECT_TRUE(json_object_has_member(o, "ts"));
        EXPECT_TRUE(json_object_has_member(o, "level"));
        EXPECT_TRUE(json_object_has_member(o, "event"));
      }
    }
    g_clear_error(&error);
    g_object_unref(parser);
  }
  EXPECT_GE(n, 3);
}

// A self-signed certificate made with the openssl tool, in a temporary directory.
struct TempCert {
  std::string dir, cert, key;
  TempCert() {
    gchar* d = g_dir_make_tmp("shotcall-tls-XXXXXX", nullptr);
    dir = d;
    g_free(d);
    cert = dir + "/cert.pem";
    key = dir + "/key.pem";
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " +
                            key + " -out " + cert + " >/dev/null 2>&1";
    ok = std::system(cmd.c_str()) == 0;
  }
  ~TempCert() {
    g_unlink(cert.c_str());
    g_unlink(key.c_str());
    g_rmdir(dir.c_str());
  }
  bool ok = false;
};

TEST(ServerLifecycle, ServesWssWithACertificate) {
  TempCert tls;
  ASSERT_TRUE(tls.ok) << "openssl could not make a test certificate";
  std::map<std::string, std::string> env;
#ifdef SHOTCALL_SANITIZED
  // LeakSanitizer's exit-time tracer crashes ("Tracer caught signal 11", a fatal LSan error)
  // on the worker threads glib-networking's GnuTLS backend leaves behind; with use_tls=0 it
  // reports only GLib's per-thread g_malloc0 blocks. Library-internal: leak checking is off for
  // this one process, AddressSanitizer's memory-error checks stay on.
  env["LSAN_OPTIONS"] = "detect_leaks=0";
#endif
  ServerProcess server({"--tls-cert", tls.cert, "--tls-key", tls.key}, env);
  ASSERT_EQ(server.url().rfind("wss://127.0.0.1:", 0), 0u) << server.url();
  auto ws = WsClient::connect(server.url(), WsClientOptions{true});
  ws->send(msg::register_user("Secure#1", "s-1"));
  auto f = ws->wait_for_type("connected");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->message->id, "s-1");
  auto health = http_get(server.http_url("/healthz"), true);
  EXPECT_EQ(health.status, 200u) << health.error;
  // Plain ws:// to the TLS port gets nowhere.
  std::string plain = server.url();
  plain.replace(0, 3, "ws");
  EXPECT_FALSE(WsClient::try_connect(plain).client);
}

}  // namespace
}  // namespace shotcall::test
