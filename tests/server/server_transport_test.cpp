// Transport limits and liveness over real sockets: frame size (1009), rate limiting, connection
// caps, keepalive, abrupt drops, and the HTTP endpoints.
#include <gtest/gtest.h>

#include "tests/server/server_test_helpers.hpp"
#include "tests/support/http_get.hpp"
#include "tests/support/raw_ws_client.hpp"

namespace shotcall::test {
namespace {

using Clock = std::chrono::steady_clock;

// A raw peer registered and in a channel with a libsoup teammate.
struct RawInChannel {
  Player mate;
  std::unique_ptr<RawWsClient> raw;
  std::string channel;
};

RawInChannel raw_in_channel(const ServerProcess& server) {
  RawInChannel r;
  r.mate = registered(server, "Mate#EUW");
  r.raw = std::make_unique<RawWsClient>(server.url());
  r.raw->send_text(R"({"type":"register-user","riotId":"Silent#EUW"})");
  r.channel = find_or_create(r.mate, "1", "100", {"Mate#EUW", "Silent#EUW"});
  join(r.mate, r.channel);
  r.raw->send_text(R"({"type":"join-channel","channelId":")" + r.channel + "\"}");
  EXPECT_TRUE(r.mate->wait_for_type("user-joined-channel"));
  return r;
}

TEST(ServerTransport, AFrameOverTheLimitClosesWith1009) {
  ServerProcess server({"--max-frame", "2048"});
  auto ws = WsClient::connect(server.url());
  // At the limit is fine (it is merely bad JSON).
  ws->send_text(std::string(2048, 'x'));
  ASSERT_TRUE(ws->wait_for_error("bad-json"));
  ws->send_text("{\"type\":\"chat\",\"channelId\":\"c\",\"text\":\"" + std::string(3000, 'y') + "\"}");
  ASSERT_TRUE(ws->wait_closed());
  EXPECT_EQ(ws->close_code(), 1009);
  // The server cuts the socket right after its close frame (a failed connection, RFC 6455
  // §7.1.7); it counts the close when libsoup has finished, which may be just after the client.
  double closes = -1;
  run_until([&] {
    closes = sample(http_get(server.http_url("/metrics")).body, "shotcall_closes_total{code=\"1009\"}");
    return closes >= 1;
  }, 5s);
  EXPECT_EQ(closes, 1);
}

TEST(ServerTransport, TheDefaultLimitIs64KiB) {
  ServerProcess server;
  auto ws = WsClient::connect(server.url());
  ws->send_text(std::string(65536, ' ') + "{");
  ASSERT_TRUE(ws->wait_closed());
  EXPECT_EQ(ws->close_code(), 1009);
}

TEST(ServerTransport, AMessageSentAsEndlessFragmentsIsCutAtTheLimit) {
  // libsoup alone would buffer fragments without bound; the server's frame guard does not.
  ServerProcess server({"--max-frame", "4096"});
  auto r = raw_in_channel(server);
  std::string flood = RawWsClient::encode_frame(1, false, std::string(1000, 'a'));
  for (int i = 0; i < 10; ++i) flood += RawWsClient::encode_frame(0, false, std::string(1000, 'a'));
  r.raw->send_raw(flood);
  auto left = r.mate->wait_for_type("user-left-channel");
  ASSERT_TRUE(left) << "the fragment flood was not stopped";
  EXPECT_TRUE(server.wait_for_stderr("frame-too-big"));
}

TEST(ServerTransport, FramesWithinTheLimitMayBeFragmented) {
  ServerProcess server({"--max-frame", "4096"});
  auto r = raw_in_channel(server);
  const std::string chat = R"({"type":"chat","channelId":")" + r.channel + R"(","text":"in three parts"})";
  r.raw->send_raw(RawWsClient::encode_frame(1, false, chat.substr(0, 10)) +
                  RawWsClient::encode_frame(0, false, chat.substr(10, 20)) +
                  RawWsClient::encode_frame(0, true, chat.substr(30)));
  auto f = r.mate->wait_for_type("chat");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->as<protocol::ChatMessage>()->text, "in three parts");
}

TEST(ServerTransport, NoCompressionExtensionIsNegotiated) {
  // permessage-deflate would let a small frame inflate past the size limit.
  ServerProcess server;
  RawWsClient raw(server.url(), "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
  EXPECT_EQ(raw.handshake_response().find("permessage-deflate"), std::string::npos)
      << raw.handshake_response();
}

TEST(ServerTransport, FramesOverTheRateAreDroppedWithOneRateLimitedErrorPerSecond) {
  // 0.1 frame/s refills nothing within the test: exactly `burst` frames get through.
  ServerProcess server({"--rate", "0.1", "--burst", "3"});
  auto ws = WsClient::connect(server.url());
  for (int i = 0; i < 10; ++i) ws->send_text(R"({"type":"nope","id":"f)" + std::to_string(i) + "\"}");
  for (int i = 0; i < 3; ++i) {
    auto f = ws->wait_for([](const Frame& f) { return f.is_error("unknown-type"); });
    ASSERT_TRUE(f) << i;
    EXPECT_EQ(f->message->id, "f" + std::to_string(i));
  }
  auto limited = ws->wait_for_error("rate-limited");
  ASSERT_TRUE(limited);
  auto metrics = http_get(server.http_url("/metrics"));
  EXPECT_EQ(sample(metrics.body, "shotcall_frames_rate_limited_total"), 7);
  EXPECT_EQ(sample(metrics.body, "shotcall_errors_sent_total{code=\"rate-limited\"}"), 1);
  // None of the dropped frames was answered, and the connection is still open.
  EXPECT_FALSE(ws->has([](const Frame& f) { return f.is_error("unknown-type"); }));
  EXPECT_FALSE(ws->closed());
}

TEST(ServerTransport, AFloodIsClosedWith1008) {
  ServerProcess server({"--rate", "1", "--burst", "2"});
  auto ws = WsClient::connect(server.url());
  // More than 10 × burst drops within 10 s.
  for (int i = 0; i < 40; ++i) ws->send_text(R"({"type":"nope"})");
  ASSERT_TRUE(ws->wait_closed());
  EXPECT_EQ(ws->close_code(), 1008);
}

TEST(ServerTransport, ConnectionsPerAddressAreCapped) {
  ServerProcess server({"--max-connections-per-ip", "2"});
  auto a = WsClient::connect(server.url());
  auto b = WsClient::connect(server.url());
  auto refused = WsClient::try_connect(server.url());
  EXPECT_FALSE(refused.client);
  EXPECT_EQ(refused.http_status, 429u) << refused.error;
  // The two admitted ones work.
  EXPECT_TRUE(a->barrier());
  EXPECT_TRUE(b->barrier());
  auto metrics = http_get(server.http_url("/metrics"));
  EXPECT_EQ(sample(metrics.body, "shotcall_connections_refused_total{reason=\"address-full\"}"), 1);
}

TEST(ServerTransport, ASlotComesBackWhenAConnectionCloses) {
  ServerProcess server({"--max-connections-per-ip", "1"});
  auto a = WsClient::connect(server.url());
  EXPECT_EQ(WsClient::try_connect(server.url()).http_status, 429u);
  a->close();
  ASSERT_TRUE(a->wait_closed());
  // The server frees the slot when its side of the close completes; that is not observable
  // from here, so retry briefly (each attempt is a full handshake, not a sleep).
  std::unique_ptr<WsClient> b;
  run_until([&] { return (b = WsClient::try_connect(server.url()).client) != nullptr; }, 10s);
  EXPECT_TRUE(b);
}

TEST(ServerTransport, TheGlobalConnectionCapRefusesWith503) {
  ServerProcess server({"--max-connections", "1"});
  auto a = WsClient::connect(server.url());
  auto refused = WsClient::try_connect(server.url());
  EXPECT_FALSE(refused.client);
  EXPECT_EQ(refused.http_status, 503u);
  auto metrics = http_get(server.http_url("/metrics"));
  EXPECT_EQ(sample(metrics.body, "shotcall_connections_refused_total{reason=\"server-full\"}"), 1);
}

TEST(ServerTransport, AnAbruptlyDroppedConnectionIsAnnouncedWithinOneSecond) {
  ServerProcess server;
  auto r = raw_in_channel(server);
  const auto dropped_at = Clock::now();
  r.raw->drop();  // no close frame: the TCP connection just ends
  auto left = r.mate->wait_for_type("user-left-channel", 10s);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - dropped_at);
  ASSERT_TRUE(left);
  EXPECT_EQ(left->as<protocol::UserLeftChannel>()->channel_id, r.channel);
  EXPECT_LT(took, 1000ms);
}

TEST(ServerTransport, KeepaliveDropsAPeerThatStopsAnswering) {
  ServerProcess server({"--keepalive", "1"});
  auto r = raw_in_channel(server);
  const auto start = Clock::now();
  // The raw peer never reads, so never answers a ping; the libsoup teammate does.
  auto left = r.mate->wait_for_type("user-left-channel", 20s);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  ASSERT_TRUE(left) << "the silent peer was never dropped";
  EXPECT_GE(took, 2000ms);  // not before about three intervals
  // The teammate, who answered every ping, is still connected after the same time.
  EXPECT_FALSE(r.mate->closed());
  EXPECT_TRUE(r.mate->barrier());
  EXPECT_TRUE(server.wait_for_stderr("keepalive-drop"));
}

TEST(ServerTransport, AClientThatAnswersPingsOutlivesManyKeepaliveIntervals) {
  ServerProcess server({"--keepalive", "1"});
  auto p = registered(server, "Idle#EUW");
  // Idle for five intervals: only pongs keep it alive. (Nothing else can be awaited here.)
  run_for(5s);
  EXPECT_FALSE(p->closed());
  EXPECT_TRUE(p->barrier());
}

TEST(ServerTransport, ASocketThatNeverSendsARequestIsClosed) {
  ServerProcess server({"--handshake-timeout", "1"});
  GSocketClient* client = g_socket_client_new();
  GSocketConnection* conn =
      g_socket_client_connect_to_host(client, "127.0.0.1", static_cast<guint16>(server.port()), nullptr, nullptr);
  g_object_unref(client);
  ASSERT_TRUE(conn);
  GSocket* sock = g_socket_connection_get_socket(conn);
  g_socket_set_timeout(sock, 15);  // a guard: the server should act long before
  const auto start = Clock::now();
  char buf[64];
  GError* error = nullptr;
  const gssize n = g_socket_receive(sock, buf, sizeof buf, nullptr, &error);
  const bool timed_out_here = error && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error(&error);
  EXPECT_FALSE(timed_out_here) << "the server kept an idle socket open";
  EXPECT_LE(n, 0);  // EOF (or a reset), nothing sent
  EXPECT_LT(Clock::now() - start, 10s);
  g_object_unref(conn);
  // A WebSocket, once open, is not subject to that timeout (keepalive judges it instead).
  auto ws = WsClient::connect(server.url());
  run_for(2500ms);
  EXPECT_FALSE(ws->closed());
  EXPECT_TRUE(ws->barrier());
}

TEST(ServerHttp, HealthzAndMetricsShowTheCountersMove) {
  ServerProcess server;
  auto health = http_get(server.http_url("/healthz"));
  EXPECT_EQ(health.status, 200u);
  EXPECT_EQ(health.body, "ok\n");

  auto before = http_get(server.http_url("/metrics"));
  ASSERT_EQ(before.status, 200u);
  EXPECT_NE(before.content_type.find("text/plain"), std::string::npos);
  EXPECT_EQ(sample(before.body, "shotcall_connections"), 0);
  EXPECT_EQ(sample(before.body, "shotcall_relay_latency_seconds_count"), 0);

  auto team = form_team(server, "Metric", "1", "100", 2);
  team.players[0]->send(msg::signal(team.players[1].peer_id, R"({"sdp":{"type":"offer","sdp":"x"}})"));
  ASSERT_TRUE(team.players[1]->wait_for_type("signal"));
  team.players[0]->send_text("not json");
  ASSERT_TRUE(team.players[0]->wait_for_error("bad-json"));

  auto after = http_get(server.http_url("/metrics"));
  EXPECT_EQ(sample(after.body, "shotcall_connections"), 2);
  EXPECT_EQ(sample(after.body, "shotcall_registered_users"), 2);
  EXPECT_EQ(sample(after.body, "shotcall_channels"), 1);
  EXPECT_EQ(sample(after.body, "shotcall_messages_received_total{type=\"register-user\"}"), 2);
  EXPECT_EQ(sample(after.body, "shotcall_messages_received_total{type=\"join-channel\"}"), 2);
  EXPECT_EQ(sample(after.body, "shotcall_messages_received_total{type=\"signal\"}"), 1);
  EXPECT_EQ(sample(after.body, "shotcall_messages_received_total{type=\"invalid\"}"), 1);
  EXPECT_EQ(sample(after.body, "shotcall_errors_sent_total{code=\"bad-json\"}"), 1);
  EXPECT_EQ(sample(after.body, "shotcall_relay_latency_seconds_count"), 1);
  EXPECT_EQ(sample(after.body, "shotcall_relay_latency_seconds_bucket{le=\"+Inf\"}"), 1);

  team.players[1]->close(1000);
  ASSERT_TRUE(team.players[0]->wait_for_type("user-left-channel"));
  auto closed = http_get(server.http_url("/metrics"));
  EXPECT_EQ(sample(closed.body, "shotcall_connections"), 1);
  EXPECT_EQ(sample(closed.body, "shotcall_closes_total{code=\"1000\"}"), 1);

  EXPECT_EQ(http_get(server.http_url("/nothing-here")).status, 404u);
}

}  // namespace
}  // namespace shotcall::test
