// shotcall-signal: parse settings, start the server, print where it listens, run until SIGTERM.
#include <glib-unix.h>
#include <glib.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "signaling/server/ops/identity_command.hpp"
#include "signaling/server/ops/log.hpp"
#include "signaling/server/cluster/notice_command.hpp"
#include "signaling/server/ops/server_config.hpp"
#include "signaling/server/transport/ws_server.hpp"

namespace {

struct Runtime {
  GMainLoop* loop = nullptr;
  shotcall::server::WsServer* server = nullptr;
  shotcall::server::Logger* log = nullptr;
  int signals = 0;
};

gboolean on_stop_signal(gpointer data) {
  auto* rt = static_cast<Runtime*>(data);
  if (!rt->server) return G_SOURCE_CONTINUE;  // stopped already: on the way out
  if (++rt->signals > 1) {
    // A second signal: the operator does not want to wait for the grace period.
    rt->log->warn("stopping-now");
    g_main_loop_quit(rt->loop);
    return G_SOURCE_CONTINUE;
  }
  rt->server->shutdown([rt] {
    // The server may call this from inside a libsoup signal: quit from an idle instead.
    g_idle_add(
        [](gpointer d) {
          g_main_loop_quit(static_cast<Runtime*>(d)->loop);
          return G_SOURCE_REMOVE;
        },
        rt);
  });
  return G_SOURCE_CONTINUE;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args.front() == "notice")
    return shotcall::server::run_notice_command({args.begin() + 1, args.end()});
  if (!args.empty() && args.front() == "identity")
    return shotcall::server::run_identity_command({args.begin() + 1, args.end()});
  auto outcome = shotcall::server::parse_config(args, [](std::string_view name) {
    const char* v = std::getenv(std::string{name}.c_str());
    return v ? std::optional<std::string>{v} : std::nullopt;
  });
  if (!outcome.config) {
    std::fputs(outcome.out.c_str(), stdout);
    std::fputs(outcome.err.c_str(), stderr);
    return outcome.exit_code;
  }
  // Writes to a peer that has gone are reported as errors; never die of SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);

  shotcall::server::Logger log(outcome.config->log_format);
  // Running from the start: WsServer::run turns it until g_main_loop_quit.
  GMainLoop* loop = g_main_loop_new(nullptr, TRUE);
  int status = 0;
  // Outlives the server: the signal watches stay until the process exits (below).
  Runtime rt{loop, nullptr, &log, 0};
  {
    shotcall::server::WsServer server(*outcome.config, log);
    std::string error;
    bool bad_config = false;
    if (!server.start(error, bad_config)) {
      std::fprintf(stderr, "shotcall-signal: %s\n", error.c_str());
      status = bad_config ? 2 : 1;
    } else {
      std::printf("listening on %s\n", server.url().c_str());
      std::fflush(stdout);
      rt.server = &server;
      // Never removed: removing the last watch of a signal gives it back its default action, and
      // a SIGTERM arriving while the server is torn down (a supervisor asking twice) would then
      // kill the process instead of letting it finish and exit 0.
      g_unix_signal_add(SIGTERM, on_stop_signal, &rt);
      g_unix_signal_add(SIGINT, on_stop_signal, &rt);
      server.run(loop);
      rt.server = nullptr;
      log.info("stopped");
    }
  }
  g_main_loop_unref(loop);
  return status;
}
