#include "tests/support/server_process.hpp"

#include <glib/gstdio.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "tests/support/die_with_test.hpp"
#include "tests/support/main_loop.hpp"

namespace shotcall::test {
namespace {

GSubprocessLauncher* make_launcher(const std::map<std::string, std::string>& env,
                                   GSubprocessFlags flags) {
  GSubprocessLauncher* launcher = g_subprocess_launcher_new(flags);
  // A hermetic environment: the developer's SHOTCALL_* settings must not leak into tests.
  gchar** environ_copy = g_get_environ();
  for (gchar** e = environ_copy; *e; ++e) {
    if (g_str_has_prefix(*e, "SHOTCALL_")) {
      std::string name{*e, static_cast<std::size_t>(std::strchr(*e, '=') - *e)};
      g_subprocess_launcher_unsetenv(launcher, name.c_str());
    }
  }
  g_strfreev(environ_copy);
  for (const auto& [k, v] : env) g_subprocess_launcher_setenv(launcher, k.c_str(), v.c_str(), TRUE);
  die_with_test(launcher);
  return launcher;
}

std::vector<const gchar*> argv_of(const std::string& binary, const std::vector<std::string>& args) {
  std::vector<const gchar*> argv{binary.c_str()};
  for (const auto& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  return argv;
}

ProcessExit wait_child(GSubprocess* proc, std::chrono::milliseconds timeout) {
  const auto start = std::chrono::steady_clock::now();
  bool done = false;
  g_subprocess_wait_async(
      proc, nullptr,
      [](GObject*, GAsyncResult*, gpointer d) { *static_cast<bool*>(d) = true; }, &done);
  // The callback writes into `done` on this stack frame: keep iterating until it has run, even
  // after a kill.
  const bool in_time = run_until([&] { return done; }, timeout);
  if (!in_time) {
    g_subprocess_force_exit(proc);
    run_until([&] { return done; }, 10s);
  }
  return exit_of(proc, in_time, start);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string ServerProcess::binary_path() {
  if (const char* p = g_getenv("SHOTCALL_SIGNAL_BINARY"); p && *p) return p;
  return SHOTCALL_SIGNAL_BINARY;
}

ServerProcess::ServerProcess(std::vector<std::string> args, std::map<std::string, std::string> env,
                             std::chrono::milliseconds startup,
                             std::vector<std::string> argv_prefix) {
  const bool has_port = std::any_of(args.begin(), args.end(), [](const std::string& a) {
    return a == "--port" || a.rfind("--port=", 0) == 0;
  });
  if (!has_port) args.insert(args.begin(), {"--port", "0"});
  // Each server gets its own identity database unless the test names one (a restart test
  // passes the same --state-dir twice): bindings must not leak from one test into the next.
  const bool has_state = std::any_of(args.begin(), args.end(), [](const std::string& a) {
    return a.rfind("--state-dir", 0) == 0 || a.rfind("--database", 0) == 0;
  });
  if (!has_state && !env.count("SHOTCALL_STATE_DIR") && !env.count("SHOTCALL_DATABASE")) {
    gchar* dir = g_dir_make_tmp("shotcall-state-XXXXXX", nullptr);
    if (!dir) throw std::runtime_error("cannot create a temporary state directory");
    state_dir_ = dir;
    g_free(dir);
    args.insert(args.end(), {"--state-dir", state_dir_});
  }

  gchar* tmp_path = nullptr;
  const int fd = g_file_open_tmp("shotcall-signal-XXXXXX.stderr", &tmp_path, nullptr);
  if (fd < 0) throw std::runtime_error("cannot create a temporary file for stderr");
  close(fd);
  stderr_path_ = tmp_path;
  g_free(tmp_path);

  GSubprocessLauncher* launcher = make_launcher(env, G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path(launcher, stderr_path_.c_str());
  const std::string binary = binary_path();
  if (!argv_prefix.empty()) {  // e.g. ip netns exec NAME: the prefix runs the binary
    args.insert(args.begin(), binary);
    args.insert(args.begin(), argv_prefix.begin() + 1, argv_prefix.end());
  }
  auto argv = argv_of(argv_prefix.empty() ? binary : argv_prefix.front(), args);
  GError* error = nullptr;
  proc_ = g_subprocess_launcher_spawnv(launcher, argv.data(), &error);
  g_object_unref(launcher);
  if (!proc_) {
    std::string msg = "cannot start " + binary + ": " + (error ? error->message : "?");
    g_clear_error(&error);
    throw std::runtime_error(msg);
  }

  // Read the one line the server prints when it is ready.
  GDataInputStream* out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(proc_));
  struct LineRead {
    bool done = false;
    std::string line;
    bool got = false;
  } read;
  g_data_input_stream_read_line_async(
      out, G_PRIORITY_DEFAULT, nullptr,
      [](GObject* src, GAsyncResult* res, gpointer d) {
        auto* r = static_cast<LineRead*>(d);
        gsize len = 0;
        gchar* line = g_data_input_stream_read_line_finish(G_DATA_INPUT_STREAM(src), res, &len,
                                                           nullptr);
        if (line) {
          r->line.assign(line, len);
          r->got = true;
          g_free(line);
        }
        r->done = true;
      },
      &read);
  const bool in_time = run_until([&] { return read.done; }, startup);
  if (!in_time) {
    g_subprocess_force_exit(proc_);
    run_until([&] { return read.done; }, 10s);  // the callback points at `read`
  }
  g_object_unref(out);

  const std::string prefix = "listening on ";
  if (!read.got || read.line.rfind(prefix, 0) != 0) {
    terminate(10s);
    throw std::runtime_error("shotcall-signal did not report listening (got \"" + read.line +
                             "\"); stderr:\n" + stderr_text());
  }
  url_ = read.line.substr(prefix.size());
  // ws://HOST:PORT/ws → PORT
  const auto path_at = url_.rfind("/ws");
  const auto colon = url_.rfind(':', path_at);
  port_ = std::stoi(url_.substr(colon + 1, path_at - colon - 1));
}

ServerProcess::~ServerProcess() {
  if (proc_ && !reaped_) {
    // A test that did not stop the server itself still learns of a crash, a sanitizer report
    // or a hang at shutdown.
    const ProcessExit r = terminate(10s);
    if (!r.exited || r.signaled || r.status != 0)
      ADD_FAILURE() << "shotcall-signal did not exit cleanly on SIGTERM (exited=" << r.exited
                    << " signaled=" << r.signaled << " status=" << r.status << "); stderr:\n"
                    << stderr_text();
  }
  if (proc_) g_object_unref(proc_);
  if (!stderr_path_.empty()) g_unlink(stderr_path_.c_str());
  if (!state_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(state_dir_, ignored);
  }
}

std::string ServerProcess::http_url(const std::string& path) const {
  const bool tls = url_.rfind("wss://", 0) == 0;
  const auto host_start = url_.find("://") + 3;
  const auto path_at = url_.rfind("/ws");
  return std::string{tls ? "https://" : "http://"} + url_.substr(host_start, path_at - host_start) +
         path;
}

GPid ServerProcess::pid() const {
  const char* id = proc_ ? g_subprocess_get_identifier(proc_) : nullptr;
  return id ? static_cast<GPid>(std::atoi(id)) : 0;
}

bool ServerProcess::running() const { return proc_ && !reaped_ && g_subprocess_get_identifier(proc_); }

std::string ServerProcess::stderr_text() const { return read_file(stderr_path_); }

bool ServerProcess::wait_for_stderr(const std::string& needle,
                                    std::chrono::milliseconds timeout) const {
  return run_until([&] { return stderr_text().find(needle) != std::string::npos; }, timeout);
}

ProcessExit exit_of(GSubprocess* proc, bool exited, std::chrono::steady_clock::time_point start) {
  ProcessExit r;
  r.exited = exited;
  r.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  if (g_subprocess_get_if_signaled(proc)) {
    r.signaled = true;
    r.status = g_subprocess_get_term_sig(proc);
  } else if (g_subprocess_get_if_exited(proc)) {
    r.status = g_subprocess_get_exit_status(proc);
  }
  return r;
}

ProcessExit ServerProcess::terminate(std::chrono::milliseconds timeout, int signal) {
  if (!proc_ || reaped_) return ProcessExit{};
  g_subprocess_send_signal(proc_, signal);
  ProcessExit r = wait_child(proc_, timeout);
  reaped_ = true;
  return r;
}

ProcessExit ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (!proc_ || reaped_) return ProcessExit{};
  ProcessExit r = wait_child(proc_, timeout);
  reaped_ = true;
  return r;
}

RunResult run_signal_binary(const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env,
                            std::chrono::milliseconds timeout) {
  GSubprocessLauncher* launcher = make_launcher(
      env, GSubprocessFlags(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE));
  const std::string binary = ServerProcess::binary_path();
  auto argv = argv_of(binary, args);
  GError* error = nullptr;
  GSubprocess* proc = g_subprocess_launcher_spawnv(launcher, argv.data(), &error);
  g_object_unref(launcher);
  if (!proc) {
    std::string msg = error ? error->message : "?";
    g_clear_error(&error);
    throw std::runtime_error("cannot start " + binary + ": " + msg);
  }
  struct Comm {
    bool done = false;
    std::string out, err;
  } comm;
  g_subprocess_communicate_utf8_async(
      proc, nullptr, nullptr,
      [](GObject* src, GAsyncResult* res, gpointer d) {
        auto* c = static_cast<Comm*>(d);
        gchar *out = nullptr, *err = nullptr;
        g_subprocess_communicate_utf8_finish(G_SUBPROCESS(src), res, &out, &err, nullptr);
        if (out) c->out = out;
        if (err) c->err = err;
        g_free(out);
        g_free(err);
        c->done = true;
      },
      &comm);
  RunResult r;
  if (!run_until([&] { return comm.done; }, timeout)) {
    g_subprocess_force_exit(proc);
    run_until([&] { return comm.done; }, 10s);
  }
  r.exit = wait_child(proc, 10s);
  if (!comm.done) r.exit.exited = false;
  r.out = comm.out;
  r.err = comm.err;
  g_object_unref(proc);
  return r;
}

}  // namespace shotcall::test
