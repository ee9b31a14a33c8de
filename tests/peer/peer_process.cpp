#include "tests/peer/peer_process.hpp"

#include <glib/gstdio.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/die_with_test.hpp"
#include "tests/support/main_loop.hpp"

namespace shotcall::test {

namespace {

// Device keys (identity-1) of every peer this test program starts: one folder for the program,
// so the same player started twice is the same device, and nothing lands in the tester's home.
const std::string& keys_home() {
  static const std::string dir = [] {
    gchar* made = g_dir_make_tmp("shotcall-peer-keys-XXXXXX", nullptr);
    std::string path = made ? made : g_get_tmp_dir();
    g_free(made);
    static std::string for_exit;
    for_exit = path;
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(for_exit, ignored);
    });
    return path;
  }();
  return dir;
}

}  // namespace

std::string PeerProcess::binary_path() {
  if (const char* env = g_getenv("SHOTCALL_PEER_BINARY")) return env;
  return SHOTCALL_PEER_BINARY;
}

PeerProcess::PeerProcess(std::vector<std::string> args, std::vector<std::string> prefix) {
  gchar* path = nullptr;
  const gint fd = g_file_open_tmp("shotcall-peer-XXXXXX.err", &path, nullptr);
  if (fd >= 0) close(fd);
  stderr_path_ = path ? path : "";
  g_free(path);

  const std::string bin = binary_path();
  std::vector<const gchar*> argv;
  for (const auto& p : prefix) argv.push_back(p.c_str());
  argv.push_back(bin.c_str());
  for (const auto& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);

  GSubprocessLauncher* launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path(launcher, stderr_path_.c_str());
  die_with_test(launcher);
  // Quiet GStreamer's own chatter unless a developer asks for it.
  if (!g_getenv("GST_DEBUG")) g_subprocess_launcher_setenv(launcher, "GST_DEBUG", "1", TRUE);
  g_subprocess_launcher_setenv(launcher, "XDG_DATA_HOME", keys_home().c_str(), TRUE);
#ifdef SHOTCALL_SANITIZED
  // Sanitized builds: the peers run without LeakSanitizer (AddressSanitizer still checks them).
  // Each would report GLib's first quark block, which GLib allocates in its ELF constructor and
  // abandons when GStreamer's thousands of quarks outgrow it: library-internal, and only the full
  // unwinder (far too slow for several GStreamer peers at once: ICE times out) sees the _dl_init
  // frame a suppression needs, as tests/media/sanitizer_defaults.cpp does for in-process engines.
  // Leaks in the engine are checked there, in-process, over twenty join/leave cycles.
  const char* asan = g_getenv("ASAN_OPTIONS");
  const std::string options = std::string{asan ? asan : ""} + (asan && *asan ? ":" : "") + "detect_leaks=0";
  g_subprocess_launcher_setenv(launcher, "ASAN_OPTIONS", options.c_str(), TRUE);
#endif
  GError* error = nullptr;
  proc_ = g_subprocess_launcher_spawnv(launcher, argv.data(), &error);
  g_object_unref(launcher);
  if (!proc_) {
    const std::string message = error ? error->message : "unknown error";
    g_clear_error(&error);
    throw std::runtime_error("cannot start shotcall-peer: " + message);
  }
  cancel_ = g_cancellable_new();
  out_ = g_data_input_stream_new(g_subprocess_get_stdout_pipe(proc_));
  read_next();
  g_subprocess_wait_async(proc_, cancel_, &PeerProcess::on_exit, this);
}

PeerProcess::~PeerProcess() {
  if (!exited_) {
    g_subprocess_send_signal(proc_, 15);
    run_until([this] { return exited_; }, std::chrono::seconds(10));
    if (!exited_) {
      g_subprocess_force_exit(proc_);
      run_until([this] { return exited_; }, std::chrono::seconds(5));
    }
  }
  g_cancellable_cancel(cancel_);
  // Let the cancelled callbacks run (they see CANCELLED and leave `this` alone).
  for (int i = 0; i < 100 && g_main_context_iteration(nullptr, FALSE); ++i) {
  }
  g_object_unref(out_);
  g_object_unref(cancel_);
  g_object_unref(proc_);
  if (!stderr_path_.empty()) g_unlink(stderr_path_.c_str());
}

void PeerProcess::read_next() {
  g_data_input_stream_read_line_async(out_, G_PRIORITY_DEFAULT, cancel_, &PeerProcess::on_line,
                                      this);
}

void PeerProcess::on_line(GObject* source, GAsyncResult* result, gpointer data) {
  GError* error = nullptr;
  gsize length = 0;
  gchar* line =
      g_data_input_stream_read_line_finish(G_DATA_INPUT_STREAM(source), result, &length, &error);
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_error_free(error);
    return;  // the PeerProcess may be gone
  }
  g_clear_error(&error);
  auto* self = static_cast<PeerProcess*>(data);
  if (!line) return;  // end of stream
  self->lines_.emplace_back(line, length);
  g_free(line);
  self->read_next();
}

void PeerProcess::on_exit(GObject* source, GAsyncResult* result, gpointer data) {
  GError* error = nullptr;
  const gboolean ok = g_subprocess_wait_finish(G_SUBPROCESS(source), result, &error);
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_error_free(error);
    return;
  }
  g_clear_error(&error);
  auto* self = static_cast<PeerProcess*>(data);
  self->exited_ = true;
  if (ok && g_subprocess_get_if_exited(G_SUBPROCESS(source))) {
    self->status_ = g_subprocess_get_exit_status(G_SUBPROCESS(source));
  } else if (ok && g_subprocess_get_if_signaled(G_SUBPROCESS(source))) {
    self->signaled_ = true;
    self->status_ = g_subprocess_get_term_sig(G_SUBPROCESS(source));
  }
}

std::size_t PeerProcess::count_lines(const std::string& prefix) const {
  std::size_t n = 0;
  for (const auto& l : lines_)
    if (l.rfind(prefix, 0) == 0) ++n;
  return n;
}

bool PeerProcess::wait_for_lines(const std::string& prefix, std::size_t count,
                                 std::chrono::milliseconds timeout) {
  return run_until([&] { return count_lines(prefix) >= count || exited_; }, timeout) &&
         count_lines(prefix) >= count;
}

std::string PeerProcess::stderr_text() const {
  std::ifstream in(stderr_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string PeerProcess::transcript() const {
  std::string t = "--- stdout ---\n";
  for (const auto& l : lines_) t += l + "\n";
  return t + "--- stderr ---\n" + stderr_text();
}

ProcessExit PeerProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto start = std::chrono::steady_clock::now();
  run_until([this] { return exited_; }, timeout);
  ProcessExit e;
  e.exited = exited_;
  e.signaled = signaled_;
  e.status = status_;
  e.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  if (!exited_) kill();
  return e;
}

ProcessExit PeerProcess::terminate(std::chrono::milliseconds timeout, int signal) {
  if (!exited_) g_subprocess_send_signal(proc_, signal);
  return wait_exit(timeout);
}

void PeerProcess::send_signal(int signal) {
  if (!exited_) g_subprocess_send_signal(proc_, signal);
}

void PeerProcess::kill() {
  if (exited_) return;
  g_subprocess_force_exit(proc_);
  run_until([this] { return exited_; }, std::chrono::seconds(5));
}

}  // namespace shotcall::test
