#include "tests/support/netns.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <glib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/die_with_test.hpp"

namespace shotcall::test {
namespace {

const char* const kPrefix = "sctn-";

std::string command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
  return line;
}

// Start time of process `pid` in seconds since the epoch, or -1 if it does not run.
double process_start_time(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');  // the command name may hold spaces and parentheses
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  // Fields after the name start at 3 (state); starttime is field 22.
  for (int i = 3; i <= 22 && fields >> field; ++i) {
  }
  if (field.empty()) return -1;
  std::ifstream proc_stat("/proc/stat");
  std::string key;
  long long boot = -1;
  while (proc_stat >> key) {
    if (key == "btime") {
      proc_stat >> boot;
      break;
    }
  }
  if (boot < 0) return -1;
  return static_cast<double>(boot) + std::stod(field) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// True when the "sctn-<pid>-…" namespace at `path` was made by a process that still runs: the
// pid is alive and that process started before the namespace was made (not a reused pid).
bool creator_alive(const std::string& name, const std::string& path) {
  const auto dash = name.find('-', std::string(kPrefix).size());
  if (dash == std::string::npos) return false;
  const int pid = std::atoi(name.substr(std::string(kPrefix).size()).c_str());
  if (pid <= 0) return false;
  if (pid == getpid()) return true;
  const double started = process_start_time(pid);
  if (started < 0) return false;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return true;  // being made or removed right now: leave it
  // Start times are in clock ticks; allow one second of rounding.
  return started <= static_cast<double>(st.st_mtime) + 1.0;
}

void kill_inside(const std::string& ns) {
  const CommandOutcome pids = run_command({"ip", "netns", "pids", ns});
  std::istringstream in(pids.output);
  int pid = 0;
  while (in >> pid)
    if (pid > 0 && pid != getpid()) ::kill(pid, SIGKILL);
}

}  // namespace

std::string find_tool(const std::string& program) {
  if (program.find('/') != std::string::npos)
    return g_file_test(program.c_str(), G_FILE_TEST_IS_EXECUTABLE) ? program : "";
  if (gchar* found = g_find_program_in_path(program.c_str())) {
    std::string path = found;
    g_free(found);
    return path;
  }
  for (const char* dir : {"/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"}) {
    const std::string path = dir + program;
    if (g_file_test(path.c_str(), G_FILE_TEST_IS_EXECUTABLE)) return path;
  }
  return "";
}

CommandOutcome run_command(const std::vector<std::string>& argv) {
  CommandOutcome outcome;
  if (argv.empty()) return outcome;
  const std::string program = find_tool(argv[0]);
  if (program.empty()) {
    outcome.output = argv[0] + ": not installed";
    return outcome;
  }
  std::vector<gchar*> args{const_cast<gchar*>(program.c_str())};
  for (std::size_t i = 1; i < argv.size(); ++i) args.push_back(const_cast<gchar*>(argv[i].c_str()));
  args.push_back(nullptr);
  gchar* out = nullptr;
  gchar* err = nullptr;
  gint wait_status = 0;
  GError* error = nullptr;
  if (!g_spawn_sync(nullptr, args.data(), nullptr, G_SPAWN_DEFAULT, die_with_test_child_setup,
                    GINT_TO_POINTER(getpid()), &out, &err, &wait_status, &error)) {
    outcome.output = program + ": " + (error ? error->message : "cannot start");
    g_clear_error(&error);
    return outcome;
  }
  outcome.output = std::string(out ? out : "") + (err ? err : "");
  g_free(out);
  g_free(err);
  if (WIFEXITED(wait_status)) outcome.status = WEXITSTATUS(wait_status);
  return outcome;
}

std::string run_command_checked(const std::vector<std::string>& argv) {
  CommandOutcome outcome = run_command(argv);
  if (!outcome.ok())
    throw std::runtime_error("`" + command_line(argv) + "` failed (status " +
                             std::to_string(outcome.status) + "): " + outcome.output);
  return outcome.output;
}

bool running_in_ci() {
  const char* ci = g_getenv("CI");
  return ci && std::string(ci) == "true";
}

std::string netns_unavailable_reason(const std::vector<std::string>& tools) {
  if (geteuid() != 0) return "network namespace tests need root (CI runs them as root)";
  for (const std::string& tool : std::vector<std::string>{"ip"}) {
    if (find_tool(tool).empty()) return tool + " (iproute2) is not installed";
  }
  std::string missing;
  for (const auto& tool : tools)
    if (find_tool(tool).empty()) missing += (missing.empty() ? "" : ", ") + tool;
  if (!missing.empty())
    return "not installed: " + missing + " (scripts/install-deps installs them)";
  // Root is not always enough (a container without CAP_SYS_ADMIN): try once.
  static const std::string cannot = [] {
    const std::string probe = kPrefix + std::to_string(getpid()) + "-check";
    const CommandOutcome made = run_command({"ip", "netns", "add", probe});
    if (!made.ok()) return "cannot create network namespaces here: " + made.output;
    run_command({"ip", "netns", "del", probe});
    return std::string();
  }();
  return cannot;
}

std::vector<std::string> with_prefix(std::vector<std::string> prefix,
                                     const std::vector<std::string>& argv) {
  prefix.insert(prefix.end(), argv.begin(), argv.end());
  return prefix;
}

int remove_stale_namespaces() {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/run/netns", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kPrefix, 0) != 0 || creator_alive(name, entry.path().string())) continue;
    kill_inside(name);
    if (run_command({"ip", "netns", "del", name}).ok()) ++removed;
  }
  return removed;
}

NetnsRun::NetnsRun() {
  remove_stale_namespaces();
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device seed;
  std::mt19937 random(seed());
  std::uniform_int_distribution<std::size_t> pick(0, sizeof alphabet - 2);
  for (int i = 0; i < 5; ++i) tag_ += alphabet[pick(random)];
}

std::string NetnsRun::name(const std::string& role) const {
  return kPrefix + std::to_string(getpid()) + "-" + tag_ + "-" + role;
}

Namespace::Namespace(std::string name, bool ipv6) : name_(std::move(name)) {
  run_command_checked({"ip", "netns", "add", name_});
  try {
    if (!ipv6) {
      sysctl("net.ipv6.conf.all.disable_ipv6", "1");
      sysctl("net.ipv6.conf.default.disable_ipv6", "1");
    }
    run_checked({"ip", "link", "set", "lo", "up"});
  } catch (...) {
    run_command({"ip", "netns", "del", name_});
    throw;
  }
}

Namespace::~Namespace() {
  kill_inside(name_);
  run_command({"ip", "netns", "del", name_});
}

std::vector<std::string> Namespace::exec_prefix() const {
  return {find_tool("ip"), "netns", "exec", name_};
}

CommandOutcome Namespace::run(const std::vector<std::string>& argv) const {
  return run_command(with_prefix({"ip", "netns", "exec", name_}, argv));
}

std::string Namespace::run_checked(const std::vector<std::string>& argv) const {
  return run_command_checked(with_prefix({"ip", "netns", "exec", name_}, argv));
}

void Namespace::sysctl(const std::string& key, const std::string& value) const {
  run_checked({"sysctl", "-qw", key + "=" + value});
}

void Namespace::add_address(const std::string& dev, const std::string& cidr) const {
  run_checked({"ip", "addr", "add", cidr, "dev", dev});
}

void Namespace::add_default_route(const std::string& gateway) const {
  run_checked({"ip", "route", "add", "default", "via", gateway});
}

void Namespace::enable_forwarding() const { sysctl("net.ipv4.ip_forward", "1"); }

std::vector<int> Namespace::pids() const {
  std::vector<int> found;
  std::istringstream in(run_command({"ip", "netns", "pids", name_}).output);
  int pid = 0;
  while (in >> pid) found.push_back(pid);
  return found;
}

int Namespace::udp_socket() const {
  // setns changes only the calling thread's namespace: a short-lived thread makes the socket, so
  // the test's own threads never leave the root namespace.
  int fd = -1;
  int error = 0;
  std::thread maker([&] {
    const int ns = ::open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
    if (ns < 0 || ::setns(ns, CLONE_NEWNET) != 0) {
      error = errno;
    } else {
      fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) error = errno;
    }
    if (ns >= 0) ::close(ns);
  });
  maker.join();
  if (fd < 0)
    throw std::runtime_error("cannot make a UDP socket in " + name_ + ": " + g_strerror(error));
  return fd;
}

std::string udp_probe(const Namespace& from, const Namespace& to, const std::string& to_address,
                      int timeout_ms) {
  const int rx = to.udp_socket();
  const int tx = from.udp_socket();
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = 0;
  inet_pton(AF_INET, to_address.c_str(), &at.sin_addr);
  std::string seen;
  socklen_t len = sizeof at;
  if (::bind(rx, reinterpret_cast<sockaddr*>(&at), sizeof at) == 0 &&
      ::getsockname(rx, reinterpret_cast<sockaddr*>(&at), &len) == 0) {
    const char ping[] = "shotcall-netns-probe";
    ::sendto(tx, ping, sizeof ping, 0, reinterpret_cast<sockaddr*>(&at), sizeof at);
    pollfd p{rx, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) == 1) {
      char buffer[64];
      sockaddr_in source{};
      socklen_t source_len = sizeof source;
      if (::recvfrom(rx, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&source),
                     &source_len) > 0) {
        char text[INET_ADDRSTRLEN] = {};
        inet_ntop(AF_INET, &source.sin_addr, text, sizeof text);
        seen = text;
      }
    }
  }
  ::close(rx);
  ::close(tx);
  return seen;
}

VethPair::VethPair(const Namespace& a, std::string a_dev, const Namespace& b, std::string b_dev)
    : a_(a), a_dev_(std::move(a_dev)), b_dev_(std::move(b_dev)) {
  // Created inside both namespaces at once: no name in the root namespace, no moving.
  run_command_checked({"ip", "link", "add", "name", a_dev_, "netns", a.name(), "type", "veth",
                       "peer", "name", b_dev_, "netns", b.name()});
  a.run_checked({"ip", "link", "set", a_dev_, "up"});
  b.run_checked({"ip", "link", "set", b_dev_, "up"});
}

VethPair::~VethPair() { a_.run({"ip", "link", "del", a_dev_}); }

Bridge::Bridge(const Namespace& ns, std::string dev) : ns_(ns), dev_(std::move(dev)) {
  ns_.run_checked({"ip", "link", "add", dev_, "type", "bridge"});
  ns_.run_checked({"ip", "link", "set", dev_, "up"});
}

void Bridge::attach(const std::string& port) const {
  ns_.run_checked({"ip", "link", "set", port, "master", dev_});
  ns_.run_checked({"ip", "link", "set", port, "up"});
}

void set_nat(const Namespace& router, const std::string& wan_dev, NatKind kind,
             const std::string& to_ports) {
  router.run_checked({"iptables", "-t", "nat", "-F", "POSTROUTING"});
  std::vector<std::string> rule{"iptables", "-t", "nat", "-A", "POSTROUTING", "-o", wan_dev};
  // --to-ports needs a protocol: UDP (media, ICE) moves; TCP (signaling) keeps the plain rule.
  if (!to_ports.empty()) rule.insert(rule.end(), {"-p", "udp"});
  rule.insert(rule.end(), {"-j", "MASQUERADE"});
  if (!to_ports.empty()) rule.insert(rule.end(), {"--to-ports", to_ports});
  if (kind == NatKind::symmetric) rule.push_back("--random-fully");
  router.run_checked(rule);
  if (!to_ports.empty())
    router.run_checked(
        {"iptables", "-t", "nat", "-A", "POSTROUTING", "-o", wan_dev, "-j", "MASQUERADE"});
}

void make_nat_router(const Namespace& router, const std::string& lan_dev,
                     const std::string& wan_dev, NatKind kind) {
  router.enable_forwarding();
  set_nat(router, wan_dev, kind);
  router.run_checked({"iptables", "-A", "FORWARD", "-i", wan_dev, "-m", "conntrack", "--ctstate",
                      "ESTABLISHED,RELATED", "-j", "ACCEPT"});
  router.run_checked({"iptables", "-A", "FORWARD", "-i", lan_dev, "-j", "ACCEPT"});
  router.run_checked({"iptables", "-P", "FORWARD", "DROP"});
  // Nothing unsolicited reaches the router itself either, as on a real home router. Without this,
  // a peer's early hole-punching packet to a port the other side has not opened yet is accepted
  // (and answered with port-unreachable) and leaves a conntrack entry whose tuple then clashes
  // with the LAN's own outgoing mapping: MASQUERADE picks another port and the "cone" NAT acts
  // symmetric. Dropped in the filter table, the packet's conntrack entry is never confirmed.
  router.run_checked({"iptables", "-A", "INPUT", "-i", wan_dev, "-m", "conntrack", "--ctstate",
                      "ESTABLISHED,RELATED", "-j", "ACCEPT"});
  router.run_checked({"iptables", "-A", "INPUT", "-i", wan_dev, "-j", "DROP"});
}

void flush_nat_mappings(const Namespace& router) { router.run_checked({"conntrack", "-F"}); }

}  // namespace shotcall::test
