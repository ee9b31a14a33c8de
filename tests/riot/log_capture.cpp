#include "tests/riot/log_capture.hpp"

#include <glib.h>

#include <mutex>

namespace shotcall::riot::test {
namespace {

std::mutex g_mu;
std::string g_text;

GLogWriterOutput capture(GLogLevelFlags level, const GLogField* fields, gsize n, gpointer) {
  std::string line;
  for (gsize i = 0; i < n; ++i) {
    // Every field, not just MESSAGE: a secret in any of them would be a leak.
    if (fields[i].length < 0) {
      line += std::string(fields[i].key) + "=" + static_cast<const char*>(fields[i].value) + " ";
    } else {
      line += std::string(fields[i].key) + "=" +
              std::string(static_cast<const char*>(fields[i].value),
                          static_cast<std::size_t>(fields[i].length)) + " ";
    }
  }
  {
    std::lock_guard<std::mutex> lock(g_mu);
    g_text += line + "\n";
  }
  return g_log_writer_default(level, fields, n, nullptr);
}

}  // namespace

void install_log_capture() {
  static std::once_flag once;
  std::call_once(once, [] { g_log_set_writer_func(&capture, nullptr, nullptr); });
}

std::string captured_log() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_text;
}

void clear_captured_log() {
  std::lock_guard<std::mutex> lock(g_mu);
  g_text.clear();
}

}  // namespace shotcall::riot::test
