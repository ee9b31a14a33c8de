// Any program as a child process of a test (redis-server, haproxy), with what it prints
// (stdout and stderr merged) collected in memory as it arrives on the default GMainContext.
//
//   SpawnedProcess redis({"/usr/bin/redis-server", "--port", "6390"});
//   if (redis.wait_for_output("Ready to accept connections", 20s) == std::string::npos) …
//   redis.stop();                                  // SIGTERM, SIGKILL after 10 s
//
// Its environment is the test's minus every SHOTCALL_* variable, plus `env`. Exits are seen
// through the main loop (g_subprocess_wait_async): a wait returns early when the child dies. The
// destructor SIGKILLs a child still running and reaps it; it never fails the test (the owner
// decides what an unexpected exit means).
#pragma once

#include <gio/gio.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/server_process.hpp"  // ProcessExit

namespace shotcall::test {

class SpawnedProcess {
 public:
  // argv[0] is a path (see find_program). Throws std::runtime_error if it cannot be started.
  explicit SpawnedProcess(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {});
  ~SpawnedProcess();
  SpawnedProcess(const SpawnedProcess&) = delete;
  SpawnedProcess& operator=(const SpawnedProcess&) = delete;

  GPid pid() const;
  // False once the main loop has seen the child exit.
  bool running() const;

  // Everything printed so far.
  const std::string& output() const;
  // Iterates the main loop until the output holds `needle` at or after byte `from`; returns its
  // position, or std::string::npos after `timeout` or once the child has exited without it.
  std::size_t wait_for_output(const std::string& needle, std::chrono::milliseconds timeout,
                              std::size_t from = 0) const;

  void send_signal(int signal);
  // Sends `signal`, waits up to `timeout` for the exit, then SIGKILLs (exited == false then).
  ProcessExit stop(std::chrono::milliseconds timeout = std::chrono::seconds(10), int signal = 15);
  // Waits up to `timeout` for the child to exit by itself (SIGKILL after that).
  ProcessExit wait_exit(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // The absolute path of `name` from PATH, else from /usr/sbin, /sbin, /usr/bin (haproxy is in
  // /usr/sbin, which a normal user's PATH may lack); "" if none.
  static std::string find_program(const std::string& name);

  struct State;  // shared with the pending async callbacks

 private:
  std::shared_ptr<State> state_;
};

}  // namespace shotcall::test
