// `shotcall-signal notice --redis URL [--level info|warning] TEXT`: an admin notice to every
// client of every instance sharing that Redis (each instance sends it as a protocol `notice`).
#pragma once

#include <string>
#include <vector>

namespace shotcall::server {

// `args` are the words after "notice". Prints what happened; returns the exit status
// (0 sent, 1 Redis unreachable, 2 bad usage).
int run_notice_command(const std::vector<std::string>& args);

}  // namespace shotcall::server
