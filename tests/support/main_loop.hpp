// Waiting on the GLib main loop in tests: iterate the default GMainContext until a condition
// holds, with a deadline that turns into a test failure instead of a hang. Never sleep.
#pragma once

#include <chrono>
#include <functional>

namespace shotcall::test {

using namespace std::chrono_literals;

// Iterates g_main_context_default() until `done()` is true (returns true) or `timeout` passes
// (returns done() one last time). Safe to nest.
bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);

// Iterates the default context for `duration` regardless. Only for proving that something does
// NOT happen within a bounded time, where no event can stand in; prefer WsClient::barrier().
void run_for(std::chrono::milliseconds duration);

}  // namespace shotcall::test
