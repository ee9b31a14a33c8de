// Fresh peer ids: 128 bits from OpenSSL's CSPRNG, as 32 lower-case hex digits. Unguessable, so
// knowing a peerId is no way to reach a peer without sharing its channel.
#pragma once

#include <string>

namespace shotcall::server {

std::string new_peer_id();

}  // namespace shotcall::server
