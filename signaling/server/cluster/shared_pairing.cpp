// SharedPairing's life and its entry points: making the Redis links, starting and stopping, the
// calls the shell makes, and /metrics. The jobs live in files of their own:
//   shared_pairing_calls.cpp     the transaction queue: one core call at a time against Redis
//   shared_pairing_relay.cpp     pub/sub: messages between instances, relays straight to pub/sub
//   shared_pairing_liveness.cpp  heartbeat, dead-instance cleanup, TTL refresh, leaving
//   shared_pairing_outage.cpp    Redis lost and back: the cache, and putting our channels back
#include "signaling/server/cluster/shared_pairing.hpp"

#include <string>
#include <utility>
#include <variant>

#include "signaling/core/replies.hpp"
#include "signaling/server/cluster/shared_pairing_call.hpp"
#include "signaling/server/ops/prometheus_text.hpp"
#include "signaling/store/store_records.hpp"

namespace shotcall::server {

using namespace shared_pairing_detail;

SharedPairing::SharedPairing(core::Pairing& pairing, store::SnapshotStore& store, CallClock& clock,
                             std::string instance, RedisEndpoint endpoint, Logger& log, Hooks hooks,
                             std::size_t max_queued_calls)
    : pairing_(pairing),
      store_(store),
      clock_(clock),
      instance_(std::move(instance)),
      log_(log),
      hooks_(std::move(hooks)),
      max_queued_calls_(max_queued_calls),
      queue_full_text_("too many requests waiting for an answer (at most " +
                       std::to_string(max_queued_calls) + ", or " +
                       std::to_string(kMaxQueuedBytesPerConn / 1024) +
                       " KiB of them, at a time): dropped; wait for the answers before sending "
                       "more") {
  commands_ = std::make_unique<RedisLink>(endpoint, [this](bool up) { on_state(up); });
  subscriber_ = std::make_unique<RedisLink>(endpoint, [this](bool up) {
    log_.info(up ? "redis-subscribed" : "redis-subscriber-lost", {{"instance", instance_}});
    note_ready();
  });
  beacon_ = std::make_unique<LivenessBeacon>(
      endpoint, store::instance_key(instance_), std::chrono::milliseconds(kAliveTtlMs),
      std::chrono::milliseconds(kHeartbeatIntervalMs), std::chrono::milliseconds(kStallLimitMs));
  subscriber_->subscribe(
      {store::inbox_channel(instance_), store::notice_channel(), store::replacement_channel()},
      [this](const std::string& channel, const std::string& payload) {
        on_inbox(channel, payload);
      });
}

SharedPairing::~SharedPairing() {
  *alive_ = false;
  beacon_.reset();
  for (guint s : {heartbeat_source_, refresh_source_, refresh_slice_source_})
    if (s) g_source_remove(s);
  subscriber_.reset();
  commands_.reset();
}

void SharedPairing::start() {
  commands_->start();
  subscriber_->start();
  beacon_->start();
  heartbeat_source_ = g_timeout_add(kHeartbeatIntervalMs, heartbeat_cb, this);
  refresh_source_ = g_timeout_add_seconds(kRefreshIntervalS, refresh_cb, this);
}

// ---- the shell's calls ------------------------------------------------------------------------

void SharedPairing::handle(core::ConnId conn, protocol::ClientMessage message) {
  handle(conn, std::move(message), 0);
}

void SharedPairing::handle(core::ConnId conn, protocol::ClientMessage message,
                           std::int64_t received_us) {
  const bool relay = std::holds_alternative<protocol::SignalTo>(message.body);
  if (!relay) received_us = 0;  // only relays are timed
  // A connection with calls queued keeps its order: this one waits behind them.
  const auto queued = queued_per_conn_.find(conn);
  // Near enough: the call around it, and what can be large (a signal's data, a chat's text).
  std::size_t bytes = sizeof(Call);
  if (const auto* s = std::get_if<protocol::SignalTo>(&message.body)) bytes += s->data_json.size();
  if (const auto* c = std::get_if<protocol::ChatSend>(&message.body)) bytes += c->text.size();
  if (queued != queued_per_conn_.end() && (queued->second.calls >= max_queued_calls_ ||
                                           queued->second.bytes + bytes > kMaxQueuedBytesPerConn)) {
    ++counters_.calls_refused;
    hooks_.deliver(
        {{conn, core::replies::error(message.id, protocol::ErrorCode::RateLimited, queue_full_text_,
                                     protocol::type_name(message.body))}});
    return;
  }
  if (queued == queued_per_conn_.end()) {
    // A relay to a peer of another instance goes straight to pub/sub (shared_pairing_relay.cpp):
    // that instance checks the target is in the sender's channel. Without Redis it is a call
    // like any other, answered from what we last saw.
    if (relay && commands_->up()) {
      if (auto direct = pairing_.relay_elsewhere(conn, message)) {
        relay_direct(conn, std::move(*direct), received_us);
        return;
      }
    }
    if (pairing_.needs(conn, message).empty()) {
      // Needs nothing from the store (a relay to a local peer, a refused request): answer now.
      core::Outbox out = pairing_.handle(conn, message);
      publish_remote(out);
      deliver(out, received_us);
      replace_here(out);
      return;
    }
  }
  auto call = std::make_unique<Call>();
  call->conn = conn;
  call->message = std::move(message);
  call->received_us = received_us;
  call->bytes = bytes;
  enqueue(std::move(call));
}

void SharedPairing::deliver(const core::Outbox& out, std::int64_t relay_start_us) {
  if (relay_start_us != 0 && hooks_.deliver_relay)
    hooks_.deliver_relay(out, relay_start_us);
  else
    hooks_.deliver(out);
}

void SharedPairing::disconnect(core::ConnId conn) {
  auto call = std::make_unique<Call>();
  call->kind = Call::Kind::Disconnect;
  call->conn = conn;
  enqueue(std::move(call));
}

void SharedPairing::sweep() {
  // Back from an outage, the other instances may not have put their channels back yet (they do
  // as soon as they see Redis again, well within a key's TTL).
  if (!commands_->up() || g_get_monotonic_time() - restored_at_us_ < kKeyTtlMs * 1000) return;
  auto call = std::make_unique<Call>();
  call->kind = Call::Kind::ForgetStale;
  enqueue(std::move(call));
}

void SharedPairing::riot_answered(core::RiotAnswer answer) {
  auto call = std::make_unique<Call>();
  call->kind = Call::Kind::RiotAnswer;
  // Behind its connection's queued calls, and undone with it when the call is.
  call->conn = pairing_.conn_of_verification(answer.lookup.verification);
  call->answer = std::move(answer);
  enqueue(std::move(call));
}

void SharedPairing::on_replacement(core::Replacement replacement, bool from_elsewhere) {
  if (from_elsewhere) ++counters_.replacements_in;
  auto call = std::make_unique<Call>();
  call->kind = Call::Kind::Replaced;
  call->replacement = std::move(replacement);
  enqueue(std::move(call));
}

void SharedPairing::open_server_channel(protocol::IdValue game_id, protocol::IdValue team_id,
                                        std::vector<std::string> roster) {
  auto call = std::make_unique<Call>();
  call->kind = Call::Kind::OpenServer;
  call->game_id = std::move(game_id);
  call->team_id = std::move(team_id);
  call->roster = std::move(roster);
  enqueue(std::move(call));
}

void SharedPairing::close_server_game(std::string game_id) {
  auto call = std::make_unique<Call>();
  call->kind = Call::Kind::CloseServer;
  call->game = std::move(game_id);
  enqueue(std::move(call));
}

// ---- /metrics ---------------------------------------------------------------------------------

void SharedPairing::render_metrics(PrometheusText& out) const {
  const auto line = [&](const char* name, const char* help, MetricType type, std::uint64_t v) {
    out.family(name, help, type);
    out.sample(v);
  };
  // Which instance answered: through a load balancer or a shared port that is not obvious.
  out.family("shotcall_instance_info", "This instance's --instance-id.", MetricType::gauge);
  out.sample({{"instance", instance_}}, 1);
  line("shotcall_redis_up", "1 while this instance reaches Redis (both links).", MetricType::gauge,
       redis_up() ? 1 : 0);
  line("shotcall_redis_lost_total", "Times the link to Redis was lost.", MetricType::counter,
       counters_.redis_lost);
  line("shotcall_store_calls_total", "Core calls run as store transactions.", MetricType::counter,
       counters_.calls);
  line("shotcall_store_conflicts_total", "Transactions retried: another instance won the race.",
       MetricType::counter, counters_.retries_conflict);
  line("shotcall_store_refetches_total", "Transactions retried to fetch keys they read.",
       MetricType::counter, counters_.retries_missed);
  line("shotcall_store_local_calls_total", "Transactions answered from memory, Redis unreachable.",
       MetricType::counter, counters_.local_calls);
  line("shotcall_store_queue_length", "Core calls waiting for the store.", MetricType::gauge,
       queue_.size());
  line("shotcall_store_calls_refused_total",
       "Messages answered rate-limited: their connection had --burst calls (or 256 KiB) waiting.",
       MetricType::counter, counters_.calls_refused);
  line("shotcall_store_calls_abandoned_total",
       "Core calls given up after their tries (Redis refusing writes); requests among them were "
       "answered unavailable, Riot answers verify-busy.",
       MetricType::counter, counters_.calls_abandoned);
  line("shotcall_remote_messages_sent_total", "Messages published to other instances.",
       MetricType::counter, counters_.remote_out);
  line("shotcall_remote_messages_received_total", "Messages from other instances.",
       MetricType::counter, counters_.remote_in);
  line("shotcall_remote_messages_dropped_total", "Messages for other instances lost: no Redis.",
       MetricType::counter, counters_.remote_dropped);
  line("shotcall_replacements_sent_total",
       "Identity replacements (4001) published for the other instances' connections.",
       MetricType::counter, counters_.replacements_out);
  line("shotcall_replacements_received_total",
       "Identity replacements (4001) from other instances applied to this one's connections.",
       MetricType::counter, counters_.replacements_in);
  line("shotcall_dead_instance_evictions_total", "Channels cleaned of a dead instance's members.",
       MetricType::counter, counters_.evicted_channels);
  line("shotcall_redis_restores_total", "Times this instance put its channels back into Redis.",
       MetricType::counter, counters_.restores);
  line("shotcall_remote_relays_delivered_total",
       "Relays from other instances delivered here (checked here: target and sender's roster).",
       MetricType::counter, counters_.relays_delivered);
  line("shotcall_remote_relays_refused_total",
       "Relays between instances answered no-such-peer: target not in the channel, or gone.",
       MetricType::counter, counters_.relays_refused);
  line("shotcall_remote_relays_unverified_total",
       "Relays from other instances dropped: the sender could not be vouched for.",
       MetricType::counter, counters_.relays_unverified);
}

}  // namespace shotcall::server
