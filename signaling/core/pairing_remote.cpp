// The pairing core when several server instances share one store (docs/self-hosting.md,
// "Scaling out"): what a call will read (so the store can fetch it first), messages for peers
// held elsewhere, members of dead instances, and undoing a call whose store transaction lost a
// race. Pure like the rest of the core; the Redis shell (signaling/server/cluster/redis_*) drives it.
#include <algorithm>
#include <type_traits>
#include <unordered_set>

#include "signaling/core/pairing.hpp"
#include "signaling/protocol/riot_id.hpp"

namespace shotcall::core {
namespace {

void add_unique(std::vector<std::string>& to, const std::string& value) {
  if (std::find(to.begin(), to.end(), value) == to.end()) to.push_back(value);
}

// Channel ids find_or_create may try when two teams of one game are created in the same
// millisecond; a store that finds it needs more asks again.
constexpr int kPrefetchedIdSuffixes = 3;

}  // namespace

void StoreNeeds::merge(const StoreNeeds& other) {
  for (const auto& k : other.riot_keys) add_unique(riot_keys, k);
  for (const auto& k : other.player_keys) add_unique(player_keys, k);
  for (const auto& k : other.channel_ids) add_unique(channel_ids, k);
  for (const auto& k : other.pairing_keys) add_unique(pairing_keys, k);
}

std::unique_ptr<Pairing::Checkpoint> Pairing::checkpoint(ConnId conn) const {
  auto saved = std::make_unique<Checkpoint>();
  saved->conn = conn;
  if (const auto it = conns_.find(conn); it != conns_.end()) saved->state = it->second;
  if (const auto it = verifications_.find(conn); it != verifications_.end())
    saved->verification = it->second;
  saved->server_games = server_games_;
  saved->retired = retired_;
  saved->rechecking = rechecking_;
  return saved;
}

void Pairing::restore(const Checkpoint& saved) {
  if (saved.state) {
    const Conn& before = *saved.state;
    // A register-user being undone added this connection's Riot key.
    if (const auto now = conns_.find(saved.conn);
        now != conns_.end() && now->second.riot_id && now->second.riot_key != before.riot_key) {
      const auto k = by_riot_key_.find(now->second.riot_key);
      if (k != by_riot_key_.end() && k->second == saved.conn) by_riot_key_.erase(k);
    }
    conns_[saved.conn] = before;
    by_peer_[before.peer_id] = saved.conn;
    if (before.riot_id) by_riot_key_[before.riot_key] = saved.conn;
    if (saved.verification)
      verifications_[saved.conn] = *saved.verification;
    else
      verifications_.erase(saved.conn);
  }
  // Connections the call closed were never told (its Outbox is dropped): they are back as they
  // were, holding their Riot IDs again.
  for (const auto& kept : saved.replaced) {
    conns_[kept.conn] = kept.state;
    by_peer_[kept.state.peer_id] = kept.conn;
    if (kept.state.riot_id) by_riot_key_[kept.state.riot_key] = kept.conn;
    if (kept.verification) verifications_[kept.conn] = *kept.verification;
  }
  server_games_ = saved.server_games;
  retired_ = saved.retired;
  rechecking_ = saved.rechecking;
}

StoreNeeds Pairing::needs(ConnId conn, const protocol::ClientMessage& message) const {
  const auto it = conns_.find(conn);
  if (it == conns_.end()) return {};
  const Conn& c = it->second;
  StoreNeeds needs;
  if (const auto* m = std::get_if<protocol::RegisterUser>(&message.body)) {
    if (c.riot_id) return {};
    const std::string key = protocol::fold_riot_id(m->riot_id);
    needs.riot_keys.push_back(key);
    needs.player_keys.push_back(key);
    return needs;
  }
  if (!c.riot_id) return {};
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, protocol::FindOrCreateChannel>) {
          const Channel proposal = propose_channel(m.game_id, m.team_id, m.teammates);
          if (!proposal.on_roster(c.riot_key)) return;
          needs.pairing_keys.push_back(proposal.pairing_key);
          needs.channel_ids.push_back(proposal.id);
          for (int n = 1; n <= kPrefetchedIdSuffixes; ++n)
            needs.channel_ids.push_back(proposal.id + "-" + std::to_string(n));
          if (c.pending_created) add_unique(needs.channel_ids, *c.pending_created);
          needs.riot_keys = proposal.roster_keys;
          needs.player_keys = proposal.roster_keys;
        } else if constexpr (std::is_same_v<T, protocol::JoinChannel> ||
                             std::is_same_v<T, protocol::LeaveChannel> ||
                             std::is_same_v<T, protocol::ChatSend>) {
          needs.channel_ids.push_back(m.channel_id);
          if (c.channel_id) add_unique(needs.channel_ids, *c.channel_id);
        } else if constexpr (std::is_same_v<T, protocol::SignalTo>) {
          // A relay between two connections of this instance never touches the store.
          if (c.channel_id && !conn_of_peer(m.to)) needs.channel_ids.push_back(*c.channel_id);
        }
      },
      message.body);
  return needs;
}

StoreNeeds Pairing::needs_disconnect(ConnId conn) const {
  const auto it = conns_.find(conn);
  if (it == conns_.end()) return {};
  StoreNeeds needs;
  if (it->second.channel_id) needs.channel_ids.push_back(*it->second.channel_id);
  // forget() deletes the channel the connection made if nobody joined it.
  if (it->second.pending_created) needs.channel_ids.push_back(*it->second.pending_created);
  if (it->second.riot_id) needs.riot_keys.push_back(it->second.riot_key);
  return needs;
}

StoreNeeds Pairing::needs_open_server_channel(const protocol::IdValue& game_id,
                                              const protocol::IdValue& team_id,
                                              const std::vector<std::string>& roster) const {
  std::vector<std::string> valid;
  for (const auto& riot_id : roster)
    if (protocol::is_valid_riot_id(riot_id)) valid.push_back(riot_id);
  if (valid.empty()) return {};
  const Channel proposal = propose_channel(game_id, team_id, valid);
  StoreNeeds needs;
  needs.pairing_keys.push_back(proposal.pairing_key);
  needs.channel_ids.push_back(proposal.id);
  for (int n = 1; n <= kPrefetchedIdSuffixes; ++n)
    needs.channel_ids.push_back(proposal.id + "-" + std::to_string(n));
  needs.riot_keys = proposal.roster_keys;
  needs.player_keys = proposal.roster_keys;
  return needs;
}

StoreNeeds Pairing::needs_close_server_game(const std::string& game_id) const {
  StoreNeeds needs;
  if (const auto it = server_games_.find(game_id); it != server_games_.end())
    needs.channel_ids = it->second;
  return needs;
}

StoreNeeds Pairing::needs_forget_stale() const {
  std::unordered_set<std::string> ids(retired_.begin(), retired_.end());
  for (const auto& [game, channels] : server_games_) ids.insert(channels.begin(), channels.end());
  StoreNeeds needs;
  needs.channel_ids.assign(ids.begin(), ids.end());
  return needs;
}

std::optional<ConnId> Pairing::resolve_remote(const std::string& peer_id, OnlyIf only,
                                              const std::string& only_channel) const {
  const auto conn = conn_of_peer(peer_id);
  if (!conn || !passes(conns_.at(*conn), only, only_channel)) return std::nullopt;
  return conn;
}

std::optional<Pairing::RemoteRelay> Pairing::relay_elsewhere(
    ConnId conn, const protocol::ClientMessage& message) const {
  const auto* m = std::get_if<protocol::SignalTo>(&message.body);
  const auto it = conns_.find(conn);
  if (!m || it == conns_.end() || !it->second.riot_id || conn_of_peer(m->to)) return std::nullopt;
  const Conn& c = it->second;
  RemoteRelay out;
  out.no_such_peer = no_such_peer(message.id);
  auto checked = signal_checked(conn, c, message.id, *m);
  if (auto* refused = std::get_if<Outbox>(&checked)) {
    out.refused = std::move(*refused);
    return out;
  }
  out.relay = Outgoing{kRemote, std::get<protocol::ServerMessage>(std::move(checked)), m->to,
                       OnlyIf::InChannel, *c.channel_id};
  out.sender_peer = c.peer_id;
  out.sender_key = c.riot_key;
  return out;
}

Outbox Pairing::evict(const std::string& channel_id, const std::vector<std::string>& peer_ids) {
  Outbox out;
  for (const auto& peer_id : peer_ids) {
    if (conn_of_peer(peer_id)) continue;  // ours and alive: it leaves by closing, not this way
    const LeaveOutcome outcome = store_.remove_member(channel_id, peer_id);
    if (outcome == LeaveOutcome::LeftAndDeleted) retired_.erase(channel_id);
    if (outcome == LeaveOutcome::Left) announce_left(channel_id, peer_id, out);
  }
  return out;
}

std::vector<std::string> Pairing::local_channels() const {
  std::vector<std::string> ids;
  std::unordered_set<std::string> seen;
  for (const auto& [conn, c] : conns_) {
    for (const auto* id : {&c.channel_id, &c.pending_created})
      if (*id && seen.insert(**id).second) ids.push_back(**id);
  }
  return ids;
}

std::vector<std::pair<std::string, std::string>> Pairing::local_claims() const {
  std::vector<std::pair<std::string, std::string>> claims;
  claims.reserve(by_riot_key_.size());
  for (const auto& [key, conn] : by_riot_key_) claims.emplace_back(key, conns_.at(conn).peer_id);
  return claims;
}

std::vector<ConnId> Pairing::local_conns() const {
  std::vector<ConnId> ids;
  ids.reserve(conns_.size());
  for (const auto& [conn, c] : conns_) ids.push_back(conn);
  return ids;
}

void Pairing::visit_local(ConnId conn,
                          const std::function<void(const std::string& riot_key)>& claim,
                          const std::function<void(const std::string& channel_id)>& channel) const {
  const auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  const Conn& c = it->second;
  if (!c.riot_key.empty())
    if (const auto held = by_riot_key_.find(c.riot_key);
        held != by_riot_key_.end() && held->second == conn)
      claim(c.riot_key);
  for (const auto* id : {&c.channel_id, &c.pending_created})
    if (*id) channel(**id);
}

}  // namespace shotcall::core
