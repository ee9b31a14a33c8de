// Sample messages of every type, with optional fields present and absent and non-ASCII text.
#pragma once

#include <vector>

#include "signaling/protocol/messages.hpp"

namespace shotcall::protocol::testing {

std::vector<ClientMessage> client_samples();
std::vector<ServerMessage> server_samples();

}  // namespace shotcall::protocol::testing
