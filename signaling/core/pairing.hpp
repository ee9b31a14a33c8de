// The pairing core: protocol messages in, protocol messages out. It knows no sockets; the server
// shell turns WebSocket frames into calls here and sends what comes back.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "signaling/core/channel_store.hpp"
#include "signaling/protocol/messages.hpp"

namespace shotcall::core {

using ConnId = std::uint64_t;  // the shell's handle for one connection

struct Outgoing {
  ConnId to = 0;
  protocol::ServerMessage message;
  friend bool operator==(const Outgoing&, const Outgoing&) = default;
};
using Outbox = std::vector<Outgoing>;

struct PairingConfig {
  std::size_t max_members = 5;
  std::vector<protocol::IceServer> ice_servers;
  protocol::ServerInfo server{"shotcall-signal", "0"};
  // When set, register-user must carry this token or get `unauthorized`.
  std::optional<std::string> access_token;
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
  };

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

  // Removes `c` from its channel, telling the others; the empty channel goes.
  void leave_current(Conn& c, Outbox& out);
  void offer_channel(const Channel& channel, const std::string& except_key, Outbox& out) const;
  Channel propose_channel(const protocol::FindOrCreateChannel& m) const;
  std::optional<ConnId> conn_of_peer(const std::string& peer_id) const;
  std::optional<ConnId> conn_of_riot_key(const std::string& riot_key) const;

  PairingConfig config_;
  ChannelStore& store_;
  PairingDeps deps_;
  std::unordered_map<ConnId, Conn> conns_;
  std::unordered_map<std::string, ConnId> by_peer_;
  std::unordered_map<std::string, ConnId> by_riot_key_;
};

}  // namespace shotcall::core
