// A hostile client on loopback (issue 18, what the server relays and whom it lets in): a peer that
// never reads, relayed frames over the clients' limit, browser pages from elsewhere, look-alike
// Riot IDs and abandoned channels must neither grow the server nor reach other players.
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <sstream>

#include "tests/server/server_test_helpers.hpp"
#include "tests/support/blocking_tcp.hpp"
#include "tests/support/http_get.hpp"
#include "tests/support/raw_ws_client.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

// The server's resident memory in KiB (VmRSS in /proc/PID/status).
long rss_kib(GPid pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

std::string signal_frame(const std::string& to, std::size_t data_bytes) {
  return R"({"type":"signal","to":")" + to + R"(","data":{"sdp":")" + std::string(data_bytes, 'x') +
         "\"}}";
}

// The status line of the server's answer to a WebSocket handshake with `headers` added.
std::string handshake_status(const ServerProcess& server, const std::string& headers) {
  BlockingTcp tcp("127.0.0.1", server.port(), 5s);
  tcp.write_all("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) +
                "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
                headers + "\r\n");
  std::string head;
  while (head.find("\r\n") == std::string::npos && tcp.read_some(&head)) {
  }
  return head.substr(0, head.find("\r\n"));
}

// A teammate relays 60 KiB signals to a peer that never reads: once the peer's queue passes
// --max-queued-bytes it is closed with 4008 (the others see it leave), and the server's memory
// grows by about the cap, not by what was sent (the issue saw +126 MB for 2 000 signals).
TEST(ServerAbuse, APeerThatNeverReadsIsClosedWith4008AndItsQueueStaysBounded) {
  constexpr std::size_t kCap = 1024 * 1024;
#ifndef SHOTCALL_SANITIZED
  constexpr int kSignals = 600;  // 36 MB: without the cap the server would keep nearly all of it
#else
  // 12 MB, still more than the peer may be sent. (No memory check under a sanitizer, below; and
  // parsing 600 frames of 60 KiB under ThreadSanitizer on a loaded machine kept the server from
  // writing the close frame out within libsoup's 5 s.)
  constexpr int kSignals = 200;
#endif
  // What the peer may get in all: the cap, and the kernel's socket buffers on both sides.
  constexpr std::size_t kMostSent = 9'216'000;
  ServerProcess server(
      {"--max-queued-bytes", std::to_string(kCap), "--rate", "2000", "--burst", "2000"});
  Player fast = registered(server, "Fast#EUW");
  const std::string channel = find_or_create(fast, "g", "100", {"Fast#EUW", "Slow#EUW"});
  join(fast, channel);

  RawWsClient slow(server.url());
  slow.send_text(R"({"type":"register-user","riotId":"Slow#EUW"})");
  slow.send_text(R"({"type":"join-channel","channelId":")" + channel + "\"}");
  const auto joined = fast->wait_for_type("user-joined-channel");
  ASSERT_TRUE(joined);
  const std::string slow_peer = joined->as<protocol::UserJoinedChannel>()->member.peer_id;
  const long rss_before = rss_kib(server.pid());
  ASSERT_GT(rss_before, 0);

  for (int i = 0; i < kSignals; ++i) fast->send_text(signal_frame(slow_peer, 60 * 1024));
  const auto left = fast->wait_for(
      [&](const Frame& f) {
        const auto* m = f.as<protocol::UserLeftChannel>();
        return m && m->peer_id == slow_peer;
      },
      20s);
  ASSERT_TRUE(left) << "the peer that never reads was not closed";
  // The peer reads from now on, beside the rest: libsoup waits 5 s for a closed peer before it
  // cuts the connection, close frame sent or not, and under ThreadSanitizer handling the
  // remaining signals (the barrier) alone can take longer.
  bool ended = false;
  auto reading = std::async(std::launch::async, [&] { return slow.read_until_end(10s, &ended); });
  ASSERT_TRUE(fast->barrier());  // every signal has been handled
  const long rss_flooded = rss_kib(server.pid());
  RecordProperty("rss_growth_kib", std::to_string(rss_flooded - rss_before));

  const std::string received = reading.get();
  EXPECT_TRUE(ended);
  EXPECT_EQ(RawWsClient::close_code_in(received), 4008);
  EXPECT_LT(received.size(), kMostSent) << "far more was queued than the cap";
#ifndef SHOTCALL_SANITIZED
  // Generous: the cap, the kernel's socket buffers are not the server's, and the allocator's
  // slack. (AddressSanitizer's quarantine keeps every freed incoming frame: no RSS check there.)
  EXPECT_LT(rss_flooded - rss_before, 24 * 1024)
      << "RSS grew from " << rss_before << " to " << rss_flooded << " KiB";
#endif
  EXPECT_NE(server.stderr_text().find("slow-reader"), std::string::npos);
}

// A 65 536-byte request is within the limit but its relay names a longer peer id: the server
// refuses it rather than send the teammate a frame its own limit would refuse.
TEST(ServerAbuse, ASignalWhoseRelayWouldExceedTheFrameLimitIsRefused) {
  ServerProcess server;
  Team team = form_team(server, "Relay", "g", "100", 2);
  Player& from = team.players[0];
  Player& to = team.players[1];
  std::string frame = signal_frame(to.peer_id, 0);
  frame = signal_frame(to.peer_id, 65536 - frame.size());
  ASSERT_EQ(frame.size(), 65536u);
  from->send_text(frame);
  const auto refused = from->wait_for_error("bad-message");
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->text.find("too large to relay"), std::string::npos) << refused->text;
  ASSERT_TRUE(to->barrier());
  EXPECT_FALSE(to->has([](const Frame& f) { return f.type == "signal"; }));

  // 16 bytes less leaves room for the relayed frame's longer `from`.
  from->send_text(signal_frame(to.peer_id, 65536 - 16 - signal_frame(to.peer_id, 0).size()));
  EXPECT_TRUE(to->wait_for_type("signal"));
}

TEST(ServerAbuse, OnlyTheServersOwnPagesAndAllowedOriginsMayConnectFromABrowser) {
  ServerProcess server;
  const std::string own = "http://127.0.0.1:" + std::to_string(server.port());
  EXPECT_EQ(handshake_status(server, ""), "HTTP/1.1 101 Switching Protocols");  // native client
  EXPECT_EQ(handshake_status(server, "Origin: " + own + "\r\n"),
            "HTTP/1.1 101 Switching Protocols");
  EXPECT_EQ(handshake_status(server, "Origin: http://evil.example\r\n"), "HTTP/1.1 403 Forbidden");
  EXPECT_EQ(handshake_status(server, "Origin: null\r\n"), "HTTP/1.1 403 Forbidden");
  EXPECT_EQ(handshake_status(server, "Origin: http://127.0.0.1:1\r\n"), "HTTP/1.1 403 Forbidden");

  ServerProcess listed({"--allowed-origin", "https://Voice.Example.org", "--allowed-origin",
                        "http://localhost:5173"});
  EXPECT_EQ(handshake_status(listed, "Origin: https://voice.example.org\r\n"),
            "HTTP/1.1 101 Switching Protocols");
  EXPECT_EQ(handshake_status(listed, "Origin: http://localhost:5173\r\n"),
            "HTTP/1.1 101 Switching Protocols");
  EXPECT_EQ(handshake_status(listed, "Origin: https://evil.example\r\n"), "HTTP/1.1 403 Forbidden");
}

TEST(ServerAbuse, ALookAlikeOfAConnectedRiotIdCannotRegister) {
  ServerProcess server;
  Player faker = registered(server, "Faker#KR1");
  auto twin = WsClient::connect(server.url());
  twin->send_text("{\"type\":\"register-user\",\"riotId\":\"Fa\\u200bker#KR1\"}");
  EXPECT_TRUE(twin->wait_for_error("bad-message"));
  twin->send_text(
      "{\"type\":\"register-user\",\"riotId\":\"Fa\xe2\x80\x8b"
      "ker#KR1\"}");
  EXPECT_TRUE(twin->wait_for_error("bad-message"));
}

// Connect, create, disconnect: the issue left 5 000 channels for the 10-minute sweep.
TEST(ServerAbuse, ChannelsAbandonedByTheirCreatorGoAtOnce) {
  ServerProcess server;
  for (int i = 0; i < 20; ++i) {
    Player p = registered(server, "Hoarder" + std::to_string(i) + "#EUW");
    ASSERT_FALSE(find_or_create(p, "g", "100", {p.riot_id, "Else#EUW"}).empty());
    p->close();
    ASSERT_TRUE(p->wait_closed());
  }
  double channels = -1;
  run_until(
      [&] {
        channels = sample(http_get(server.http_url("/metrics")).body, "shotcall_channels");
        return channels == 0;
      },
      5s);
  EXPECT_EQ(channels, 0);
}

}  // namespace
}  // namespace shotcall::test
