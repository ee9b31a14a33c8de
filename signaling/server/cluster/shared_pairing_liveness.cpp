// SharedPairing keeping the shared state alive: our mark renewed (beside LivenessBeacon's), dead
// instances found and their members removed from their channels (their teammates hear them
// leave), the TTLs of the keys our connections use refreshed, and a graceful leave.
#include <algorithm>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "signaling/server/cluster/redis_scripts.hpp"
#include "signaling/server/cluster/shared_pairing.hpp"
#include "signaling/server/cluster/shared_pairing_call.hpp"
#include "signaling/store/store_records.hpp"

namespace shotcall::server {

using namespace shared_pairing_detail;

void SharedPairing::leave() {
  if (heartbeat_source_) g_source_remove(heartbeat_source_);
  heartbeat_source_ = 0;
  beacon_->stop();  // before the DEL below, which it would otherwise undo
  // Without our mark the others take over at once: they evict our players from their channels
  // and free their Riot IDs, so clients we are closing can register elsewhere right away.
  commands_->command({"DEL", store::instance_key(instance_)}, nullptr);
  log_.info("instance-leaving", {{"instance", instance_}});
}

gboolean SharedPairing::heartbeat_cb(gpointer self) {
  auto* s = static_cast<SharedPairing*>(self);
  s->beacon_->main_loop_alive();
  s->heartbeat();
  return G_SOURCE_CONTINUE;
}

void SharedPairing::heartbeat(bool restore_if_mark_lost) {
  commands_->command(
      {"EVAL", redis_lua::kHeartbeat, "0", instance_, std::to_string(kAliveTtlMs)},
      [this, restore_if_mark_lost, alive = alive_](const redisReply* reply) {
        if (!*alive || !reply || reply->type != REDIS_REPLY_ARRAY || reply->elements == 0) return;
        std::vector<std::string> ids;
        for (std::size_t i = 1; i < reply->elements; ++i)
          if (reply->element[i]->type == REDIS_REPLY_STRING)
            ids.push_back(to_text(reply->element[i]));
        if (restore_if_mark_lost && to_text(reply->element[0]) == "0" &&
            !pairing_.local_channels().empty()) {
          // Our mark expired (a stall, or Redis lost it): others may have evicted our members.
          log_.warn("instance-mark-lost", {{"instance", instance_}});
          restore_after_outage();
        }
        if (ids.empty()) return;
        log_.warn("dead-instance-cleanup", {{"channels", static_cast<std::uint64_t>(ids.size())}});
        auto call = std::make_unique<Call>();
        call->kind = Call::Kind::Touch;
        call->channels = std::move(ids);
        enqueue(std::move(call));
      });
}

// Every key our connections use has its TTL renewed every kRefreshIntervalS, and the cache is
// pruned to those keys. This runs under the lock every connection's thread shares
// (transport/io_threads.hpp): while it runs, no signal moves on this instance. At 10 000
// sessions an instance uses ~37 000 keys, and doing them all at once held the lock for 0.2-0.5 s
// (50 ms even without copies: a microsecond per key on this kind of machine), which was the
// relay p99 of the two-instance benchmark. So a refresh walks the connections in slices, each
// slice's keys sent as one script call, and sweeps what no connection used at the end.
gboolean SharedPairing::refresh_cb(gpointer self) {
  auto* s = static_cast<SharedPairing*>(self);
  if (!s->refresh_slice_source_) s->start_refresh();  // else the last one is still going
  return G_SOURCE_CONTINUE;
}

void SharedPairing::start_refresh() {
  ++refreshes_;
  refresh_conns_ = pairing_.local_conns();
  refresh_next_ = 0;
  if (refresh_slice())
    refresh_slice_source_ = g_timeout_add(kRefreshSliceMs, refresh_slice_cb, this);
}

gboolean SharedPairing::refresh_slice_cb(gpointer self) {
  auto* s = static_cast<SharedPairing*>(self);
  if (s->refresh_slice()) return G_SOURCE_CONTINUE;
  s->refresh_slice_source_ = 0;
  return G_SOURCE_REMOVE;
}

bool SharedPairing::refresh_slice() {
  const std::uint64_t now = refreshes_;
  const std::string ttl = std::to_string(kKeyTtlMs);
  std::vector<std::string_view> argv{"EVAL", redis_lua::kRefreshTtls, "0", ttl};
  const std::size_t no_keys = argv.size();
  const auto hold = [&](const std::string& key) -> const Cached* {
    const auto it = cache_.find(key);
    if (it == cache_.end()) return nullptr;
    // The cache's own string: it outlives the command below (nothing is erased before it).
    if (it->second.renewed != now && it->second.value) argv.emplace_back(it->first);
    it->second.renewed = it->second.used = now;
    return &it->second;
  };
  const auto claim = [&](const std::string& riot_key) { hold(store::claim_key(riot_key)); };
  const auto channel = [&](const std::string& id) {
    if (const auto r = channel_refs_.find(id); r != channel_refs_.end()) {
      if (r->second.refresh == now) return;  // done for another of our members
      r->second.refresh = now;
    }
    const Cached* record = hold(store::channel_key(id));
    if (!record || !record->value) return;
    if (ChannelRefs* refs = channel_refs(id)) {
      refs->refresh = now;
      hold(store::pairing_key(refs->pairing_key));
      for (const auto& k : refs->roster_keys) hold(store::player_key(k));
    }
  };
  const std::size_t end = std::min(refresh_conns_.size(), refresh_next_ + kConnsPerRefreshSlice);
  for (; refresh_next_ < end; ++refresh_next_)
    pairing_.visit_local(refresh_conns_[refresh_next_], claim, channel);
  if (argv.size() > no_keys) commands_->command(std::span<const std::string_view>{argv}, nullptr);
  if (refresh_next_ < refresh_conns_.size()) return true;

  // Used by none of our connections now. What a call fetched or wrote during this refresh is
  // marked by remember(), so a call in flight loses nothing.
  std::erase_if(cache_, [now](const auto& entry) { return entry.second.used != now; });
  std::erase_if(channel_refs_, [now](const auto& entry) { return entry.second.refresh != now; });
  refresh_conns_ = {};
  return false;
}

SharedPairing::ChannelRefs* SharedPairing::channel_refs(const std::string& channel_id) {
  if (const auto it = channel_refs_.find(channel_id); it != channel_refs_.end()) return &it->second;
  // A channel's roster and pairing key never change: decoded once from the record our member's
  // join fetched.
  const auto cached = cache_.find(store::channel_key(channel_id));
  if (cached == cache_.end() || !cached->second.value) return nullptr;
  auto record = store::decode_channel(*cached->second.value);
  if (!record || record->id != channel_id) return nullptr;
  // Not marked: only the refresh's own walk says a channel is still ours.
  ChannelRefs refs{std::move(record->roster_keys), std::move(record->pairing_key)};
  return &channel_refs_.emplace(channel_id, std::move(refs)).first->second;
}

}  // namespace shotcall::server
