// lcd-standin: the Live Client Data stand-in as a program, for the desktop demo and manual runs.
//   lcd-standin --port N [--address IP] [--game-certificate] --cert-dir DIR --document FILE
//               [--loading-seconds S]
// Serves FILE at https://127.0.0.1:N/liveclientdata/allgamedata with a certificate from DIR
// (made there when missing; point the app at DIR/ca.pem with --lcd-ca), after S seconds of
// answering 404 as a loading game does. Prints "listening on https://127.0.0.1:PORT" once ready.
// SIGUSR1 re-reads FILE (a new game), SIGUSR2 toggles the port down/up (game over / next game),
// SIGINT/SIGTERM quit.
#include <glib-unix.h>
#include <glib.h>

#include <cstdio>

#include "tests/support/lcd_standin.hpp"

using shotcall::test::LcdPhase;
using shotcall::test::LcdStandin;

namespace {

struct App {
  GMainLoop* loop = nullptr;
  LcdStandin* standin = nullptr;
  std::string document;
};

gboolean quit(gpointer data) {
  g_main_loop_quit(static_cast<App*>(data)->loop);
  return G_SOURCE_CONTINUE;
}

}  // namespace

int main(int argc, char** argv) {
  gint port = 0;
  gchar* cert_dir = nullptr;
  gchar* address = nullptr;
  gchar* document = nullptr;
  gdouble loading_seconds = 0;
  gboolean game_certificate = FALSE;
  GOptionEntry entries[] = {
      {"port", 0, 0, G_OPTION_ARG_INT, &port, "Port (0: any free one)", "N"},
      {"address", 0, 0, G_OPTION_ARG_STRING, &address, "IPv4 address to listen on (127.0.0.1)", "IP"},
      {"cert-dir", 0, 0, G_OPTION_ARG_FILENAME, &cert_dir, "Directory of ca.pem/server.pem/server.key", "DIR"},
      {"document", 0, 0, G_OPTION_ARG_FILENAME, &document, "allgamedata JSON to serve", "FILE"},
      {"game-certificate", 0, 0, G_OPTION_ARG_NONE, &game_certificate,
       "New certificates shaped like the game's: X.509 v1, named only by CN=127.0.0.1", nullptr},
      {"loading-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &loading_seconds, "Answer 404 this long first", "S"},
      {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr}};
  GOptionContext* ctx = g_option_context_new("- stand-in for League's Live Client Data API");
  g_option_context_add_main_entries(ctx, entries, nullptr);
  GError* error = nullptr;
  const bool parsed = g_option_context_parse(ctx, &argc, &argv, &error);
  g_option_context_free(ctx);
  if (!parsed || !cert_dir || !document || port < 0 || port > 65535 || loading_seconds < 0) {
    std::fprintf(stderr, "lcd-standin: %s\nusage: lcd-standin --port N --cert-dir DIR --document FILE [--loading-seconds S]\n",
                 error ? error->message : "missing or bad arguments");
    if (error) g_error_free(error);
    return 2;
  }

  shotcall::test::LcdStandinOptions options;
  options.cert_dir = cert_dir;
  options.port = static_cast<std::uint16_t>(port);
  if (address) options.listen_address = address;
  options.certificate.riot_shaped = game_certificate;
  options.initial_phase = loading_seconds > 0 ? LcdPhase::Loading : LcdPhase::InGame;
  std::string message;
  auto standin = LcdStandin::create(options, &message);
  if (!standin || !standin->set_document_file(document, &message)) {
    std::fprintf(stderr, "lcd-standin: %s\n", message.c_str());
    return 1;
  }

  App app;
  app.loop = g_main_loop_new(nullptr, FALSE);
  app.standin = standin.get();
  app.document = document;
  if (loading_seconds > 0) {
    g_timeout_add(static_cast<guint>(loading_seconds * 1000), [](gpointer data) -> gboolean {
      static_cast<App*>(data)->standin->set_phase(LcdPhase::InGame);
      return G_SOURCE_REMOVE;
    }, &app);
  }
  g_unix_signal_add(SIGINT, quit, &app);
  g_unix_signal_add(SIGTERM, quit, &app);
  g_unix_signal_add(SIGUSR1, [](gpointer data) -> gboolean {
    auto* a = static_cast<App*>(data);
    std::string err;
    if (!a->standin->set_document_file(a->document, &err)) std::fprintf(stderr, "lcd-standin: %s\n", err.c_str());
    return G_SOURCE_CONTINUE;
  }, &app);
  g_unix_signal_add(SIGUSR2, [](gpointer data) -> gboolean {
    auto* s = static_cast<App*>(data)->standin;
    std::string err;
    if (!s->set_phase(s->phase() == LcdPhase::Down ? LcdPhase::InGame : LcdPhase::Down, &err)) {
      std::fprintf(stderr, "lcd-standin: %s\n", err.c_str());
    }
    return G_SOURCE_CONTINUE;
  }, &app);

  std::printf("listening on %s\n", standin->base_url().c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "lcd-standin: CA file %s\n", standin->ca_file().c_str());
  g_main_loop_run(app.loop);
  g_main_loop_unref(app.loop);
  g_free(cert_dir);
  g_free(document);
  g_free(address);
  return 0;
}
