// Shared by the poller tests: a stand-in, a poller pointed at it, what the poller reported, and
// a temporary directory.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "app/game/lcd_poller.hpp"
#include "tests/support/lcd_standin.hpp"

namespace shotcall::game_test {

using namespace std::chrono_literals;

// Failure guards only: each wait ends as soon as its event happens.
inline constexpr auto kDeadline = 30s;
// tests/game/fixtures/classic_order_view.json's derived id (see game_id_test.cpp).
inline constexpr const char* kGameAId = "lcd-f5faa35b6f97a261";

// A directory removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Everything a poller told its listeners, in order.
struct Recorder {
  std::vector<game::LcdState> states;
  std::vector<std::string> details;
  std::vector<game::GameSnapshot> snapshots;

  void attach(game::LcdPoller& poller);
  bool saw(game::LcdState s) const;
};

// Both fail the test (and return nullptr) when creation fails.
std::unique_ptr<test::LcdStandin> make_standin(test::LcdStandinOptions options = {});
std::unique_ptr<game::LcdPoller> make_poller(const std::string& base_url, const std::string& ca_file,
                                             std::chrono::milliseconds interval = 100ms,
                                             std::chrono::milliseconds timeout = 5s);

}  // namespace shotcall::game_test
