// The network players sit on, built from network namespaces (tests/support/netns.hpp):
//
//   pub  : bridge br0 203.0.113.1/24: the server side (shotcall-signal, coturn)
//   r1   : wan 203.0.113.11/24 on br0, lan 10.61.1.1/24, NAT of the kind asked for
//   r2   : wan 203.0.113.12/24 on br0, lan 10.61.2.1/24, the same
//   h1   : eth0 10.61.1.2/24, default route via r1;  h2 : eth0 10.61.2.2/24 via r2
//
// The same shape as ../shared/tools/nat_topology.sh. IPv6 is off in every namespace: ICE sees
// exactly one IPv4 host address per home and no link-local candidates. The constructor proves
// that both homes reach the public segment through their routers' NAT (a UDP probe arrives from
// the router's WAN address) and throws otherwise; the destructor removes everything, also when
// the test failed.
//
//   NatTopology net(NatKind::port_restricted_cone, NatKind::symmetric);
//   ServerProcess server({"--host", NatTopology::kServerAddress}, {}, 20s,
//   net.pub().exec_prefix()); PeerProcess a(args, net.home(1).exec_prefix());
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/netns.hpp"

namespace shotcall::test {

class NatTopology {
 public:
  static constexpr const char* kServerAddress = "203.0.113.1";

  // Home 1 sits behind a router of kind `home1`, home 2 behind one of kind `home2`.
  NatTopology(NatKind home1, NatKind home2);
  ~NatTopology();
  NatTopology(const NatTopology&) = delete;
  NatTopology& operator=(const NatTopology&) = delete;

  const Namespace& pub() const { return *pub_; }
  const Namespace& router(int home) const;  // home: 1 or 2
  const Namespace& home(int home) const;
  NatKind kind(int home) const { return kinds_.at(home - 1); }

  static std::string home_address(int home);        // "10.61.1.2"
  static std::string router_wan_address(int home);  // "203.0.113.11"
  static const char* wan_dev() { return "wan"; }    // the routers' interface names
  static const char* lan_dev() { return "lan"; }

  // Makes `home`'s router forget its mappings and map anew onto other ports (10000-19999, then
  // 20000-29999, in turn; the homes' own ports are in the kernel's ephemeral range above them),
  // keeping its NAT kind: every flow of that home leaves from a new port and answers to its old
  // ports are dropped, as after a home router reboot.
  void reset_nat_mappings(int home);

  // Both routers' NAT rules, packet counters and connection tracking tables: for failure
  // messages.
  std::string describe() const;

 private:
  const NetnsRun run_;
  std::vector<NatKind> kinds_;
  // Destroyed in reverse: homes, routers, then the public segment.
  std::unique_ptr<Namespace> pub_;
  std::vector<std::unique_ptr<Namespace>> routers_;
  std::vector<std::unique_ptr<Namespace>> homes_;
  std::vector<std::unique_ptr<VethPair>> links_;
  int resets_ = 0;
};

}  // namespace shotcall::test
