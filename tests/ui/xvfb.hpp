// An X server for one desktop test: Xvfb on a free display number it picks itself
// (-displayfd), so tests running at once never fight over :99. Used by the app's own end-to-end
// test and by the browser-and-app test in tests/web.
#pragma once

#include <glib.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/ui/child_process.hpp"

namespace shotcall::test {

class Xvfb {
 public:
  Xvfb()
      : process_({"Xvfb", "-displayfd", "1", "-screen", "0", "1280x900x24", "-nolisten", "tcp",
                  "-noreset"},
                 {}) {
    if (process_.wait_for_lines("", 1, std::chrono::seconds(30)))
      display_ = ":" + process_.lines().front();
  }
  // Empty when Xvfb did not start; transcript() says why.
  const std::string& display() const { return display_; }
  std::string transcript() const { return process_.transcript(); }

 private:
  ChildProcess process_;
  std::string display_;
};

// A new private directory under $TMPDIR named after `prefix`, for one test's files.
inline std::string make_test_dir(const char* prefix) {
  gchar* dir = g_dir_make_tmp((std::string{prefix} + "-XXXXXX").c_str(), nullptr);
  std::string out = dir ? dir : "/tmp";
  g_free(dir);
  return out;
}

// Removes a test's directory once it passed; a failed test's files (or every test's, with
// SHOTCALL_KEEP_TEST_FILES) are kept for a person to look at, and the path is said.
inline void remove_test_dir(const std::string& dir, bool failed) {
  if (dir.empty()) return;
  if (failed || g_getenv("SHOTCALL_KEEP_TEST_FILES")) {
    std::fprintf(stderr, "test files kept in %s\n", dir.c_str());
    return;
  }
  gchar* argv[] = {const_cast<gchar*>("rm"), const_cast<gchar*>("-rf"),
                   const_cast<gchar*>(dir.c_str()), nullptr};
  g_spawn_sync(nullptr, argv, nullptr, G_SPAWN_SEARCH_PATH, nullptr, nullptr, nullptr, nullptr,
               nullptr, nullptr);
}

// "<program> is not installed" for each of `programs` not found on PATH.
template <typename Programs>
std::vector<std::string> missing_programs(const Programs& programs) {
  std::vector<std::string> missing;
  for (const char* program : programs) {
    gchar* path = g_find_program_in_path(program);
    if (!path) missing.push_back(std::string{program} + " is not installed");
    g_free(path);
  }
  return missing;
}

}  // namespace shotcall::test
