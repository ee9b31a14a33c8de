// A hostile client on loopback (issue 18, transport): descriptor exhaustion, ping floods,
// trickled handshakes, pending-handshake hoarding and RFC 6455 violations must neither stop the
// server serving others nor go unanswered.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "tests/server/server_test_helpers.hpp"
#include "tests/support/blocking_tcp.hpp"
#include "tests/support/http_get.hpp"
#include "tests/support/raw_ws_client.hpp"

namespace shotcall::test {
namespace {

using Clock = std::chrono::steady_clock;

// Waits (by asking /metrics again) until `series` reaches `at_least`; returns the last value.
double wait_for_sample(const ServerProcess& server, const std::string& series, double at_least,
                       std::chrono::milliseconds timeout = 5s) {
  double value = -1;
  run_until(
      [&] {
        value = sample(http_get(server.http_url("/metrics")).body, series);
        return value >= at_least;
      },
      timeout);
  return value;
}

std::size_t open_descriptors(GPid pid) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    ++n;
  return n;
}

// What the server sends back to one raw WebSocket that sent `bytes`, until it ends the
// connection (or `timeout`).
struct Ending {
  int close_code = -1;
  bool ended = false;
  std::chrono::milliseconds took{0};
};
Ending send_and_watch(const ServerProcess& server, const std::string& bytes,
                      std::chrono::milliseconds timeout = 3s) {
  RawWsClient raw(server.url());
  const auto start = Clock::now();
  raw.send_raw(bytes);
  Ending e;
  const std::string got = raw.read_until_end(timeout, &e.ended);
  e.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  e.close_code = RawWsClient::close_code_in(got);
  return e;
}

std::string close_frame(unsigned code) {
  return RawWsClient::encode_frame(
      8, true, std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)});
}

// A masked text frame header that claims `length` bytes (its payload never follows).
std::string claiming(std::uint64_t length) {
  std::string f{"\x81\xff", 2};
  for (int shift = 56; shift >= 0; shift -= 8) f += static_cast<char>((length >> shift) & 0xff);
  return f + std::string(4, '\0');
}

TEST(ServerHostile, DescriptorExhaustionRefusesWhileFullAndAcceptsAgainAfter) {
  ServerProcess server({"--max-connections-per-ip", "0"});
  // The process's real limit, lowered on the running server as `prlimit --pid` does: room for
  // some 25 more descriptors, far fewer than the connections below.
  const rlim_t limit = open_descriptors(server.pid()) + 25;
  const rlimit low{limit, limit};
  ASSERT_EQ(::prlimit(server.pid(), RLIMIT_NOFILE, &low, nullptr), 0) << std::strerror(errno);

  std::vector<std::unique_ptr<BlockingTcp>> idle;
  for (int i = 0; i < 80; ++i)
    idle.push_back(std::make_unique<BlockingTcp>("127.0.0.1", server.port(), 5s));
  ASSERT_TRUE(server.wait_for_stderr("descriptors-exhausted"));
  // While full, a probe is answered (503), not left in the kernel's queue.
  const auto full = plain_http_get("127.0.0.1", server.port(), "/healthz", 5s);
  EXPECT_EQ(full.status, 503) << full.error;

  idle.clear();
  // Once the idle sockets are gone, everything works again: no restart, no lasting damage.
  std::unique_ptr<WsClient> after;
  run_until([&] { return (after = WsClient::try_connect(server.url()).client) != nullptr; }, 10s);
  ASSERT_TRUE(after) << "the server no longer accepts";
  after.reset();
  Player p = registered(server, "After#EUW");
  EXPECT_FALSE(p.peer_id.empty());
  EXPECT_EQ(http_get(server.http_url("/healthz")).status, 200u);
  EXPECT_GE(sample(http_get(server.http_url("/metrics")).body,
                   "shotcall_connections_refused_total{reason=\"descriptors\"}"),
            1);
  EXPECT_EQ(server.stderr_text().find("descriptors-exhausted"),
            server.stderr_text().rfind("descriptors-exhausted"))
      << "logged more than once for one episode";
}

TEST(ServerHostile, AHandshakeTrickledByteByByteMeetsAnAbsoluteDeadline) {
  ServerProcess server({"--handshake-timeout", "2"});
  GSocketClient* client = g_socket_client_new();
  GSocketConnection* conn = g_socket_client_connect_to_host(
      client, "127.0.0.1", static_cast<guint16>(server.port()), nullptr, nullptr);
  g_object_unref(client);
  ASSERT_TRUE(conn);
  GSocket* sock = g_socket_connection_get_socket(conn);
  const std::string request =
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  const auto start = Clock::now();
  bool ended = false;
  for (char c : request) {
    if (g_socket_send(sock, &c, 1, nullptr, nullptr) != 1) {
      ended = true;
      break;
    }
    // Each byte renewed the old per-read timeout. Wait a quarter second for the server to end
    // the connection (the event under test) before the next byte.
    if (g_socket_condition_timed_wait(sock, G_IO_IN, 250000, nullptr, nullptr)) {
      char buf[256];
      ended = g_socket_receive(sock, buf, sizeof buf, nullptr, nullptr) <= 0;
      if (ended) break;
    }
  }
  const auto took = Clock::now() - start;
  g_object_unref(conn);
  EXPECT_TRUE(ended) << "the trickled handshake was never cut off";
  EXPECT_LT(took, 5s);
  EXPECT_TRUE(server.wait_for_stderr("handshake-deadline"));
}

TEST(ServerHostile, OneAddressHoldsOnlySoManyPendingConnections) {
  ServerProcess server({"--max-connections-per-ip", "3"});
  std::vector<std::unique_ptr<BlockingTcp>> idle;
  for (int i = 0; i < 3; ++i)
    idle.push_back(std::make_unique<BlockingTcp>("127.0.0.1", server.port(), 5s));
  // The fourth idle socket is closed at once, not after the 30 s handshake timeout.
  BlockingTcp fourth("127.0.0.1", server.port(), 5s);
  std::string got;
  EXPECT_NO_THROW(got = fourth.read_to_end()) << "the fourth pending connection stayed open";
  EXPECT_EQ(got, "");
  idle.clear();
  // The three freed their places: a WebSocket gets in.
  std::unique_ptr<WsClient> ws;
  run_until([&] { return (ws = WsClient::try_connect(server.url()).client) != nullptr; }, 10s);
  ASSERT_TRUE(ws);
  EXPECT_EQ(sample(http_get(server.http_url("/metrics")).body,
                   "shotcall_connections_refused_total{reason=\"address-pending\"}"),
            1);
}

// Sends `batch` up to `times` times without reading, as an attacker does; stops once the server
// has closed the connection (a write then fails).
void send_until_closed(RawWsClient& raw, const std::string& batch, int times) {
  for (int i = 0; i < times; ++i) {
    try {
      raw.send_raw(batch);
    } catch (const std::runtime_error&) {
      return;
    }
  }
}

TEST(ServerHostile, APingFloodSpendsTheFrameBudgetAndIsClosedWith1008) {
  ServerProcess server({"--rate", "10", "--burst", "20"});
  RawWsClient raw(server.url());
  std::string batch;
  for (int i = 0; i < 100; ++i) batch += RawWsClient::encode_frame(9, true, std::string(125, 'p'));
  // Never reading, as the attacker does; the server stops reading once it has closed.
  send_until_closed(raw, batch, 100);
  bool ended = false;
  const std::string got = raw.read_until_end(5s, &ended);
  EXPECT_TRUE(ended) << "the flooding connection is still open";
  EXPECT_EQ(RawWsClient::close_code_in(got), 1008);
  EXPECT_GE(wait_for_sample(server, "shotcall_frames_rate_limited_total", 200), 200);
  // Others were served throughout and still are.
  EXPECT_EQ(http_get(server.http_url("/healthz")).status, 200u);
  Player p = registered(server, "Bystander#EUW");
  EXPECT_FALSE(p.peer_id.empty());
}

// Pings within the frame rate from a client that never reads: libsoup queues a pong for each, which
// the queue's limit did not see, and unsolicited pongs kept the connection from timing out, so
// one connection could grow the server's memory for as long as it kept on (and each new pong
// costs a walk of the queue, holding the server's lock). Its pongs now count against
// --max-queued-bytes like any frame it is sent: closed with 4008 as a slow reader.
TEST(ServerHostile, PingsFromAClientThatNeverReadsCountAgainstItsQueue) {
  // The smallest queue (4 KiB): the sockets' buffers, not the queue, take most of the pongs.
  ServerProcess server({"--rate", "100000", "--burst", "100000", "--max-frame", "1024",
                        "--max-queued-bytes", "4096"});
  RawWsClient raw(server.url());
  std::string batch;
  for (int i = 0; i < 1000; ++i) batch += RawWsClient::encode_frame(9, true, std::string(125, 'p'));
  batch += RawWsClient::encode_frame(10, true, "alive");  // an unsolicited pong: "still here"
  // 16 MB of pings, owing as many pongs: loopback's socket buffers hold about 10 MB of them, then
  // the queue fills. Not much more, so that the client reads the close frame within the 4 s the
  // server waits for its answer.
  send_until_closed(raw, batch, 120);
  bool ended = false;
  const std::string got = raw.read_until_end(10s, &ended);
  EXPECT_TRUE(ended) << "the connection that pings and never reads is still open";
  EXPECT_EQ(RawWsClient::close_code_in(got), 4008);
  EXPECT_NE(server.stderr_text().find("slow-reader"), std::string::npos);
  EXPECT_EQ(http_get(server.http_url("/healthz")).status, 200u);
}

TEST(ServerHostile, ControlFramesOver125BytesFailWith1002) {
  ServerProcess server;
  for (unsigned opcode : {9u, 10u, 8u}) {
    const auto e =
        send_and_watch(server, RawWsClient::encode_frame(opcode, true, std::string(126, 'c')));
    EXPECT_EQ(e.close_code, 1002) << "opcode " << opcode;
    EXPECT_TRUE(e.ended) << "opcode " << opcode;
  }
}

TEST(ServerHostile, CloseCodesForbiddenOnTheWireFailWith1002) {
  ServerProcess server;
  for (unsigned code : {0u, 999u, 1004u, 1005u, 1006u, 1015u, 1016u, 2999u, 5000u, 65535u}) {
    const auto e = send_and_watch(server, close_frame(code));
    EXPECT_EQ(e.close_code, 1002) << "close code " << code;
    EXPECT_TRUE(e.ended) << "close code " << code;
  }
  // A one-byte close body cannot hold a code.
  EXPECT_EQ(send_and_watch(server, RawWsClient::encode_frame(8, true, "x")).close_code, 1002);
  // Codes a peer may send are echoed as before.
  for (unsigned code : {1000u, 1001u, 1003u, 1011u, 3000u, 4999u})
    EXPECT_EQ(send_and_watch(server, close_frame(code)).close_code, static_cast<int>(code));
  // An empty close is allowed too; libsoup answers it with 1000.
  EXPECT_EQ(send_and_watch(server, RawWsClient::encode_frame(8, true, "")).close_code, 1000);
}

TEST(ServerHostile, ALengthWithItsTopBitSetFailsWith1002) {
  ServerProcess server;
  const auto e = send_and_watch(server, claiming(std::uint64_t{1} << 63));
  EXPECT_EQ(e.close_code, 1002);
  EXPECT_TRUE(e.ended);
}

TEST(ServerHostile, AfterAFrameClaiming2To62BytesTheServerClosesAtOnce) {
  // RFC 6455 §7.1.7: having failed the connection the server reads nothing more, so it does not
  // wait for a close reply that would be taken for payload of the endless frame.
  ServerProcess server;
  const auto e = send_and_watch(server, claiming(std::uint64_t{1} << 62) + "some payload", 4s);
  EXPECT_EQ(e.close_code, 1009);
  EXPECT_TRUE(e.ended);
  EXPECT_LT(e.took, 2s);
}

TEST(ServerHostile, ADuplicateWebSocketKeyIsRefused) {
  ServerProcess server;
  BlockingTcp tcp("127.0.0.1", server.port(), 5s);
  tcp.write_all(
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Key: "
      "AAAAAAAAAAAAAAAAAAAAAA==\r\n"
      "Sec-WebSocket-Version: 13\r\n\r\n");
  std::string head;
  while (head.find("\r\n\r\n") == std::string::npos && tcp.read_some(&head)) {
  }
  EXPECT_EQ(head.rfind("HTTP/1.1 400", 0), 0u) << head;
}

// Reads one whole HTTP answer (head and Content-Length body) without waiting for the close.
std::string read_answer(BlockingTcp& tcp) {
  std::string got;
  for (;;) {
    const std::size_t head_end = got.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const std::size_t at = got.find("Content-Length: ");
      if (at != std::string::npos && at < head_end &&
          got.size() >= head_end + 4 + std::stoul(got.substr(at + 16)))
        return got;
    }
    if (!tcp.read_some(&got)) return got;
  }
}

TEST(ServerHostile, ARequestHeadOver16KiBIsAnswered431NotReset) {
  ServerProcess server;
  BlockingTcp tcp("127.0.0.1", server.port(), 5s);
  // 64 KiB of headers: libsoup alone read them to its limit and dropped the connection with the
  // rest unread, which the client saw as a reset and no answer.
  std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (int i = 0; i < 64; ++i)
    request += "X-Filler-" + std::to_string(i) + ": " + std::string(1000, 'a') + "\r\n";
  request += "\r\n";
  tcp.write_all(request);
  const std::string answer = read_answer(tcp);
  EXPECT_EQ(answer.rfind("HTTP/1.1 431 ", 0), 0u) << answer.substr(0, 200);
  EXPECT_NE(answer.find("16 KiB"), std::string::npos) << answer;
  EXPECT_EQ(
      wait_for_sample(server, "shotcall_connections_refused_total{reason=\"head-too-large\"}", 1),
      1);
  // Everyone else is served as before.
  EXPECT_EQ(http_get(server.http_url("/healthz")).status, 200u);
  Player p = registered(server, "Served#EUW");
  EXPECT_FALSE(p.peer_id.empty());
}

TEST(ServerHostile, ARequestHeadJustUnderTheLimitArrivingInPiecesIsServed) {
  ServerProcess server;
  BlockingTcp tcp("127.0.0.1", server.port(), 5s);
  // 15 KiB of cookies, sent in three writes: the guard waits for the blank line, then libsoup
  // reads the whole head.
  const std::string cookies = "Cookie: c=" + std::string(15 * 1024, 'b') + "\r\n";
  tcp.write_all("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  tcp.write_all(cookies.substr(0, 8000));
  tcp.write_all(cookies.substr(8000) + "Connection: close\r\n\r\n");
  const std::string answer = read_answer(tcp);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 ", 0), 0u) << answer.substr(0, 200);
}

}  // namespace
}  // namespace shotcall::test
