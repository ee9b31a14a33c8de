#include "tests/support/coturn_process.hpp"

#include <arpa/inet.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "tests/support/free_port.hpp"
#include "tests/support/main_loop.hpp"

namespace shotcall::test {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void remove_tree(const std::string& dir) {
  if (GDir* d = g_dir_open(dir.c_str(), 0, nullptr)) {
    while (const gchar* name = g_dir_read_name(d)) {
      gchar* path = g_build_filename(dir.c_str(), name, nullptr);
      g_unlink(path);
      g_free(path);
    }
    g_dir_close(d);
  }
  g_rmdir(dir.c_str());
}

// The base configuration without the lines `drop` names (keys before '=' or whole flags).
std::string without_keys(const std::string& text, const std::vector<std::string>& drop) {
  std::istringstream in(text);
  std::string out, line;
  while (std::getline(in, line)) {
    const std::string key = line.substr(0, line.find('='));
    if (std::find(drop.begin(), drop.end(), key) == drop.end()) out += line + "\n";
  }
  return out;
}

}  // namespace

std::string shipped_coturn_config() {
  return std::string(SHOTCALL_SOURCE_DIR) + "/data/coturn/turnserver.conf";
}

bool stun_binding_answered(const std::string& host, int port, std::chrono::milliseconds timeout) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &to.sin_addr) != 1) return false;
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool answered = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
    // RFC 5389 Binding request: type 0x0001, length 0, magic cookie, 96-bit transaction id.
    unsigned char req[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42};
    std::random_device rd;
    for (int i = 8; i < 20; ++i) req[i] = static_cast<unsigned char>(rd());
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    // UDP may drop a datagram: send again every 200 ms until the answer or the deadline.
    while (!answered && std::chrono::steady_clock::now() < deadline) {
      if (send(fd, req, sizeof req, 0) != static_cast<ssize_t>(sizeof req)) break;
      pollfd p{fd, POLLIN, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      const int wait_ms = static_cast<int>(std::clamp<long long>(left.count(), 0, 200));
      while (!answered && poll(&p, 1, wait_ms) == 1) {
        unsigned char buf[1500];
        const ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 20) break;  // ECONNREFUSED (nobody listens yet) or junk
        // 0x0101: Binding success response, with our transaction id.
        answered = buf[0] == 0x01 && buf[1] == 0x01 && std::memcmp(buf + 8, req + 8, 12) == 0;
      }
    }
  }
  close(fd);
  return answered;
}

std::string CoturnProcess::binary_path() { return SpawnedProcess::find_program("turnserver"); }

std::string CoturnProcess::config_text(const CoturnOptions& o, int port,
                                       const std::string& log_file, const std::string& pid_file) {
  std::ostringstream c;
  c << "\n# --- test settings (CoturnProcess) ---\n";
  c << "listening-port=" << port << "\n";
  c << "listening-ip=" << o.listening_ip << "\n";
  c << "relay-ip=" << (o.relay_ip.empty() ? o.listening_ip : o.relay_ip) << "\n";
  int min_port = o.min_port, max_port = o.max_port;
  if (min_port <= 0 || max_port < min_port) {
    // 100 ports of their own per listening port: two coturns of parallel tests (different
    // free ports) rarely share a range, and coturn skips a relay port that is taken anyway.
    min_port = 40000 + (port % 190) * 100;
    max_port = min_port + 99;
  }
  c << "min-port=" << min_port << "\nmax-port=" << max_port << "\n";
  c << "realm=" << o.realm << "\n";
  c << "fingerprint\n";
  if (!o.auth_secret.empty()) {
    c << "use-auth-secret\nstatic-auth-secret=" << o.auth_secret << "\n";
  } else {
    c << "lt-cred-mech\n";
    if (!o.user.empty()) c << "user=" << o.user << ":" << o.password << "\n";
  }
  if (o.allow_loopback_peers) {
    // allowed-peer-ip wins over denied-peer-ip in coturn: the base file's ranges stay in force
    // for everything else.
    c << "allow-loopback-peers\nallowed-peer-ip=127.0.0.0-127.255.255.255\nallowed-peer-ip=::1\n";
  }
  if (o.tls) {
    c << "cert=" << o.tls_cert << "\npkey=" << o.tls_key << "\n";
  } else {
    c << "no-tls\nno-dtls\n";
  }
  c << "no-cli\n";
  if (o.verbose) c << "verbose\n";
  // One log file, its name as given (simple-log: no date suffix), and nothing on stdout.
  c << "log-file=" << log_file << "\nsimple-log\nno-stdout-log\n";
  c << "pidfile=" << pid_file << "\n";
  for (const auto& line : o.extra_lines) c << line << "\n";
  return c.str();
}

CoturnProcess::CoturnProcess(CoturnOptions options, std::chrono::milliseconds startup)
    : options_(std::move(options)) {
  if (binary_path().empty())
    throw std::runtime_error("turnserver not found: install coturn (scripts/install-deps)");
  gchar* dir = g_dir_make_tmp("shotcall-coturn-XXXXXX", nullptr);
  if (!dir) throw std::runtime_error("cannot create a temporary directory for turnserver");
  dir_ = dir;
  g_free(dir);
  g_chmod(dir_.c_str(), 0755);  // a namespace's coturn, or a reader in another process
  config_path_ = dir_ + "/turnserver.conf";
  log_path_ = dir_ + "/turnserver.log";
  // The free port may be taken by someone else before coturn binds it: try a few.
  for (int attempt = 1;; ++attempt) {
    port_ = options_.port > 0 ? options_.port : free_loopback_port();
    try {
      launch(startup);
      return;
    } catch (const std::runtime_error&) {
      const bool port_taken = log_text().find("Address already in use") != std::string::npos;
      if (options_.port > 0 || !port_taken || attempt == 3) {
        proc_.reset();
        remove_tree(dir_);
        throw;
      }
    }
  }
}

CoturnProcess::~CoturnProcess() {
  stop(std::chrono::seconds(5));
  proc_.reset();
  remove_tree(dir_);
}

void CoturnProcess::launch(std::chrono::milliseconds startup) {
  std::string config;
  if (!options_.base_config.empty()) {
    config = read_file(options_.base_config);
    if (config.empty()) throw std::runtime_error("cannot read " + options_.base_config);
    if (options_.auth_secret.empty())
      config = without_keys(config, {"use-auth-secret", "static-auth-secret"});
  }
  config += config_text(options_, port_, log_path_, dir_ + "/turnserver.pid");
  {
    std::ofstream out(config_path_, std::ios::trunc);
    out << config;
    if (!out) throw std::runtime_error("cannot write " + config_path_);
  }
  g_unlink(log_path_.c_str());
  log_.clear();

  std::vector<std::string> argv;
  if (!options_.netns.empty()) {
    const std::string ip = SpawnedProcess::find_program("ip");
    if (ip.empty()) throw std::runtime_error("ip (iproute2) not found: cannot enter a namespace");
    argv = {ip, "netns", "exec", options_.netns};
  }
  // -c: ours instead of /etc/turnserver.conf; --userdb in our directory (coturn keeps a SQLite
  // database even with static users).
  argv.insert(argv.end(), {binary_path(), "-c", config_path_, "--userdb", dir_ + "/turndb"});
  proc_ = std::make_unique<SpawnedProcess>(argv);

  auto fail = [&](const std::string& why) {
    const std::string out = proc_->output();
    proc_->stop(std::chrono::seconds(5));
    throw std::runtime_error("turnserver on " + options_.listening_ip + ":" +
                             std::to_string(port_) + " " + why + "; its log:\n" + log_text() +
                             "\nits output:\n" + out);
  };
  // The UDP listener's line comes once its socket is bound ...
  if (!wait_for_log("UDP listener opened on", startup)) fail("did not open its UDP listener");
  // ... and, when we can reach it, a Binding answer proves it is this coturn serving.
  if (options_.netns.empty() && !stun_binding_answered(options_.listening_ip, port_, startup))
    fail("did not answer a STUN Binding request");
}

std::string CoturnProcess::turn_url(const std::string& transport) const {
  return "turn:" + options_.listening_ip + ":" + std::to_string(port_) + "?transport=" + transport;
}

std::string CoturnProcess::stun_url() const {
  return "stun:" + options_.listening_ip + ":" + std::to_string(port_);
}

bool CoturnProcess::running() const { return proc_ && proc_->running(); }

void CoturnProcess::read_new_log() const {
  std::ifstream in(log_path_, std::ios::binary | std::ios::ate);
  if (!in) return;
  const auto size = static_cast<std::size_t>(in.tellg());
  if (size < log_.size()) log_.clear();  // another file under that name: from its start
  in.seekg(static_cast<std::streamoff>(log_.size()));
  log_.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string CoturnProcess::log_text() const {
  read_new_log();
  return log_;
}

std::string CoturnProcess::output() const { return proc_ ? proc_->output() : std::string{}; }

bool CoturnProcess::wait_for_log(const std::string& needle,
                                 std::chrono::milliseconds timeout) const {
  // Log lines are whole when handed over: a needle within a line is never split.
  return follow_log([&](std::string_view added) { return added.find(needle) != added.npos; },
                    timeout);
}

bool CoturnProcess::follow_log(const std::function<bool(std::string_view added)>& seen,
                               std::chrono::milliseconds timeout) const {
  // The log is a file (the namespace case has no pipe to us worth trusting): look at it as the
  // main loop ticks, a few times a second, and stop early when coturn is gone.
  constexpr auto kEvery = std::chrono::milliseconds(200);
  std::size_t handed = 0;  // bytes of log_ given to `seen`
  auto look = [&](bool to_the_end) {
    read_new_log();
    if (handed > log_.size()) handed = 0;  // a relaunch: a new log
    std::size_t end = log_.size();
    if (!to_the_end) {
      const auto last_newline = log_.rfind('\n');
      end = last_newline == std::string::npos ? 0 : std::max(handed, last_newline + 1);
    }
    const std::string_view added(log_.data() + handed, end - handed);
    handed = end;
    return seen(added);
  };
  bool found = look(false);
  auto next = std::chrono::steady_clock::now() + kEvery;
  run_until(
      [&] {
        if (found || !running()) return true;
        const auto now = std::chrono::steady_clock::now();
        if (now < next) return false;
        next = now + kEvery;
        found = look(false);
        return found;
      },
      timeout);
  // The deadline or the exit: what coturn wrote last, a partial line included.
  return found || look(true);
}

ProcessExit CoturnProcess::stop(std::chrono::milliseconds timeout) {
  if (!running()) return ProcessExit{};
  return proc_->stop(timeout, SIGTERM);
}

}  // namespace shotcall::test
