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
#include <variant>
#include <vector>

#include "signaling/core/channel_store.hpp"
#include "signaling/core/identity_rules.hpp"
#include "signaling/core/turn_credentials.hpp"
#include "signaling/protocol/messages.hpp"
#include "signaling/store/identity_store.hpp"

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
  // Non-zero: after `message`, the shell closes the connection with this WebSocket close code
  // (identity-1: 4001 "replaced", 1008 too many registrations). The core has already forgotten
  // the connection by then; its later disconnect() is a no-op.
  int close_code = 0;
  std::string close_reason;
  friend bool operator==(const Outgoing&, const Outgoing&) = default;
};
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
  // Several instances share the store: a Replacement's connections here are closed by the
  // shell's own call of replaced() after the call that made it, as on every other instance,
  // instead of inside that call. The identity database changes such a call makes cannot be
  // undone, so it must not touch the shared channel store and risk a retry.
  bool replace_in_own_call = false;
  // `connected.iceServers`: `ice_servers` (STUN) go to every registered connection; the TURN
  // servers, which relay traffic at the operator's cost, only to connections the identity policy
  // lets into channels (ice_servers_for): `relay_servers` with static credentials, and
  // `turn_secret`'s servers with credentials minted for the one registration.
  std::vector<protocol::IceServer> ice_servers;
  std::vector<protocol::IceServer> relay_servers;
  std::optional<TurnSecretConfig> turn_secret;
  protocol::ServerInfo server{"shotcall-signal", "0"};
  // When set, register-user must carry this token or get `unauthorized`.
  std::optional<std::string> access_token;
  // Server-side game detection runs (the server has a Riot API key): watch-game is accepted.
  // Otherwise it gets `watch-unavailable`.
  bool watch_available = false;
  // identity-1 (shared/protocol-identity.md). Without an identity store (PairingDeps) the server
  // speaks plain v1: `hello` is an unknown type.
  IdentityConfig identity;
  // The largest frame a client accepts (the server's own incoming limit, --max-frame; 0: none).
  // A `signal` whose relayed frame would be larger is refused with `bad-message`, never sent.
  std::size_t max_frame = 0;
  // Channels made by find-or-create and not yet joined that the connections of one client address
  // may hold together; one more is refused with `rate-limited`. (A Riot ID has one connection,
  // and a connection one such channel.) Connections without an address are not counted; 0: no
  // limit (behind a proxy every client has the proxy's address).
  std::size_t max_unjoined_per_address = 8;
  // A refused claim of a connected Riot ID warns its holder at most once per this many ms; the
  // next warning says how many attempts were not reported.
  std::int64_t claim_warning_interval_ms = 60 * 1000;
};

// What the shell must tell the Riot watcher, produced by watch-game, unwatch-game and closed
// connections (Outbox::watch). The core stays pure; the shell owns the watcher.
struct WatchRequest {
  enum class Kind { Watch, Unwatch };
  Kind kind = Kind::Watch;
  std::string riot_id;  // as the connection registered it
  friend bool operator==(const WatchRequest&, const WatchRequest&) = default;
};

// identity-1's Riot verification (pairing_verify.cpp): what the shell must ask Riot, produced by
// verify-riot and verify-riot-check (Outbox::lookups). The shell answers each through
// riot_account_resolved / riot_summoner_read with the same verification id.
struct RiotLookup {
  // RecheckBinding: account-v1 by Riot ID for a riot binding last checked over 24 h ago
  // (answered through riot_binding_rechecked; `verification` is 0).
  enum class Kind { ResolveAccount, ReadSummoner, RecheckBinding };
  Kind kind = Kind::ResolveAccount;
  std::uint64_t verification = 0;
  std::string riot_id;  // ResolveAccount, RecheckBinding: account-v1 by Riot ID
  std::string puuid;    // ReadSummoner: summoner-v4 by puuid
  friend bool operator==(const RiotLookup&, const RiotLookup&) = default;
};

// Connections of a Riot ID that must close with 4001 ("replaced") wherever they are: its keys
// lost their binding (a Riot verification made one key its only one, a device was unlinked, the
// 24-hour re-check found the Riot ID on another account, an operator unbound it), or a proven
// device signed in again while a stale session of it holds the Riot ID on another instance. The
// core lists it in Outbox::replacements and, alone, closes its own connections at once; a shell
// with several instances carries it to the others and applies it here too, each in a call of its
// own (Pairing::replaced; PairingConfig::replace_in_own_call; protocol-identity.md: "an
// unbinding reaches every instance within 2 s").
struct Replacement {
  std::string riot_id;                  // as the binding spells it
  std::optional<std::string> kept_key;  // every connection not proven by this key goes
  std::vector<std::string> proven_by;   // connections proven by one of these go
  std::string why;                      // the notice they get before the close
  friend bool operator==(const Replacement&, const Replacement&) = default;
};

// Everything one call of the core produces: the frames to send (the vector itself, in order),
// what the Riot watcher must start or stop watching, what Riot must be asked, and the
// replacements other instances must apply. One output, so that a call a shared store undoes and
// runs again takes back all of it at once, and the shell has one thing to apply.
struct Outbox : std::vector<Outgoing> {
  using std::vector<Outgoing>::vector;
  std::vector<WatchRequest> watch;
  std::vector<RiotLookup> lookups;
  std::vector<Replacement> replacements;
  // Appends `more` after this: its frames, watch requests, lookups and replacements.
  void append(Outbox&& more);
};

// How one lookup went. Busy: verification's share of the Riot budget is spent (or Riot answered
// 429 or failed): the player is told to retry after `retry_after_ms` and the deadline moves.
enum class RiotLookupStatus { Ok, NotFound, Busy };
struct SummonerState {
  int profile_icon_id = 0;
  std::int64_t revision_date_ms = 0;  // summoner-v4's revisionDate
};
// Riot's answer to one lookup of Outbox::lookups, as the shell got it (Pairing::riot_answered).
struct RiotAnswer {
  RiotLookup lookup;
  RiotLookupStatus status = RiotLookupStatus::Busy;
  std::string puuid;                // account-v1 (ResolveAccount, RecheckBinding), when Ok
  SummonerState summoner;           // summoner-v4 (ReadSummoner), when Ok
  std::int64_t retry_after_ms = 0;  // when Busy
};

struct PairingDeps {
  std::function<std::int64_t()> now_ms;         // wall clock, for channel ids and chat ts
  std::function<std::string()> new_peer_id;     // random, unguessable, >= 64 bits
  // identity-1: the bindings database (null: no identity extension), fresh challenges
  // (base64url of >= 16 random bytes) and link codes (8 Crockford base32 characters).
  store::IdentityStore* identity = nullptr;
  std::function<std::string()> new_challenge;
  std::function<std::string()> new_link_code;
  // A uniformly random integer in [0, n): the icons Riot verification names. Null: the core
  // seeds its own generator from std::random_device.
  std::function<std::uint32_t(std::uint32_t n)> random_below;
};

class Pairing {
 public:
  Pairing(PairingConfig config, ChannelStore& store, PairingDeps deps);

  // A WebSocket opened from `address` (the client's IP, for identity-1's per-address limits):
  // gives it a peerId (sent later in `connected`).
  void connect(ConnId conn, std::string address = {});
  // One decoded frame from `conn`.
  Outbox handle(ConnId conn, const protocol::ClientMessage& message);
  // The connection closed (any way): leaves its channel at once and frees its Riot ID.
  Outbox disconnect(ConnId conn);
  // Deletes channels made but not joined for `unjoined_ttl_ms`; the shell calls it now and then.
  // Returns how many went.
  std::size_t sweep(std::int64_t unjoined_ttl_ms);
  // What outlived its use goes: server games whose channels are gone, retired channels that are
  // gone, refused-claim warnings unused for an hour. Part of sweep(); a store shared with other
  // instances (whose channels expire there by themselves) runs it alone, as a call that reads
  // needs_forget_stale() first.
  void forget_stale();
  // A notice to every connection (admin broadcast, shutdown warnings).
  Outbox broadcast_notice(const protocol::Notice& notice) const;

  // ---- server-side game detection (pairing_watch.cpp) ----
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
  StoreNeeds needs_forget_stale() const;
  // A message another instance's core addressed to a peer (Outgoing with to == kRemote): the
  // local connection it reaches, if that peer is here and the condition holds.
  std::optional<ConnId> resolve_remote(const std::string& peer_id, OnlyIf only,
                                       const std::string& only_channel) const;
  // A `signal` to a peer that is not connected here, decided without the store: nullopt when
  // `message` is anything else (or its target is here): handle() it. Otherwise the sender's own
  // checks ran (registered, in a channel, frame size) and either `refused` is the answer, or
  // `relay` (kRemote, OnlyIf::InChannel of the sender's channel) goes to the target's instance,
  // which alone knows whether the target is in that channel: it delivers, or the sender gets
  // `no_such_peer`, the answer on_signal gives a target outside the channel.
  struct RemoteRelay {
    Outbox refused;
    Outgoing relay;
    protocol::ServerMessage no_such_peer;
    std::string sender_peer, sender_key;  // who sends, for the receiving instance's roster check
  };
  std::optional<RemoteRelay> relay_elsewhere(ConnId conn,
                                             const protocol::ClientMessage& message) const;
  // Members whose instance died: removed from the channel as if each had closed its connection,
  // the remaining members told. Local peers are never evicted this way.
  Outbox evict(const std::string& channel_id, const std::vector<std::string>& peer_ids);
  // Everything a call may change in the core's own state, so a call whose store transaction
  // lost a race can be undone and run again. The call runs while a Journal of the checkpoint
  // lives: the connections it closes on the way (replaced by another device, unbound) are kept
  // in the checkpoint, so that restore() puts them back too.
  struct Checkpoint;
  std::unique_ptr<Checkpoint> checkpoint(ConnId conn) const;
  void restore(const Checkpoint& saved);
  class Journal {
   public:
    Journal(Pairing& pairing, Checkpoint& saved) : pairing_(pairing) { pairing_.journal_ = &saved; }
    ~Journal() { pairing_.journal_ = nullptr; }
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

   private:
    Pairing& pairing_;
  };
  // A replacement (Outbox::replacements of this instance's call or another's): this instance's
  // connections it names close with 4001 and leave their channels. Lists no replacement itself.
  Outbox replaced(const Replacement& replacement);
  StoreNeeds needs_replaced(const Replacement& replacement) const;
  // What riot_answered(answer) will read from the store.
  StoreNeeds needs_riot_answer(const RiotAnswer& answer) const;
  // Channels that hold at least one local connection, and Riot IDs held here (for TTL refresh).
  std::vector<std::string> local_channels() const;
  std::vector<std::pair<std::string, std::string>> local_claims() const;  // riot key, peer id
  // The same a connection at a time, for a TTL refresh done in slices: the connections here
  // now, then what one of them holds (its Riot ID, and its channels); nothing once it is gone.
  std::vector<ConnId> local_conns() const;
  void visit_local(ConnId conn, const std::function<void(const std::string& riot_key)>& claim,
                   const std::function<void(const std::string& channel_id)>& channel) const;

  // ---- identity-1's Riot verification (pairing_verify.cpp) ----
  // Riot's answer to one of Outbox::lookups: to the function below for its kind.
  Outbox riot_answered(const RiotAnswer& answer);
  // Riot answered, but the answer could not be recorded (the shared store refused every try) and
  // everything it changed was rolled back: the lookup is no longer in flight, so the next check
  // asks Riot again, and the request waiting for it hears so (`verify-busy`).
  Outbox riot_answer_lost(const RiotAnswer& answer);
  // account-v1's answer for ResolveAccount: the puuid (Ok), no account (NotFound), or Busy.
  Outbox riot_account_resolved(std::uint64_t verification, RiotLookupStatus status,
                               const std::string& puuid, std::int64_t retry_after_ms = 0);
  // summoner-v4's answer for ReadSummoner.
  Outbox riot_summoner_read(std::uint64_t verification, RiotLookupStatus status,
                            const SummonerState& summoner, std::int64_t retry_after_ms = 0);
  std::size_t pending_verifications() const { return verifications_.size(); }
  // The connection whose verification `id` is pending; 0 when none (or `id` is 0).
  ConnId conn_of_verification(std::uint64_t id) const;
  // account-v1's answer for RecheckBinding: the same puuid keeps the Riot ID's riot bindings
  // (checked now); another puuid or no account removes them, closing their connections (4001).
  // Busy changes nothing: the next registration asks again.
  Outbox riot_binding_rechecked(const std::string& riot_id, RiotLookupStatus status,
                                const std::string& puuid);

  // identity-1 (pairing_identity.cpp): counters for /metrics, and the level a connection holds.
  const IdentityCounters& identity_counters() const { return identity_counters_; }
  // The server learns its port after listening; proofs name it (identity-1's host rule).
  void set_accepted_hosts(std::vector<std::string> hosts) {
    config_.identity.accepted_hosts = std::move(hosts);
  }
  protocol::IdentityLevel identity_of(ConnId conn) const;
  // Lapsed bindings go (key: 30 days unused, riot: 365); the shell calls it with sweep().
  std::size_t expire_bindings();

  std::size_t connection_count() const { return conns_.size(); }
  std::size_t registered_count() const;
  std::size_t channel_count() const { return store_.channel_count(); }
  std::optional<std::string> peer_id_of(ConnId conn) const;
  // The channel the connection is in, if any.
  std::optional<std::string> channel_of(ConnId conn) const;

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
    // identity-1
    std::string address;
    protocol::IdentityLevel level = protocol::IdentityLevel::None;
    std::optional<std::string> proven_key;  // the key this connection registered with
    std::optional<Challenge> challenge;     // from the latest hello, until a proof uses it
    int register_attempts = 0;
    std::int64_t registered_ms = 0;
    std::optional<std::string> awaiting_link;  // the code of this device's link-request
  };

  // handle() without its epilogue: the message to its handler.
  Outbox dispatch(ConnId conn, const protocol::ClientMessage& message);
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
  // The sender's side of a `signal` (in a channel, not to itself, small enough): the relayed
  // message, or the sender's refusal.
  std::variant<Outbox, protocol::ServerMessage> signal_checked(ConnId conn, const Conn& c,
                                                               const std::optional<std::string>& id,
                                                               const protocol::SignalTo& m) const;
  static protocol::ServerMessage no_such_peer(const std::optional<std::string>& id);
  Outbox on_chat(ConnId conn, Conn& c, const std::optional<std::string>& id,
                 const protocol::ChatSend& m);
  Outbox on_watch(ConnId conn, Conn& c, const std::optional<std::string>& id);

  // ---- identity-1 (pairing_identity.cpp) ----
  bool identity_enabled() const { return deps_.identity != nullptr; }
  // Messages of the extension that need no registration (hello, verify-riot, link-request);
  // nullopt for every other message.
  std::optional<Outbox> on_identity_unregistered(ConnId conn, Conn& c,
                                                 const protocol::ClientMessage& message);
  // Messages of the extension for registered connections (link-approve, list-devices, ...).
  std::optional<Outbox> on_identity_registered(ConnId conn, Conn& c,
                                               const protocol::ClientMessage& message);
  // register-user's identity steps, in the contract's order (bad-proof → proof-required →
  // unavailable → riot-id-bound → riot-id-in-use or replacing). On success sets `level` and
  // `proven_key` and may have replaced a stale connection (its close is in `out`); on refusal
  // returns the error reply.
  struct Admission {
    protocol::IdentityLevel level = protocol::IdentityLevel::None;
    std::optional<std::string> key;
    bool bind_first = false;  // the key becomes the Riot ID's first binding after the claim
  };
  std::optional<Outbox> admit_identity(ConnId conn, Conn& c, const std::optional<std::string>& id,
                                       const protocol::RegisterUser& m, Admission& admitted,
                                       Outbox& out);
  // How many Riot IDs `key` holds at level key (the 3-per-key rule); may throw StoreUnavailable.
  std::size_t key_level_bindings(const std::string& key) const;
  // Uses up the connection's challenge and checks a proof against it.
  ProofVerdict take_and_check(Conn& c, identity::Purpose purpose, const protocol::Proof& proof,
                              const std::string& riot_id);
  // The Riot ID's level-gated policy checks for channel requests (policy riot).
  std::optional<Outbox> below_policy(ConnId conn, const Conn& c, const std::optional<std::string>& id,
                                     std::string_view re) const;
  // A warning notice to every local connection holding `riot_key`.
  void warn_holder(const std::string& riot_key, const std::string& text, Outbox& out) const;
  // The warning for the holder of `riot_key` after someone else's claim was refused, or nullopt
  // while the last one is less than claim_warning_interval_ms old (then the attempt is counted
  // and reported in the next warning): a stranger's retries cannot flood the holder.
  std::optional<std::string> refused_claim_warning(const std::string& riot_key);
  // What a device's stale session hears when the device signs in again.
  static std::string stale_session_text(const std::string& riot_id);
  // Closes a local connection: its notice and close go out, and the core forgets it at once.
  void replace_connection(ConnId victim, const std::string& why, Outbox& out);
  // Local connections `replacement` names (Replacement's rule).
  std::vector<ConnId> replaced_conns(const Replacement& replacement) const;
  // Lists `replacement` for the shell and, unless replace_in_own_call, closes this instance's
  // connections it names.
  void replace_everywhere(Replacement replacement, Outbox& out);
  Outbox on_link_request(ConnId conn, Conn& c, const std::optional<std::string>& id,
                         const protocol::LinkRequest& m);
  Outbox on_link_approve(ConnId conn, Conn& c, const std::optional<std::string>& id,
                         const protocol::LinkApprove& m);
  Outbox on_list_devices(ConnId conn, Conn& c, const std::optional<std::string>& id);
  Outbox on_unlink_device(ConnId conn, Conn& c, const std::optional<std::string>& id,
                          const protocol::UnlinkDevice& m);
  Outbox on_verify_riot(ConnId conn, Conn& c, const std::optional<std::string>& id,
                        const protocol::VerifyRiot& m);
  Outbox on_verify_riot_check(ConnId conn, Conn& c, const std::optional<std::string>& id);
  Outbox on_unwatch(ConnId conn, Conn& c, const std::optional<std::string>& id);
  // One pending Riot verification (at most one per connection).
  struct Verification {
    std::uint64_t id = 0;
    std::string riot_id;  // as verify-riot spelled it
    std::string riot_key;
    std::string key;      // the proven key that will be bound
    std::string puuid;    // once account-v1 answered
    int round = 0;        // 0 until the first challenge is named
    int icon_id = -1;     // the icon named for the current round
    std::int64_t named_at_ms = 0;
    std::int64_t expires_at_ms = 0;
    std::int64_t last_read_ms = 0;  // the last summoner-v4 read (0: none yet)
    bool lookup_in_flight = false;
    std::optional<std::string> waiting;  // the request id the next answer replies to
  };
  std::optional<Outbox> verify_limits(ConnId conn, const Conn& c,
                                      const std::optional<std::string>& id,
                                      const std::string& riot_key);
  int pick_icon(const Verification& v, int current_icon);
  protocol::ServerMessage challenge_of(const Verification& v,
                                       const std::optional<std::string>& id) const;
  Outbox verification_succeeded(ConnId conn, Verification& v);
  // The verification `id` and its connection, when both are still there.
  std::pair<ConnId, Verification*> find_verification(std::uint64_t id);
  // `verify-busy` to the verification's waiting request, saying `why`; the time it asks the
  // player to wait is added to the deadline.
  Outbox verification_busy(ConnId conn, Verification& v, std::int64_t retry_after_ms,
                           std::string why);
  // An answer to the verification's waiting request; failures drop it.
  Outbox verification_failed(ConnId conn, const Verification& v, std::string why);
  // A registration used a riot binding: asks Riot again when its puuid was last checked over
  // 24 hours ago (protocol-identity.md, "Riot verification").
  void recheck_if_due(const std::string& riot_id, const store::KeyBinding& binding, Outbox& out);

  // The connection closed or was closed: leaves its channel, frees its Riot ID, is forgotten.
  Outbox forget(ConnId conn);
  // identity-1: the first binding of the Riot ID to the admitted key, after the claim succeeded
  // (a refusal answers as if another registration had come first).
  std::optional<Outbox> bind_first_key(ConnId conn, Conn& c, const std::optional<std::string>& id,
                                       const protocol::RegisterUser& m, Admission& admitted);
  // Under policy riot, channel offers go only to connections at level riot.
  bool offers_allowed(const Conn& c) const;
  // What `connected.iceServers` carries for the registered connection `c`.
  std::vector<protocol::IceServer> ice_servers_for(const Conn& c) const;
  // `riot` when the channel is one the server opened from Riot's data.
  protocol::ChannelOrigin origin_of(const Channel& channel) const;
  std::size_t distinct_riot_ids(const std::vector<std::string>& riot_ids) const;
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
  // Channel game id (as the watcher names it) → the channels opened for it.
  std::unordered_map<std::string, std::vector<std::string>> server_games_;
  // Retired channels that still have members: their members count as free for new offers.
  std::unordered_set<std::string> retired_;
  IdentityCounters identity_counters_;
  // refused_claim_warning's memory per Riot key; an entry goes when its holder disconnects or,
  // unused for an hour, at sweep().
  struct ClaimWarnings {
    std::int64_t last_ms = 0;
    std::size_t unreported = 0;
  };
  std::unordered_map<std::string, ClaimWarnings> claim_warnings_;
  std::unordered_map<ConnId, Verification> verifications_;  // identity-1: pending, by connection
  std::unordered_set<std::string> rechecking_;  // riot keys with a RecheckBinding out
  std::uint64_t next_verification_ = 0;
  Checkpoint* journal_ = nullptr;  // while a Journal lives: where replaced connections are kept
};

struct Pairing::Checkpoint {
  ConnId conn = 0;
  std::optional<Conn> state;
  std::optional<Verification> verification;  // the connection's pending Riot verification
  std::unordered_map<std::string, std::vector<std::string>> server_games;
  std::unordered_set<std::string> retired;
  // A registration undone must ask for its binding's re-check again when it runs again.
  std::unordered_set<std::string> rechecking;
  // Connections the call closed (replace_connection), as they were, with their verifications.
  struct Replaced {
    ConnId conn = 0;
    Conn state;
    std::optional<Verification> verification;
  };
  std::vector<Replaced> replaced;
};

}  // namespace shotcall::core
