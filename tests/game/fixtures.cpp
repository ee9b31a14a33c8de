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

std::string replace_first(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "fixture text lacks: " << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

}  // namespace shotcall::game_test
