// The channel store of one call of the pairing core when the state lives in Redis (or any
// shared key-value store): the entries fetched for that call, and the changes it made.
//
// The shell asks the core what a call will read (Pairing::needs*), fetches those keys in one
// atomic step, load()s them here, runs the call, and commits writes() only if checks() still
// hold (optimistic concurrency: a Lua script compares and sets in one step). A lost race or a
// read of something not fetched (missed()) makes the shell undo the call and run it again with
// fresh data. Pure: keys and values in, keys and values out.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "signaling/core/channel_store.hpp"
#include "signaling/core/pairing.hpp"

namespace shotcall::store {

// Raw values by key (nullopt: the key does not exist), and the instances found dead while
// fetching (named by members and Riot ID holders, and gone from the store).
struct Snapshot {
  std::map<std::string, std::optional<std::string>> values;
  std::set<std::string> dead_instances;
};

struct KeyWrite {
  std::string key;
  std::optional<std::string> value;  // nullopt: delete
  friend bool operator==(const KeyWrite&, const KeyWrite&) = default;
};

struct KeyCheck {
  std::string key;
  std::optional<std::string> expected;  // nullopt: must not exist
  friend bool operator==(const KeyCheck&, const KeyCheck&) = default;
};

// What the Redis fetch script returns for `needs`, from any key-value lookup: the named entries,
// channels listed by players and named by pairing keys, and each named channel's pairing key and
// players' lists. The twin of redis_lua::kFetch (without the liveness check), used when Redis is
// unreachable and in tests.
using Lookup = std::function<std::optional<std::string>(const std::string& key)>;
Snapshot fetch_snapshot(const core::StoreNeeds& needs, const Lookup& lookup);

class SnapshotStore final : public core::ChannelStore {
 public:
  // Replaces everything with `snapshot`; no writes, no misses.
  void load(Snapshot snapshot);

  // Keys a call read that were not fetched: fetch them too and run the call again.
  bool missed() const { return !missed_.empty(); }
  const core::StoreNeeds& missing() const { return missed_; }
  // What the commit must find unchanged: every fetched key, as fetched.
  std::vector<KeyCheck> checks() const;
  // What the call changed, encoded; empty for a call that only read.
  std::vector<KeyWrite> writes() const;
  // Members of fetched channels whose instance is dead, by channel.
  std::map<std::string, std::vector<std::string>> dead_members() const;

  // core::ChannelStore
  bool claim_riot_id(const std::string& riot_key, const std::string& peer_id) override;
  std::optional<std::string> riot_id_holder(const std::string& riot_key) const override;
  void release_riot_id(const std::string& riot_key, const std::string& peer_id) override;
  std::size_t riot_id_count() const override { return 0; }  // not known to one call

  std::pair<core::Channel, bool> find_or_create(const core::Channel& proposal) override;
  std::optional<core::Channel> find(const std::string& channel_id) const override;
  std::vector<core::Channel> channels_for(const std::string& riot_key) const override;
  core::JoinOutcome add_member(const std::string& channel_id, const core::MemberRecord& member,
                               std::size_t max_members) override;
  core::LeaveOutcome remove_member(const std::string& channel_id,
                                   const std::string& peer_id) override;
  bool set_member_level(const std::string& channel_id, const std::string& peer_id,
                        protocol::IdentityLevel level) override;
  bool delete_if_empty(const std::string& channel_id) override;
  bool retire(const std::string& channel_id) override;
  // Keys expire instead (each carries a TTL its owners refresh): nothing to sweep.
  std::vector<std::string> empty_channels_created_before(std::int64_t) const override { return {}; }
  std::size_t channel_count() const override { return 0; }

 private:
  // nullopt when not fetched (a miss is recorded); otherwise the entry (possibly absent).
  std::optional<core::Channel>* channel_entry(const std::string& id) const;
  std::optional<std::vector<std::string>>* player_entry(const std::string& riot_key) const;
  void erase_channel(const std::string& id);
  void unindex(const core::Channel& channel);
  bool alive(const std::string& peer_id) const;

  std::map<std::string, std::optional<std::string>> raw_;  // as fetched
  std::set<std::string> dead_instances_;
  // Decoded entries; mutable because a const read records misses.
  mutable std::unordered_map<std::string, std::optional<core::Channel>> channels_;
  mutable std::unordered_map<std::string, std::optional<std::string>> pairing_;
  mutable std::unordered_map<std::string, std::optional<std::vector<std::string>>> players_;
  mutable std::unordered_map<std::string, std::optional<std::string>> claims_;
  mutable core::StoreNeeds missed_;
  std::set<std::string> dirty_;  // store keys changed by the call
};

}  // namespace shotcall::store
