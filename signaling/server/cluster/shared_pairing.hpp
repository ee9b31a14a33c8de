// Runs the pairing core against state shared in Redis, so several shotcall-signal instances
// serve as one (docs/self-hosting.md, "Scaling out").
//
// Each call of the core becomes a small transaction on the main loop, without blocking it:
// ask the core what the call reads (Pairing::needs*), fetch that in one Lua step, run the core
// on the fetched snapshot, and commit its writes with a compare-and-set Lua step. When another
// instance changed a fetched key first, or the call read something not fetched, the core is
// rolled back (Pairing::checkpoint) and the call runs again on fresh data. Calls run one at a
// time in arrival order, which keeps each connection's messages in order. A relay needs no
// store when its connection has nothing queued: between two local peers it is answered at once,
// and to a peer of another instance it goes straight to pub/sub, checked where it arrives
// (shared_pairing_relay.cpp).
//
// Messages for peers on other instances go through Redis pub/sub, one channel per instance
// (a peer id names its instance). Each instance marks itself alive every half second; the first
// to see another one dead removes that one's members from their channels, and their teammates
// hear them leave. When Redis is unreachable the instance keeps answering from what it last saw
// (its own connections and their channels), and puts its channels back when Redis returns.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "signaling/core/pairing.hpp"
#include "signaling/server/call_clock.hpp"
#include "signaling/server/cluster/liveness_beacon.hpp"
#include "signaling/server/cluster/redis_link.hpp"
#include "signaling/server/ops/log.hpp"
#include "signaling/server/pairing_runner.hpp"
#include "signaling/store/snapshot_store.hpp"

namespace shotcall::server {

// The shared PairingRunner (pairing_runner.hpp); make_pairing_runner makes it with --redis.
class SharedPairing final : public PairingRunner {
 public:
  struct Hooks {
    std::function<void(const core::Outbox&)> deliver;       // to local connections
    std::function<bool(core::ConnId, const std::string&)> send_text;  // an encoded frame
    std::function<void(const protocol::Notice&)> notice_all;          // to every local connection
    // Relayed signals for local connections, with when their frame arrived (monotonic), for the
    // relay latency histogram. Unset: `deliver`, untimed.
    std::function<void(const core::Outbox&, std::int64_t relay_start_us)> deliver_relay;
  };

  // `max_queued_calls`: the calls one connection may have waiting (--burst, as many messages as
  // it may send at once); a message past them is answered rate-limited instead of queued.
  SharedPairing(core::Pairing& pairing, store::SnapshotStore& store, CallClock& clock,
                std::string instance, RedisEndpoint endpoint, Logger& log, Hooks hooks,
                std::size_t max_queued_calls);
  ~SharedPairing() override;
  SharedPairing(const SharedPairing&) = delete;
  SharedPairing& operator=(const SharedPairing&) = delete;

  void start() override;
  // Graceful stop: tell the other instances now instead of letting our mark expire.
  void leave() override;

  // A connection's own state needs no store: straight to the core.
  void connect(core::ConnId conn, std::string address) override {
    pairing_.connect(conn, std::move(address));
  }
  void handle(core::ConnId conn, protocol::ClientMessage message,
              std::int64_t received_us) override;
  void handle(core::ConnId conn, protocol::ClientMessage message);
  void disconnect(core::ConnId conn) override;
  void open_server_channel(protocol::IdValue game_id, protocol::IdValue team_id,
                           std::vector<std::string> roster) override;
  void close_server_game(std::string game_id) override;
  // A call like a client's: a verification's success changes its connection's channel, and an
  // replacement closes connections (here at once, elsewhere through pub/sub).
  void riot_answered(core::RiotAnswer answer) override;
  // Unjoined channels expire with their keys' TTL in Redis; what this instance remembers of
  // channels that went (its server games, retired channels) and old claim warnings go in a call
  // that reads those channels first. Left for the next sweep while Redis is away: its channels
  // would all read as gone.
  void sweep() override;

  bool redis_up() const { return commands_->up() && subscriber_->up(); }
  RunnerHealth health() const override {
    if (redis_up()) return {};
    return {true, "redis unreachable; serving this instance's connections only"};
  }
  std::size_t channel_count() const override { return local_channel_count(); }
  void render_metrics(PrometheusText& out) const override;
  // Channels this instance's connections are in (the /metrics gauge in this mode).
  std::size_t local_channel_count() const { return pairing_.local_channels().size(); }

 private:
  struct Call;
  struct ChannelRefs {
    std::vector<std::string> roster_keys;
    std::string pairing_key;
    std::uint64_t refresh = 0;  // the last TTL refresh that found the channel ours
  };
  void enqueue(std::unique_ptr<Call> call);
  void pump();
  void begin(Call& call);
  void run(Call& call, store::Snapshot snapshot);
  core::Outbox perform(Call& call);
  void retry(Call& call, const char* why);
  // Takes `peer_id` out of the channel's record in a call of its own, `delay_s` from now (and
  // again, twice as late each time up to a minute, while Redis refuses): a member whose
  // leaving ran here only.
  void evict_later(std::string channel_id, std::string peer_id, guint delay_s);
  void evict_again(const Call& call);
  // Ends the call at the queue's front undone: a request is answered `unavailable`, a Riot
  // answer's verification `verify-busy`, an eviction is tried again later.
  void give_up(const Call& call);
  void finish(core::Outbox out);
  // To local connections; timed when `relay_start_us` is not 0.
  void deliver(const core::Outbox& out, std::int64_t relay_start_us);
  // shared_pairing_relay.cpp: messages between instances, relays straight to pub/sub. Also
  // carries the Outbox's replacements to every other instance.
  void publish_remote(const core::Outbox& out);
  // A replacement's connections here close, as a call of its own: one another instance made
  // (`from_elsewhere`), or one of ours (replace_here, after the call that made it).
  void on_replacement(core::Replacement replacement, bool from_elsewhere);
  void replace_here(const core::Outbox& out);
  // Replacements made while Redis was away, published once it is back.
  void publish_kept_replacements();
  void relay_direct(core::ConnId sender, core::Pairing::RemoteRelay relay,
                    std::int64_t received_us);
  void on_inbox(const std::string& channel, const std::string& payload);
  struct InboxRelay;
  void on_direct_relay(const InboxRelay& in);
  // `riot_key` is on the roster of `channel_id`, a channel one of our connections is in.
  bool on_roster(const std::string& channel_id, const std::string& riot_key);
  void on_state(bool up);
  void note_ready();
  void remember(const store::Snapshot& snapshot);
  void remember_writes(const std::vector<store::KeyWrite>& writes);
  store::Snapshot local_snapshot(const core::StoreNeeds& needs) const;
  // Marks us alive, finds dead instances; a lost mark of ours means others may have evicted our
  // members, so they are put back unless `restore_if_mark_lost` is false.
  void heartbeat(bool restore_if_mark_lost = true);
  void start_refresh();
  bool refresh_slice();  // true while connections are left for the next slice
  static gboolean refresh_slice_cb(gpointer self);
  // The decoded refs of one of our channels, or nullptr when its record is not in cache_.
  ChannelRefs* channel_refs(const std::string& channel_id);
  void restore_after_outage();
  static gboolean heartbeat_cb(gpointer self);
  static gboolean refresh_cb(gpointer self);

  core::Pairing& pairing_;
  store::SnapshotStore& store_;
  CallClock& clock_;
  std::string instance_;
  Logger& log_;
  Hooks hooks_;
  std::unique_ptr<RedisLink> commands_;
  std::unique_ptr<RedisLink> subscriber_;
  std::unique_ptr<LivenessBeacon> beacon_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // replies after we are gone

  std::deque<std::unique_ptr<Call>> queue_;
  // Encoded replacements that could not be published yet (Redis away), oldest first.
  static constexpr std::size_t kMaxKeptReplacements = 1000;
  std::vector<std::string> unpublished_replacements_;
  // Calls run one at a time, in arrival order, for every connection of this instance: one
  // connection that sends faster than Redis answers would otherwise grow the queue without end
  // and put everyone else's calls behind its own. So a connection may have max_queued_calls_
  // waiting, holding at most kMaxQueuedBytesPerConn (a signal may carry --max-frame bytes).
  struct Queued {
    std::size_t calls = 0, bytes = 0;
  };
  std::unordered_map<core::ConnId, Queued> queued_per_conn_;
  std::size_t max_queued_calls_;
  std::string queue_full_text_;
  bool busy_ = false;
  bool pumping_ = false;
  // Redis was lost since it was last reached (or never reached yet): restore on return.
  bool outage_ = true;
  bool ready_ = false;   // both links were up when last looked at
  // When this instance last put its channels back (Redis came back, or lost its data), monotonic:
  // the others are doing the same then, so sweep() waits a while.
  std::int64_t restored_at_us_ = 0;

  // Last values seen of keys our connections use: answers during an outage, and what is put
  // back after Redis lost its data. Pruned to our connections' keys on every refresh.
  struct Cached {
    std::optional<std::string> value;
    // The last TTL refresh that found the key in use (or during which a call fetched or wrote
    // it), and the last that renewed its TTL.
    std::uint64_t used = 0, renewed = 0;
  };
  std::unordered_map<std::string, Cached> cache_;
  // What one of our connections' channels names, decoded once from cache_ (it never changes):
  // the relay checks' rosters and the keys whose TTLs the refresh renews. Pruned with cache_.
  std::unordered_map<std::string, ChannelRefs> channel_refs_;
  // The TTL refresh under way (refresh_slice): its number, the connections it walks, the next.
  std::uint64_t refreshes_ = 0;
  std::vector<core::ConnId> refresh_conns_;
  std::size_t refresh_next_ = 0;

  guint heartbeat_source_ = 0;
  guint refresh_source_ = 0;
  guint refresh_slice_source_ = 0;

  struct Counters {
    std::uint64_t calls = 0, retries_conflict = 0, retries_missed = 0, local_calls = 0;
    std::uint64_t remote_out = 0, remote_in = 0, remote_dropped = 0, evicted_channels = 0;
    std::uint64_t restores = 0, redis_lost = 0, ready = 0;
    // Relays straight to pub/sub: delivered here, refused (target not in the sender's channel,
    // or its instance gone: the sender got no-such-peer), or dropped unverified (never delivered).
    std::uint64_t relays_delivered = 0, relays_refused = 0, relays_unverified = 0;
    // Replacements published to the other instances, and received from them.
    std::uint64_t replacements_out = 0, replacements_in = 0;
    std::uint64_t calls_refused = 0;    // past --burst calls (or 256 KiB) waiting: rate-limited
    std::uint64_t calls_abandoned = 0;  // given up after their tries (requests: unavailable)
  } counters_;
};

}  // namespace shotcall::server
