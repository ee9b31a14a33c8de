// The Lua scripts the Redis-backed store runs: each is one atomic step inside Redis, which is
// what keeps the pairing rules (one connection per Riot ID, one channel per roster, at most five
// members) atomic across instances. Key layout and JSON fields: signaling/store/store_records.hpp.
#pragma once

namespace shotcall::server::redis_lua {

// ARGV: #riotKeys #playerKeys #channelIds #pairingKeys, then the names in that order.
// Returns key, value (nil: absent) pairs for everything a call of the core may read: the named
// entries, channels listed by players and named by pairing keys, and for each named channel its
// pairing key and players' lists. Then "!dead" and the instances that hold members or Riot IDs
// among these and no longer live.
extern const char* const kFetch;

// ARGV: ttlMs #checks, then #checks × (key, expected), then (key, new value) pairs. A value is
// "0" for absent or "1" followed by the text. Applies the writes only when every checked key
// still holds what was expected; returns 1, or 0 when another instance changed one first.
extern const char* const kCommit;

// ARGV: instance ttlMs. Marks this instance alive for ttlMs, and returns "1" (or "0" when its
// mark had expired: others may have evicted its members) followed by the ids of channels
// with members of instances that stopped marking themselves alive (each dead instance is
// claimed by exactly one caller, which cleans its channels up).
extern const char* const kHeartbeat;

// KEYS: the instance's mark; ARGV: ttlMs. Sets the mark, even while Redis refuses writes for
// want of memory (flagged allow-oom; needs Redis 7): a Redis full with noeviction refuses every
// other write, and marks lapsing then would make the instances take each other for dead and evict
// each other's players from every channel once writes are taken again. The mark is a few bytes.
extern const char* const kAliveMark;

// ARGV: ttlMs channelJson retired(0|1). After Redis lost its data: puts back a channel this
// instance has members in, or adds this instance's members to the copy another one put back.
extern const char* const kRestoreChannel;

// ARGV: ttlMs, then keys. Sets the TTL of every key that exists to ttlMs (the refresh of the
// keys this instance's connections use). Returns how many existed.
extern const char* const kRefreshTtls;

}  // namespace shotcall::server::redis_lua
