// SharedPairing when Redis goes and comes back: the cache of what our connections last saw
// (answers while Redis is away, and what is put back after it lost its data), whether both links
// are up, and putting our channels and Riot IDs back after an outage or a lost mark.
#include <memory>
#include <utility>

#include "signaling/server/cluster/redis_scripts.hpp"
#include "signaling/server/cluster/shared_pairing.hpp"
#include "signaling/server/cluster/shared_pairing_call.hpp"
#include "signaling/store/store_records.hpp"

namespace shotcall::server {

using namespace shared_pairing_detail;

void SharedPairing::on_state(bool up) {
  if (!up) {
    ready_ = false;
    outage_ = true;
    ++counters_.redis_lost;
    log_.warn("redis-lost", {{"instance", instance_}});
    return;
  }
  log_.info("redis-connected", {{"instance", instance_}});
  // The restore below covers a mark lost while we were away: the beat need not restore again.
  heartbeat(false);
  if (std::exchange(outage_, false)) restore_after_outage();
  publish_kept_replacements();
  note_ready();
}

void SharedPairing::note_ready() {
  const bool up = redis_up();
  if (up && !ready_) {
    // Both links up: what /healthz reports as "ok". Counted, so a test can wait for the n-th.
    log_.info("redis-ready", {{"times", ++counters_.ready}});
  }
  ready_ = up;
}

void SharedPairing::remember(const store::Snapshot& snapshot) {
  for (const auto& [key, value] : snapshot.values) cache_[key] = Cached{value, refreshes_, 0};
}

void SharedPairing::remember_writes(const std::vector<store::KeyWrite>& writes) {
  for (const auto& w : writes) cache_[w.key] = Cached{w.value, refreshes_, 0};
}

store::Snapshot SharedPairing::local_snapshot(const core::StoreNeeds& needs) const {
  return store::fetch_snapshot(needs, [this](const std::string& key) -> std::optional<std::string> {
    const auto it = cache_.find(key);
    return it == cache_.end() ? std::nullopt : it->second.value;
  });
}

void SharedPairing::restore_after_outage() {
  restored_at_us_ = g_get_monotonic_time();
  if (pairing_.connection_count() == 0) return;  // nothing of ours to put back
  ++counters_.restores;
  std::size_t channels = 0;
  // "redis-restored" is logged once every channel is back (or the link fell again).
  struct Pending {
    Logger* log;
    std::shared_ptr<bool> alive;
    std::size_t channels = 0;
    std::size_t pending = 1;  // released below, after the last command is queued
    void done() {
      if (--pending == 0 && *alive)
        log->info("redis-restored", {{"channels", static_cast<std::uint64_t>(channels)}});
    }
  };
  auto restore_pending = std::make_shared<Pending>(Pending{&log_, alive_});
  for (const auto& id : pairing_.local_channels()) {
    const auto it = cache_.find(store::channel_key(id));
    if (it == cache_.end() || !it->second.value) continue;
    auto channel = store::decode_channel(*it->second.value);
    if (!channel) continue;
    // Only our own members: the other instances put theirs back themselves.
    std::erase_if(channel->members, [&](const core::MemberRecord& m) {
      return !pairing_.resolve_remote(m.peer_id, core::OnlyIf::Always, {});
    });
    ++channels;
    restore_pending->channels = channels;
    if (commands_->command({"EVAL", redis_lua::kRestoreChannel, "0", std::to_string(kKeyTtlMs),
                            store::encode_channel(*channel), "0"},
                           [restore_pending](const redisReply*) { restore_pending->done(); }))
      ++restore_pending->pending;
  }
  for (const auto& [riot_key, peer] : pairing_.local_claims()) {
    commands_->command(
        {"SET", store::claim_key(riot_key), peer, "PX", std::to_string(kKeyTtlMs), "NX"},
        [this, riot_key, peer, alive = alive_](const redisReply* reply) {
          if (!*alive || !reply || reply->type != REDIS_REPLY_NIL) return;
          // Already there: ours (Redis kept its data), or someone else's.
          commands_->command({"GET", store::claim_key(riot_key)}, [this, riot_key, peer,
                                                                   alive](const redisReply* held) {
            if (*alive && held && held->type == REDIS_REPLY_STRING && to_text(held) != peer)
              log_.warn("riot-id-held-elsewhere-after-outage", {{"riot_key", riot_key}});
          });
        });
  }
  restore_pending->done();
}

}  // namespace shotcall::server
