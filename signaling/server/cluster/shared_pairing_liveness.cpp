// SharedPairing keeping the shared state alive: our mark renewed (beside LivenessBeacon's), dead
// instances found and their members removed from their channels (their teammates hear them
// leave), the TTLs of the keys our connections use refreshed, and a graceful leave.
#include <memory>

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

gboolean SharedPairing::refresh_cb(gpointer self) {
  static_cast<SharedPairing*>(self)->refresh_ttls();
  return G_SOURCE_CONTINUE;
}

void SharedPairing::refresh_ttls() {
  std::unordered_map<std::string, std::optional<std::string>> keep;
  std::vector<std::string> keys;
  const auto hold = [&](const std::string& key) {
    const auto it = cache_.find(key);
    if (it == cache_.end()) return std::optional<std::string>{};
    keep[key] = it->second;
    if (it->second) keys.push_back(key);
    return it->second;
  };
  for (const auto& [riot_key, peer] : pairing_.local_claims()) hold(store::claim_key(riot_key));
  std::unordered_map<std::string, std::vector<std::string>> rosters;
  for (const auto& id : pairing_.local_channels()) {
    const auto v = hold(store::channel_key(id));
    if (const auto r = rosters_.find(id); r != rosters_.end()) rosters.insert(*r);
    if (!v) continue;
    if (const auto c = store::decode_channel(*v)) {
      hold(store::pairing_key(c->pairing_key));
      for (const auto& k : c->roster_keys) hold(store::player_key(k));
    }
  }
  // A call in flight loses nothing by this: its commit puts back what it writes.
  cache_ = std::move(keep);
  rosters_ = std::move(rosters);  // the relay checks' rosters, of our channels only
  for (const auto& key : keys)
    commands_->command({"PEXPIRE", key, std::to_string(kKeyTtlMs)}, nullptr);
}

}  // namespace shotcall::server
