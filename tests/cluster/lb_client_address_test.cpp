// --trusted-proxy through the real HAProxy (data/haproxy/shotcall-signal.cfg, run unchanged: it
// sends the PROXY protocol v2) and the real server: the per-address limit, the log and the
// metrics see each client's own address; a client that connects directly cannot choose its
// address with a PROXY header or X-Forwarded-For; a trusted peer that stalls inside the header
// is dropped. Clients take distinct loopback source addresses (127.0.0.2, 127.0.0.3) by binding
// before connect; the whole of 127.0.0.0/8 is local on Linux.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "tests/support/haproxy_process.hpp"
#include "tests/support/http_get.hpp"
#include "tests/support/server_process.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

// A blocking TCP connection from `source` (a loopback address) to 127.0.0.1:`port`. Every read
// is bounded; the server is another process, so blocking is fine.
class SourceBoundTcp {
 public:
  SourceBoundTcp(const std::string& source, int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0)
      throw std::runtime_error("cannot bind to " + source);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0)
      throw std::runtime_error("cannot connect from " + source);
  }
  ~SourceBoundTcp() { ::close(fd_); }
  SourceBoundTcp(const SourceBoundTcp&) = delete;
  SourceBoundTcp& operator=(const SourceBoundTcp&) = delete;

  void write(const std::string& bytes) {
    if (::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size()))
      throw std::runtime_error("send failed");
  }
  // Reads until the response head is complete, the peer closes, or `timeout` passes.
  std::string read_head(std::chrono::milliseconds timeout = 10s) {
    std::string got;
    while (got.find("\r\n\r\n") == std::string::npos && read_some(&got, timeout)) {
    }
    return got;
  }
  // True once the peer has closed (end of stream or reset) within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout) {
    std::string sink;
    while (read_some(&sink, timeout)) {
    }
    return ended_;
  }

 private:
  bool read_some(std::string* into, std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;  // timed out
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      ended_ = true;
      return false;
    }
    into->append(buf, static_cast<std::size_t>(n));
    return true;
  }
  int fd_ = -1;
  bool ended_ = false;
};

std::string upgrade_request(const std::string& extra_headers = {}) {
  return "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
         extra_headers + "\r\n";
}

int status_of(const std::string& head) {
  if (head.rfind("HTTP/1.1 ", 0) != 0 || head.size() < 12) return 0;
  return std::stoi(head.substr(9, 3));
}

// The WebSocket upgrade from `source` through whatever listens on `port`; the connection stays
// open (a held slot) for as long as the returned object lives.
std::unique_ptr<SourceBoundTcp> upgrade_from(const std::string& source, int port, int* status,
                                             const std::string& extra = {}) {
  auto c = std::make_unique<SourceBoundTcp>(source, port);
  c->write(upgrade_request(extra));
  *status = status_of(c->read_head());
  return c;
}

long metric(const ServerProcess& server, const std::string& name) {
  const HttpResponse r = http_get(server.http_url("/metrics"));
  std::istringstream lines(r.body);
  std::string line;
  while (std::getline(lines, line))
    if (line.rfind(name + " ", 0) == 0) return std::stol(line.substr(name.size() + 1));
  return 0;
}

const std::string kAddressFull = "shotcall_connections_refused_total{reason=\"address-full\"}";

// One instance trusting the LB (127.0.0.1) only; its limit is 2 connections per address. The
// configuration has three servers: all three are this instance.
struct BehindLb {
  ServerProcess server{{"--trusted-proxy", "127.0.0.1", "--max-connections-per-ip", "2",
                        "--handshake-timeout", "1"}};
  std::unique_ptr<HaproxyProcess> lb;
  BehindLb() {
    const std::string backend = "127.0.0.1:" + std::to_string(server.port());
    lb = std::make_unique<HaproxyProcess>(std::vector<std::string>{backend, backend, backend});
    // Up: HAProxy's health checks (PROXY v2, LOCAL) got 200 from /healthz.
    EXPECT_TRUE(lb->wait_fully_healthy(15s)) << lb->log_text() << server.stderr_text();
  }
};

TEST(LbClientAddress, ThePerAddressLimitCountsEachClientBehindTheLb) {
  BehindLb c;
  int status = 0;
  auto a1 = upgrade_from("127.0.0.2", c.lb->port(), &status);
  ASSERT_EQ(status, 101) << c.server.stderr_text();
  auto a2 = upgrade_from("127.0.0.2", c.lb->port(), &status);
  ASSERT_EQ(status, 101);
  // The third from 127.0.0.2 is over the instance's limit; 127.0.0.3 is another client. Before
  // the PROXY protocol every one of them was 127.0.0.1 to the instance.
  auto a3 = upgrade_from("127.0.0.2", c.lb->port(), &status);
  EXPECT_EQ(status, 429);
  auto b1 = upgrade_from("127.0.0.3", c.lb->port(), &status);
  EXPECT_EQ(status, 101);
  EXPECT_EQ(metric(c.server, kAddressFull), 1);
  EXPECT_TRUE(c.server.wait_for_stderr("addr=127.0.0.2")) << c.server.stderr_text();
  EXPECT_TRUE(c.server.wait_for_stderr("addr=127.0.0.3")) << c.server.stderr_text();
  // HAProxy's own health checks never counted as a client.
  EXPECT_EQ(c.server.stderr_text().find("ws-open conn=1 addr=127.0.0.1"), std::string::npos);
}

TEST(LbClientAddress, AClientSendingItsOwnForwardedForThroughTheLbIsStillItself) {
  BehindLb c;
  int status = 0;
  // HAProxy appends the real address; the instance reads the PROXY header first anyway.
  auto a1 = upgrade_from("127.0.0.2", c.lb->port(), &status, "X-Forwarded-For: 10.7.7.7\r\n");
  ASSERT_EQ(status, 101);
  EXPECT_TRUE(c.server.wait_for_stderr("addr=127.0.0.2")) << c.server.stderr_text();
  EXPECT_EQ(c.server.stderr_text().find("10.7.7.7"), std::string::npos);
}

TEST(LbClientAddress, ADirectUntrustedClientCannotChooseItsAddress) {
  ServerProcess server{{"--trusted-proxy", "127.0.0.1", "--max-connections-per-ip", "2"}};
  // A PROXY line from an untrusted peer is only a bad HTTP request.
  SourceBoundTcp forged("127.0.0.2", server.port());
  forged.write("PROXY TCP4 10.9.9.9 127.0.0.1 1111 7800\r\n" + upgrade_request());
  EXPECT_EQ(status_of(forged.read_head()), 400);
  // X-Forwarded-For from it changes nothing: each forged address still counts as 127.0.0.2.
  int status = 0;
  auto x1 = upgrade_from("127.0.0.2", server.port(), &status, "X-Forwarded-For: 10.9.9.1\r\n");
  ASSERT_EQ(status, 101);
  auto x2 = upgrade_from("127.0.0.2", server.port(), &status, "X-Forwarded-For: 10.9.9.2\r\n");
  ASSERT_EQ(status, 101);
  auto x3 = upgrade_from("127.0.0.2", server.port(), &status, "X-Forwarded-For: 10.9.9.3\r\n");
  EXPECT_EQ(status, 429);
  EXPECT_EQ(metric(server, kAddressFull), 1);
  EXPECT_TRUE(server.wait_for_stderr("addr=127.0.0.2"));
  EXPECT_EQ(server.stderr_text().find("10.9.9."), std::string::npos) << server.stderr_text();
}

TEST(LbClientAddress, ATrustedPeersHeaderAndForwardedForNameTheClient) {
  ServerProcess server{{"--trusted-proxy", "127.0.0.1"}};
  {
    SourceBoundTcp v1("127.0.0.1", server.port());
    v1.write("PROXY TCP4 10.1.2.3 127.0.0.1 4000 7800\r\n" + upgrade_request());
    EXPECT_EQ(status_of(v1.read_head()), 101);
    EXPECT_TRUE(server.wait_for_stderr("addr=10.1.2.3")) << server.stderr_text();
  }
  {
    // v2, PROXY over TCP4 from 10.2.3.4, with a TLV (PP2_TYPE_UNIQUE_ID) to skip.
    std::string v2{"\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x13", 16};
    v2 += std::string{"\x0a\x02\x03\x04\x7f\x00\x00\x01\x0f\xa0\x1e\x78", 12};
    v2 += std::string{
        "\x05\x00\x04"
        "abcd",
        7};
    SourceBoundTcp binary("127.0.0.1", server.port());
    binary.write(v2 + upgrade_request());
    EXPECT_EQ(status_of(binary.read_head()), 101);
    EXPECT_TRUE(server.wait_for_stderr("addr=10.2.3.4")) << server.stderr_text();
  }
  // No header (an HTTP proxy): its X-Forwarded-For, read from the right.
  SourceBoundTcp xff("127.0.0.1", server.port());
  xff.write(upgrade_request("X-Forwarded-For: 6.6.6.6, 10.4.5.6\r\n"));
  EXPECT_EQ(status_of(xff.read_head()), 101);
  EXPECT_TRUE(server.wait_for_stderr("addr=10.4.5.6")) << server.stderr_text();
}

// One client, one address: on a dual-stack socket an IPv4 client is ::ffff:a.b.c.d to the kernel,
// while a balancer's TCP4 header names it a.b.c.d. Both must count against one per-address limit,
// and the log must name it one way.
TEST(LbClientAddress, AnIpv4ClientIsOneAddressOnADualStackSocket) {
  ServerProcess server{
      {"--bind", "::", "--trusted-proxy", "127.0.0.1", "--max-connections-per-ip", "1"}};
  int status = 0;
  auto direct = upgrade_from("127.0.0.2", server.port(), &status);
  ASSERT_EQ(status, 101);
  EXPECT_TRUE(server.wait_for_stderr("addr=127.0.0.2")) << server.stderr_text();
  EXPECT_EQ(server.stderr_text().find("::ffff:"), std::string::npos) << server.stderr_text();
  // The same client again, through a trusted balancer: over its limit of one.
  SourceBoundTcp via_lb("127.0.0.1", server.port());
  via_lb.write("PROXY TCP4 127.0.0.2 127.0.0.1 4000 7800\r\n" + upgrade_request());
  EXPECT_EQ(status_of(via_lb.read_head()), 429) << server.stderr_text();
  EXPECT_EQ(metric(server, kAddressFull), 1);
}

// A header that names no client (UNKNOWN: HAProxy's word for a client on a unix socket) leaves
// the proxy's address; behind a TCP balancer the client wrote any X-Forwarded-For, so it is not
// read.
TEST(LbClientAddress, AfterAHeaderNamingNoClientForwardedForNamesNobody) {
  ServerProcess server{{"--trusted-proxy", "127.0.0.1"}};
  SourceBoundTcp unknown("127.0.0.1", server.port());
  unknown.write("PROXY UNKNOWN\r\n" + upgrade_request("X-Forwarded-For: 10.7.7.7\r\n"));
  EXPECT_EQ(status_of(unknown.read_head()), 101);
  EXPECT_TRUE(server.wait_for_stderr("addr=127.0.0.1")) << server.stderr_text();
  EXPECT_EQ(server.stderr_text().find("10.7.7.7"), std::string::npos) << server.stderr_text();
}

TEST(LbClientAddress, ATrustedPeerThatStallsInsideTheHeaderIsDropped) {
  ServerProcess server{{"--trusted-proxy", "127.0.0.1", "--handshake-timeout", "1"}};
  SourceBoundTcp stalled("127.0.0.1", server.port());
  stalled.write("PROXY TCP4 10.1.");
  // Closed by the server's deadline (1 s, checked every second), long before this bound.
  EXPECT_TRUE(stalled.closed_within(10s));
  EXPECT_TRUE(server.wait_for_stderr("proxy-header-deadline")) << server.stderr_text();
  // A malformed header from a trusted peer is closed at once, and counted.
  SourceBoundTcp garbage("127.0.0.1", server.port());
  garbage.write("PROXY TCP4 not-an-address 127.0.0.1 1 2\r\n");
  EXPECT_TRUE(garbage.closed_within(10s));
  EXPECT_TRUE(server.wait_for_stderr("proxy-header-invalid")) << server.stderr_text();
  EXPECT_EQ(metric(server, "shotcall_connections_refused_total{reason=\"proxy-header\"}"), 1);
}

}  // namespace
}  // namespace shotcall::test
