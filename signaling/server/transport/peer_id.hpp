// Fresh peer ids: 128 bits from OpenSSL's CSPRNG, as 32 lower-case hex digits. Unguessable, so
// knowing a peerId is no way to reach a peer without sharing its channel.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shotcall::server {

std::string new_peer_id();
// `count` bytes from the same CSPRNG (identity-1 challenges).
std::vector<std::uint8_t> random_bytes(std::size_t count);

}  // namespace shotcall::server
