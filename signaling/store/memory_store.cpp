#include "signaling/store/memory_store.hpp"

#include <algorithm>

namespace shotcall::core {

bool MemoryStore::claim_riot_id(const std::string& riot_key, const std::string& peer_id) {
  return riot_ids_.try_emplace(riot_key, peer_id).second;
}

std::optional<std::string> MemoryStore::riot_id_holder(const std::string& riot_key) const {
  const auto it = riot_ids_.find(riot_key);
  if (it == riot_ids_.end()) return std::nullopt;
  return it->second;
}

void MemoryStore::release_riot_id(const std::string& riot_key, const std::string& peer_id) {
  const auto it = riot_ids_.find(riot_key);
  if (it != riot_ids_.end() && it->second == peer_id) riot_ids_.erase(it);
}

std::pair<Channel, bool> MemoryStore::find_or_create(const Channel& proposal) {
  if (const auto it = by_pairing_.find(proposal.pairing_key); it != by_pairing_.end())
    return {channels_.at(it->second), false};
  channels_.emplace(proposal.id, proposal);
  by_pairing_.emplace(proposal.pairing_key, proposal.id);
  for (const auto& key : proposal.roster_keys) by_player_.emplace(key, proposal.id);
  return {proposal, true};
}

std::optional<Channel> MemoryStore::find(const std::string& channel_id) const {
  const auto it = channels_.find(channel_id);
  if (it == channels_.end()) return std::nullopt;
  return it->second;
}

std::vector<Channel> MemoryStore::channels_for(const std::string& riot_key) const {
  std::vector<Channel> found;
  const auto [first, last] = by_player_.equal_range(riot_key);
  for (auto it = first; it != last; ++it) found.push_back(channels_.at(it->second));
  return found;
}

JoinOutcome MemoryStore::add_member(const std::string& channel_id, const MemberRecord& member,
                                    std::size_t max_members) {
  const auto it = channels_.find(channel_id);
  if (it == channels_.end()) return JoinOutcome::NoSuchChannel;
  Channel& channel = it->second;
  if (channel.member(member.peer_id)) return JoinOutcome::AlreadyMember;
  if (channel.members.size() >= max_members) return JoinOutcome::Full;
  channel.members.push_back(member);
  return JoinOutcome::Joined;
}

LeaveOutcome MemoryStore::remove_member(const std::string& channel_id,
                                        const std::string& peer_id) {
  const auto it = channels_.find(channel_id);
  if (it == channels_.end()) return LeaveOutcome::NoSuchChannel;
  auto& members = it->second.members;
  const auto m = std::find_if(members.begin(), members.end(),
                              [&](const MemberRecord& r) { return r.peer_id == peer_id; });
  if (m == members.end()) return LeaveOutcome::NotMember;
  members.erase(m);
  if (!members.empty()) return LeaveOutcome::Left;
  erase_channel(channel_id);
  return LeaveOutcome::LeftAndDeleted;
}

bool MemoryStore::set_member_level(const std::string& channel_id, const std::string& peer_id,
                                   protocol::IdentityLevel level) {
  const auto it = channels_.find(channel_id);
  if (it == channels_.end()) return false;
  for (MemberRecord& m : it->second.members)
    if (m.peer_id == peer_id) {
      m.level = level;
      return true;
    }
  return false;
}

bool MemoryStore::delete_if_empty(const std::string& channel_id) {
  const auto it = channels_.find(channel_id);
  if (it == channels_.end() || !it->second.members.empty()) return false;
  erase_channel(channel_id);
  return true;
}

std::vector<std::string> MemoryStore::empty_channels_created_before(std::int64_t cutoff_ms) const {
  std::vector<std::string> ids;
  for (const auto& [id, channel] : channels_)
    if (channel.members.empty() && channel.created_ms < cutoff_ms) ids.push_back(id);
  return ids;
}

bool MemoryStore::retire(const std::string& channel_id) {
  const auto it = channels_.find(channel_id);
  if (it == channels_.end()) return false;
  if (it->second.members.empty()) {
    erase_channel(channel_id);
  } else {
    unindex(it->second);
  }
  return true;
}

void MemoryStore::unindex(const Channel& channel) {
  // A retired channel's pairing key may already name its successor: erase only our own entry.
  if (const auto p = by_pairing_.find(channel.pairing_key);
      p != by_pairing_.end() && p->second == channel.id)
    by_pairing_.erase(p);
  for (const auto& key : channel.roster_keys) {
    const auto [first, last] = by_player_.equal_range(key);
    for (auto p = first; p != last; ++p) {
      if (p->second == channel.id) {
        by_player_.erase(p);
        break;
      }
    }
  }
}

void MemoryStore::erase_channel(const std::string& channel_id) {
  const auto it = channels_.find(channel_id);
  if (it == channels_.end()) return;
  unindex(it->second);
  channels_.erase(it);
}

}  // namespace shotcall::core
