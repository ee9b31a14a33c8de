// The one place that knows whether this instance runs alone or shares its state through Redis.
#include <utility>

#include "signaling/server/cluster/redis_link.hpp"
#include "signaling/server/cluster/shared_pairing.hpp"
#include "signaling/server/local_runner.hpp"
#include "signaling/server/ops/log.hpp"
#include "signaling/server/ops/server_config.hpp"
#include "signaling/server/pairing_runner.hpp"
#include "signaling/server/transport/peer_id.hpp"
#include "signaling/store/memory_store.hpp"
#include "signaling/store/snapshot_store.hpp"

namespace shotcall::server {

std::unique_ptr<core::ChannelStore> make_channel_store(const ServerConfig& config) {
  if (config.redis_url) return std::make_unique<store::SnapshotStore>();
  return std::make_unique<core::MemoryStore>();
}

std::string make_instance_name(const ServerConfig& config) {
  if (!config.redis_url) return {};
  if (!config.instance_id.empty()) return config.instance_id;
  return new_peer_id().substr(0, 8);
}

std::unique_ptr<PairingRunner> make_pairing_runner(const ServerConfig& config, RunnerParts parts,
                                                   RunnerSink sink, std::string& error) {
  if (!config.redis_url) return std::make_unique<LocalRunner>(parts.pairing, std::move(sink));

  RedisEndpoint endpoint;
  if (!parse_redis_url(*config.redis_url, endpoint, error)) return nullptr;
  core::Pairing& pairing = parts.pairing;
  SharedPairing::Hooks hooks;
  hooks.deliver = [deliver = sink.deliver](const core::Outbox& out) { deliver(out, 0); };
  hooks.send_text = sink.send_text;
  hooks.deliver_relay = sink.deliver;  // relays carry their arrival time
  hooks.notice_all = [&pairing, deliver = sink.deliver](const protocol::Notice& notice) {
    deliver(pairing.broadcast_notice(notice), 0);
  };
  parts.log.info("shared-state", {{"redis", *config.redis_url}, {"instance", parts.instance}});
  // make_channel_store gave this mode a SnapshotStore.
  return std::make_unique<SharedPairing>(pairing, static_cast<store::SnapshotStore&>(parts.store),
                                         parts.clock, parts.instance, endpoint, parts.log,
                                         std::move(hooks), config.burst);
}

}  // namespace shotcall::server
