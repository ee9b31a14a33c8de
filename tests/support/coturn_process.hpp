// A real TURN server (Debian's coturn, `turnserver`) as a child process of a test, with a
// configuration written to its own temporary directory and its log in a file there.
//
//   CoturnOptions o;
//   o.auth_secret = "s3cret";                     // coturn's REST scheme (use-auth-secret)
//   o.allow_loopback_peers = true;                // peers on 127.0.0.1 need it
//   CoturnProcess turn(o);                        // waits for its UDP listener, then a STUN answer
//   server args: "--turn", turn.turn_url() ...
//   EXPECT_TRUE(turn.wait_for_log("ALLOCATE processed, success", 10s));
//
// Readiness is an event: the "UDP listener opened" log line, then (when the test can reach the
// listener, i.e. outside a network namespace) a STUN Binding answer on that port. Runs as root
// too (CI): nothing is written outside its own temporary directory.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/spawned_process.hpp"

namespace shotcall::test {

// data/coturn/turnserver.conf in this source tree: the configuration we ship to self-hosters.
std::string shipped_coturn_config();

struct CoturnOptions {
  std::string realm = "shotcall.test";
  // Long-term credentials: either one static user ...
  std::string user;  // with `password`; ignored when auth_secret is set
  std::string password;
  // ... or coturn's REST scheme (use-auth-secret + static-auth-secret): usernames
  // "<expiry>:<anything>", credential base64(HMAC-SHA1(secret, username)).
  std::string auth_secret;

  std::string listening_ip = "127.0.0.1";
  std::string relay_ip;  // empty: listening_ip
  int port = 0;          // 0: a free loopback port (tried again if coturn cannot bind it)
  int min_port = 0;      // relay ports; 0: 100 ports chosen near `port`
  int max_port = 0;

  // Peers on loopback addresses: allow-loopback-peers, and 127.0.0.0/8 and ::1 let through the
  // base configuration's denied-peer-ip ranges (tests on 127.0.0.1 need it).
  bool allow_loopback_peers = false;
  // TLS/DTLS listeners (turns:); off unless asked, with these PEM files.
  bool tls = false;
  std::string tls_cert;
  std::string tls_key;
  bool verbose = true;  // -V: every request and answer in the log

  // coturn reads this file first and every setting above is appended after it (a later line
  // wins in coturn's parser). By default the shipped file, so tests run what self-hosters run
  // (its denied-peer-ip ranges included); empty: coturn's defaults. With a static user, the
  // file's use-auth-secret/static-auth-secret lines are left out.
  std::string base_config = shipped_coturn_config();
  // More lines for the configuration ("denied-peer-ip=...", "allowed-peer-ip=...").
  std::vector<std::string> extra_lines;

  // When set, coturn runs inside this network namespace (argv prefixed with
  // `ip netns exec <netns>`); readiness is then the log line alone.
  std::string netns;
};

class CoturnProcess {
 public:
  // Starts turnserver and waits up to `startup` for readiness. Throws std::runtime_error (with
  // its log) if it exits or does not become ready, or if turnserver is not installed.
  explicit CoturnProcess(CoturnOptions options = {},
                         std::chrono::milliseconds startup = std::chrono::seconds(20));
  ~CoturnProcess();  // stops it (SIGTERM) and removes its directory
  CoturnProcess(const CoturnProcess&) = delete;
  CoturnProcess& operator=(const CoturnProcess&) = delete;

  const CoturnOptions& options() const { return options_; }
  int port() const { return port_; }
  const std::string& host() const { return options_.listening_ip; }
  const std::string& realm() const { return options_.realm; }
  // "turn:HOST:PORT?transport=udp" / "turn:HOST:PORT?transport=tcp" / "stun:HOST:PORT"
  std::string turn_url(const std::string& transport = "udp") const;
  std::string stun_url() const;
  bool running() const;

  // The configuration file it was started with, and its log so far (read incrementally: only
  // what coturn appended since the last look comes from the file).
  const std::string& config_path() const { return config_path_; }
  const std::string& log_path() const { return log_path_; }
  std::string log_text() const;
  // What turnserver printed on stdout/stderr (no log lines: those go to the file), e.g. the
  // "udp send: Network is unreachable" of a relay socket that failed.
  std::string output() const;
  // Iterates the main loop until the log holds `needle` (true) or `timeout` passes.
  bool wait_for_log(const std::string& needle, std::chrono::milliseconds timeout) const;
  // Iterates the main loop, handing `seen` the log in order, each byte once: first the whole log
  // so far, then every 200 ms what was added since (whole lines; maybe nothing, so `seen` can
  // look at other things too), until `seen` returns true (true), `timeout` passes or coturn
  // exits (a last call with the rest, then false unless it returns true). The view is valid
  // during the call only; `seen` must not call log_text().
  bool follow_log(const std::function<bool(std::string_view added)>& seen,
                  std::chrono::milliseconds timeout) const;

  // SIGTERM, SIGKILL after `timeout`. No-op if already stopped.
  ProcessExit stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  static std::string binary_path();  // turnserver from PATH, /usr/sbin or /usr/bin

  // The configuration text these options give (the lines after base_config), for tests and
  // failure messages. `log_file` and `pid_file` go in as given.
  static std::string config_text(const CoturnOptions& options, int port,
                                 const std::string& log_file, const std::string& pid_file);

 private:
  void launch(std::chrono::milliseconds startup);
  void read_new_log() const;  // appends what the file holds beyond log_ to log_

  CoturnOptions options_;
  std::string dir_;
  std::string config_path_;
  std::string log_path_;
  int port_ = 0;
  std::unique_ptr<SpawnedProcess> proc_;
  // The log as read so far; its size is the offset of the next read. A verbose coturn under two
  // peers writes megabytes: re-reading the file on every look would cost more than the test.
  mutable std::string log_;
};

// Whether a STUN Binding request to udp HOST:PORT is answered within `timeout` (a success
// response with our transaction id). Blocks; for readiness checks.
bool stun_binding_answered(const std::string& host, int port, std::chrono::milliseconds timeout);

}  // namespace shotcall::test
