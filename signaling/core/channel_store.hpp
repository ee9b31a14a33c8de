// Where channel and Riot ID state lives. The pairing core asks this interface, never a container,
// so a Redis-backed store can serve several server instances as one. Every call is one atomic step
// (the Redis store makes each one a Lua script): callers never read-then-write across two calls to
// decide a rule.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "signaling/protocol/messages.hpp"

namespace shotcall::core {

struct MemberRecord {
  std::string peer_id;
  std::string riot_id;   // display form
  std::string riot_key;  // folded (protocol::fold_riot_id)
  protocol::IdentityLevel level = protocol::IdentityLevel::None;  // identity-1, kept current
  friend bool operator==(const MemberRecord&, const MemberRecord&) = default;
};

struct Channel {
  std::string id;
  protocol::IdValue game_id;
  protocol::IdValue team_id;
  std::vector<std::string> roster;       // display forms, in the creator's order
  std::vector<std::string> roster_keys;  // folded, sorted, unique
  std::string pairing_key;               // teamId + roster_keys: equal keys meet in one channel
  std::vector<MemberRecord> members;     // in join order
  std::int64_t created_ms = 0;

  bool on_roster(const std::string& riot_key) const;
  const MemberRecord* member(const std::string& peer_id) const;
};

enum class JoinOutcome { Joined, AlreadyMember, Full, NoSuchChannel };
enum class LeaveOutcome { Left, LeftAndDeleted, NotMember, NoSuchChannel };

class ChannelStore {
 public:
  virtual ~ChannelStore() = default;

  // One live connection per Riot ID: claim succeeds when nobody holds `riot_key`.
  virtual bool claim_riot_id(const std::string& riot_key, const std::string& peer_id) = 0;
  virtual std::optional<std::string> riot_id_holder(const std::string& riot_key) const = 0;
  // Releases only if `peer_id` is the holder.
  virtual void release_riot_id(const std::string& riot_key, const std::string& peer_id) = 0;
  virtual std::size_t riot_id_count() const = 0;

  // The channel with this pairing key, or a new one made from `proposal` (whose id the caller
  // chose). Returns the channel and whether it was created now.
  virtual std::pair<Channel, bool> find_or_create(const Channel& proposal) = 0;
  virtual std::optional<Channel> find(const std::string& channel_id) const = 0;
  // Channels whose roster names this player: the ones a player can be offered on registering.
  virtual std::vector<Channel> channels_for(const std::string& riot_key) const = 0;

  virtual JoinOutcome add_member(const std::string& channel_id, const MemberRecord& member,
                                 std::size_t max_members) = 0;
  virtual LeaveOutcome remove_member(const std::string& channel_id,
                                     const std::string& peer_id) = 0;
  // A member's identity-1 level changed (Riot verification): later joiners are told the new one.
  // False when there is no such channel or member.
  virtual bool set_member_level(const std::string& channel_id, const std::string& peer_id,
                                protocol::IdentityLevel level) = 0;
  // Deletes a channel that has no members (a channel made but never joined); false otherwise.
  virtual bool delete_if_empty(const std::string& channel_id) = 0;
  // The channel's game is over (the server saw it end): from now on it is found neither by its
  // pairing key (find_or_create makes a new channel for the same roster: the next game) nor by
  // channels_for. An empty one is deleted at once, any other when its last member leaves.
  // False when there is no such channel.
  virtual bool retire(const std::string& channel_id) = 0;
  // Ids of channels that nobody has joined (or everyone left) since before `cutoff_ms`.
  virtual std::vector<std::string> empty_channels_created_before(std::int64_t cutoff_ms) const = 0;
  virtual std::size_t channel_count() const = 0;
};

}  // namespace shotcall::core
