// shotcall-peer as a child process for end-to-end tests: its stdout event lines are read as they
// come (on the default GMainContext), its stderr kept in a file.
#pragma once

#include <gio/gio.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "tests/support/server_process.hpp"

namespace shotcall::test {

class PeerProcess {
 public:
  // `prefix` goes before the binary in argv: a network namespace's exec_prefix()
  // (tests/support/netns.hpp) runs the peer inside it.
  explicit PeerProcess(std::vector<std::string> args, std::vector<std::string> prefix = {});
  ~PeerProcess();
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  const std::vector<std::string>& lines() const { return lines_; }
  std::size_t count_lines(const std::string& prefix) const;
  bool has_line(const std::string& prefix) const { return count_lines(prefix) > 0; }
  // Runs the main loop until `count` lines start with `prefix` (or the deadline passes).
  bool wait_for_lines(const std::string& prefix, std::size_t count,
                      std::chrono::milliseconds timeout);
  std::string stderr_text() const;
  std::string transcript() const;  // stdout and stderr, for failure messages

  bool running() const { return !exited_; }
  ProcessExit terminate(std::chrono::milliseconds timeout = std::chrono::seconds(15),
                        int signal = 15);
  ProcessExit wait_exit(std::chrono::milliseconds timeout);
  void kill();
  // SIGSTOP freezes it (its links stop answering), SIGCONT lets it go on.
  void send_signal(int signal);

  static std::string binary_path();

 private:
  static void on_line(GObject* source, GAsyncResult* result, gpointer self);
  static void on_exit(GObject* source, GAsyncResult* result, gpointer self);
  void read_next();

  GSubprocess* proc_ = nullptr;
  GDataInputStream* out_ = nullptr;
  GCancellable* cancel_ = nullptr;
  std::string stderr_path_;
  std::vector<std::string> lines_;
  bool exited_ = false;
  int status_ = -1;
  bool signaled_ = false;
};

}  // namespace shotcall::test
