// How shared channel state is laid out in a key-value store (Redis): key names and the text of
// each value. Pure: the Redis shell and SnapshotStore share it, and the Lua scripts
// (signaling/server/cluster/redis_scripts.cpp) read the same JSON fields.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signaling/core/channel_store.hpp"

namespace shotcall::store {

// Every key starts with this, so one Redis database can be shared with other software.
inline constexpr std::string_view kPrefix = "shotcall:";

std::string claim_key(std::string_view riot_key);      // → holder's peer id
std::string channel_key(std::string_view channel_id);  // → encode_channel
std::string pairing_key(std::string_view pairing);     // → channel id
std::string player_key(std::string_view riot_key);     // → encode_ids: channels naming the player
std::string instance_key(std::string_view instance);   // exists while the instance lives
std::string instances_set_key();                       // every instance that said it lives
std::string inbox_channel(std::string_view instance);  // pub/sub: messages for its peers
std::string notice_channel();                          // pub/sub: admin notices, every instance
std::string replacement_channel();  // pub/sub: core::Replacement, for every instance

// Peer ids of a store-backed deployment name their instance: "<instance>.<random hex>", so a
// message for a peer goes to the right instance without another lookup, and the members of a
// dead instance can be told apart. Empty when the id has no instance part.
std::string instance_of_peer(std::string_view peer_id);
// 1 to 24 of [A-Za-z0-9_-].
bool is_valid_instance_id(std::string_view instance);

// Channel fields in JSON: {"id","g","gn","t","tn","roster","keys","pk","m":[[peer,riot,key]],"c"}.
std::string encode_channel(const core::Channel& channel);
std::optional<core::Channel> decode_channel(std::string_view text);
std::string encode_ids(const std::vector<std::string>& ids);  // a JSON array of strings
std::optional<std::vector<std::string>> decode_ids(std::string_view text);

}  // namespace shotcall::store
