#include "app/history/game_record.hpp"

#include <algorithm>

#include "signaling/protocol/riot_id.hpp"

namespace shotcall::history {

namespace {

LinkRoute route_of(media::PeerStats::LinkRoute route) {
  switch (route) {
    case media::PeerStats::LinkRoute::Direct:
      return LinkRoute::Direct;
    case media::PeerStats::LinkRoute::Relayed:
      return LinkRoute::Relayed;
    case media::PeerStats::LinkRoute::Unknown:
      break;
  }
  return LinkRoute::Unknown;
}

// Stats that say something: a round trip was measured or audio arrived.
bool measured(const LinkQuality& q) { return q.rtt_ms >= 0 || q.packets_received > 0; }

// Keeps the best known quality of one link (see GameRecorder::observe): the sample's stats unless
// they cover fewer packets than the kept ones, and the last known route.
void absorb(LinkQuality& kept, const LinkQuality& sample) {
  if (sample.route != LinkRoute::Unknown) kept.route = sample.route;
  if (measured(sample) && (!measured(kept) || sample.packets_received >= kept.packets_received)) {
    kept.rtt_ms = sample.rtt_ms >= 0 ? sample.rtt_ms : kept.rtt_ms;
    kept.packets_lost = sample.packets_lost;
    kept.packets_received = sample.packets_received;
    kept.jitter_ms = sample.jitter_ms;
  }
}

}  // namespace

const char* to_string(LinkRoute route) {
  switch (route) {
    case LinkRoute::Direct:
      return "direct";
    case LinkRoute::Relayed:
      return "relayed";
    case LinkRoute::Unknown:
      break;
  }
  return "unknown";
}

LinkRoute route_from_string(std::string_view word) {
  if (word == "direct") return LinkRoute::Direct;
  if (word == "relayed") return LinkRoute::Relayed;
  return LinkRoute::Unknown;
}

std::string side_of(const std::string& team_id) {
  if (team_id == "100") return "Blue";
  if (team_id == "200") return "Red";
  return team_id;
}

std::string riot_key(const std::string& riot_id) {
  return protocol::is_valid_riot_id(riot_id) ? protocol::fold_riot_id(riot_id) : riot_id;
}

const std::string& GameRecorder::game_id() const {
  static const std::string none;
  return record_ ? record_->game_id : none;
}

std::optional<GameRecord> GameRecorder::begin(const session::DetectedGame& game,
                                              std::int64_t now_ms) {
  std::optional<GameRecord> ended;
  if (record_ && record_->game_id != game.target.game_id.text) ended = finish(now_ms);
  if (!record_) {
    record_.emplace();
    record_->started_at_ms = now_ms;
    record_->game_id = game.target.game_id.text;
    keys_.clear();
  }
  apply_roster(game);
  return ended;
}

void GameRecorder::apply_roster(const session::DetectedGame& game) {
  GameRecord& r = *record_;
  if (!game.map_name.empty()) r.map = game.map_name;
  if (!game.game_mode.empty()) r.mode = game.game_mode;
  r.side = side_of(game.target.team_id.text);
  if (!game.player_riot_id.empty()) {
    r.my_riot_id = game.player_riot_id;
    my_key_ = riot_key(game.player_riot_id);
  }
  // Manual and older detectors name only Riot IDs (as the view model's roster does).
  std::vector<session::DetectedTeammate> roster = game.teammates;
  if (roster.empty())
    for (const auto& id : game.target.teammates) roster.push_back({id, "", ""});
  for (const auto& t : roster) {
    const std::string key = riot_key(t.riot_id);
    if (key == my_key_) {
      if (!t.champion.empty()) r.my_champion = t.champion;
      continue;
    }
    TeammateRecord& mate = teammate(key, t.riot_id);
    if (!t.champion.empty()) mate.champion = t.champion;
  }
}

TeammateRecord& GameRecorder::teammate(const std::string& key, const std::string& riot_id) {
  const auto it = std::find(keys_.begin(), keys_.end(), key);
  if (it != keys_.end()) return record_->teammates[static_cast<std::size_t>(it - keys_.begin())];
  keys_.push_back(key);
  record_->teammates.push_back({riot_id, "", false, {}});
  return record_->teammates.back();
}

void GameRecorder::observe(const std::map<std::string, session::LinkInfo>& links) {
  if (!record_) return;
  for (const auto& [key, info] : links) {
    if (key == my_key_) continue;
    // Someone linked who is not on the roster (a hand-typed game) was still in the call.
    TeammateRecord& mate = teammate(key, info.riot_id.empty() ? key : info.riot_id);
    const media::PeerStats& s = info.stats;
    if (info.phase == media::PeerPhase::Connected || info.first_audio_ms) mate.in_voice = true;
    absorb(mate.link,
           {route_of(s.route), s.rtt_ms, s.packets_lost, s.packets_received, s.jitter_ms});
  }
}

std::optional<GameRecord> GameRecorder::finish(std::int64_t now_ms) {
  if (!record_) return std::nullopt;
  GameRecord done = std::move(*record_);
  record_.reset();
  keys_.clear();
  my_key_.clear();
  done.duration_s = std::max<std::int64_t>(0, (now_ms - done.started_at_ms) / 1000);
  return done;
}

void merge_record(GameRecord& kept, const GameRecord& more) {
  const std::int64_t end_ms = std::max(kept.started_at_ms + kept.duration_s * 1000,
                                       more.started_at_ms + more.duration_s * 1000);
  kept.started_at_ms = std::min(kept.started_at_ms, more.started_at_ms);
  kept.duration_s = (end_ms - kept.started_at_ms) / 1000;
  for (std::string GameRecord::*field : {&GameRecord::map, &GameRecord::mode, &GameRecord::side,
                                         &GameRecord::my_riot_id, &GameRecord::my_champion})
    if ((kept.*field).empty()) kept.*field = more.*field;
  for (const auto& mate : more.teammates) {
    const std::string key = riot_key(mate.riot_id);
    auto it = std::find_if(kept.teammates.begin(), kept.teammates.end(),
                           [&](const TeammateRecord& t) { return riot_key(t.riot_id) == key; });
    if (it == kept.teammates.end()) {
      kept.teammates.push_back(mate);
      continue;
    }
    if (it->champion.empty()) it->champion = mate.champion;
    it->in_voice = it->in_voice || mate.in_voice;
    absorb(it->link, mate.link);
  }
}

}  // namespace shotcall::history
