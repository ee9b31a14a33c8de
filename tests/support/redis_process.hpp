// A real redis-server as a child process of a test, on a free loopback port, with no
// persistence: what it holds lives exactly as long as the process.
//
//   RedisProcess redis;                           // waits for "Ready to accept connections"
//   ServerProcess a({"--redis", redis.url(), "--instance-id", "a"});
//   EXPECT_EQ(redis.command({"PING"}), "PONG");
//   redis.stop();                                 // Redis goes away (SIGTERM)
//   redis.start_again();                          // same port, empty
//
// Runs as root too (CI): nothing is written outside its own temporary directory.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/spawned_process.hpp"

namespace shotcall::test {

class RedisProcess {
 public:
  // Starts redis-server and waits up to `startup` until it accepts (its ready line, then a PING
  // answered). Throws std::runtime_error with its output if it does not.
  explicit RedisProcess(std::chrono::milliseconds startup = std::chrono::seconds(20));
  // On this port (one a test chose before Redis was needed).
  explicit RedisProcess(int port, std::chrono::milliseconds startup = std::chrono::seconds(20));
  ~RedisProcess();  // stops it and removes its directory
  RedisProcess(const RedisProcess&) = delete;
  RedisProcess& operator=(const RedisProcess&) = delete;

  std::string url() const;  // redis://127.0.0.1:PORT
  std::string host() const { return "127.0.0.1"; }
  int port() const { return port_; }
  bool running() const;
  GPid pid() const;

  // SIGTERM (SIGKILL after `timeout`); returns how it ended. No-op if already stopped.
  ProcessExit stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // SIGKILL: Redis vanishes as in a crash.
  ProcessExit kill();
  // SIGSTOP / SIGCONT: Redis hangs (connections stay open, nothing is answered) / goes on.
  void pause();
  void resume();
  // Starts a new redis-server on the same port (stopping the old one first if needed), empty.
  void start_again(std::chrono::milliseconds startup = std::chrono::seconds(20));

  // One command over a new connection; the reply flattened to text: +OK → "OK", -ERR x →
  // "-ERR x", :5 → "5", bulk → its bytes, nil → "(nil)", arrays → elements joined by '\n'.
  // Throws std::runtime_error if Redis does not answer within `timeout`.
  std::string command(const std::vector<std::string>& args,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  // Everything redis-server printed (its log) since the last (re)start.
  std::string log_text() const;

  static std::string binary_path();  // redis-server from PATH (or /usr/bin)

 private:
  void launch(std::chrono::milliseconds startup);

  std::string dir_;
  int port_ = 0;
  std::unique_ptr<SpawnedProcess> proc_;
};

}  // namespace shotcall::test
