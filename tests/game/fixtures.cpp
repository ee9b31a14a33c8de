#include "tests/game/fixtures.hpp"

#include <glib.h>
#include <gtest/gtest.h>

namespace shotcall::game_test {

std::string fixture_path(const std::string& name) {
  return std::string{SHOTCALL_GAME_FIXTURES} + "/" + name;
}

std::string read_fixture(const std::string& name) {
  gchar* data = nullptr;
  gsize len = 0;
  if (!g_file_get_contents(fixture_path(name).c_str(), &data, &len, nullptr)) {
    ADD_FAILURE() << "cannot read fixture " << name;
    return {};
  }
  std::string text(data, len);
  g_free(data);
  return text;
}

bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  GMainContext* ctx = g_main_context_default();
  // Wakes a blocking iteration so the deadline is looked at even when nothing happens.
  GSource* tick = g_timeout_source_new(25);
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

std::string replace_first(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "fixture text lacks: " << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

}  // namespace shotcall::game_test
