#include "tests/support/spawned_process.hpp"

#include <signal.h>

#include <cstring>
#include <stdexcept>

#include "tests/support/die_with_test.hpp"
#include "tests/support/main_loop.hpp"

namespace shotcall::test {

// Lives as long as the longest of: the SpawnedProcess, the pending pipe read, the pending wait.
// Each async call holds its own std::shared_ptr (heap-allocated, freed by its last callback), so
// a callback that runs after the SpawnedProcess is gone still writes into live memory.
struct SpawnedProcess::State {
  GSubprocess* proc = nullptr;
  GCancellable* cancel = nullptr;
  std::string output;
  bool reading = false;  // a pipe read is pending
  bool exited = false;   // g_subprocess_wait_async has completed
  bool waiting = false;  // a wait is pending

  ~State() {
    if (proc) g_object_unref(proc);
    if (cancel) g_object_unref(cancel);
  }
};

namespace {

using StateRef = std::shared_ptr<SpawnedProcess::State>;

void read_more(StateRef* ref);

void on_read(GObject* src, GAsyncResult* res, gpointer data) {
  auto* ref = static_cast<StateRef*>(data);
  GBytes* bytes = g_input_stream_read_bytes_finish(G_INPUT_STREAM(src), res, nullptr);
  const gsize size = bytes ? g_bytes_get_size(bytes) : 0;
  if (size == 0) {  // end of output, an error, or cancelled
    if (bytes) g_bytes_unref(bytes);
    (*ref)->reading = false;
    delete ref;
    return;
  }
  (*ref)->output.append(static_cast<const char*>(g_bytes_get_data(bytes, nullptr)), size);
  g_bytes_unref(bytes);
  read_more(ref);
}

void read_more(StateRef* ref) {
  GInputStream* out = g_subprocess_get_stdout_pipe((*ref)->proc);
  g_input_stream_read_bytes_async(out, 16384, G_PRIORITY_DEFAULT, (*ref)->cancel, on_read, ref);
}

void on_wait(GObject*, GAsyncResult*, gpointer data) {
  auto* ref = static_cast<StateRef*>(data);
  // g_subprocess_wait_async is never cancelled: it always ends with the child's exit.
  (*ref)->waiting = false;
  (*ref)->exited = true;
  delete ref;
}

}  // namespace

SpawnedProcess::SpawnedProcess(const std::vector<std::string>& argv,
                               const std::map<std::string, std::string>& env)
    : state_(std::make_shared<State>()) {
  if (argv.empty()) throw std::runtime_error("SpawnedProcess: empty argv");
  GSubprocessLauncher* launcher = g_subprocess_launcher_new(
      GSubprocessFlags(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE));
  // Hermetic: the developer's own SHOTCALL_* settings (SHOTCALL_LB_BIND …) must not leak in.
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

  std::vector<const gchar*> args;
  for (const auto& a : argv) args.push_back(a.c_str());
  args.push_back(nullptr);
  GError* error = nullptr;
  state_->proc = g_subprocess_launcher_spawnv(launcher, args.data(), &error);
  g_object_unref(launcher);
  if (!state_->proc) {
    std::string msg = "cannot start " + argv[0] + ": " + (error ? error->message : "?");
    g_clear_error(&error);
    throw std::runtime_error(msg);
  }
  state_->cancel = g_cancellable_new();
  state_->reading = true;
  read_more(new StateRef(state_));
  state_->waiting = true;
  g_subprocess_wait_async(state_->proc, nullptr, on_wait, new StateRef(state_));
}

SpawnedProcess::~SpawnedProcess() {
  if (!state_->exited) {
    g_subprocess_force_exit(state_->proc);
    run_until([&] { return state_->exited; }, std::chrono::seconds(10));
  }
  // A grandchild (an HAProxy worker) may still hold the pipe open: stop reading it. The
  // cancelled read completes on the next iteration; let it, so nothing is left pending.
  g_cancellable_cancel(state_->cancel);
  run_until([&] { return !state_->reading && !state_->waiting; }, std::chrono::seconds(5));
}

GPid SpawnedProcess::pid() const {
  const char* id = g_subprocess_get_identifier(state_->proc);
  return id ? static_cast<GPid>(std::atoi(id)) : 0;
}

bool SpawnedProcess::running() const { return !state_->exited; }

const std::string& SpawnedProcess::output() const { return state_->output; }

std::size_t SpawnedProcess::wait_for_output(const std::string& needle,
                                            std::chrono::milliseconds timeout,
                                            std::size_t from) const {
  std::size_t at = std::string::npos;
  auto found = [&] {
    at = from <= state_->output.size() ? state_->output.find(needle, from) : std::string::npos;
    return at != std::string::npos;
  };
  // After the exit, the last output may still be in the pipe: wait for its end too.
  run_until([&] { return found() || (state_->exited && !state_->reading); }, timeout);
  return found() ? at : std::string::npos;
}

void SpawnedProcess::send_signal(int signal) {
  if (!state_->exited) g_subprocess_send_signal(state_->proc, signal);
}

ProcessExit SpawnedProcess::stop(std::chrono::milliseconds timeout, int signal) {
  send_signal(signal);
  return wait_exit(timeout);
}

ProcessExit SpawnedProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto start = std::chrono::steady_clock::now();
  const bool in_time = run_until([&] { return state_->exited; }, timeout);
  if (!in_time) {
    g_subprocess_force_exit(state_->proc);
    run_until([&] { return state_->exited; }, std::chrono::seconds(10));
  }
  return exit_of(state_->proc, in_time, start);
}

std::string SpawnedProcess::find_program(const std::string& name) {
  if (gchar* p = g_find_program_in_path(name.c_str())) {
    std::string path = p;
    g_free(p);
    return path;
  }
  for (const char* dir : {"/usr/sbin", "/sbin", "/usr/bin"}) {
    const std::string path = std::string{dir} + "/" + name;
    if (g_file_test(path.c_str(), G_FILE_TEST_IS_EXECUTABLE)) return path;
  }
  return {};
}

}  // namespace shotcall::test
