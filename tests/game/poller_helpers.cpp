#include "tests/game/poller_helpers.hpp"

#include <glib.h>
#include <glib/gstdio.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace shotcall::game_test {

TempDir::TempDir() {
  gchar* dir = g_dir_make_tmp("shotcall-lcd-test-XXXXXX", nullptr);
  path_ = dir ? dir : "";
  g_free(dir);
  EXPECT_FALSE(path_.empty());
}

TempDir::~TempDir() {
  if (GDir* d = g_dir_open(path_.c_str(), 0, nullptr)) {
    while (const char* name = g_dir_read_name(d)) g_remove((path_ + "/" + name).c_str());
    g_dir_close(d);
  }
  g_rmdir(path_.c_str());
}

void Recorder::attach(game::LcdPoller& poller) {
  poller.set_state_callback([this](game::LcdState s, const std::string& d) {
    states.push_back(s);
    details.push_back(d);
  });
  poller.set_snapshot_callback([this](const game::GameSnapshot& s) { snapshots.push_back(s); });
}

bool Recorder::saw(game::LcdState s) const {
  return std::find(states.begin(), states.end(), s) != states.end();
}

std::unique_ptr<test::LcdStandin> make_standin(test::LcdStandinOptions options) {
  std::string error;
  auto standin = test::LcdStandin::create(options, &error);
  EXPECT_TRUE(standin) << error;
  return standin;
}

std::unique_ptr<game::LcdPoller> make_poller(const std::string& base_url, const std::string& ca_file,
                                             std::chrono::milliseconds interval,
                                             std::chrono::milliseconds timeout) {
  game::LcdPollerOptions options;
  options.base_url = base_url;
  options.ca_file = ca_file;
  options.interval = interval;
  options.request_timeout = timeout;
  std::string error;
  auto poller = game::LcdPoller::create(options, &error);
  EXPECT_TRUE(poller) << error;
  return poller;
}

}  // namespace shotcall::game_test
