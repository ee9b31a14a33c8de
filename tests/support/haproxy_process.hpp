// The real HAProxy running the project's own data/haproxy/shotcall-signal.cfg, unchanged, in
// front of three backends, as a child process of a test.
//
//   ServerProcess a, b, c;
//   HaproxyProcess lb({"127.0.0.1:" + std::to_string(a.port()), …});
//   auto client = WsClient::connect(lb.url());   // ws://127.0.0.1:P/ws, to one of a, b, c
//   lb.wait_server_down(2, 10s);                 // HAProxy's "Server shotcall/s2 is DOWN" line
//
// The configuration's addresses come from environment variables: SHOTCALL_LB_BIND (a free
// loopback port), SHOTCALL_BACKEND_1..3, and SHOTCALL_LB_STATS (the stats page on another free
// loopback port, which server_stats() reads). HAProxy runs in master-worker mode in the
// foreground (`haproxy -W -db -dR -f …`): the master prints "Loading success." once the worker
// has bound its listeners, which is what the constructor waits for.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/spawned_process.hpp"

namespace shotcall::test {

// One server's row of HAProxy's stats (`show stat` CSV).
struct HaproxyServerStats {
  std::string status;     // "UP", "DOWN", "UP 1/2" (going down), "DOWN 1/2" (going up), "MAINT"…
  long current_sessions;  // scur: connections to it now (open WebSocket tunnels)
  long total_sessions;    // stot: connections it was given since HAProxy started
  long retries;           // wretr: connection attempts to it retried
  long redispatches;      // wredis: attempts to it that went on to another server
  std::string check_status;  // last check: "L7OK", "L7STS" (wrong status), "L4CON" (refused)…
  // The check's health counter, 0..rise+fall-1; up from `rise` on. HAProxy starts a server at
  // exactly `rise` (up, but one failed check from down), so right after startup a single failure
  // takes it out; only after `fall - 1` more good checks does it need `fall` failures.
  long check_health;
  long check_rise;
  long check_fall;
  bool fully_healthy() const {
    return status == "UP" && check_health == check_rise + check_fall - 1;
  }
};

class HaproxyProcess {
 public:
  // `backends`: exactly three "HOST:PORT" (the configuration has three servers, s1..s3).
  // `env`: more variables for the configuration (SHOTCALL_LB_MAX_CONN_PER_IP,
  // SHOTCALL_LB_TLS_CERT). Waits up to `startup`; throws std::runtime_error with HAProxy's
  // output if it does not start. `port`: 0 for a free one (another is tried if it is taken);
  // else exactly this one, for instances that must be told the front address before HAProxy
  // starts (their --public-host).
  explicit HaproxyProcess(const std::vector<std::string>& backends,
                          std::map<std::string, std::string> env = {},
                          std::chrono::milliseconds startup = std::chrono::seconds(20),
                          int port = 0);
  ~HaproxyProcess();  // SIGTERM (hard stop: every tunnel is cut), SIGKILL after 10 s
  HaproxyProcess(const HaproxyProcess&) = delete;
  HaproxyProcess& operator=(const HaproxyProcess&) = delete;

  std::string url() const;  // ws://127.0.0.1:PORT/ws (wss:// with SHOTCALL_LB_TLS_CERT)
  std::string http_url(const std::string& path) const;  // http(s)://127.0.0.1:PORT + path
  int port() const { return port_; }
  int stats_port() const { return stats_port_; }
  bool running() const;

  // HAProxy's log (stderr and stdout): health-check verdicts, one line per finished session.
  const std::string& log_text() const;
  // Waits until the log holds `needle` at or after byte `from` (a log_text().size() taken
  // earlier); returns the whole line, or nullopt after `timeout`.
  std::optional<std::string> wait_for_log(const std::string& needle,
                                          std::chrono::milliseconds timeout,
                                          std::size_t from = 0) const;
  // HAProxy's line for server s`n` (1..3) going DOWN / coming UP, e.g. "Server shotcall/s2 is
  // DOWN, reason: Layer7 wrong status, code: 503, …". nullopt after `timeout`.
  std::optional<std::string> wait_server_down(int n, std::chrono::milliseconds timeout,
                                              std::size_t from = 0) const;
  std::optional<std::string> wait_server_up(int n, std::chrono::milliseconds timeout,
                                            std::size_t from = 0) const;

  // The servers' rows of the stats page now ("s1".."s3"); throws if the page cannot be read.
  std::map<std::string, HaproxyServerStats> server_stats() const;

  // Iterates the main loop until every server is UP with a full health counter (each has passed
  // `fall` checks in a row, about 1 s after startup), so that failures then behave as in a
  // long-running LB. No event says so: this reads the stats page on each iteration.
  bool wait_fully_healthy(std::chrono::milliseconds timeout) const;

  // SIGTERM to the master (hard stop) and wait.
  ProcessExit stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  static std::string binary_path();  // haproxy from PATH or /usr/sbin
  static std::string config_path();  // <repo>/data/haproxy/shotcall-signal.cfg

 private:
  int port_ = 0;
  int stats_port_ = 0;
  bool tls_ = false;
  std::unique_ptr<SpawnedProcess> proc_;
};

}  // namespace shotcall::test
