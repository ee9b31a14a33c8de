#include "tests/support/haproxy_process.hpp"

#include <signal.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "tests/support/blocking_tcp.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/main_loop.hpp"

namespace shotcall::test {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, sep)) out.push_back(item);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

std::string server_line(int n) {
  if (n < 1 || n > 3) throw std::invalid_argument("HAProxy servers are s1..s3");
  return "Server shotcall/s" + std::to_string(n) + " is ";
}

}  // namespace

std::string HaproxyProcess::binary_path() { return SpawnedProcess::find_program("haproxy"); }

std::string HaproxyProcess::config_path() {
  return std::string{SHOTCALL_SOURCE_DIR} + "/data/haproxy/shotcall-signal.cfg";
}

HaproxyProcess::HaproxyProcess(const std::vector<std::string>& backends,
                               std::map<std::string, std::string> env,
                               std::chrono::milliseconds startup, int port) {
  if (backends.size() != 3)
    throw std::invalid_argument("the HAProxy configuration has exactly three backends");
  const std::string binary = binary_path();
  if (binary.empty())
    throw std::runtime_error("haproxy not found: install it (scripts/install-deps)");
  tls_ = env.count("SHOTCALL_LB_TLS_CERT") > 0;
  for (std::size_t i = 0; i < backends.size(); ++i)
    env["SHOTCALL_BACKEND_" + std::to_string(i + 1)] = backends[i];

  // The free ports may be taken before HAProxy binds them: try again with others.
  for (int attempt = 1;; ++attempt) {
    port_ = port != 0 ? port : free_loopback_port();
    stats_port_ = free_loopback_port();
    env["SHOTCALL_LB_BIND"] = "127.0.0.1:" + std::to_string(port_);
    env["SHOTCALL_LB_STATS"] = "127.0.0.1:" + std::to_string(stats_port_);
    // -W: master-worker, whose master says "Loading success." once the worker is ready (the
    // listeners are bound by then). -db: stay in the foreground, logs on stderr. -dR: no
    // SO_REUSEPORT, so a port another test's HAProxy already holds fails to bind (and is tried
    // again here) instead of being silently shared with it.
    proc_ = std::make_unique<SpawnedProcess>(
        std::vector<std::string>{binary, "-W", "-db", "-dR", "-f", config_path()}, env);
    if (proc_->wait_for_output("Loading success.", startup) != std::string::npos) return;
    const std::string out = proc_->output();
    proc_->stop(std::chrono::seconds(5));
    proc_.reset();
    const bool port_taken = out.find("cannot bind socket") != std::string::npos ||
                            out.find("Address already in use") != std::string::npos;
    if (!port_taken || attempt == 3 || port != 0)
      throw std::runtime_error("haproxy did not start with " + config_path() + "; it printed:\n" +
                               out);
  }
}

HaproxyProcess::~HaproxyProcess() {
  if (proc_ && proc_->running()) proc_->stop(std::chrono::seconds(10), SIGTERM);
}

std::string HaproxyProcess::url() const {
  return std::string{tls_ ? "wss" : "ws"} + "://127.0.0.1:" + std::to_string(port_) + "/ws";
}

std::string HaproxyProcess::http_url(const std::string& path) const {
  return std::string{tls_ ? "https" : "http"} + "://127.0.0.1:" + std::to_string(port_) + path;
}

bool HaproxyProcess::running() const { return proc_ && proc_->running(); }

const std::string& HaproxyProcess::log_text() const { return proc_->output(); }

std::optional<std::string> HaproxyProcess::wait_for_log(const std::string& needle,
                                                        std::chrono::milliseconds timeout,
                                                        std::size_t from) const {
  const std::size_t at = proc_->wait_for_output(needle, timeout, from);
  if (at == std::string::npos) return std::nullopt;
  const std::string& log = proc_->output();
  const std::size_t begin = log.rfind('\n', at);
  const std::size_t line_start = begin == std::string::npos ? 0 : begin + 1;
  // The line may still be arriving: it is whole once its newline is there.
  proc_->wait_for_output("\n", std::chrono::seconds(5), at);
  const std::size_t end = log.find('\n', at);
  return log.substr(line_start, end == std::string::npos ? std::string::npos : end - line_start);
}

std::optional<std::string> HaproxyProcess::wait_server_down(int n,
                                                            std::chrono::milliseconds timeout,
                                                            std::size_t from) const {
  return wait_for_log(server_line(n) + "DOWN", timeout, from);
}

std::optional<std::string> HaproxyProcess::wait_server_up(int n, std::chrono::milliseconds timeout,
                                                          std::size_t from) const {
  return wait_for_log(server_line(n) + "UP", timeout, from);
}

std::map<std::string, HaproxyServerStats> HaproxyProcess::server_stats() const {
  const PlainHttpResponse r = plain_http_get("127.0.0.1", stats_port_, "/;csv");
  if (r.status != 200)
    throw std::runtime_error("HAProxy stats page: HTTP " + std::to_string(r.status) + " " +
                             r.error);
  // "# pxname,svname,qcur,…\nshotcall,s1,…\n": columns by name, as their order is HAProxy's.
  std::istringstream lines(r.body);
  std::string header;
  std::getline(lines, header);
  if (header.rfind("# ", 0) != 0) throw std::runtime_error("HAProxy stats: no CSV header");
  const auto names = split(header.substr(2), ',');
  auto column = [&](const std::string& name) {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return i;
    throw std::runtime_error("HAProxy stats: no column " + name);
  };
  const std::size_t px = column("pxname"), sv = column("svname"), scur = column("scur"),
                    stot = column("stot"), wretr = column("wretr"), wredis = column("wredis"),
                    status = column("status"), check = column("check_status"),
                    health = column("check_health"), rise = column("check_rise"),
                    fall = column("check_fall");
  std::map<std::string, HaproxyServerStats> out;
  std::string line;
  while (std::getline(lines, line)) {
    const auto f = split(line, ',');
    if (f.size() < names.size() || f[px] != "shotcall" || f[sv] == "BACKEND") continue;
    out[f[sv]] = HaproxyServerStats{f[status],
                                    std::atol(f[scur].c_str()),
                                    std::atol(f[stot].c_str()),
                                    std::atol(f[wretr].c_str()),
                                    std::atol(f[wredis].c_str()),
                                    f[check],
                                    std::atol(f[health].c_str()),
                                    std::atol(f[rise].c_str()),
                                    std::atol(f[fall].c_str())};
  }
  return out;
}

bool HaproxyProcess::wait_fully_healthy(std::chrono::milliseconds timeout) const {
  return run_until(
      [&] {
        const auto stats = server_stats();
        return stats.size() == 3 && std::all_of(stats.begin(), stats.end(), [](const auto& kv) {
                 return kv.second.fully_healthy();
               });
      },
      timeout);
}

ProcessExit HaproxyProcess::stop(std::chrono::milliseconds timeout) {
  if (!running()) return ProcessExit{};
  return proc_->stop(timeout, SIGTERM);
}

}  // namespace shotcall::test
