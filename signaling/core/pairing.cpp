#include "signaling/core/pairing.hpp"

#include <algorithm>
#include <iterator>
#include <type_traits>

#include "signaling/core/replies.hpp"
#include "signaling/protocol/codec.hpp"
#include "signaling/protocol/riot_id.hpp"

namespace shotcall::core {

void Outbox::append(Outbox&& more) {
  insert(end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  watch.insert(watch.end(), std::make_move_iterator(more.watch.begin()),
               std::make_move_iterator(more.watch.end()));
  lookups.insert(lookups.end(), std::make_move_iterator(more.lookups.begin()),
                 std::make_move_iterator(more.lookups.end()));
  replacements.insert(replacements.end(), std::make_move_iterator(more.replacements.begin()),
                      std::make_move_iterator(more.replacements.end()));
}
namespace {

// identity-1 requests that carry a proof (and so spend the connection's challenge).
bool carries_proof(const protocol::ClientMessage& message) {
  if (const auto* r = std::get_if<protocol::RegisterUser>(&message.body))
    return r->proof.has_value();
  return std::holds_alternative<protocol::VerifyRiot>(message.body) ||
         std::holds_alternative<protocol::LinkRequest>(message.body);
}

using replies::error;
using replies::event;
using replies::reply;

using protocol::ErrorCode;
using protocol::ServerMessage;

protocol::ChannelInfo info_of(const Channel& channel) {
  return protocol::ChannelInfo{channel.id, channel.game_id, channel.team_id, channel.roster};
}

// Only a constant-time comparison keeps the access token from leaking through reply timing.
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

Pairing::Pairing(PairingConfig config, ChannelStore& store, PairingDeps deps)
    : config_(std::move(config)), store_(store), deps_(std::move(deps)) {}

void Pairing::connect(ConnId conn, std::string address) {
  Conn c;
  c.peer_id = deps_.new_peer_id();
  c.address = std::move(address);
  by_peer_[c.peer_id] = conn;
  conns_[conn] = std::move(c);
}

std::size_t Pairing::registered_count() const { return by_riot_key_.size(); }

std::optional<std::string> Pairing::peer_id_of(ConnId conn) const {
  const auto it = conns_.find(conn);
  if (it == conns_.end()) return std::nullopt;
  return it->second.peer_id;
}

std::optional<std::string> Pairing::channel_of(ConnId conn) const {
  const auto it = conns_.find(conn);
  if (it == conns_.end()) return std::nullopt;
  return it->second.channel_id;
}

Outbox Pairing::handle(ConnId conn, const protocol::ClientMessage& message) {
  Outbox out = dispatch(conn, message);
  // A challenge serves the next request that carries a proof, whatever becomes of it: also one
  // refused before its proof is looked at (take_and_check has already taken it otherwise).
  if (carries_proof(message))
    if (const auto it = conns_.find(conn); it != conns_.end()) it->second.challenge.reset();
  return out;
}

Outbox Pairing::dispatch(ConnId conn, const protocol::ClientMessage& message) {
  const auto it = conns_.find(conn);
  if (it == conns_.end()) return {};  // the shell raced a close; nothing to answer
  Conn& c = it->second;
  const auto& id = message.id;

  if (const auto* m = std::get_if<protocol::RegisterUser>(&message.body))
    return on_register(conn, c, id, *m);
  if (auto answered = on_identity_unregistered(conn, c, message)) return std::move(*answered);
  if (!c.riot_id) {
    return {{conn, error(id, ErrorCode::NotRegistered, "send register-user first",
                         protocol::type_name(message.body))}};
  }
  if (auto answered = on_identity_registered(conn, c, message)) return std::move(*answered);
  return std::visit(
      [&](const auto& m) -> Outbox {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, protocol::FindOrCreateChannel>)
          return on_find_or_create(conn, c, id, m);
        else if constexpr (std::is_same_v<T, protocol::JoinChannel>)
          return on_join(conn, c, id, m);
        else if constexpr (std::is_same_v<T, protocol::LeaveChannel>)
          return on_leave(conn, c, id, m);
        else if constexpr (std::is_same_v<T, protocol::SignalTo>)
          return on_signal(conn, c, id, m);
        else if constexpr (std::is_same_v<T, protocol::ChatSend>)
          return on_chat(conn, c, id, m);
        else if constexpr (std::is_same_v<T, protocol::WatchGame>)
          return on_watch(conn, c, id);
        else if constexpr (std::is_same_v<T, protocol::UnwatchGame>)
          return on_unwatch(conn, c, id);
        else if constexpr (std::is_same_v<T, protocol::RefreshIceServers>)
          // Extension: what `connected` would carry now, so credentials minted for a
          // connection that outlives --turn-ttl can be renewed without reconnecting.
          return {{conn, reply(id, protocol::IceServersReply{ice_servers_for(c)})}};
        else
          return {};  // register-user and the identity messages were handled above
      },
      message.body);
}

Outbox Pairing::on_register(ConnId conn, Conn& c, const std::optional<std::string>& id,
                            const protocol::RegisterUser& m) {
  constexpr std::string_view re = "register-user";
  // identity-1: a connection may try three times; the fourth closes it (a key-guessing loop
  // costs a new connection each time).
  if (identity_enabled() && ++c.register_attempts > config_.identity.max_register_attempts) {
    Outbox out{{conn, error(id, ErrorCode::RateLimited, "too many register-user requests", re)}};
    out.back().close_code = 1008;
    out.back().close_reason = "too many register-user requests";
    return out;  // the shell's close disconnects it like any other close
  }
  if (c.riot_id)
    return {{conn, error(id, ErrorCode::AlreadyRegistered,
                         "this connection is already registered as " + *c.riot_id, re)}};
  if (config_.access_token && !(m.token && same_secret(*m.token, *config_.access_token)))
    return {
        {conn, error(id, ErrorCode::Unauthorized, "this server needs a valid access token", re)}};

  const std::string key = protocol::fold_riot_id(m.riot_id);
  Outbox out;
  Admission admitted;
  if (identity_enabled()) {
    if (auto refused = admit_identity(conn, c, id, m, admitted, out)) return std::move(*refused);
  }  // a server without identity-1 ignores proof fields, as v1 ignores unknown fields
  if (!store_.claim_riot_id(key, c.peer_id)) {
    const auto holder = store_.riot_id_holder(key);
    if (admitted.key && !admitted.bind_first && holder && !conn_of_peer(*holder)) {
      // A device proven by its bound key, held out by a session on another instance (a local
      // stale session of this device was replaced by admit_identity): that instance closes the
      // session if it is this device's, and the client's retry finds the Riot ID free.
      out.push_back(
          {conn, error(id, ErrorCode::RiotIdInUse,
                       m.riot_id + " is still held by another session: if it is this device's, "
                                   "it is being closed; try again in a moment",
                       re)});
      out.replacements.push_back(
          {m.riot_id, std::nullopt, {*admitted.key}, stale_session_text(m.riot_id)});
      return out;
    }
    out.push_back({conn, error(id, ErrorCode::RiotIdInUse,
                               m.riot_id + " is connected from somewhere else", re)});
    if (auto warning = refused_claim_warning(key))
      to_player(key, event(protocol::Notice{protocol::NoticeLevel::Warning, std::move(*warning)}),
                out, OnlyIf::Always);
    return out;
  }
  if (admitted.bind_first) {
    if (auto refused = bind_first_key(conn, c, id, m, admitted)) {
      store_.release_riot_id(key, c.peer_id);
      return std::move(*refused);
    }
  }
  c.riot_id = m.riot_id;
  c.riot_key = key;
  c.level = admitted.level;
  c.proven_key = admitted.key;
  c.registered_ms = deps_.now_ms();
  by_riot_key_[key] = conn;

  out.push_back({conn, reply(id, protocol::Connected{c.peer_id, ice_servers_for(c),
                                                     config_.server, c.level})});
  if (admitted.bind_first)
    warn_holder(key, "This device's key is now bound to " + m.riot_id + " on this server.", out);
  // A teammate may have made the team's channel before this player came online.
  if (offers_allowed(c))
    for (const Channel& channel : store_.channels_for(key))
      out.push_back({conn, event(protocol::ChannelAvailable{info_of(channel), origin_of(channel)})});
  return out;
}

std::vector<protocol::IceServer> Pairing::ice_servers_for(const Conn& c) const {
  std::vector<protocol::IceServer> servers = config_.ice_servers;
  // A relay is for voice: a connection the policy keeps out of channels (policy riot, below
  // level riot; under policy key every registration is proven, admit_identity refuses the rest)
  // has no call to relay, and its credentials would only open the relay to whoever registers.
  // It gets them once it reaches the level (refresh-ice-servers, or its next registration).
  if (!offers_allowed(c)) return servers;
  servers.insert(servers.end(), config_.relay_servers.begin(), config_.relay_servers.end());
  // The username names the connection by its peerId, never by its Riot ID: coturn writes
  // usernames to its logs (kept apart from ours, often longer) and TURN carries them in clear
  // text past every router on the way, so a Riot ID there would tell who is talking from where.
  // A peerId is random, already known to this player's teammates, and lets an operator match a
  // relay allocation in coturn's log to the connection in ours.
  if (config_.turn_secret)
    servers.push_back(turn_ice_server(*config_.turn_secret, deps_.now_ms(), c.peer_id));
  return servers;
}

Channel Pairing::propose_channel(const protocol::IdValue& game_id,
                                 const protocol::IdValue& team_id,
                                 const std::vector<std::string>& teammates) const {
  Channel channel;
  channel.game_id = game_id;
  channel.team_id = team_id;
  for (const auto& riot_id : teammates) {
    std::string key = protocol::fold_riot_id(riot_id);
    if (std::find(channel.roster_keys.begin(), channel.roster_keys.end(), key) !=
        channel.roster_keys.end())
      continue;  // the same player spelled twice
    channel.roster.push_back(riot_id);
    channel.roster_keys.push_back(std::move(key));
  }
  std::sort(channel.roster_keys.begin(), channel.roster_keys.end());
  channel.pairing_key = team_id.text;
  for (const auto& key : channel.roster_keys) {
    channel.pairing_key += '\n';
    channel.pairing_key += key;
  }
  channel.created_ms = deps_.now_ms();
  channel.id = game_id.text + "_" + team_id.text + "_" + std::to_string(channel.created_ms);
  return channel;
}

std::pair<Channel, bool> Pairing::find_or_create(Channel proposal) {
  // Two teams of one game created in the same millisecond must not share an id.
  const std::string base_id = proposal.id;
  for (int n = 1; store_.find(proposal.id); ++n) proposal.id = base_id + "-" + std::to_string(n);
  return store_.find_or_create(proposal);
}

Outbox Pairing::on_find_or_create(ConnId conn, Conn& c, const std::optional<std::string>& id,
                                  const protocol::FindOrCreateChannel& m) {
  constexpr std::string_view re = "find-or-create-channel";
  if (auto refused = below_policy(conn, c, id, re)) return std::move(*refused);
  if (distinct_riot_ids(m.teammates) > config_.max_members)
    return {{conn, error(id, ErrorCode::BadMessage,
                         "teammates lists more players than a channel has seats (" +
                             std::to_string(config_.max_members) + ")",
                         re)}};
  Channel proposal = propose_channel(m.game_id, m.team_id, m.teammates);
  if (!proposal.on_roster(c.riot_key))
    return {{conn, error(id, ErrorCode::NotOnRoster, "your Riot ID is not on that roster", re)}};

  auto [channel, created] = find_or_create(std::move(proposal));
  if (created && !c.address.empty() && config_.max_unjoined_per_address != 0) {
    // Channels nobody joined cost memory until the sweep: one address holds only a few. The one
    // this connection made before is retired below, so it does not count.
    std::size_t unjoined = 0;
    for (const auto& [other_conn, other] : conns_)
      if (other_conn != conn && other.address == c.address && other.pending_created) ++unjoined;
    if (unjoined >= config_.max_unjoined_per_address) {
      store_.delete_if_empty(channel.id);
      return {{conn, error(id, ErrorCode::RateLimited,
                           "too many channels nobody has joined yet from your address (" +
                               std::to_string(config_.max_unjoined_per_address) +
                               "): join one first",
                           re)}};
    }
  }
  if (created) {
    if (c.pending_created && *c.pending_created != channel.id)
      store_.delete_if_empty(*c.pending_created);
    c.pending_created = channel.id;
  }
  Outbox out{{conn, reply(id, protocol::ChannelCreated{info_of(channel)})}};
  offer_channel(channel, c.riot_key, out);
  return out;
}

void Pairing::offer_channel(const Channel& channel, const std::string& except_key,
                            Outbox& out) const {
  const auto offer = event(protocol::ChannelAvailable{info_of(channel), origin_of(channel)});
  for (const auto& key : channel.roster_keys)
    if (key != except_key) to_player(key, offer, out, OnlyIf::InNoChannel);
}

Outbox Pairing::on_join(ConnId conn, Conn& c, const std::optional<std::string>& id,
                        const protocol::JoinChannel& m) {
  constexpr std::string_view re = "join-channel";
  if (auto refused = below_policy(conn, c, id, re)) return std::move(*refused);
  const auto channel = store_.find(m.channel_id);
  if (!channel) return {{conn, error(id, ErrorCode::NoSuchChannel, "no such channel", re)}};
  if (!channel->on_roster(c.riot_key))
    return {{conn, error(id, ErrorCode::NotOnRoster, "your Riot ID is not on this channel's roster",
                         re)}};
  const auto full = [&] {
    return error(id, ErrorCode::ChannelFull,
                 "the channel has " + std::to_string(config_.max_members) + " members already", re);
  };
  // Refuse before leaving the current channel, so a failed join costs the player nothing.
  if (!channel->member(c.peer_id) && channel->members.size() >= config_.max_members)
    return {{conn, full()}};

  Outbox out;
  if (c.channel_id && *c.channel_id != m.channel_id) leave_current(c, out);

  const MemberRecord me{c.peer_id, *c.riot_id, c.riot_key, c.level};
  const JoinOutcome outcome = store_.add_member(m.channel_id, me, config_.max_members);
  if (outcome == JoinOutcome::NoSuchChannel) {
    out.push_back({conn, error(id, ErrorCode::NoSuchChannel, "no such channel", re)});
    return out;
  }
  if (outcome == JoinOutcome::Full) {  // another instance filled it between our two calls
    out.push_back({conn, full()});
    return out;
  }
  c.channel_id = m.channel_id;
  if (c.pending_created == m.channel_id) c.pending_created.reset();

  const auto joined_channel = store_.find(m.channel_id);
  protocol::JoinedChannel joined{m.channel_id, {}};
  std::vector<std::string> others;
  for (const auto& member : joined_channel ? joined_channel->members : std::vector<MemberRecord>{}) {
    if (member.peer_id == c.peer_id) continue;
    joined.members.push_back({member.peer_id, member.riot_id, member.level});
    others.push_back(member.peer_id);
  }
  out.push_back({conn, reply(id, std::move(joined))});
  // Joining the channel one is already in only repeats the member list.
  if (outcome == JoinOutcome::Joined) {
    const auto announce =
        event(protocol::UserJoinedChannel{m.channel_id, {c.peer_id, *c.riot_id, c.level}});
    for (const auto& other : others) to_member(other, announce, out);
  }
  return out;
}

Outbox Pairing::on_leave(ConnId conn, Conn& c, const std::optional<std::string>& id,
                         const protocol::LeaveChannel& m) {
  constexpr std::string_view re = "leave-channel";
  if (!c.channel_id || *c.channel_id != m.channel_id) {
    if (!store_.find(m.channel_id))
      return {{conn, error(id, ErrorCode::NoSuchChannel, "no such channel", re)}};
    return {{conn, error(id, ErrorCode::NotInChannel, "you are not in that channel", re)}};
  }
  Outbox out{{conn, reply(id, protocol::LeftChannel{m.channel_id})}};
  leave_current(c, out);
  return out;
}

void Pairing::leave_current(Conn& c, Outbox& out) {
  if (!c.channel_id) return;
  const std::string channel_id = *c.channel_id;
  c.channel_id.reset();
  const LeaveOutcome outcome = store_.remove_member(channel_id, c.peer_id);
  if (outcome == LeaveOutcome::LeftAndDeleted) retired_.erase(channel_id);
  if (outcome == LeaveOutcome::Left) announce_left(channel_id, c.peer_id, out);
}

void Pairing::announce_left(const std::string& channel_id, const std::string& peer_id,
                            Outbox& out) const {
  const auto channel = store_.find(channel_id);
  if (!channel) return;
  const auto left = event(protocol::UserLeftChannel{channel_id, peer_id});
  for (const auto& member : channel->members) to_member(member.peer_id, left, out);
}

Outbox Pairing::on_signal(ConnId conn, Conn& c, const std::optional<std::string>& id,
                          const protocol::SignalTo& m) {
  auto checked = signal_checked(conn, c, id, m);
  if (auto* refused = std::get_if<Outbox>(&checked)) return std::move(*refused);
  auto relayed = std::get<protocol::ServerMessage>(std::move(checked));
  if (const auto target = conn_of_peer(m.to)) {
    if (conns_.at(*target).channel_id != c.channel_id) return {{conn, no_such_peer(id)}};
    return {{*target, std::move(relayed)}};
  }
  // Not here: a member of the channel connected to another instance, or nobody.
  const auto channel = store_.find(*c.channel_id);
  if (!channel || !channel->member(m.to)) return {{conn, no_such_peer(id)}};
  return {{kRemote, std::move(relayed), m.to, OnlyIf::InChannel, *c.channel_id}};
}

protocol::ServerMessage Pairing::no_such_peer(const std::optional<std::string>& id) {
  // Whether the peer exists elsewhere is nobody's business outside its channel: one answer.
  return error(id, ErrorCode::NoSuchPeer, "no such peer in your channel", "signal");
}

std::variant<Outbox, protocol::ServerMessage> Pairing::signal_checked(
    ConnId conn, const Conn& c, const std::optional<std::string>& id,
    const protocol::SignalTo& m) const {
  constexpr std::string_view re = "signal";
  if (!c.channel_id)
    return Outbox{
        {conn, error(id, ErrorCode::NotInChannel, "join a channel before signalling", re)}};
  if (m.to == c.peer_id) return Outbox{{conn, no_such_peer(id)}};
  auto relayed = event(protocol::SignalFrom{c.peer_id, m.data_json});
  // The relayed frame names the sender where the request named the target, so it can be a few
  // bytes larger than the request: refuse what a client with the same limit would refuse. The
  // frame is encoded to measure it only near the limit (its fixed text is under 64 bytes).
  if (config_.max_frame != 0 && m.data_json.size() + c.peer_id.size() + 64 > config_.max_frame) {
    const std::size_t size = protocol::encode(relayed).size();
    if (size > config_.max_frame)
      return Outbox{{conn, error(id, ErrorCode::BadMessage,
                                 "data is too large to relay: the relayed frame would be " +
                                     std::to_string(size) + " bytes, over the limit of " +
                                     std::to_string(config_.max_frame),
                                 re)}};
  }
  return relayed;
}

Outbox Pairing::on_chat(ConnId conn, Conn& c, const std::optional<std::string>& id,
                        const protocol::ChatSend& m) {
  constexpr std::string_view re = "chat";
  if (!c.channel_id || *c.channel_id != m.channel_id) {
    if (!store_.find(m.channel_id))
      return {{conn, error(id, ErrorCode::NoSuchChannel, "no such channel", re)}};
    return {{conn, error(id, ErrorCode::NotInChannel, "you are not in that channel", re)}};
  }
  const auto channel = store_.find(m.channel_id);
  if (!channel) return {{conn, error(id, ErrorCode::NoSuchChannel, "no such channel", re)}};
  const auto message =
      event(protocol::ChatMessage{m.channel_id, c.peer_id, *c.riot_id, m.text, deps_.now_ms()});
  Outbox out;
  for (const auto& member : channel->members) to_member(member.peer_id, message, out);
  return out;
}

Outbox Pairing::disconnect(ConnId conn) { return forget(conn); }

Outbox Pairing::forget(ConnId conn) {
  const auto it = conns_.find(conn);
  if (it == conns_.end()) return {};
  Conn& c = it->second;
  Outbox out;
  leave_current(c, out);
  // A channel its creator made and nobody joined is abandoned: it goes now, not at the sweep
  // (teammates who still want it meet again through find-or-create).
  if (c.pending_created) store_.delete_if_empty(*c.pending_created);
  if (c.watching) out.watch.push_back({WatchRequest::Kind::Unwatch, *c.riot_id});
  if (c.riot_id) {
    store_.release_riot_id(c.riot_key, c.peer_id);
    by_riot_key_.erase(c.riot_key);
    claim_warnings_.erase(c.riot_key);
  }
  by_peer_.erase(c.peer_id);
  verifications_.erase(conn);  // identity-1: its pending Riot verification ends with it
  conns_.erase(it);
  return out;
}

std::size_t Pairing::sweep(std::int64_t unjoined_ttl_ms) {
  std::size_t removed = 0;
  for (const auto& channel_id : store_.empty_channels_created_before(deps_.now_ms() - unjoined_ttl_ms))
    if (store_.delete_if_empty(channel_id)) ++removed;
  forget_stale();
  return removed;
}

void Pairing::forget_stale() {
  prune_server_games();
  const std::int64_t stale = deps_.now_ms() - 60 * 60 * 1000;
  std::erase_if(claim_warnings_, [&](const auto& entry) { return entry.second.last_ms < stale; });
}

std::optional<std::string> Pairing::refused_claim_warning(const std::string& riot_key) {
  const std::int64_t now = deps_.now_ms();
  const auto [it, first] = claim_warnings_.try_emplace(riot_key);
  ClaimWarnings& w = it->second;
  if (!first && now - w.last_ms < config_.claim_warning_interval_ms) {
    ++w.unreported;
    return std::nullopt;
  }
  std::string text = "Someone else tried to sign in with your Riot ID.";
  if (w.unreported > 0)
    text += " " + std::to_string(w.unreported) + " more attempt" + (w.unreported == 1 ? "" : "s") +
            " since the last warning.";
  w.last_ms = now;
  w.unreported = 0;
  return text;
}

Outbox Pairing::broadcast_notice(const protocol::Notice& notice) const {
  Outbox out;
  out.reserve(conns_.size());
  const auto message = event(notice);
  for (const auto& [conn, c] : conns_) out.push_back({conn, message});
  return out;
}

void Pairing::to_member(const std::string& peer_id, const protocol::ServerMessage& message,
                        Outbox& out, OnlyIf only, const std::string& only_channel) const {
  if (const auto conn = conn_of_peer(peer_id)) {
    if (passes(conns_.at(*conn), only, only_channel)) out.push_back({*conn, message});
    return;
  }
  out.push_back({kRemote, message, peer_id, only, only_channel});
}

void Pairing::to_player(const std::string& riot_key, const protocol::ServerMessage& message,
                        Outbox& out, OnlyIf only, const std::string& only_channel) const {
  if (const auto conn = conn_of_riot_key(riot_key)) {
    if (passes(conns_.at(*conn), only, only_channel)) out.push_back({*conn, message});
    return;
  }
  // With one instance every registered player is local; with a shared store the holder of the
  // Riot ID may be connected elsewhere.
  const auto holder = store_.riot_id_holder(riot_key);
  if (holder && !conn_of_peer(*holder)) out.push_back({kRemote, message, *holder, only, only_channel});
}

bool Pairing::passes(const Conn& c, OnlyIf only, const std::string& only_channel) const {
  switch (only) {
    case OnlyIf::Always: return true;
    // Offers of channels: under policy riot only to connections at level riot (identity-1).
    case OnlyIf::InNoChannel: return !c.channel_id && offers_allowed(c);
    case OnlyIf::FreeForOffer:
      return c.channel_id != only_channel && free_for_offer(c) && offers_allowed(c);
    case OnlyIf::Watching: return c.watching;
    case OnlyIf::InChannel: return c.channel_id == only_channel;
  }
  return false;
}

std::optional<ConnId> Pairing::conn_of_peer(const std::string& peer_id) const {
  const auto it = by_peer_.find(peer_id);
  if (it == by_peer_.end()) return std::nullopt;
  return it->second;
}

std::optional<ConnId> Pairing::conn_of_riot_key(const std::string& riot_key) const {
  const auto it = by_riot_key_.find(riot_key);
  if (it == by_riot_key_.end()) return std::nullopt;
  return it->second;
}

}  // namespace shotcall::core
