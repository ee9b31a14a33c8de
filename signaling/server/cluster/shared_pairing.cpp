#include "signaling/server/cluster/shared_pairing.hpp"

#include <hiredis/hiredis.h>
#include <json-glib/json-glib.h>

#include <variant>

#include "signaling/protocol/codec.hpp"
#include "signaling/protocol/json_writer.hpp"
#include "signaling/server/cluster/redis_scripts.hpp"
#include "signaling/store/store_records.hpp"

namespace shotcall::server {
namespace {

// Shared keys live this long unless their owners refresh them; owners refresh at a sixth of it.
constexpr std::int64_t kKeyTtlMs = 30000;
constexpr guint kRefreshIntervalS = 5;
// An instance that has not marked itself alive for this long is dead: its members are removed
// and its players' Riot IDs become free. Short, because its clients are reconnecting elsewhere.
// The mark is renewed from a thread of its own (LivenessBeacon), so a main loop busy for seconds
// is not taken for dead; one that stops turning for kStallLimitMs is.
constexpr std::int64_t kAliveTtlMs = 2000;
constexpr guint kHeartbeatIntervalMs = 500;
constexpr std::int64_t kStallLimitMs = 15000;
// A call that keeps losing races gives up after this many tries (in practice it wins the
// second: one instance always gets through each round).
constexpr int kMaxAttempts = 64;

void append(core::Outbox& to, core::Outbox from) {
  for (auto& o : from) to.push_back(std::move(o));
}

std::string to_text(const redisReply* r) { return std::string{r->str, r->len}; }

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
    if (r->element[i]->type == REDIS_REPLY_STRING) out.dead_instances.insert(to_text(r->element[i]));
  return true;
}

std::string encoded(const std::optional<std::string>& v) { return v ? "1" + *v : "0"; }

struct ParserUnref {
  void operator()(JsonParser* p) const { g_object_unref(p); }
};

}  // namespace

std::int64_t CallClock::now_ms() const {
  return frozen_ ? *frozen_ : static_cast<std::int64_t>(g_get_real_time() / 1000);
}

struct SharedPairing::Call {
  enum class Kind { Message, Disconnect, OpenServer, CloseServer, Touch };
  Kind kind = Kind::Message;
  core::ConnId conn = 0;
  protocol::ClientMessage message;
  protocol::IdValue game_id, team_id;
  std::vector<std::string> roster;
  std::string game;
  std::vector<std::string> channels;
  core::StoreNeeds extra;  // keys an earlier attempt read without having them
  std::int64_t now_ms = 0;
  int attempts = 0;
};

SharedPairing::SharedPairing(core::Pairing& pairing, store::SnapshotStore& store, CallClock& clock,
                             std::string instance, RedisEndpoint endpoint, Logger& log, Hooks hooks)
    : pairing_(pairing),
      store_(store),
      clock_(clock),
      instance_(std::move(instance)),
      log_(log),
      hooks_(std::move(hooks)) {
  commands_ = std::make_unique<RedisLink>(endpoint, [this](bool up) { on_state(up); });
  subscriber_ = std::make_unique<RedisLink>(endpoint, [this](bool up) {
    log_.info(up ? "redis-subscribed" : "redis-subscriber-lost", {{"instance", instance_}});
    note_ready();
  });
  beacon_ = std::make_unique<LivenessBeacon>(
      endpoint, store::instance_key(instance_), std::chrono::milliseconds(kAliveTtlMs),
      std::chrono::milliseconds(kHeartbeatIntervalMs), std::chrono::milliseconds(kStallLimitMs));
  subscriber_->subscribe(
      {store::inbox_channel(instance_), store::notice_channel()},
      [this](const std::string& channel, const std::string& payload) { on_inbox(channel, payload); });
}

SharedPairing::~SharedPairing() {
  *alive_ = false;
  beacon_.reset();
  for (guint s : {heartbeat_source_, refresh_source_})
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

// ---- calls -----------------------------------------------------------------------------------

void SharedPairing::handle(core::ConnId conn, protocol::ClientMessage message) {
  const auto q = queued_per_conn_.find(conn);
  if (q == queued_per_conn_.end() && pairing_.needs(conn, message).empty()) {
    // Needs nothing from the store (a relay to a local peer, a refused request): answer now.
    core::Outbox out = pairing_.handle(conn, message);
    publish_remote(out);
    hooks_.deliver(out);
    if (hooks_.after_call) hooks_.after_call();
    return;
  }
  auto call = std::make_unique<Call>();
  call->conn = conn;
  call->message = std::move(message);
  enqueue(std::move(call));
}

void SharedPairing::disconnect(core::ConnId conn) {
  auto call = std::make_unique<Call>();
  call->kind = Call::Kind::Disconnect;
  call->conn = conn;
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

void SharedPairing::enqueue(std::unique_ptr<Call> call) {
  if (call->conn) ++queued_per_conn_[call->conn];
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
    case Call::Kind::Message: needs = pairing_.needs(call.conn, call.message); break;
    case Call::Kind::Disconnect: needs = pairing_.needs_disconnect(call.conn); break;
    case Call::Kind::OpenServer:
      needs = pairing_.needs_open_server_channel(call.game_id, call.team_id, call.roster);
      break;
    case Call::Kind::CloseServer: needs = pairing_.needs_close_server_game(call.game); break;
    case Call::Kind::Touch: needs.channel_ids = call.channels; break;
  }
  clock_.thaw();
  needs.merge(call.extra);

  if (needs.empty() || !commands_->up()) {
    if (!needs.empty()) ++counters_.local_calls;
    run(call, local_snapshot(needs));
    return;
  }
  std::vector<std::string> argv{"EVAL", redis_lua::kFetch, "0",
                                std::to_string(needs.riot_keys.size()),
                                std::to_string(needs.player_keys.size()),
                                std::to_string(needs.channel_ids.size()),
                                std::to_string(needs.pairing_keys.size())};
  for (const auto* list : {&needs.riot_keys, &needs.player_keys, &needs.channel_ids,
                           &needs.pairing_keys})
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
  if (!sent) run(call, local_snapshot(needs));
}

core::Outbox SharedPairing::perform(Call& call) {
  switch (call.kind) {
    case Call::Kind::Message: return pairing_.handle(call.conn, call.message);
    case Call::Kind::Disconnect: return pairing_.disconnect(call.conn);
    case Call::Kind::OpenServer:
      return pairing_.open_server_channel(call.game_id, call.team_id, call.roster);
    case Call::Kind::CloseServer: return pairing_.close_server_game(call.game);
    case Call::Kind::Touch: return {};
  }
  return {};
}

void SharedPairing::run(Call& call, store::Snapshot snapshot) {
  const bool local = !commands_->up();
  store_.load(std::move(snapshot));
  clock_.freeze(call.now_ms);
  auto saved = std::shared_ptr<core::Pairing::Checkpoint>(pairing_.checkpoint(call.conn));
  core::Outbox out;
  // Members of dead instances leave first, in the same transaction, so a player reconnecting
  // from one finds its place free.
  for (const auto& [channel_id, peers] : store_.dead_members()) {
    append(out, pairing_.evict(channel_id, peers));
    ++counters_.evicted_channels;
  }
  append(out, perform(call));
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
    log_.error("store-call-abandoned", {{"why", why}, {"conn", call.conn}});
    finish({});
    return;
  }
  begin(call);
}

void SharedPairing::finish(core::Outbox out) {
  std::unique_ptr<Call> done = std::move(queue_.front());
  queue_.pop_front();
  if (done->conn) {
    const auto q = queued_per_conn_.find(done->conn);
    if (q != queued_per_conn_.end() && --q->second == 0) queued_per_conn_.erase(q);
  }
  busy_ = false;
  ++counters_.calls;
  publish_remote(out);
  hooks_.deliver(out);
  if (hooks_.after_call) hooks_.after_call();
  pump();
}

// ---- messages between instances ---------------------------------------------------------------

void SharedPairing::publish_remote(const core::Outbox& out) {
  for (const auto& o : out) {
    if (o.to != core::kRemote) continue;
    const std::string instance = store::instance_of_peer(o.to_peer);
    // Our own peer that is not here any more, or an id from no instance: nobody to tell.
    if (instance.empty() || instance == instance_) continue;
    protocol::json::Writer w(256);
    w.begin_object();
    w.string_member("p", o.to_peer);
    w.integer_member("o", static_cast<int>(o.only));
    w.string_member("c", o.only_channel);
    w.string_member("m", protocol::encode(o.message));
    w.end_object();
    if (commands_->command({"PUBLISH", store::inbox_channel(instance), w.take()}, nullptr))
      ++counters_.remote_out;
    else
      ++counters_.remote_dropped;
  }
}

void SharedPairing::on_inbox(const std::string& channel, const std::string& payload) {
  std::unique_ptr<JsonParser, ParserUnref> parser{json_parser_new_immutable()};
  if (!json_parser_load_from_data(parser.get(), payload.data(),
                                  static_cast<gssize>(payload.size()), nullptr))
    return;
  JsonNode* root = json_parser_get_root(parser.get());
  if (!root || !JSON_NODE_HOLDS_OBJECT(root)) return;
  JsonObject* o = json_node_get_object(root);
  if (channel == store::notice_channel()) {
    const char* text = json_object_get_string_member_with_default(o, "text", "");
    const std::string level = json_object_get_string_member_with_default(o, "level", "info");
    if (!*text) return;
    log_.info("admin-notice", {{"level", level}});
    hooks_.notice_all(protocol::Notice{
        level == "warning" ? protocol::NoticeLevel::Warning : protocol::NoticeLevel::Info, text});
    return;
  }
  const char* peer = json_object_get_string_member_with_default(o, "p", "");
  const char* only_channel = json_object_get_string_member_with_default(o, "c", "");
  const char* message = json_object_get_string_member_with_default(o, "m", "");
  const auto only = json_object_get_int_member_with_default(o, "o", 0);
  if (only < 0 || only > static_cast<int>(core::OnlyIf::InChannel) || !*message) return;
  ++counters_.remote_in;
  if (const auto conn = pairing_.resolve_remote(peer, static_cast<core::OnlyIf>(only), only_channel))
    hooks_.send_text(*conn, message);
}

// ---- Redis up and down ------------------------------------------------------------------------

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
  for (const auto& [key, value] : snapshot.values) cache_[key] = value;
}

void SharedPairing::remember_writes(const std::vector<store::KeyWrite>& writes) {
  for (const auto& w : writes) cache_[w.key] = w.value;
}

store::Snapshot SharedPairing::local_snapshot(const core::StoreNeeds& needs) const {
  return store::fetch_snapshot(needs, [this](const std::string& key) -> std::optional<std::string> {
    const auto it = cache_.find(key);
    return it == cache_.end() ? std::nullopt : it->second;
  });
}

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
          if (reply->element[i]->type == REDIS_REPLY_STRING) ids.push_back(to_text(reply->element[i]));
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
  for (const auto& id : pairing_.local_channels()) {
    const auto v = hold(store::channel_key(id));
    if (!v) continue;
    if (const auto c = store::decode_channel(*v)) {
      hold(store::pairing_key(c->pairing_key));
      for (const auto& k : c->roster_keys) hold(store::player_key(k));
    }
  }
  // A call in flight loses nothing by this: its commit puts back what it writes.
  cache_ = std::move(keep);
  for (const auto& key : keys)
    commands_->command({"PEXPIRE", key, std::to_string(kKeyTtlMs)}, nullptr);
}

void SharedPairing::restore_after_outage() {
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
    if (it == cache_.end() || !it->second) continue;
    auto channel = store::decode_channel(*it->second);
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
    commands_->command({"SET", store::claim_key(riot_key), peer, "PX", std::to_string(kKeyTtlMs),
                        "NX"},
                       [this, riot_key, peer, alive = alive_](const redisReply* reply) {
                         if (!*alive || !reply || reply->type != REDIS_REPLY_NIL) return;
                         // Already there: ours (Redis kept its data), or someone else's.
                         commands_->command(
                             {"GET", store::claim_key(riot_key)},
                             [this, riot_key, peer, alive](const redisReply* held) {
                               if (*alive && held && held->type == REDIS_REPLY_STRING &&
                                   to_text(held) != peer)
                                 log_.warn("riot-id-held-elsewhere-after-outage",
                                           {{"riot_key", riot_key}});
                             });
                       });
  }
  restore_pending->done();
}

std::string SharedPairing::render_metrics() const {
  std::string out;
  const auto line = [&](const char* name, const char* help, const char* type, std::uint64_t v) {
    out += std::string{"# HELP "} + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(v) + "\n";
  };
  // Which instance answered: through a load balancer or a shared port that is not obvious.
  out += "# HELP shotcall_instance_info This instance's --instance-id.\n"
         "# TYPE shotcall_instance_info gauge\nshotcall_instance_info{instance=\"" +
         instance_ + "\"} 1\n";
  line("shotcall_redis_up", "1 while this instance reaches Redis (both links).", "gauge",
       redis_up() ? 1 : 0);
  line("shotcall_redis_lost_total", "Times the link to Redis was lost.", "counter",
       counters_.redis_lost);
  line("shotcall_store_calls_total", "Core calls run as store transactions.", "counter",
       counters_.calls);
  line("shotcall_store_conflicts_total", "Transactions retried: another instance won the race.",
       "counter", counters_.retries_conflict);
  line("shotcall_store_refetches_total", "Transactions retried to fetch keys they read.",
       "counter", counters_.retries_missed);
  line("shotcall_store_local_calls_total", "Transactions answered from memory, Redis unreachable.",
       "counter", counters_.local_calls);
  line("shotcall_store_queue_length", "Core calls waiting for the store.", "gauge",
       queue_.size());
  line("shotcall_remote_messages_sent_total", "Messages published to other instances.",
       "counter", counters_.remote_out);
  line("shotcall_remote_messages_received_total", "Messages from other instances.", "counter",
       counters_.remote_in);
  line("shotcall_remote_messages_dropped_total", "Messages for other instances lost: no Redis.",
       "counter", counters_.remote_dropped);
  line("shotcall_dead_instance_evictions_total", "Channels cleaned of a dead instance's members.",
       "counter", counters_.evicted_channels);
  line("shotcall_redis_restores_total", "Times this instance put its channels back into Redis.",
       "counter", counters_.restores);
  return out;
}

}  // namespace shotcall::server
