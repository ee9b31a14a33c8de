// Network namespaces for tests: small RAII pieces to build private networks (veth pairs, bridges,
// NAT routers) and run real programs inside them. Needs root (CI runs as root) and iproute2;
// NAT needs iptables, conntrack resets need conntrack.
//
//   const NetnsRun run;                                   // one per test: a unique name prefix
//   Namespace pub(run.name("pub")), home(run.name("h1"));
//   VethPair link(pub, "lan", home, "eth0");              // made directly inside both namespaces
//   pub.add_address("lan", "10.0.0.1/24");
//   home.add_address("eth0", "10.0.0.2/24");
//   home.run_checked({"ping", "-c1", "-W2", "10.0.0.1"});
//   SpawnedProcess p(with_prefix(home.exec_prefix(), {"/usr/bin/some-daemon", "--flag"}));
//
// Interfaces are created directly inside their namespaces, so their names only have to be unique
// within one namespace ("wan", "lan", "eth0" are fine); nothing is added to the root namespace.
// Namespace names carry the creating process's id ("sctn-<pid>-<random>-<role>"): a run killed
// half-way leaves namespaces whose creator is gone, and the next NetnsRun removes them (and kills
// what still runs inside them) before making its own. A namespace is never removed while the
// process that made it is alive, so parallel runs do not disturb each other.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shotcall::test {

// A command run to its end.
struct CommandOutcome {
  int status = -1;     // exit status; -1 when it could not start or died of a signal
  std::string output;  // stdout, then stderr
  bool ok() const { return status == 0; }
};

// Runs argv to its end (argv[0] is looked up in PATH, then /usr/sbin, /sbin: a normal user's PATH
// may lack them). Never throws.
CommandOutcome run_command(const std::vector<std::string>& argv);
// The same; throws std::runtime_error (the command line and its output) unless it exits 0.
std::string run_command_checked(const std::vector<std::string>& argv);

// The absolute path of `program` (as run_command looks it up), or "" when it is not installed.
std::string find_tool(const std::string& program);

// "" when this process can build namespaces with iproute2 and has each of `tools` (program
// names such as "iptables", "conntrack", "turnserver"); otherwise why not, in words.
std::string netns_unavailable_reason(const std::vector<std::string>& tools = {});
// True when the environment variable CI is "true": missing root or tools are then failures.
bool running_in_ci();

// At the top of a test: fails (in CI) or skips (elsewhere) the test, with the reason, unless
// namespaces can be built and each named tool is installed.
//   SHOTCALL_REQUIRE_NETNS("iptables", "conntrack");
#define SHOTCALL_REQUIRE_NETNS(...)                                         \
  do {                                                                      \
    const std::string shotcall_netns_why_ =                                 \
        ::shotcall::test::netns_unavailable_reason({__VA_ARGS__});          \
    if (!shotcall_netns_why_.empty()) {                                     \
      if (::shotcall::test::running_in_ci()) FAIL() << shotcall_netns_why_; \
      GTEST_SKIP() << shotcall_netns_why_;                                  \
    }                                                                       \
  } while (0)

// `prefix` followed by `argv`: {"ip","netns","exec",NAME} + {"/usr/bin/turnserver", ...}.
std::vector<std::string> with_prefix(std::vector<std::string> prefix,
                                     const std::vector<std::string>& argv);

// One test run's names. Its constructor first removes namespaces left by runs that were killed
// (their creator process is gone).
class NetnsRun {
 public:
  NetnsRun();
  // "sctn-<pid>-<tag>-<role>": a namespace name unique to this run.
  std::string name(const std::string& role) const;
  const std::string& tag() const { return tag_; }  // 5 random characters [a-z0-9]

 private:
  std::string tag_;
};

// Removes every "sctn-…" namespace whose creating process no longer runs, killing the processes
// still inside. Returns how many it removed. NetnsRun calls it.
int remove_stale_namespaces();

// A network namespace with its loopback up. The destructor kills whatever still runs inside
// (SIGKILL: the owners of those processes have had their chance) and deletes the namespace, which
// also destroys the veths inside it. Never copied.
class Namespace {
 public:
  // Creates it. `ipv6`: false turns IPv6 off in it before any interface exists (no link-local
  // addresses, so ICE sees only the IPv4 addresses the test gave). Throws std::runtime_error.
  explicit Namespace(std::string name, bool ipv6 = false);
  ~Namespace();
  Namespace(const Namespace&) = delete;
  Namespace& operator=(const Namespace&) = delete;

  const std::string& name() const { return name_; }
  // Prepend to a program's argv to run it inside: {"/usr/sbin/ip", "netns", "exec", name}.
  // `ip netns exec` execs the program in place, so the child's pid and signals are its own.
  std::vector<std::string> exec_prefix() const;

  // Runs argv inside to its end (see run_command).
  CommandOutcome run(const std::vector<std::string>& argv) const;
  std::string run_checked(const std::vector<std::string>& argv) const;

  // sysctl -qw key=value inside.
  void sysctl(const std::string& key, const std::string& value) const;
  // ip addr add CIDR dev DEV ("10.61.1.2/24").
  void add_address(const std::string& dev, const std::string& cidr) const;
  // ip route add default via GATEWAY.
  void add_default_route(const std::string& gateway) const;
  // net.ipv4.ip_forward=1: this namespace routes between its interfaces.
  void enable_forwarding() const;
  // The process ids running inside (ip netns pids).
  std::vector<int> pids() const;
  // A UDP socket of this namespace, made by the test process itself (a socket keeps the namespace
  // it was made in). The caller closes it. Throws std::runtime_error.
  int udp_socket() const;

 private:
  std::string name_;
};

// A veth pair: `a_dev` inside `a`, `b_dev` inside `b`, both up. The destructor deletes it (it is
// gone anyway once either namespace is).
class VethPair {
 public:
  VethPair(const Namespace& a, std::string a_dev, const Namespace& b, std::string b_dev);
  ~VethPair();
  VethPair(const VethPair&) = delete;
  VethPair& operator=(const VethPair&) = delete;

  const std::string& a_dev() const { return a_dev_; }
  const std::string& b_dev() const { return b_dev_; }

 private:
  const Namespace& a_;
  std::string a_dev_;
  std::string b_dev_;
};

// A bridge `dev` inside `ns`, up; `attach` enslaves (and brings up) an interface of the same
// namespace. Deleted with its namespace.
class Bridge {
 public:
  Bridge(const Namespace& ns, std::string dev);
  void attach(const std::string& port) const;
  const std::string& dev() const { return dev_; }

 private:
  const Namespace& ns_;
  std::string dev_;
};

// Sends one UDP datagram from namespace `from` to `to_address` (an address of namespace `to`) and
// returns the source address it arrived from ("203.0.113.11" when a NAT rewrote it), or "" when
// nothing arrived within `timeout`: proves the kernel forwards and translates on that path.
std::string udp_probe(const Namespace& from, const Namespace& to, const std::string& to_address,
                      int timeout_ms = 3000);

// How a router maps its LAN's source addresses and ports onto its WAN address.
enum class NatKind {
  // Plain MASQUERADE: a source port is kept (when free) and reused for every destination, and
  // only hosts/ports the inside has sent to get through: port-restricted cone.
  port_restricted_cone,
  // MASQUERADE --random-fully: a new random port for every destination: symmetric NAT.
  symmetric,
};

// Makes `router` a home router: forwarding on, LAN → WAN allowed, WAN → LAN and WAN → router
// only for answers (conntrack ESTABLISHED,RELATED), and the source NAT of `kind` on `wan_dev`.
// Needs iptables.
void make_nat_router(const Namespace& router, const std::string& lan_dev,
                     const std::string& wan_dev, NatKind kind);
// Replaces the router's NAT rule by one of `kind`; `to_ports` ("40000-49999", or "" for any)
// moves its mappings to other ports. Old mappings stay until flushed.
void set_nat(const Namespace& router, const std::string& wan_dev, NatKind kind,
             const std::string& to_ports = "");
// Forgets every NAT mapping of `router` (conntrack -F), as when a home router reboots. Plain
// MASQUERADE then maps a flow onto its old port again; call set_nat with other `to_ports` first
// to make the next packets leave from new ports. Needs conntrack.
void flush_nat_mappings(const Namespace& router);

}  // namespace shotcall::test
