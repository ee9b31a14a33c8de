// What the files of SharedPairing share and nobody else needs: the timings of the shared state,
// one queued core call, and reading a Redis reply. Private to signaling/server/cluster.
#pragma once

#include <glib.h>
#include <hiredis/hiredis.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "signaling/core/pairing.hpp"
#include "signaling/server/cluster/shared_pairing.hpp"

namespace shotcall::server::shared_pairing_detail {

// Shared keys live this long unless their owners refresh them; owners refresh at a sixth of it.
inline constexpr std::int64_t kKeyTtlMs = 30000;
inline constexpr guint kRefreshIntervalS = 5;
// The TTL refresh walks this many connections per slice (~750 keys, one script call, about a
// millisecond under the loop lock), a slice every kRefreshSliceMs: 10 000 connections in ~0.8 s.
inline constexpr std::size_t kConnsPerRefreshSlice = 200;
inline constexpr guint kRefreshSliceMs = 20;
// An instance that has not marked itself alive for this long is dead: its members are removed
// and its players' Riot IDs become free. Short, because its clients are reconnecting elsewhere.
// The mark is renewed from a thread of its own (LivenessBeacon), so a main loop busy for seconds
// is not taken for dead; one that stops turning for kStallLimitMs is.
inline constexpr std::int64_t kAliveTtlMs = 2000;
inline constexpr guint kHeartbeatIntervalMs = 500;
inline constexpr std::int64_t kStallLimitMs = 15000;
// A call that keeps losing races gives up after this many tries (in practice it wins the
// second: one instance always gets through each round).
inline constexpr int kMaxAttempts = 64;
// The longest wait between two rounds of an eviction Redis keeps refusing.
inline constexpr guint kMaxEvictRetryS = 60;
// What one connection's waiting calls may hold in all (the first always waits, however large).
inline constexpr std::size_t kMaxQueuedBytesPerConn = 256 * 1024;
// The answer to a request whose call was given up (Redis kept refusing it): nothing was kept.
inline constexpr const char* kStoreRefusedText =
    "the server could not save this request (its shared store refused it): nothing changed; "
    "send it again in a moment, and if this keeps happening tell the server's operator";

inline std::string to_text(const redisReply* r) { return std::string{r->str, r->len}; }

}  // namespace shotcall::server::shared_pairing_detail

namespace shotcall::server {

// One core call waiting for (or running as) a store transaction.
struct SharedPairing::Call {
  enum class Kind {
    Message,
    Disconnect,
    OpenServer,
    CloseServer,
    Touch,
    RiotAnswer,
    Replaced,
    ForgetStale,
    Evict
  };
  Kind kind = Kind::Message;
  core::ConnId conn = 0;
  protocol::ClientMessage message;
  std::int64_t received_us = 0;  // a relay's arrival (monotonic), for its latency
  std::size_t bytes = 0;         // what it holds, counted against its connection's share
  protocol::IdValue game_id, team_id;
  std::vector<std::string> roster;
  std::string game;
  std::vector<std::string> channels;
  core::RiotAnswer answer;    // RiotAnswer
  core::Replacement replacement;  // Replaced: another instance's
  core::StoreNeeds extra;  // keys an earlier attempt read without having them
  std::int64_t now_ms = 0;
  int attempts = 0;
  bool here_only = false;  // run on what this instance last saw, its writes never committed
  std::string peer;        // Evict: a member of channels[0] this instance no longer holds
  guint retry_s = 0;       // Evict: how long it waited to run (the next wait doubles it)
};

}  // namespace shotcall::server
