// The pairing core: protocol messages in, protocol messages out. It knows no sockets; the server
// shell turns WebSocket frames into calls here and sends what comes back.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "signaling/core/channel_store.hpp"
#include "signaling/protocol/messages.hpp"

namespace shotcall::core {

using ConnId = std::uint64_t;  // the shell's handle for one connection

// Whom a message for a peer on another server instance reaches, checked where that peer lives
// (several instances sharing one store, docs/self-hosting.md "Scaling out"). With one instance
// every peer is local and these never appear.
enum class OnlyIf {
  Always,
  InNoChannel,       // an offer from find-or-create-channel: only to a teammate in no channel
  FreeForOffer,      // an offer of a server channel (`only_channel`): see open_server_channel
  Watching,          // game-ended: only to a connection that sent watch-game
  InChannel,         // a relay: only while the peer is in `only_channel`
};

struct Outgoing {
  Outgoing() = default;
  Outgoing(ConnId to_conn, protocol::ServerMessage what) : to(to_conn), message(std::move(what)) {}
  Outgoing(ConnId to_conn, protocol::ServerMessage what, std::string peer, OnlyIf condition,
           std::string channel)
      : to(to_conn), message(std::move(what)), to_peer(std::move(peer)), only(condition),
        only_channel(std::move(channel)) {}

  ConnId to = 0;  // kRemote: the peer `to_peer`, held by another instance
  protocol::ServerMessage message;
  std::string to_peer;
  OnlyIf only = OnlyIf::Always;
  std::string only_channel;
  friend bool operator==(const Outgoing&, const Outgoing&) = default;
};
using Outbox = std::vector<Outgoing>;
inline constexpr ConnId kRemote = 0;

// The store entries one call of the core reads: what a shared store must fetch before the call
// (pairing.hpp: needs_*). Channels listed by `player_keys` and named by `pairing_keys` come with
// them; each channel brings its pairing key and players' lists.
struct StoreNeeds {
  std::vector<std::string> riot_keys;    // riot_id_holder / claim
  std::vector<std::string> player_keys;  // channels_for
  std::vector<std::string> channel_ids;  // find
  std::vector<std::string> pairing_keys; // find_or_create
  bool empty() const {
    return riot_keys.empty() && player_keys.empty() && channel_ids.empty() && pairing_keys.empty();
  }
  void merge(const StoreNeeds& other);
};

struct PairingConfig {
  std::size_t max_members = 5;
  std::vector<protocol::IceServer> ice_servers;
  protocol::ServerInfo server{"shotcall-signal", "0"};
  // When set, register-user must carry this token or get `unauthorized`.
  std::optional<std::string> access_token;
  // Server-side game detection runs (the server has a Riot API key): watch-game is accepted.
  // Otherwise it gets `watch-unavailable`.
  bool watch_available = false;
};

// What the shell must tell the Riot watcher, produced by watch-game, unwatch-game and closed
// connections (take_watch_requests). The core stays pure; the shell owns the watcher.
struct WatchRequest {
  enum class Kind { Watch, Unwatch };
  Kind kind = Kind::Watch;
  std::string riot_id;  // as the connection registered it
  friend bool operator==(const WatchRequest&, const WatchRequest&) = default;
};

struct PairingDeps {
  std::function<std::int64_t()> now_ms;         // wall clock, for channel ids and chat ts
  std::function<std::string()> new_peer_id;     // random, unguessable, >= 64 bits
};

class Pairing {
 public:
  Pairing(PairingConfig config, ChannelStore& store, PairingDeps deps);

  // A WebSocket opened: gives it a peerId (sent later in `connected`).
  void connect(ConnId conn);
  // One decoded frame from `conn`.
  Outbox handle(ConnId conn, const protocol::ClientMessage& message);
  // The connection closed (any way): leaves its channel at once and frees its Riot ID.
  Outbox disconnect(ConnId conn);
  // Deletes channels made but not joined for `unjoined_ttl_ms`; the shell calls it now and then.
  // Returns how many went.
  std::size_t sweep(std::int64_t unjoined_ttl_ms);
  // A notice to every connection (admin broadcast, shutdown warnings).
  Outbox broadcast_notice(const protocol::Notice& notice) const;

  // ---- server-side game detection (pairing_watch.cpp) ----
  // Watch/unwatch requests produced since the last call, oldest first.
  std::vector<WatchRequest> take_watch_requests();
  // The watcher saw watched players of this team in a game. Finds or creates the team's channel
  // by pairing key exactly as find-or-create-channel does (so teammates who detected the game
  // locally meet it, and joining needs a place on the roster as for any channel), remembers it
  // under `game_id`, and sends `channel-available` to every registered player on the roster who
  // is in no channel (or still in the channel of a game that ended). Riot IDs that are not valid
  // protocol Riot IDs are left out; nothing happens when none is left or the ids are too long.
  Outbox open_server_channel(const protocol::IdValue& game_id, const protocol::IdValue& team_id,
                             const std::vector<std::string>& roster);
  // The watcher saw the game end: each member of its channels gets a `notice` (and the watching
  // ones `game-ended`), and the channels are retired: deleted now when empty, else once their
  // last member leaves; the roster's next game gets a new channel.
  Outbox close_server_game(const std::string& game_id);
  // The watcher stopped tracking the game without seeing it end (its last watched player left):
  // its channels become ordinary channels.
  void forget_server_game(const std::string& game_id);
  // Riot knows no account by this Riot ID: the watching connection gets a warning `notice`.
  Outbox account_not_found(const std::string& riot_id) const;
  std::size_t watching_count() const;
  std::size_t server_game_count() const { return server_games_.size(); }

  // ---- several instances sharing one store (pairing_remote.cpp) ----
  // What handle(conn, message) / disconnect(conn) / ... will read from the store, for a store
  // that must fetch before answering. Empty: the call needs nothing (a relay to a local peer).
  // Channel ids depend on the clock: the caller freezes now_ms between needs and the call.
  StoreNeeds needs(ConnId conn, const protocol::ClientMessage& message) const;
  StoreNeeds needs_disconnect(ConnId conn) const;
  StoreNeeds needs_open_server_channel(const protocol::IdValue& game_id,
                                       const protocol::IdValue& team_id,
                                       const std::vector<std::string>& roster) const;
  StoreNeeds needs_close_server_game(const std::string& game_id) const;
  // A message another instance's core addressed to a peer (Outgoing with to == kRemote): the
  // local connection it reaches, if that peer is here and the condition holds.
  std::optional<ConnId> resolve_remote(const std::string& peer_id, OnlyIf only,
                                       const std::string& only_channel) const;
  // Members whose instance died: removed from the channel as if each had closed its connection,
  // the remaining members told. Local peers are never evicted this way.
  Outbox evict(const std::string& channel_id, const std::vector<std::string>& peer_ids);
  // Everything a call may change in the core's own state, so a call whose store transaction
  // lost a race can be undone and run again.
  struct Checkpoint;
  std::unique_ptr<Checkpoint> checkpoint(ConnId conn) const;
  void restore(const Checkpoint& saved);
  // Channels that hold at least one local connection, and Riot IDs held here (for TTL refresh).
  std::vector<std::string> local_channels() const;
  std::vector<std::pair<std::string, std::string>> local_claims() const;  // riot key, peer id

  std::size_t connection_count() const { return conns_.size(); }
  std::size_t registered_count() const;
  std::size_t channel_count() const { return store_.channel_count(); }
  std::optional<std::string> peer_id_of(ConnId conn) const;

 private:
  struct Conn {
    std::string peer_id;
    std::optional<std::string> riot_id;  // display form, once registered
    std::string riot_key;
    std::optional<std::string> channel_id;
    // The last channel this connection created and nobody has joined yet. A player is in one
    // game at a time, so creating another one retires it: one connection cannot pile up channels.
    std::optional<std::string> pending_created;
    bool watching = false;  // sent watch-game (and not unwatch-game since)
  };

 public:
  struct Checkpoint {
    ConnId conn = 0;
    std::optional<Conn> state;
    std::size_t watch_requests = 0;
    std::unordered_map<std::string, std::vector<std::string>> server_games;
    std::unordered_set<std::string> retired;
  };

 private:

  Outbox on_register(ConnId conn, Conn& c, const std::optional<std::string>& id,
                     const protocol::RegisterUser& m);
  Outbox on_find_or_create(ConnId conn, Conn& c, const std::optional<std::string>& id,
                           const protocol::FindOrCreateChannel& m);
  Outbox on_join(ConnId conn, Conn& c, const std::optional<std::string>& id,
                 const protocol::JoinChannel& m);
  Outbox on_leave(ConnId conn, Conn& c, const std::optional<std::string>& id,
                  const protocol::LeaveChannel& m);
  Outbox on_signal(ConnId conn, Conn& c, const std::optional<std::string>& id,
                   const protocol::SignalTo& m);
  Outbox on_chat(ConnId conn, Conn& c, const std::optional<std::string>& id,
                 const protocol::ChatSend& m);
  Outbox on_watch(ConnId conn, Conn& c, const std::optional<std::string>& id);
  Outbox on_unwatch(ConnId conn, Conn& c, const std::optional<std::string>& id);

  // Removes `c` from its channel, telling the others; the empty channel goes.
  void leave_current(Conn& c, Outbox& out);
  // `peer_id` left `channel_id` (already removed from the store): the remaining members hear it.
  void announce_left(const std::string& channel_id, const std::string& peer_id, Outbox& out) const;
  // To a member by peer id: the local connection, or a remote message (store-backed deployments).
  void to_member(const std::string& peer_id, const protocol::ServerMessage& message, Outbox& out,
                 OnlyIf only = OnlyIf::Always, const std::string& only_channel = {}) const;
  // To a registered player by Riot key wherever it is connected; nothing when nobody holds it.
  void to_player(const std::string& riot_key, const protocol::ServerMessage& message, Outbox& out,
                 OnlyIf only, const std::string& only_channel = {}) const;
  void offer_channel(const Channel& channel, const std::string& except_key, Outbox& out) const;
  Channel propose_channel(const protocol::IdValue& game_id, const protocol::IdValue& team_id,
                          const std::vector<std::string>& teammates) const;
  // find_or_create with an id no other channel has.
  std::pair<Channel, bool> find_or_create(Channel proposal);
  // Forgets channels of server games (and retired ones) that no longer exist.
  void prune_server_games();
  // Not in a channel, or only in one whose game ended: free for an offer of a server channel.
  bool free_for_offer(const Conn& c) const;
  std::optional<ConnId> conn_of_peer(const std::string& peer_id) const;
  std::optional<ConnId> conn_of_riot_key(const std::string& riot_key) const;
  bool passes(const Conn& c, OnlyIf only, const std::string& only_channel) const;

  PairingConfig config_;
  ChannelStore& store_;
  PairingDeps deps_;
  std::unordered_map<ConnId, Conn> conns_;
  std::unordered_map<std::string, ConnId> by_peer_;
  std::unordered_map<std::string, ConnId> by_riot_key_;
  std::vector<WatchRequest> watch_requests_;
  // Channel game id (as the watcher names it) → the channels opened for it.
  std::unordered_map<std::string, std::vector<std::string>> server_games_;
  // Retired channels that still have members: their members count as free for new offers.
  std::unordered_set<std::string> retired_;
};

}  // namespace shotcall::core
