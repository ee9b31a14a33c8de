#include "signaling/core/channel_store.hpp"

#include <algorithm>

namespace shotcall::core {

bool Channel::on_roster(const std::string& riot_key) const {
  return std::binary_search(roster_keys.begin(), roster_keys.end(), riot_key);
}

const MemberRecord* Channel::member(const std::string& peer_id) const {
  for (const auto& m : members)
    if (m.peer_id == peer_id) return &m;
  return nullptr;
}

}  // namespace shotcall::core
