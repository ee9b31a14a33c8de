// Test helpers shared by the game tests: fixture files and waiting on the main loop.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "tests/support/main_loop.hpp"

namespace shotcall::game_test {

// tests/game/fixtures/<name>; an empty string (and a test failure) when it cannot be read.
std::string fixture_path(const std::string& name);
std::string read_fixture(const std::string& name);

// Iterates the default GMainContext until done() holds or `timeout` passes; returns done().
// The timeout is a failure guard, so make it generous.
// Waiting on the main loop with a deadline: the one every end-to-end test uses.
using shotcall::test::run_until;

// Replaces the first occurrence of `from` in `text` (which must contain it).
std::string replace_first(std::string text, const std::string& from, const std::string& to);

}  // namespace shotcall::game_test
