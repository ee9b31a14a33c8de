// The default channel store: one process's memory. Each call is atomic because the server runs
// the pairing core on a single main loop.
#pragma once

#include <map>
#include <unordered_map>

#include "signaling/core/channel_store.hpp"

namespace shotcall::core {

class MemoryStore final : public ChannelStore {
 public:
  bool claim_riot_id(const std::string& riot_key, const std::string& peer_id) override;
  std::optional<std::string> riot_id_holder(const std::string& riot_key) const override;
  void release_riot_id(const std::string& riot_key, const std::string& peer_id) override;
  std::size_t riot_id_count() const override { return riot_ids_.size(); }

  std::pair<Channel, bool> find_or_create(const Channel& proposal) override;
  std::optional<Channel> find(const std::string& channel_id) const override;
  std::vector<Channel> channels_for(const std::string& riot_key) const override;

  JoinOutcome add_member(const std::string& channel_id, const MemberRecord& member,
                         std::size_t max_members) override;
  LeaveOutcome remove_member(const std::string& channel_id, const std::string& peer_id) override;
  bool set_member_level(const std::string& channel_id, const std::string& peer_id,
                        protocol::IdentityLevel level) override;
  bool delete_if_empty(const std::string& channel_id) override;
  bool retire(const std::string& channel_id) override;
  std::vector<std::string> empty_channels_created_before(std::int64_t cutoff_ms) const override;
  std::size_t channel_count() const override { return channels_.size(); }

 private:
  void erase_channel(const std::string& channel_id);
  // Drops the channel from the pairing and player indexes (it stays in channels_).
  void unindex(const Channel& channel);

  std::unordered_map<std::string, std::string> riot_ids_;     // riot key → peer id
  std::unordered_map<std::string, Channel> channels_;         // channel id → channel
  std::unordered_map<std::string, std::string> by_pairing_;   // pairing key → channel id
  std::unordered_multimap<std::string, std::string> by_player_;  // riot key → channel id
};

}  // namespace shotcall::core
