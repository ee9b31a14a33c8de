#include "tests/support/nat_topology.hpp"

#include <stdexcept>

namespace shotcall::test {

NatTopology::NatTopology(NatKind home1, NatKind home2) : kinds_{home1, home2} {
  pub_ = std::make_unique<Namespace>(run_.name("pub"));
  const Bridge bridge(*pub_, "br0");
  pub_->add_address("br0", std::string(kServerAddress) + "/24");
  for (int i = 1; i <= 2; ++i) {
    const std::string n = std::to_string(i);
    routers_.push_back(std::make_unique<Namespace>(run_.name("r" + n)));
    homes_.push_back(std::make_unique<Namespace>(run_.name("h" + n)));
    const Namespace& r = *routers_.back();
    const Namespace& h = *homes_.back();
    links_.push_back(std::make_unique<VethPair>(r, wan_dev(), *pub_, "port" + n));
    bridge.attach("port" + n);
    r.add_address(wan_dev(), router_wan_address(i) + "/24");
    links_.push_back(std::make_unique<VethPair>(r, lan_dev(), h, "eth0"));
    r.add_address(lan_dev(), "10.61." + n + ".1/24");
    h.add_address("eth0", home_address(i) + "/24");
    h.add_default_route("10.61." + n + ".1");
    make_nat_router(r, lan_dev(), wan_dev(), kinds_[i - 1]);
  }
  // The kernel must forward between the veths and translate: a datagram from each home reaches
  // the public segment from its router's WAN address.
  for (int i = 1; i <= 2; ++i) {
    const std::string seen = udp_probe(home(i), *pub_, kServerAddress);
    if (seen != router_wan_address(i))
      throw std::runtime_error("home " + std::to_string(i) + " does not reach " + kServerAddress +
                               " through its NAT (datagram arrived from \"" + seen +
                               "\", expected " + router_wan_address(i) + ")");
  }
}

NatTopology::~NatTopology() {
  links_.clear();
  homes_.clear();
  routers_.clear();
  pub_.reset();
}

const Namespace& NatTopology::router(int home) const { return *routers_.at(home - 1); }
const Namespace& NatTopology::home(int home) const { return *homes_.at(home - 1); }

std::string NatTopology::home_address(int home) { return "10.61." + std::to_string(home) + ".2"; }

std::string NatTopology::router_wan_address(int home) {
  return "203.0.113.1" + std::to_string(home);
}

void NatTopology::reset_nat_mappings(int home) {
  ++resets_;
  // Below the kernel's ephemeral range (32768-60999), where the homes' sockets and so the
  // current mappings are: MASQUERADE keeps a source port that lies inside its range.
  const int low = 10000 + 10000 * ((resets_ - 1) % 2);
  set_nat(router(home), wan_dev(), kind(home),
          std::to_string(low) + "-" + std::to_string(low + 9999));
  flush_nat_mappings(router(home));
}

std::string NatTopology::describe() const {
  std::string text;
  for (int i = 1; i <= 2; ++i) {
    const Namespace& r = router(i);
    text += "--- router " + std::to_string(i) + " (" + r.name() + ")\n";
    text += r.run({"iptables", "-t", "nat", "-S", "POSTROUTING"}).output;
    text += r.run({"iptables", "-v", "-n", "-L", "INPUT"}).output;
    text += r.run({"conntrack", "-L"}).output;
  }
  return text;
}

}  // namespace shotcall::test
