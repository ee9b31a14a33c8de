// Test helpers shared by the game tests: fixture files and waiting on the main loop.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace shotcall::game_test {

// tests/game/fixtures/<name>; an empty string (and a test failure) when it cannot be read.
std::string fixture_path(const std::string& name);
std::string read_fixture(const std::string& name);

// Iterates the default GMainContext until done() holds or `timeout` passes; returns done().
// The timeout is a failure guard, so make it generous.
bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);

// Replaces the first occurrence of `from` in `text` (which must contain it).
std::string replace_first(std::string text, const std::string& from, const std::string& to);

}  // namespace shotcall::game_test
