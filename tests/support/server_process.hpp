// The real shotcall-signal binary as a child process, for end-to-end tests.
//
//   ServerProcess server;                         // --port 0, waits for "listening on …"
//   auto client = WsClient::connect(server.url());
//   …
//   auto exit = server.terminate();               // SIGTERM, wait, exit status
//
// The child's stderr goes to a temporary file (stderr_text() reads it); its environment is the
// test's minus every SHOTCALL_* variable, plus the ones passed in. The destructor SIGTERMs the
// child if it still runs and reaps it (SIGKILL after 10 s), and fails the current test if the
// child did not exit 0 (a crash, a sanitizer report, a hang).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <gio/gio.h>

namespace shotcall::test {

using namespace std::chrono_literals;

struct ProcessExit {
  bool exited = false;    // false: still running when the deadline passed (it was killed)
  bool signaled = false;  // ended by a signal rather than exit()
  int status = -1;        // exit status, or the signal number when `signaled`
  std::chrono::milliseconds took{0};
};

// How a finished child ended (`exited`: within its deadline), and how long waiting took.
ProcessExit exit_of(GSubprocess* proc, bool exited, std::chrono::steady_clock::time_point start);

class ServerProcess {
 public:
  // Starts the server with `args` (plus "--port 0" unless args set --port) and waits up to
  // `startup` for its "listening on" line. Throws std::runtime_error (with the child's stderr)
  // when it exits or stays silent instead. `argv_prefix` goes before the binary in argv: a network
  // namespace's exec_prefix() (tests/support/netns.hpp) runs the server inside it; readiness is
  // its own "listening on" line either way.
  explicit ServerProcess(std::vector<std::string> args = {},
                         std::map<std::string, std::string> env = {},
                         std::chrono::milliseconds startup = 20s,
                         std::vector<std::string> argv_prefix = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  const std::string& url() const { return url_; }  // ws://127.0.0.1:PORT/ws (wss:// with TLS)
  std::string http_url(const std::string& path) const;  // http(s)://HOST:PORT + path
  int port() const { return port_; }
  GPid pid() const;
  bool running() const;

  // Everything the child wrote to stderr so far.
  std::string stderr_text() const;
  // Waits until stderr contains `needle` (logs are flushed per line).
  bool wait_for_stderr(const std::string& needle, std::chrono::milliseconds timeout = 10s) const;

  // Sends `signal` (SIGTERM by default) and waits up to `timeout` for the exit.
  ProcessExit terminate(std::chrono::milliseconds timeout = 10s, int signal = 15);
  // Waits up to `timeout` for the child to exit by itself (killing it if it does not).
  ProcessExit wait_exit(std::chrono::milliseconds timeout = 10s);

  // The binary under test: $SHOTCALL_SIGNAL_BINARY if set, else the one this build made.
  static std::string binary_path();

 private:
  GSubprocess* proc_ = nullptr;
  std::string stderr_path_;
  std::string state_dir_;  // made here (removed by the destructor) when the test named none
  std::string url_;
  int port_ = 0;
  bool reaped_ = false;
};

// Runs shotcall-signal to completion (for --help, --version and bad flags) and returns what it
// printed. Fails (exited == false) if it is still running after `timeout`, and kills it.
struct RunResult {
  ProcessExit exit;
  std::string out;
  std::string err;
};
RunResult run_signal_binary(const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env = {},
                            std::chrono::milliseconds timeout = 10s);

}  // namespace shotcall::test
