#include "tests/support/main_loop.hpp"

#include <glib.h>

namespace shotcall::test {

bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  GMainContext* ctx = g_main_context_default();
  // A ticking source so a blocking iteration wakes up to look at the clock.
  GSource* tick = g_timeout_source_new(20);
  g_source_set_callback(tick, [](gpointer) -> gboolean { return G_SOURCE_CONTINUE; }, nullptr, nullptr);
  g_source_attach(tick, ctx);
  bool ok = done();
  while (!ok && std::chrono::steady_clock::now() < deadline) {
    g_main_context_iteration(ctx, TRUE);
    ok = done();
  }
  g_source_destroy(tick);
  g_source_unref(tick);
  return ok;
}

void run_for(std::chrono::milliseconds duration) {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  run_until([&] { return std::chrono::steady_clock::now() >= deadline; }, duration + 1s);
}

}  // namespace shotcall::test
