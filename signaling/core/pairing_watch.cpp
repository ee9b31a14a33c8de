// Server-side game detection in the pairing core (docs/protocol.md, "Extensions"): the watching
// state of each connection, and the channels the server opens and closes from what the Riot
// watcher reports. Pure, like the rest of the core: the shell applies each Outbox's watch requests
// to the watcher and feeds its events back through open_server_channel / close_server_game.
#include <algorithm>
#include <utility>

#include "signaling/core/pairing.hpp"
#include "signaling/core/replies.hpp"
#include "signaling/protocol/riot_id.hpp"

namespace shotcall::core {
namespace {

using replies::error;
using replies::event;
using replies::reply;

using protocol::ErrorCode;
using protocol::ServerMessage;

}  // namespace

Outbox Pairing::on_watch(ConnId conn, Conn& c, const std::optional<std::string>& id) {
  if (auto refused = below_policy(conn, c, id, "watch-game")) return std::move(*refused);
  if (!config_.watch_available) {
    return {{conn, reply(id, protocol::Error{ErrorCode::WatchUnavailable,
                                             "this server does not detect games: it has no Riot "
                                             "API key",
                                             "watch-game"})}};
  }
  // Asking again only repeats the answer: the watcher already has this player.
  Outbox out{{conn, reply(id, protocol::Watching{*c.riot_id})}};
  if (!c.watching) {
    c.watching = true;
    out.watch.push_back({WatchRequest::Kind::Watch, *c.riot_id});
  }
  return out;
}

Outbox Pairing::on_unwatch(ConnId conn, Conn& c, const std::optional<std::string>& id) {
  if (!c.watching) {
    return {{conn, reply(id, protocol::Error{ErrorCode::NotWatching,
                                             "this connection is not watching: send watch-game "
                                             "first",
                                             "unwatch-game"})}};
  }
  c.watching = false;
  // The channel it may be in stays: leaving is the client's decision, as always.
  Outbox out{{conn, reply(id, protocol::Unwatched{})}};
  out.watch.push_back({WatchRequest::Kind::Unwatch, *c.riot_id});
  return out;
}

std::size_t Pairing::watching_count() const {
  return static_cast<std::size_t>(
      std::count_if(conns_.begin(), conns_.end(), [](const auto& kv) { return kv.second.watching; }));
}

bool Pairing::free_for_offer(const Conn& c) const {
  return !c.channel_id || retired_.count(*c.channel_id) > 0;
}

Outbox Pairing::open_server_channel(const protocol::IdValue& game_id,
                                    const protocol::IdValue& team_id,
                                    const std::vector<std::string>& roster) {
  // The same limits a client's find-or-create-channel meets in the codec, so a server channel
  // looks like any other to every client.
  if (game_id.text.empty() || game_id.text.size() > protocol::kMaxGameIdBytes ||
      team_id.text.empty() || team_id.text.size() > protocol::kMaxTeamIdBytes)
    return {};
  std::vector<std::string> valid;
  for (const auto& riot_id : roster)
    if (protocol::is_valid_riot_id(riot_id) && valid.size() < protocol::kMaxTeammates)
      valid.push_back(riot_id);
  if (valid.empty()) return {};

  const auto [channel, created] = find_or_create(propose_channel(game_id, team_id, valid));
  auto& channels = server_games_[game_id.text];
  if (std::find(channels.begin(), channels.end(), channel.id) == channels.end())
    channels.push_back(channel.id);

  Outbox out;
  const auto offer = event(protocol::ChannelAvailable{
      protocol::ChannelInfo{channel.id, channel.game_id, channel.team_id, channel.roster},
      protocol::ChannelOrigin::Riot});
  // A member of this very channel needs no offer; one still in its last game's channel does.
  for (const auto& key : channel.roster_keys)
    to_player(key, offer, out, OnlyIf::FreeForOffer, channel.id);
  return out;
}

Outbox Pairing::close_server_game(const std::string& game_id) {
  const auto it = server_games_.find(game_id);
  if (it == server_games_.end()) return {};
  const std::vector<std::string> channels = std::move(it->second);
  server_games_.erase(it);

  Outbox out;
  for (const auto& channel_id : channels) {
    const auto channel = store_.find(channel_id);
    if (!channel) continue;
    const auto notice = event(protocol::Notice{
        protocol::NoticeLevel::Info, "The game has ended. This channel closes when everyone has left."});
    const auto ended = event(protocol::GameEnded{channel_id, channel->game_id});
    for (const auto& member : channel->members) {
      to_member(member.peer_id, notice, out);
      to_member(member.peer_id, ended, out, OnlyIf::Watching);
    }
    store_.retire(channel_id);
    if (store_.find(channel_id)) retired_.insert(channel_id);
  }
  return out;
}

void Pairing::forget_server_game(const std::string& game_id) { server_games_.erase(game_id); }

Outbox Pairing::account_not_found(const std::string& riot_id) const {
  const auto to = conn_of_riot_key(protocol::fold_riot_id(riot_id));
  if (!to || !conns_.at(*to).watching) return {};
  return {{*to, event(protocol::Notice{
                    protocol::NoticeLevel::Warning,
                    "Riot knows no account named " + riot_id +
                        ", so this server cannot see your games. Check the spelling of your "
                        "Riot ID."})}};
}

void Pairing::prune_server_games() {
  for (auto it = server_games_.begin(); it != server_games_.end();) {
    auto& channels = it->second;
    channels.erase(std::remove_if(channels.begin(), channels.end(),
                                  [&](const std::string& id) { return !store_.find(id); }),
                   channels.end());
    it = channels.empty() ? server_games_.erase(it) : std::next(it);
  }
  for (auto it = retired_.begin(); it != retired_.end();)
    it = store_.find(*it) ? std::next(it) : retired_.erase(it);
}

}  // namespace shotcall::core
