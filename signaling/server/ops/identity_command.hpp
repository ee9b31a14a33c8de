// `shotcall-signal identity list|show RIOTID|unbind RIOTID`: the operator's view of the identity
// database the server uses (the same --database / --state-dir rules and variables).
#pragma once

#include <string>
#include <vector>

namespace shotcall::server {

// `args` follow the word `identity`. Returns the process exit status (0 done, 1 the database
// failed or the Riot ID is not bound, 2 bad usage).
int run_identity_command(const std::vector<std::string>& args);

}  // namespace shotcall::server
