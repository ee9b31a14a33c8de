#include "tests/support/redis_process.hpp"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>

#include <stdexcept>

#include "tests/support/blocking_tcp.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/resp.hpp"

namespace shotcall::test {

std::string RedisProcess::binary_path() { return SpawnedProcess::find_program("redis-server"); }

RedisProcess::RedisProcess(int port, std::chrono::milliseconds startup) {
  gchar* dir = g_dir_make_tmp("shotcall-redis-XXXXXX", nullptr);
  if (!dir) throw std::runtime_error("cannot create a temporary directory for redis-server");
  dir_ = dir;
  g_free(dir);
  port_ = port;
  launch(startup);
}

RedisProcess::RedisProcess(std::chrono::milliseconds startup) {
  gchar* dir = g_dir_make_tmp("shotcall-redis-XXXXXX", nullptr);
  if (!dir) throw std::runtime_error("cannot create a temporary directory for redis-server");
  dir_ = dir;
  g_free(dir);
  // The free port may be taken by someone else before redis-server binds it: try a few.
  for (int attempt = 1;; ++attempt) {
    port_ = free_loopback_port();
    try {
      launch(startup);
      return;
    } catch (const std::runtime_error&) {
      const bool port_taken =
          proc_ && proc_->output().find("Address already in use") != std::string::npos;
      if (!port_taken || attempt == 3) {
        proc_.reset();
        g_rmdir(dir_.c_str());
        throw;
      }
    }
  }
}

RedisProcess::~RedisProcess() {
  proc_.reset();  // SIGKILL if still running: nothing to save
  // --save "" and --appendonly no: the directory should be empty, but remove what is there.
  if (GDir* d = g_dir_open(dir_.c_str(), 0, nullptr)) {
    while (const gchar* name = g_dir_read_name(d)) {
      gchar* path = g_build_filename(dir_.c_str(), name, nullptr);
      g_unlink(path);
      g_free(path);
    }
    g_dir_close(d);
  }
  g_rmdir(dir_.c_str());
}

void RedisProcess::launch(std::chrono::milliseconds startup) {
  const std::string binary = binary_path();
  if (binary.empty())
    throw std::runtime_error("redis-server not found: install it (scripts/install-deps)");
  // Logs on stdout (logfile ""), no config file: every setting is here.
  proc_ = std::make_unique<SpawnedProcess>(std::vector<std::string>{
      binary, "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "", "--appendonly",
      "no", "--dir", dir_, "--daemonize", "no", "--logfile", ""});
  // "Ready to accept connections" (Redis 7 adds " tcp") comes once the listening socket is up.
  if (proc_->wait_for_output("Ready to accept connections", startup) == std::string::npos) {
    const std::string out = proc_->output();
    proc_->stop(std::chrono::seconds(5));
    throw std::runtime_error("redis-server on port " + std::to_string(port_) +
                             " did not become ready; it printed:\n" + out);
  }
  // And that it answers on that port (proves it is this Redis, not a stranger on the port).
  const std::string pong = command({"PING"}, startup);
  if (pong != "PONG") throw std::runtime_error("redis-server answered PING with " + pong);
}

std::string RedisProcess::url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

bool RedisProcess::running() const { return proc_ && proc_->running(); }

GPid RedisProcess::pid() const { return proc_ ? proc_->pid() : 0; }

ProcessExit RedisProcess::stop(std::chrono::milliseconds timeout) {
  if (!running()) return ProcessExit{};
  resume();  // a paused Redis would not see SIGTERM
  return proc_->stop(timeout, SIGTERM);
}

ProcessExit RedisProcess::kill() {
  if (!running()) return ProcessExit{};
  return proc_->stop(std::chrono::seconds(10), SIGKILL);
}

void RedisProcess::pause() {
  if (!running()) return;
  proc_->send_signal(SIGSTOP);
  // kill() returns once the signal is queued; under load Redis may still serve a command before
  // it stops. Wait for the stop itself (WNOWAIT leaves it for nobody else to miss).
  siginfo_t info{};
  waitid(P_PID, static_cast<id_t>(proc_->pid()), &info, WSTOPPED | WNOWAIT);
}

void RedisProcess::resume() {
  if (running()) proc_->send_signal(SIGCONT);
}

void RedisProcess::start_again(std::chrono::milliseconds startup) {
  stop();
  proc_.reset();
  launch(startup);
}

std::string RedisProcess::command(const std::vector<std::string>& args,
                                  std::chrono::milliseconds timeout) const {
  BlockingTcp tcp("127.0.0.1", port_, timeout);
  tcp.write_all(resp_request(args));
  RespReader reader(tcp);
  return reader.reply();
}

std::string RedisProcess::log_text() const { return proc_ ? proc_->output() : std::string{}; }

}  // namespace shotcall::test
