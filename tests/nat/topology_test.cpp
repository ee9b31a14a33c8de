// The NAT topology itself: the kernel forwards and translates between the namespaces' veths, each
// router's NAT behaves as its kind says, and nothing is left behind.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "tests/support/nat_topology.hpp"

namespace shotcall::test {
namespace {

bool namespace_exists(const std::string& name) {
  return std::filesystem::exists("/run/netns/" + name);
}

// A UDP socket of `ns` bound to addr:port (closed by the destructor).
struct BoundSocket {
  BoundSocket(const Namespace& ns, const std::string& addr, int port) : fd(ns.udp_socket()) {
    const sockaddr_in at = address(addr, port);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0)
      throw std::runtime_error("cannot bind " + addr);
  }
  ~BoundSocket() { ::close(fd); }
  static sockaddr_in address(const std::string& addr, int port) {
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, addr.c_str(), &at.sin_addr);
    return at;
  }
  void send_to(const std::string& addr, int port) const {
    const sockaddr_in at = address(addr, port);
    ::sendto(fd, "x", 1, 0, reinterpret_cast<const sockaddr*>(&at), sizeof at);
  }
  // "ADDR:PORT" of the next datagram within `timeout_ms`, or "".
  std::string receive(int timeout_ms) const {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) != 1) return "";
    char buffer[16];
    sockaddr_in from{};
    socklen_t len = sizeof from;
    if (::recvfrom(fd, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &len) < 0)
      return "";
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &from.sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(from.sin_port));
  }
  int fd;
};

TEST(NatTopology, HomesReachThePublicSegmentThroughTheirNatAndEverythingIsRemoved) {
  SHOTCALL_REQUIRE_NETNS("iptables", "conntrack");
  std::string pub_name;
  {
    NatTopology net(NatKind::port_restricted_cone, NatKind::symmetric);
    pub_name = net.pub().name();
    ASSERT_TRUE(namespace_exists(pub_name));
    // The constructor already proved both homes reach 203.0.113.1; the public side must not
    // reach a home's private address (no route, and the router drops unsolicited traffic).
    EXPECT_EQ(udp_probe(net.pub(), net.home(1), NatTopology::home_address(1), 500), "");
    // The routers' NAT rules are the kinds asked for.
    EXPECT_EQ(net.router(1)
                  .run_checked({"iptables", "-t", "nat", "-S", "POSTROUTING"})
                  .find("random-fully"),
              std::string::npos);
    EXPECT_NE(net.router(2)
                  .run_checked({"iptables", "-t", "nat", "-S", "POSTROUTING"})
                  .find("random-fully"),
              std::string::npos);
    // A reset moves home 1's mapping to a new port; it still gets out from its router's address.
    const BoundSocket home(net.home(1), NatTopology::home_address(1), 40000);
    const BoundSocket server(net.pub(), NatTopology::kServerAddress, 5000);
    const std::string wan = NatTopology::router_wan_address(1);
    home.send_to(NatTopology::kServerAddress, 5000);
    EXPECT_EQ(server.receive(3000), wan + ":40000") << "a cone NAT keeps the port";
    net.reset_nat_mappings(1);
    home.send_to(NatTopology::kServerAddress, 5000);
    const std::string after = server.receive(3000);
    ASSERT_EQ(after.rfind(wan + ":", 0), 0u) << after;
    const int port = std::stoi(after.substr(wan.size() + 1));
    EXPECT_TRUE(port >= 10000 && port <= 19999) << "mapped onto port " << port << " after a reset";
  }
  EXPECT_FALSE(namespace_exists(pub_name));
}

// What ICE does between two port-restricted cone homes: both send to the other's public
// address at about the same time. The first packet is dropped by the far router, the second
// passes its hole, and the mappings keep their ports throughout.
TEST(NatTopology, ConeRoutersLetCrossingPacketsPunchThrough) {
  SHOTCALL_REQUIRE_NETNS("iptables");
  NatTopology net(NatKind::port_restricted_cone, NatKind::port_restricted_cone);
  const BoundSocket s1(net.home(1), NatTopology::home_address(1), 5000);
  const BoundSocket s2(net.home(2), NatTopology::home_address(2), 5000);
  const std::string wan1 = NatTopology::router_wan_address(1);
  const std::string wan2 = NatTopology::router_wan_address(2);
  s2.send_to(wan1, 5000);  // unsolicited at r1: dropped, and must leave no trace there
  EXPECT_EQ(s1.receive(300), "");
  s1.send_to(wan2, 5000);  // passes the hole s2's packet opened in r2
  EXPECT_EQ(s2.receive(3000), wan1 + ":5000") << "r1 did not keep the port: not a cone NAT";
  s2.send_to(wan1, 5000);
  EXPECT_EQ(s1.receive(3000), wan2 + ":5000");
}

TEST(NatTopology, ARunKilledMidwayLeavesNothingForTheNextOne) {
  SHOTCALL_REQUIRE_NETNS();
  // A namespace named as a dead process's run: the next run removes it, with what runs inside.
  const std::string stale = "sctn-999999999-zzzzz-pub";
  run_command({"ip", "netns", "del", stale});
  run_command_checked({"ip", "netns", "add", stale});
  const NetnsRun run;
  EXPECT_FALSE(namespace_exists(stale));
  // This run's own namespaces are never taken for stale ones.
  Namespace mine(run.name("pub"));
  EXPECT_EQ(remove_stale_namespaces(), 0);
  EXPECT_TRUE(namespace_exists(mine.name()));
}

}  // namespace
}  // namespace shotcall::test
