// A child process for the desktop app's end-to-end test: the real `shotcall` or Xvfb, started
// with its own environment, its stdout read line by line on the default GMainContext as the
// lines come, its stderr kept in a file for failure messages.
#pragma once

#include <gio/gio.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "tests/support/server_process.hpp"

namespace shotcall::test {

class ChildProcess {
 public:
  // argv[0] is the program. `env` is added to (and overrides) the test's environment. With
  // `stdin_pipe` the child reads what write_line() sends; without, it inherits the test's stdin.
  ChildProcess(std::vector<std::string> argv, const std::map<std::string, std::string>& env,
               bool stdin_pipe = false);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  const std::vector<std::string>& lines() const { return lines_; }
  // The first line starting with `prefix` (the prefix included), or "".
  std::string find_line(const std::string& prefix) const;
  std::size_t count_lines(const std::string& prefix) const;
  // Runs the main loop until `count` lines start with `prefix`, the child exits, or the deadline.
  bool wait_for_lines(const std::string& prefix, std::size_t count,
                      std::chrono::milliseconds timeout);
  std::string transcript() const;
  // Sends `line` and a newline to the child's stdin (made with `stdin_pipe`); false if it cannot.
  bool write_line(const std::string& line);

  bool running() const { return !exited_; }
  ProcessExit terminate(std::chrono::milliseconds timeout = std::chrono::seconds(15));

 private:
  static void on_line(GObject* source, GAsyncResult* result, gpointer self);
  static void on_exit(GObject* source, GAsyncResult* result, gpointer self);
  void read_next();

  std::string name_;
  GSubprocess* proc_ = nullptr;
  GDataInputStream* out_ = nullptr;
  GCancellable* cancel_ = nullptr;
  std::string stderr_path_;
  std::vector<std::string> lines_;
  bool exited_ = false;
  bool signaled_ = false;
  int status_ = -1;
};

// Runs a program to completion (a screenshot, a settings change); false with `output` holding
// what it printed when it failed or outlived `timeout`.
bool run_program(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                 std::string* output, std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace shotcall::test
