// SharedPairing's transaction queue: each core call that reads shared state runs as a small
// transaction, one at a time in arrival order, without blocking the main loop. Ask the core what
// the call reads (Pairing::needs*), fetch that in one Lua step, run the core on the snapshot,
// commit its writes with a compare-and-set Lua step; a lost race or a read of something not
// fetched rolls the core back (Pairing::checkpoint) and runs the call again on fresh data.
#include <algorithm>
#include <memory>
#include <variant>

#include "signaling/core/replies.hpp"
#include "signaling/server/cluster/redis_scripts.hpp"
#include "signaling/server/cluster/shared_pairing.hpp"
#include "signaling/server/cluster/shared_pairing_call.hpp"

namespace shotcall::server {
namespace {

using namespace shared_pairing_detail;

// The fetch script's reply: key/value pairs, then "!dead" and dead instances.
bool parse_fetch(const redisReply* r, store::Snapshot& out) {
  if (!r || r->type != REDIS_REPLY_ARRAY) return false;
  std::size_t i = 0;
  for (; i + 1 < r->elements; i += 2) {
    const redisReply* k = r->element[i];
    if (k->type != REDIS_REPLY_STRING) return false;
    std::string key = to_text(k);
    if (key == "!dead") break;
    const redisReply* v = r->element[i + 1];
    if (v->type == REDIS_REPLY_STRING)
      out.values[key] = to_text(v);
    else
      out.values[key] = std::nullopt;
  }
  if (i >= r->elements || to_text(r->element[i]) != "!dead") return false;
  for (++i; i < r->elements; ++i)
    if (r->element[i]->type == REDIS_REPLY_STRING)
      out.dead_instances.insert(to_text(r->element[i]));
  return true;
}

std::string encoded(const std::optional<std::string>& v) { return v ? "1" + *v : "0"; }

}  // namespace

void SharedPairing::enqueue(std::unique_ptr<Call> call) {
  if (call->conn) {
    auto& queued = queued_per_conn_[call->conn];
    ++queued.calls;
    queued.bytes += call->bytes;
  }
  queue_.push_back(std::move(call));
  pump();
}

void SharedPairing::pump() {
  if (pumping_) return;  // the loop below picks the next call up
  pumping_ = true;
  while (!busy_ && !queue_.empty()) {
    busy_ = true;
    begin(*queue_.front());
  }
  pumping_ = false;
}

void SharedPairing::begin(Call& call) {
  if (call.attempts == 0) call.now_ms = clock_.now_ms();
  clock_.freeze(call.now_ms);
  core::StoreNeeds needs;
  switch (call.kind) {
    case Call::Kind::Message:
      needs = pairing_.needs(call.conn, call.message);
      break;
    case Call::Kind::Disconnect:
      needs = pairing_.needs_disconnect(call.conn);
      break;
    case Call::Kind::OpenServer:
      needs = pairing_.needs_open_server_channel(call.game_id, call.team_id, call.roster);
      break;
    case Call::Kind::CloseServer:
      needs = pairing_.needs_close_server_game(call.game);
      break;
    case Call::Kind::Touch:
      needs.channel_ids = call.channels;
      break;
    case Call::Kind::RiotAnswer:
      needs = pairing_.needs_riot_answer(call.answer);
      break;
    case Call::Kind::Replaced:
      needs = pairing_.needs_replaced(call.replacement);
      break;
    case Call::Kind::ForgetStale:
      needs = pairing_.needs_forget_stale();
      break;
    case Call::Kind::Evict:
      needs.channel_ids = call.channels;
      break;
  }
  clock_.thaw();
  needs.merge(call.extra);
  const bool needs_redis = call.kind == Call::Kind::ForgetStale || call.kind == Call::Kind::Evict;
  if (needs_redis && !commands_->up()) {
    // From the cache alone every channel not ours would read as gone, and an eviction would
    // change the cache only.
    give_up(call);
    return;
  }

  if (needs.empty() || !commands_->up() || call.here_only) {
    if (!needs.empty()) ++counters_.local_calls;
    run(call, local_snapshot(needs));
    return;
  }
  std::vector<std::string> argv{"EVAL",
                                redis_lua::kFetch,
                                "0",
                                std::to_string(needs.riot_keys.size()),
                                std::to_string(needs.player_keys.size()),
                                std::to_string(needs.channel_ids.size()),
                                std::to_string(needs.pairing_keys.size())};
  for (const auto* list :
       {&needs.riot_keys, &needs.player_keys, &needs.channel_ids, &needs.pairing_keys})
    argv.insert(argv.end(), list->begin(), list->end());
  Call* c = &call;
  const bool sent = commands_->command(argv, [this, c, alive = alive_](const redisReply* reply) {
    if (!*alive) return;
    store::Snapshot snapshot;
    if (!parse_fetch(reply, snapshot)) {
      if (reply && reply->type == REDIS_REPLY_ERROR)
        log_.error("redis-fetch-failed", {{"error", to_text(reply)}});
      retry(*c, "redis");
      return;
    }
    remember(snapshot);
    run(*c, std::move(snapshot));
  });
  if (!sent && needs_redis) {
    give_up(call);
  } else if (!sent) {
    run(call, local_snapshot(needs));
  }
}

core::Outbox SharedPairing::perform(Call& call) {
  switch (call.kind) {
    case Call::Kind::Message:
      return pairing_.handle(call.conn, call.message);
    case Call::Kind::Disconnect:
      return pairing_.disconnect(call.conn);
    case Call::Kind::OpenServer:
      return pairing_.open_server_channel(call.game_id, call.team_id, call.roster);
    case Call::Kind::CloseServer:
      return pairing_.close_server_game(call.game);
    case Call::Kind::Touch:
      return {};
    case Call::Kind::RiotAnswer:
      return pairing_.riot_answered(call.answer);
    case Call::Kind::Replaced:
      return pairing_.replaced(call.replacement);
    case Call::Kind::ForgetStale:
      pairing_.forget_stale();
      return {};
    case Call::Kind::Evict:
      return pairing_.evict(call.channels.front(), {call.peer});
  }
  return {};
}

void SharedPairing::run(Call& call, store::Snapshot snapshot) {
  const bool local = !commands_->up() || call.here_only;
  store_.load(std::move(snapshot));
  clock_.freeze(call.now_ms);
  auto saved = std::shared_ptr<core::Pairing::Checkpoint>(pairing_.checkpoint(call.conn));
  core::Outbox out;
  {
    const core::Pairing::Journal journal(pairing_, *saved);  // what the call closes, kept
    // Members of dead instances leave first, in the same transaction, so a player reconnecting
    // from one finds its place free.
    for (const auto& [channel_id, peers] : store_.dead_members()) {
      out.append(pairing_.evict(channel_id, peers));
      ++counters_.evicted_channels;
    }
    out.append(perform(call));
  }
  clock_.thaw();

  if (store_.missed()) {
    pairing_.restore(*saved);
    call.extra.merge(store_.missing());
    ++counters_.retries_missed;
    retry(call, "missed");
    return;
  }
  auto writes = std::make_shared<std::vector<store::KeyWrite>>(store_.writes());
  if (writes->empty()) {
    finish(std::move(out));
    return;
  }
  if (local) {
    remember_writes(*writes);
    finish(std::move(out));
    return;
  }
  const auto checks = store_.checks();
  std::vector<std::string> argv{"EVAL", redis_lua::kCommit, "0", std::to_string(kKeyTtlMs),
                                std::to_string(checks.size())};
  for (const auto& c : checks) {
    argv.push_back(c.key);
    argv.push_back(encoded(c.expected));
  }
  for (const auto& w : *writes) {
    argv.push_back(w.key);
    argv.push_back(encoded(w.value));
  }
  auto result = std::make_shared<core::Outbox>(std::move(out));
  Call* c = &call;
  const bool sent = commands_->command(
      argv, [this, c, saved, writes, result, alive = alive_](const redisReply* reply) {
        if (!*alive) return;
        if (reply && reply->type == REDIS_REPLY_INTEGER && reply->integer == 1) {
          remember_writes(*writes);
          finish(std::move(*result));
          return;
        }
        pairing_.restore(*saved);
        if (reply && reply->type == REDIS_REPLY_INTEGER) {
          ++counters_.retries_conflict;
          retry(*c, "conflict");
        } else {
          if (reply && reply->type == REDIS_REPLY_ERROR)
            log_.error("redis-commit-failed", {{"error", to_text(reply)}});
          retry(*c, "redis");
        }
      });
  if (!sent) {
    pairing_.restore(*saved);
    retry(call, "redis");
  }
}

void SharedPairing::retry(Call& call, const char* why) {
  if (++call.attempts >= kMaxAttempts) {
    if (call.kind == Call::Kind::Disconnect && !call.here_only) {
      // A closed connection left in the core would keep its Riot ID and its seat for good: the
      // TTL refresh renews the keys of every connection it holds. Gone from here, its claim in
      // Redis lapses within kKeyTtlMs, its teammates hear it leave now, and its place in the
      // channel's record (which its teammates' instances keep renewing) is taken out once
      // Redis takes writes again.
      log_.error("store-call-local", {{"why", why}, {"conn", call.conn}});
      const auto peer = pairing_.peer_id_of(call.conn);
      const auto channel = pairing_.channel_of(call.conn);
      if (peer && channel) evict_later(*channel, *peer, kRefreshIntervalS);
      call.here_only = true;
      // A few tries on the cache (where a key it lacks reads as absent).
      call.attempts = kMaxAttempts - 4;
      begin(call);
      return;
    }
    // An eviction tries again later by itself: said once, not every round.
    if (call.kind != Call::Kind::Evict || call.retry_s == kRefreshIntervalS)
      log_.error("store-call-abandoned", {{"why", why}, {"conn", call.conn}});
    ++counters_.calls_abandoned;
    give_up(call);
    return;
  }
  begin(call);
}

void SharedPairing::evict_later(std::string channel_id, std::string peer_id, guint delay_s) {
  struct Later {
    SharedPairing* self;
    std::shared_ptr<bool> alive;
    std::string channel_id, peer_id;
    guint delay_s;
  };
  g_timeout_add_seconds_full(
      G_PRIORITY_DEFAULT, delay_s,
      [](gpointer data) -> gboolean {
        auto* later = static_cast<Later*>(data);
        if (!*later->alive) return G_SOURCE_REMOVE;
        auto call = std::make_unique<Call>();
        call->kind = Call::Kind::Evict;
        call->channels = {later->channel_id};
        call->peer = later->peer_id;
        call->retry_s = later->delay_s;
        // Two tries a round: Redis refusing writes is not a race that the next try wins, and
        // the queue is everyone's.
        call->attempts = kMaxAttempts - 2;
        later->self->enqueue(std::move(call));
        return G_SOURCE_REMOVE;
      },
      new Later{this, alive_, std::move(channel_id), std::move(peer_id), delay_s},
      [](gpointer data) { delete static_cast<Later*>(data); });
}

void SharedPairing::give_up(const Call& call) {
  core::Outbox out;
  if (call.kind == Call::Kind::Evict) evict_again(call);
  // A request is answered, even when it could not be carried out: a client waits for the reply
  // to its `id`, and nothing of it was kept, so the same request can simply be sent again.
  if (call.kind == Call::Kind::Message && call.conn)
    out.push_back({call.conn, core::replies::error(
                                  call.message.id, protocol::ErrorCode::Unavailable,
                                  kStoreRefusedText, protocol::type_name(call.message.body))});
  else if (call.kind == Call::Kind::RiotAnswer)
    out = pairing_.riot_answer_lost(call.answer);  // lost, not the verification: checked again
  finish(std::move(out));  // `call` goes with it
}

void SharedPairing::evict_again(const Call& call) {
  evict_later(call.channels.front(), call.peer, std::min(2 * call.retry_s, kMaxEvictRetryS));
}

void SharedPairing::finish(core::Outbox out) {
  std::unique_ptr<Call> done = std::move(queue_.front());
  queue_.pop_front();
  if (done->conn) {
    const auto q = queued_per_conn_.find(done->conn);
    if (q != queued_per_conn_.end()) {
      q->second.bytes -= done->bytes;
      if (--q->second.calls == 0) queued_per_conn_.erase(q);
    }
  }
  busy_ = false;
  ++counters_.calls;
  publish_remote(out);
  deliver(out, done->received_us);
  replace_here(out);  // after the answer: the reply goes before its connections' closes
  pump();
}

}  // namespace shotcall::server
