#include "app/session/session_core.hpp"

#include <algorithm>
#include <utility>

#include "signaling/protocol/riot_id.hpp"

namespace shotcall::session {

namespace p = shotcall::protocol;

const char* to_string(Phase phase) {
  switch (phase) {
    case Phase::Offline:
      return "offline";
    case Phase::NoGame:
      return "no-game";
    case Phase::Finding:
      return "finding";
    case Phase::Joining:
      return "joining";
    case Phase::InChannel:
      return "in-channel";
    case Phase::Refused:
      return "refused";
  }
  return "unknown";
}

std::string roster_key(const p::IdValue& team_id, const std::vector<std::string>& roster) {
  std::vector<std::string> keys;
  for (const auto& id : roster) keys.push_back(p::fold_riot_id(id));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::string key = team_id.text;
  for (const auto& k : keys) key += "\n" + k;
  return key;
}

SessionCore::SessionCore(std::string my_riot_id, bool follow_offers)
    : my_riot_id_(std::move(my_riot_id)),
      my_key_(p::fold_riot_id(my_riot_id_)),
      follow_offers_(follow_offers) {}

SendMessage SessionCore::send(p::ClientBody body) {
  return SendMessage{p::ClientMessage{std::nullopt, std::move(body)}};
}

std::optional<std::string> SessionCore::key_of_peer(const std::string& peer_id) const {
  for (const auto& [key, mate] : teammates_)
    if (mate.peer_id == peer_id) return key;
  return std::nullopt;
}

Actions SessionCore::set_target(std::optional<GameTarget> target) {
  if (target == target_) return {};
  Actions out;
  if (channel_id_ && phase_ != Phase::Offline) out.push_back(send(p::LeaveChannel{*channel_id_}));
  channel_id_.reset();
  drop_all_links(out);
  teammates_.clear();
  target_ = std::move(target);
  target_roster_key_ = target_ ? roster_key(target_->team_id, target_->teammates) : "";
  if (phase_ == Phase::Offline || phase_ == Phase::Refused) return out;
  auto more = request_channel();
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

Actions SessionCore::request_channel() {
  if (!target_) {
    phase_ = Phase::NoGame;
    return {};
  }
  phase_ = Phase::Finding;
  return {send(p::FindOrCreateChannel{target_->game_id, target_->team_id, target_->teammates})};
}

Actions SessionCore::on_registered(const std::string& my_peer_id) {
  my_peer_id_ = my_peer_id;
  for (auto& [key, mate] : teammates_) mate.since_our_reregistration = mate.linked;
  // The server forgot our channel with our old connection; links to teammates live on.
  channel_id_.reset();
  forget_peer_ids();
  watching_ = false;
  channel_needs_proof_ = watch_needs_proof_ = false;  // asked again just below
  Actions out = request_channel();
  // The server forgets what a closed connection watched: ask on every registration.
  if (follow_offers_) out.push_back(send(p::WatchGame{}));
  return out;
}

Actions SessionCore::on_link_lost() {
  if (phase_ != Phase::Refused) phase_ = Phase::Offline;
  my_peer_id_.clear();
  watching_ = false;
  forget_peer_ids();
  return {};
}

Actions SessionCore::on_refused(const std::string& why) {
  phase_ = Phase::Refused;
  last_problem_ = why;
  return {};
}

void SessionCore::forget_peer_ids() {
  for (auto& [key, mate] : teammates_) mate.peer_id.reset();
}

void SessionCore::drop_all_links(Actions& out) {
  for (auto& [key, mate] : teammates_) {
    if (mate.linked) out.push_back(RemovePeer{key});
    mate.linked = mate.link_connected = false;
  }
}

void SessionCore::on_member(const p::Member& member, bool we_offer, Actions& out) {
  const std::string key = p::fold_riot_id(member.riot_id);
  if (key == my_key_) return;
  Teammate& mate = teammates_[key];
  mate.riot_id = member.riot_id;
  mate.peer_id = member.peer_id;
  mate.identity = member.identity;
  const bool stayed = mate.last_peer_id == member.peer_id;
  mate.last_peer_id = member.peer_id;
  const bool linked_before_we_reregistered = std::exchange(mate.since_our_reregistration, false);
  // The same peerId named again (a repeated member list) says nothing new about who offers.
  if (!stayed) mate.member_offers = we_offer;
  if (mate.linked) {
    // We rejoined with a new connection while they kept theirs (the server instance we were on
    // died, docs/self-hosting.md "Scaling out"): they saw our old connection leave and dropped
    // their side. Build the link again; we joined, so we offer.
    const bool they_dropped_theirs = we_offer && linked_before_we_reregistered && stayed;
    // They came back with a new peerId (the server restarted and everyone registered again). A
    // connected link stays: the voice never stopped. One that is not connected is built again
    // with this membership's roles, which their side takes too when it sees the link down as
    // well (the usual case: a link that broke during the outage); kept, it could wait for an
    // offer from a side that gave up while the server was away (an answerer never gives up),
    // and that side, back first, now answers too: both would wait for good.
    const bool dead_and_renewed = !stayed && !mate.link_connected;
    if (!they_dropped_theirs && !dead_and_renewed) return;  // kept: see on_engine_link_down
    out.push_back(RemovePeer{key});
  }
  mate.linked = true;
  mate.link_connected = false;
  mate.link_offers = mate.member_offers = we_offer;
  out.push_back(AddPeer{key, member.riot_id, we_offer});
}

Actions SessionCore::on_message(const p::ServerMessage& message) {
  Actions out;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, p::ChannelCreated>) {
          if (phase_ == Phase::Finding &&
              roster_key(m.channel.team_id, m.channel.roster) == target_roster_key_) {
            phase_ = Phase::Joining;
            out.push_back(send(p::JoinChannel{m.channel.channel_id}));
          }
        } else if constexpr (std::is_same_v<T, p::ChannelAvailable>) {
          const bool ours =
              target_ && roster_key(m.channel.team_id, m.channel.roster) == target_roster_key_;
          const bool idle = phase_ == Phase::NoGame || phase_ == Phase::Finding;
          // Following offers without a game of our own, only a roster the server built from
          // Riot's data is trusted (identity-1: anyone may name us on a roster they make).
          const bool from_riot = m.origin == p::ChannelOrigin::Riot;
          if (idle && (ours || (follow_offers_ && !target_ && from_riot))) {
            phase_ = Phase::Joining;
            out.push_back(send(p::JoinChannel{m.channel.channel_id}));
            if (!ours) followed_offer_ = m.channel;
          }
        } else if constexpr (std::is_same_v<T, p::JoinedChannel>) {
          phase_ = Phase::InChannel;
          channel_id_ = m.channel_id;
          last_problem_.clear();
          // We joined: we make the offer to each member already there.
          for (const auto& member : m.members) on_member(member, true, out);
        } else if constexpr (std::is_same_v<T, p::UserJoinedChannel>) {
          if (channel_id_ == m.channel_id) on_member(m.member, false, out);
        } else if constexpr (std::is_same_v<T, p::UserLeftChannel>) {
          if (channel_id_ != m.channel_id) return;
          if (const auto key = key_of_peer(m.peer_id)) {
            Teammate& mate = teammates_[*key];
            mate.peer_id.reset();
            if (mate.linked) out.push_back(RemovePeer{*key});
            mate.linked = mate.link_connected = false;
          }
        } else if constexpr (std::is_same_v<T, p::UserIdentity>) {
          if (channel_id_ != m.channel_id) return;
          if (const auto key = key_of_peer(m.peer_id)) teammates_[*key].identity = m.identity;
        } else if constexpr (std::is_same_v<T, p::LeftChannel>) {
          if (channel_id_ == m.channel_id) channel_id_.reset();
        } else if constexpr (std::is_same_v<T, p::Watching>) {
          watching_ = true;
        } else if constexpr (std::is_same_v<T, p::GameEnded>) {
          // The server saw the game of the channel it offered us end. Our own game detection,
          // when we have one, decides for itself; following offers, we leave and wait for the
          // next game's channel.
          if (follow_offers_ && !target_ && channel_id_ == m.channel_id &&
              phase_ == Phase::InChannel) {
            out.push_back(send(p::LeaveChannel{*channel_id_}));
            channel_id_.reset();
            drop_all_links(out);
            teammates_.clear();
            followed_offer_.reset();
            phase_ = Phase::NoGame;
          }
        } else if constexpr (std::is_same_v<T, p::SignalFrom>) {
          if (const auto key = key_of_peer(m.from); key && teammates_[*key].linked)
            out.push_back(DeliverSignal{*key, m.data_json});
        } else if constexpr (std::is_same_v<T, p::Verified>) {
          // The player verified on this connection (identity-1): what policy riot refused
          // before is asked for again, so the call starts without waiting for the next game.
          if (std::exchange(channel_needs_proof_, false) && phase_ == Phase::NoGame) {
            auto again = request_channel();
            out.insert(out.end(), again.begin(), again.end());
          }
          if (std::exchange(watch_needs_proof_, false) && follow_offers_ && !watching_)
            out.push_back(send(p::WatchGame{}));
        } else if constexpr (std::is_same_v<T, p::Error>) {
          last_problem_ = m.message;
          if (m.code == p::ErrorCode::ProofRequired) {
            if (m.re == "join-channel" || m.re == "find-or-create-channel")
              channel_needs_proof_ = true;
            if (m.re == "watch-game") watch_needs_proof_ = true;
          }
          if (m.re == "join-channel" || m.re == "find-or-create-channel") {
            // The channel went (swept, or emptied) or is full: ask again once the game is still
            // ours; a full or refused channel leaves us waiting with the problem shown. An offer
            // we could not join is not followed.
            if (m.re == "join-channel" && phase_ == Phase::Joining) followed_offer_.reset();
            if (m.code == p::ErrorCode::NoSuchChannel) {
              auto again = request_channel();
              out.insert(out.end(), again.begin(), again.end());
            } else {
              phase_ = Phase::NoGame;
            }
          }
        }
      },
      message.body);
  return out;
}

Actions SessionCore::on_engine_signal(const std::string& key, const std::string& data_json) {
  const auto it = teammates_.find(key);
  if (it == teammates_.end() || !it->second.peer_id || phase_ != Phase::InChannel) return {};
  return {send(p::SignalTo{*it->second.peer_id, data_json})};
}

void SessionCore::on_engine_link_state(const std::string& key, bool connected) {
  if (const auto it = teammates_.find(key); it != teammates_.end() && it->second.linked)
    it->second.link_connected = connected;
}

Actions SessionCore::on_engine_link_down(const std::string& key) {
  const auto it = teammates_.find(key);
  if (it == teammates_.end()) return {};
  Teammate& mate = it->second;
  if (!mate.linked || !mate.peer_id || phase_ != Phase::InChannel) return {};
  if (mate.link_offers == mate.member_offers) return {};  // its own rules (PeerState) apply
  // Kept across a server restart with the old roles, while the teammate got this membership's:
  // if they saw the link go down first, they rebuilt with the new roles and wait (or offer)
  // accordingly; the old ones would leave both sides answering, or both offering, for good.
  mate.link_offers = mate.member_offers;
  mate.link_connected = false;
  return {RemovePeer{key}, AddPeer{key, mate.riot_id, mate.member_offers}};
}

Actions SessionCore::on_engine_peer_failed(const std::string& key) {
  const auto it = teammates_.find(key);
  if (it == teammates_.end() || !it->second.linked) return {};
  // Still in the channel with us: their row stays and says the link failed, as the page's does
  // (web/js/team.js onLinkGaveUp); leaving and joining again builds a new one.
  if (it->second.peer_id && phase_ == Phase::InChannel) return {};
  it->second.linked = it->second.link_connected = false;
  return {RemovePeer{key}};
}

Actions SessionCore::leave() {
  Actions out;
  if (channel_id_ && phase_ == Phase::InChannel) out.push_back(send(p::LeaveChannel{*channel_id_}));
  channel_id_.reset();
  drop_all_links(out);
  teammates_.clear();
  target_.reset();
  followed_offer_.reset();
  if (phase_ != Phase::Offline && phase_ != Phase::Refused) phase_ = Phase::NoGame;
  return out;
}

}  // namespace shotcall::session
