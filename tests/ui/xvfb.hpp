// An X server for one desktop test: Xvfb on a free display number it picks itself
// (-displayfd), so tests running at once never fight over :99. Used by the app's own end-to-end
// test and by the browser-and-app test in tests/web.
#pragma once

#include <glib.h>

#include <chrono>
#include <string>

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

}  // namespace shotcall::test
