// What a player's client does with the signaling server, as pure state: the game it is in (or
// none), server messages and link changes in; requests to send and mesh changes out. The shell
// (session.hpp) feeds it from the signaling client and applies its actions to the voice engine.
//
// Peers are keyed by their case-folded Riot ID, not by peerId: a peerId changes whenever a
// teammate (or the server) reconnects, while the peer-to-peer link to that teammate keeps
// working and must not be torn down for it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "signaling/protocol/messages.hpp"

namespace shotcall::session {

struct GameTarget {
  protocol::IdValue game_id;
  protocol::IdValue team_id;
  std::vector<std::string> teammates;  // the whole team, the player included
  friend bool operator==(const GameTarget&, const GameTarget&) = default;
};

struct SendMessage {
  protocol::ClientMessage message;
  friend bool operator==(const SendMessage&, const SendMessage&) = default;
};
struct AddPeer {
  std::string key;      // folded Riot ID
  std::string riot_id;  // display form
  bool we_offer = false;
  friend bool operator==(const AddPeer&, const AddPeer&) = default;
};
struct RemovePeer {
  std::string key;
  friend bool operator==(const RemovePeer&, const RemovePeer&) = default;
};
struct DeliverSignal {
  std::string key;
  std::string data_json;
  friend bool operator==(const DeliverSignal&, const DeliverSignal&) = default;
};
using Action = std::variant<SendMessage, AddPeer, RemovePeer, DeliverSignal>;
using Actions = std::vector<Action>;

enum class Phase {
  Offline,  // no link to the server
  NoGame,   // registered, nothing to join (waiting for a game or an offer)
  Finding,  // find-or-create sent
  Joining,  // join-channel sent
  InChannel,
  Refused,  // the server refused us for good
};
const char* to_string(Phase phase);

struct Teammate {
  std::string riot_id;
  std::optional<std::string> peer_id;  // while they are in the channel
  bool linked = false;                 // we hold a voice link to them
  bool link_connected = false;         // and the engine last said it is connected
  bool link_offers = false;            // we offered on that link (the role it was built with)
  // Whether we offer by the join order of this pair of connections: set by the membership event
  // that first names their current peerId, and by every link we build. A link kept across a
  // server restart may still follow the order of before.
  bool member_offers = false;
  // Their peerId when we last saw them, kept across our own re-registration: if they still have
  // it when we rejoin, they stayed connected and saw our old connection leave the channel.
  std::string last_peer_id;
  bool since_our_reregistration = false;  // linked before our latest registration
  // identity-1: what the server vouches for (none and key read as "not verified").
  protocol::IdentityLevel identity = protocol::IdentityLevel::None;
};

class SessionCore {
 public:
  // `follow_offers`: server-side game detection. Ask the server to watch our Riot ID
  // (`watch-game`) after every registration, join any channel the server offers rather than only
  // the one our own game names, and leave it when the server says its game ended.
  SessionCore(std::string my_riot_id, bool follow_offers);

  Actions set_target(std::optional<GameTarget> target);
  Actions on_registered(const std::string& my_peer_id);
  Actions on_link_lost();
  Actions on_refused(const std::string& why);
  Actions on_message(const protocol::ServerMessage& message);
  // The voice engine wants `data` delivered to the teammate `key`.
  Actions on_engine_signal(const std::string& key, const std::string& data_json);
  // The engine says whether the link to `key` is connected now (any phase change).
  void on_engine_link_state(const std::string& key, bool connected);
  // The engine saw the link to `key` fail (it may be rebuilding it already). A link kept across
  // a server restart because it was up has the roles of before; if they are not this
  // membership's, it is built again with this membership's, so that both sides end up on the
  // same roles whichever of them saw the failure first. Only for a link the engine still holds,
  // and outside the engine's callbacks.
  Actions on_engine_link_down(const std::string& key);
  // The engine gave up on a link and no longer holds it; unless the teammate is still in the
  // channel it is let go, so that they get a new link when they come back as a member.
  Actions on_engine_peer_failed(const std::string& key);
  // Leaves the channel and drops every link (quitting).
  Actions leave();

  Phase phase() const { return phase_; }
  const std::optional<std::string>& channel_id() const { return channel_id_; }
  const std::string& peer_id() const { return my_peer_id_; }
  const std::map<std::string, Teammate>& teammates() const { return teammates_; }
  const std::string& last_problem() const { return last_problem_; }
  const std::optional<GameTarget>& target() const { return target_; }
  // Following offers without a game of our own: the channel the server offered and we joined
  // (its game, team and roster), until the server says that game ended.
  const std::optional<protocol::ChannelInfo>& followed_offer() const { return followed_offer_; }
  // The server answered `watching` on the current connection.
  bool watching() const { return watching_; }
  std::optional<std::string> key_of_peer(const std::string& peer_id) const;

 private:
  Actions request_channel();
  void drop_all_links(Actions& out);
  void forget_peer_ids();
  void on_member(const protocol::Member& member, bool we_offer, Actions& out);
  static SendMessage send(protocol::ClientBody body);

  std::string my_riot_id_;
  std::string my_key_;
  bool follow_offers_;
  std::optional<GameTarget> target_;
  std::string target_roster_key_;
  std::optional<protocol::ChannelInfo> followed_offer_;
  Phase phase_ = Phase::Offline;
  std::string my_peer_id_;
  std::optional<std::string> channel_id_;
  std::map<std::string, Teammate> teammates_;  // by folded Riot ID
  std::string last_problem_;
  bool watching_ = false;
  // identity-1 under policy riot: asked for again once this connection is verified.
  bool channel_needs_proof_ = false;
  bool watch_needs_proof_ = false;
};

// The roster's pairing identity: teamId and the folded, sorted, unique Riot IDs.
std::string roster_key(const protocol::IdValue& team_id, const std::vector<std::string>& roster);

}  // namespace shotcall::session
