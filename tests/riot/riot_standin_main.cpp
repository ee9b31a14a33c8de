// riot-standin: the Riot web API stand-in as a program, for demos and manual runs.
//   riot-standin [--port N] [--game FILE]... [--limits 20:1,100:120] [--key KEY]
// Prints "listening on http://127.0.0.1:PORT", then one line per request, until SIGINT/SIGTERM.
#include <glib-unix.h>
#include <glib.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/riot/riot_standin.hpp"

namespace {

int usage(const char* why) {
  std::fprintf(stderr,
               "riot-standin: %s\nusage: riot-standin [--port N] [--game FILE]... "
               "[--limits 20:1,100:120] [--key KEY]\n",
               why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using shotcall::riot::test::RiotStandin;
  using shotcall::riot::test::StandinRequest;
  long port = 0;
  std::vector<std::string> game_files;
  std::string limits = "20:1,100:120";
  std::string key;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return usage(("missing value for " + arg).c_str());
    const std::string value = argv[++i];
    if (arg == "--port") {
      char* end = nullptr;
      port = std::strtol(value.c_str(), &end, 10);
      if (!end || *end || port < 0 || port > 65535) return usage("bad --port");
    } else if (arg == "--game") {
      game_files.push_back(value);
    } else if (arg == "--limits") {
      limits = value;
    } else if (arg == "--key") {
      key = value;
    } else {
      return usage(("unknown option " + arg).c_str());
    }
  }

  std::string error;
  auto standin = RiotStandin::start(static_cast<std::uint16_t>(port), &error);
  if (!standin) {
    std::fprintf(stderr, "riot-standin: %s\n", error.c_str());
    return 1;
  }
  standin->set_rate_limits(limits);
  standin->set_api_key(key);
  for (const std::string& file : game_files) {
    gchar* text = nullptr;
    gsize length = 0;
    GError* err = nullptr;
    if (!g_file_get_contents(file.c_str(), &text, &length, &err)) {
      std::fprintf(stderr, "riot-standin: %s\n", err->message);
      g_error_free(err);
      return 1;
    }
    const bool ok = standin->add_game_json(std::string(text, length), &error);
    g_free(text);
    if (!ok) {
      std::fprintf(stderr, "riot-standin: %s: %s\n", file.c_str(), error.c_str());
      return 1;
    }
  }
  standin->set_observer([](const StandinRequest& r) {
    std::printf("%s %s -> %d\n", r.method.c_str(), r.path.c_str(), r.status);
    std::fflush(stdout);
  });
  std::printf("listening on %s\n", standin->base_url().c_str());
  std::fflush(stdout);

  GMainLoop* loop = g_main_loop_new(nullptr, FALSE);
  auto quit = [](gpointer l) -> gboolean {
    g_main_loop_quit(static_cast<GMainLoop*>(l));
    return G_SOURCE_REMOVE;
  };
  g_unix_signal_add(SIGINT, quit, loop);
  g_unix_signal_add(SIGTERM, quit, loop);
  g_main_loop_run(loop);
  g_main_loop_unref(loop);
  return 0;
}
