#include "signaling/store/snapshot_store.hpp"

#include <algorithm>

#include "signaling/store/store_records.hpp"

namespace shotcall::store {
namespace {

bool strip(std::string_view key, std::string_view kind, std::string& name) {
  const std::string head = std::string{kPrefix} + std::string{kind} + ":";
  if (key.substr(0, head.size()) != head) return false;
  name = std::string{key.substr(head.size())};
  return true;
}

void add_unique(std::vector<std::string>& to, const std::string& value) {
  if (std::find(to.begin(), to.end(), value) == to.end()) to.push_back(value);
}

}  // namespace

Snapshot fetch_snapshot(const core::StoreNeeds& needs, const Lookup& lookup) {
  Snapshot snap;
  const auto get = [&](const std::string& key) {
    if (const auto it = snap.values.find(key); it != snap.values.end()) return it->second;
    return snap.values[key] = lookup(key);
  };
  const auto channel = [&](const std::string& id, bool closure) {
    const auto v = get(channel_key(id));
    if (!v || !closure) return;
    if (const auto c = decode_channel(*v)) {
      get(pairing_key(c->pairing_key));
      for (const auto& k : c->roster_keys) get(player_key(k));
    }
  };
  for (const auto& k : needs.riot_keys) get(claim_key(k));
  for (const auto& k : needs.player_keys) {
    if (const auto v = get(player_key(k)))
      if (const auto ids = decode_ids(*v))
        for (const auto& id : *ids) channel(id, false);
  }
  for (const auto& id : needs.channel_ids) channel(id, true);
  for (const auto& p : needs.pairing_keys)
    if (const auto id = get(pairing_key(p))) channel(*id, true);
  return snap;
}

void SnapshotStore::load(Snapshot snapshot) {
  raw_ = std::move(snapshot.values);
  dead_instances_ = std::move(snapshot.dead_instances);
  channels_.clear();
  pairing_.clear();
  players_.clear();
  claims_.clear();
  missed_ = {};
  dirty_.clear();
  for (const auto& [key, value] : raw_) {
    std::string name;
    if (strip(key, "ch", name)) {
      channels_[name] = value ? decode_channel(*value) : std::nullopt;
    } else if (strip(key, "pk", name)) {
      pairing_[name] = value;
    } else if (strip(key, "pl", name)) {
      players_[name] = value ? decode_ids(*value) : std::nullopt;
    } else if (strip(key, "rid", name)) {
      claims_[name] = value;
    }
  }
}

std::vector<KeyCheck> SnapshotStore::checks() const {
  std::vector<KeyCheck> out;
  out.reserve(raw_.size());
  for (const auto& [key, value] : raw_) out.push_back({key, value});
  return out;
}

std::vector<KeyWrite> SnapshotStore::writes() const {
  std::vector<KeyWrite> out;
  for (const auto& key : dirty_) {
    std::string name;
    std::optional<std::string> value;
    if (strip(key, "ch", name)) {
      const auto& c = channels_.at(name);
      if (c) value = encode_channel(*c);
    } else if (strip(key, "pk", name)) {
      value = pairing_.at(name);
    } else if (strip(key, "pl", name)) {
      const auto& ids = players_.at(name);
      if (ids && !ids->empty()) value = encode_ids(*ids);
    } else if (strip(key, "rid", name)) {
      value = claims_.at(name);
    }
    out.push_back({key, std::move(value)});
  }
  return out;
}

std::map<std::string, std::vector<std::string>> SnapshotStore::dead_members() const {
  std::map<std::string, std::vector<std::string>> dead;
  if (dead_instances_.empty()) return dead;
  for (const auto& [id, channel] : channels_) {
    if (!channel) continue;
    for (const auto& m : channel->members)
      if (!alive(m.peer_id)) dead[id].push_back(m.peer_id);
  }
  return dead;
}

bool SnapshotStore::alive(const std::string& peer_id) const {
  return dead_instances_.count(instance_of_peer(peer_id)) == 0;
}

std::optional<core::Channel>* SnapshotStore::channel_entry(const std::string& id) const {
  const auto it = channels_.find(id);
  if (it == channels_.end()) {
    add_unique(missed_.channel_ids, id);
    return nullptr;
  }
  return &it->second;
}

std::optional<std::vector<std::string>>* SnapshotStore::player_entry(
    const std::string& riot_key) const {
  const auto it = players_.find(riot_key);
  if (it == players_.end()) {
    add_unique(missed_.player_keys, riot_key);
    return nullptr;
  }
  return &it->second;
}

// ---- Riot IDs ---------------------------------------------------------------------------------

std::optional<std::string> SnapshotStore::riot_id_holder(const std::string& riot_key) const {
  const auto it = claims_.find(riot_key);
  if (it == claims_.end()) {
    add_unique(missed_.riot_keys, riot_key);
    return std::nullopt;
  }
  // A holder on a dead instance holds nothing: its player reconnects somewhere else.
  if (!it->second || !alive(*it->second)) return std::nullopt;
  return it->second;
}

bool SnapshotStore::claim_riot_id(const std::string& riot_key, const std::string& peer_id) {
  if (riot_id_holder(riot_key) || missed()) return false;
  claims_[riot_key] = peer_id;
  dirty_.insert(claim_key(riot_key));
  return true;
}

void SnapshotStore::release_riot_id(const std::string& riot_key, const std::string& peer_id) {
  const auto it = claims_.find(riot_key);
  if (it == claims_.end()) {
    add_unique(missed_.riot_keys, riot_key);
    return;
  }
  if (it->second != peer_id) return;
  it->second.reset();
  dirty_.insert(claim_key(riot_key));
}

// ---- channels --------------------------------------------------------------------------------

std::optional<core::Channel> SnapshotStore::find(const std::string& channel_id) const {
  const auto* entry = channel_entry(channel_id);
  if (!entry) return std::nullopt;
  return *entry;
}

std::vector<core::Channel> SnapshotStore::channels_for(const std::string& riot_key) const {
  std::vector<core::Channel> found;
  const auto* ids = player_entry(riot_key);
  if (!ids || !*ids) return found;
  for (const auto& id : **ids) {
    // Lists may name channels that expired since: they are simply gone.
    const auto* channel = channel_entry(id);
    if (channel && *channel) found.push_back(**channel);
  }
  return found;
}

std::pair<core::Channel, bool> SnapshotStore::find_or_create(const core::Channel& proposal) {
  const auto it = pairing_.find(proposal.pairing_key);
  if (it == pairing_.end()) {
    add_unique(missed_.pairing_keys, proposal.pairing_key);
    return {proposal, false};
  }
  if (it->second) {
    const auto* existing = channel_entry(*it->second);
    if (!existing) return {proposal, false};
    if (*existing) return {**existing, false};
    // The index outlived its channel (expired): the proposal takes its place.
  }
  // Creating writes the players' lists: they must have been fetched.
  std::vector<std::optional<std::vector<std::string>>*> lists;
  for (const auto& key : proposal.roster_keys) lists.push_back(player_entry(key));
  if (missed()) return {proposal, false};

  channels_[proposal.id] = proposal;
  dirty_.insert(channel_key(proposal.id));
  it->second = proposal.id;
  dirty_.insert(pairing_key(proposal.pairing_key));
  for (std::size_t i = 0; i < lists.size(); ++i) {
    auto& list = *lists[i];
    if (!list) list.emplace();
    // Drop ids of channels that are gone while we are here, so lists stay short.
    std::erase_if(*list, [&](const std::string& id) {
      const auto c = channels_.find(id);
      return c != channels_.end() && !c->second;
    });
    list->push_back(proposal.id);
    dirty_.insert(player_key(proposal.roster_keys[i]));
  }
  return {proposal, true};
}

core::JoinOutcome SnapshotStore::add_member(const std::string& channel_id,
                                            const core::MemberRecord& member,
                                            std::size_t max_members) {
  auto* entry = channel_entry(channel_id);
  if (!entry || !*entry) return core::JoinOutcome::NoSuchChannel;
  core::Channel& channel = **entry;
  if (channel.member(member.peer_id)) return core::JoinOutcome::AlreadyMember;
  if (channel.members.size() >= max_members) return core::JoinOutcome::Full;
  channel.members.push_back(member);
  dirty_.insert(channel_key(channel_id));
  return core::JoinOutcome::Joined;
}

core::LeaveOutcome SnapshotStore::remove_member(const std::string& channel_id,
                                                const std::string& peer_id) {
  auto* entry = channel_entry(channel_id);
  if (!entry || !*entry) return core::LeaveOutcome::NoSuchChannel;
  auto& members = (*entry)->members;
  const auto m = std::find_if(members.begin(), members.end(),
                              [&](const core::MemberRecord& r) { return r.peer_id == peer_id; });
  if (m == members.end()) return core::LeaveOutcome::NotMember;
  members.erase(m);
  dirty_.insert(channel_key(channel_id));
  if (!members.empty()) return core::LeaveOutcome::Left;
  erase_channel(channel_id);
  return core::LeaveOutcome::LeftAndDeleted;
}

bool SnapshotStore::set_member_level(const std::string& channel_id, const std::string& peer_id,
                                     protocol::IdentityLevel level) {
  auto* entry = channel_entry(channel_id);
  if (!entry || !*entry) return false;
  for (core::MemberRecord& m : (*entry)->members)
    if (m.peer_id == peer_id) {
      if (m.level != level) {
        m.level = level;
        dirty_.insert(channel_key(channel_id));
      }
      return true;
    }
  return false;
}

bool SnapshotStore::delete_if_empty(const std::string& channel_id) {
  auto* entry = channel_entry(channel_id);
  if (!entry || !*entry || !(*entry)->members.empty()) return false;
  erase_channel(channel_id);
  return true;
}

bool SnapshotStore::retire(const std::string& channel_id) {
  auto* entry = channel_entry(channel_id);
  if (!entry || !*entry) return false;
  if ((*entry)->members.empty())
    erase_channel(channel_id);
  else
    unindex(**entry);
  return true;
}

void SnapshotStore::erase_channel(const std::string& id) {
  auto* entry = channel_entry(id);
  if (!entry || !*entry) return;
  const core::Channel channel = **entry;
  unindex(channel);
  entry->reset();
  dirty_.insert(channel_key(id));
}

void SnapshotStore::unindex(const core::Channel& channel) {
  // A retired channel's pairing key may already name its successor: clear only our own entry.
  if (const auto p = pairing_.find(channel.pairing_key); p == pairing_.end()) {
    add_unique(missed_.pairing_keys, channel.pairing_key);
  } else if (p->second == channel.id) {
    p->second.reset();
    dirty_.insert(pairing_key(channel.pairing_key));
  }
  for (const auto& key : channel.roster_keys) {
    auto* list = player_entry(key);
    if (!list || !*list) continue;
    if (std::erase(**list, channel.id) > 0) dirty_.insert(player_key(key));
  }
}

}  // namespace shotcall::store
