#include "tests/ui/child_process.hpp"

#include <glib/gstdio.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/die_with_test.hpp"
#include "tests/support/main_loop.hpp"

namespace shotcall::test {

namespace {

GSubprocessLauncher* launcher_with(const std::map<std::string, std::string>& env,
                                   GSubprocessFlags flags) {
  GSubprocessLauncher* launcher = g_subprocess_launcher_new(flags);
  die_with_test(launcher);  // Xvfb and the app go when a timeout kills the test
  // English unless the test asks for a language: the tests read the window's English words, and
  // the app from the build tree finds its catalogs (a developer's Spanish session would fail them).
  g_subprocess_launcher_unsetenv(launcher, "LANGUAGE");
  g_subprocess_launcher_setenv(launcher, "LC_ALL", "C.UTF-8", TRUE);
  for (const auto& [k, v] : env) g_subprocess_launcher_setenv(launcher, k.c_str(), v.c_str(), TRUE);
  return launcher;
}

std::vector<const gchar*> c_argv(const std::vector<std::string>& argv) {
  std::vector<const gchar*> out;
  for (const auto& a : argv) out.push_back(a.c_str());
  out.push_back(nullptr);
  return out;
}

}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv,
                           const std::map<std::string, std::string>& env, bool stdin_pipe) {
  name_ = argv.empty() ? "" : argv[0];
  gchar* path = nullptr;
  const gint fd = g_file_open_tmp("shotcall-child-XXXXXX.err", &path, nullptr);
  if (fd >= 0) close(fd);
  stderr_path_ = path ? path : "";
  g_free(path);

  const auto flags = static_cast<GSubprocessFlags>(
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | (stdin_pipe ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0));
  GSubprocessLauncher* launcher = launcher_with(env, flags);
  g_subprocess_launcher_set_stderr_file_path(launcher, stderr_path_.c_str());
  GError* error = nullptr;
  auto args = c_argv(argv);
  proc_ = g_subprocess_launcher_spawnv(launcher, args.data(), &error);
  g_object_unref(launcher);
  if (!proc_) {
    const std::string message = error ? error->message : "unknown error";
    g_clear_error(&error);
    throw std::runtime_error("cannot start " + name_ + ": " + message);
  }
  cancel_ = g_cancellable_new();
  out_ = g_data_input_stream_new(g_subprocess_get_stdout_pipe(proc_));
  read_next();
  g_subprocess_wait_async(proc_, cancel_, &ChildProcess::on_exit, this);
}

ChildProcess::~ChildProcess() {
  if (!exited_) terminate();
  g_cancellable_cancel(cancel_);
  for (int i = 0; i < 100 && g_main_context_iteration(nullptr, FALSE); ++i) {
  }
  g_object_unref(out_);
  g_object_unref(cancel_);
  g_object_unref(proc_);
  if (!stderr_path_.empty()) g_unlink(stderr_path_.c_str());
}

bool ChildProcess::write_line(const std::string& line) {
  GOutputStream* in = exited_ ? nullptr : g_subprocess_get_stdin_pipe(proc_);
  if (!in) return false;
  const std::string text = line + "\n";
  return g_output_stream_write_all(in, text.data(), text.size(), nullptr, nullptr, nullptr) &&
         g_output_stream_flush(in, nullptr, nullptr);
}

void ChildProcess::read_next() {
  g_data_input_stream_read_line_async(out_, G_PRIORITY_DEFAULT, cancel_, &ChildProcess::on_line,
                                      this);
}

void ChildProcess::on_line(GObject* source, GAsyncResult* result, gpointer data) {
  GError* error = nullptr;
  gsize length = 0;
  gchar* line =
      g_data_input_stream_read_line_finish(G_DATA_INPUT_STREAM(source), result, &length, &error);
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_error_free(error);
    return;  // the ChildProcess may be gone
  }
  g_clear_error(&error);
  auto* self = static_cast<ChildProcess*>(data);
  if (!line) return;  // end of stream
  self->lines_.emplace_back(line, length);
  g_free(line);
  self->read_next();
}

void ChildProcess::on_exit(GObject* source, GAsyncResult* result, gpointer data) {
  GError* error = nullptr;
  const gboolean ok = g_subprocess_wait_finish(G_SUBPROCESS(source), result, &error);
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_error_free(error);
    return;
  }
  g_clear_error(&error);
  auto* self = static_cast<ChildProcess*>(data);
  self->exited_ = true;
  if (ok && g_subprocess_get_if_exited(G_SUBPROCESS(source))) {
    self->status_ = g_subprocess_get_exit_status(G_SUBPROCESS(source));
  } else if (ok && g_subprocess_get_if_signaled(G_SUBPROCESS(source))) {
    self->signaled_ = true;
    self->status_ = g_subprocess_get_term_sig(G_SUBPROCESS(source));
  }
}

std::string ChildProcess::find_line(const std::string& prefix) const {
  for (const auto& l : lines_)
    if (l.rfind(prefix, 0) == 0) return l;
  return "";
}

std::size_t ChildProcess::count_lines(const std::string& prefix) const {
  std::size_t n = 0;
  for (const auto& l : lines_)
    if (l.rfind(prefix, 0) == 0) ++n;
  return n;
}

bool ChildProcess::wait_for_lines(const std::string& prefix, std::size_t count,
                                  std::chrono::milliseconds timeout) {
  return run_until([&] { return count_lines(prefix) >= count || exited_; }, timeout) &&
         count_lines(prefix) >= count;
}

std::string ChildProcess::transcript() const {
  std::ifstream in(stderr_path_);
  std::stringstream err;
  err << in.rdbuf();
  std::string t = "--- " + name_ + " stdout ---\n";
  for (const auto& l : lines_) t += l + "\n";
  std::string e = err.str();
  // The tail is what matters in a long log.
  if (e.size() > 8000) e = "…" + e.substr(e.size() - 8000);
  return t + "--- stderr ---\n" + e;
}

ProcessExit ChildProcess::terminate(std::chrono::milliseconds timeout) {
  const auto start = std::chrono::steady_clock::now();
  if (!exited_) g_subprocess_send_signal(proc_, SIGTERM);
  run_until([this] { return exited_; }, timeout);
  ProcessExit e;
  e.exited = exited_;
  e.signaled = signaled_;
  e.status = status_;
  e.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  if (!exited_) {
    g_subprocess_force_exit(proc_);
    run_until([this] { return exited_; }, std::chrono::seconds(5));
  }
  return e;
}

bool run_program(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                 std::string* output, std::chrono::milliseconds timeout) {
  GSubprocessLauncher* launcher =
      launcher_with(env, static_cast<GSubprocessFlags>(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                       G_SUBPROCESS_FLAGS_STDERR_MERGE));
  GError* error = nullptr;
  auto args = c_argv(argv);
  GSubprocess* proc = g_subprocess_launcher_spawnv(launcher, args.data(), &error);
  g_object_unref(launcher);
  if (!proc) {
    if (output) *output = error ? error->message : "cannot start";
    g_clear_error(&error);
    return false;
  }
  // Read and wait on the main loop so the test's own servers keep answering meanwhile.
  struct State {
    bool done = false;
    std::string out;
    bool ok = false;
  } state;
  g_subprocess_communicate_utf8_async(
      proc, nullptr, nullptr,
      [](GObject* source, GAsyncResult* result, gpointer data) {
        auto* s = static_cast<State*>(data);
        gchar* out = nullptr;
        GError* err = nullptr;
        if (g_subprocess_communicate_utf8_finish(G_SUBPROCESS(source), result, &out, nullptr, &err)) {
          s->out = out ? out : "";
          s->ok = g_subprocess_get_successful(G_SUBPROCESS(source));
        } else {
          s->out = err ? err->message : "failed";
        }
        g_free(out);
        g_clear_error(&err);
        s->done = true;
      },
      &state);
  const bool finished = run_until([&] { return state.done; }, timeout);
  if (!finished) {
    g_subprocess_force_exit(proc);
    run_until([&] { return state.done; }, std::chrono::seconds(5));
  }
  g_object_unref(proc);
  if (output) *output = state.out;
  return finished && state.ok;
}

}  // namespace shotcall::test
