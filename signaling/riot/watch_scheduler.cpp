#include "signaling/riot/watch_scheduler.hpp"

#include <glib.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "signaling/protocol/riot_id.hpp"

namespace shotcall::riot {
namespace {

bool valid_utf8(const std::string& s) {
  return g_utf8_validate(s.data(), static_cast<gssize>(s.size()), nullptr);
}

// Earliest (due, order) wins: the fair round robin.
bool earlier(std::int64_t due, std::uint64_t order, std::int64_t best_due, std::uint64_t best_order) {
  return due < best_due || (due == best_due && order < best_order);
}

}  // namespace

WatchScheduler::WatchScheduler(WatchSchedulerOptions options) : options_(std::move(options)) {
  options_.end_confirmations = std::max(options_.end_confirmations, 1);
  options_.min_poll_interval_ms = std::max<std::int64_t>(options_.min_poll_interval_ms, 1);
}

WatchScheduler::WatchResult WatchScheduler::watch(std::string_view riot_id, std::string_view puuid,
                                                  std::int64_t now_ms) {
  const auto parts = split_riot_id(riot_id);
  if (!protocol::is_valid_riot_id(riot_id) || !parts) return WatchResult::InvalidRiotId;
  const std::string key = protocol::fold_riot_id(riot_id);
  if (players_.count(key)) return WatchResult::AlreadyWatched;
  Player& p = players_[key];
  p.display = std::string(riot_id);
  p.game_name = parts->first;
  p.tag_line = parts->second;
  p.due_ms = now_ms;
  p.order = ++counter_;
  if (!puuid.empty()) set_puuid(key, p, std::string(puuid));
  p.state = p.puuid.empty() ? PlayerState::Resolving : PlayerState::Idle;
  // Already in a game we track (a teammate's answer named them)? Join it without a call.
  for (auto& [id, g] : games_) {
    for (const Participant& part : g.game.participants) {
      const std::string* k = key_for(part);
      if (k && *k == key) {
        const ActiveGame copy = g.game;  // discover() may touch games_
        discover(copy, now_ms);
        return WatchResult::Added;
      }
    }
  }
  return WatchResult::Added;
}

bool WatchScheduler::unwatch(std::string_view riot_id, std::int64_t now_ms) {
  const std::string key = protocol::fold_riot_id(riot_id);
  auto it = players_.find(key);
  if (it == players_.end()) return false;
  Player& p = it->second;
  if (p.state == PlayerState::InGame) leave_game(key, p, GameEndReason::Unwatched, now_ms);
  if (!p.puuid.empty()) {
    auto b = by_puuid_.find(p.puuid);
    if (b != by_puuid_.end() && b->second == key) by_puuid_.erase(b);
  }
  players_.erase(it);
  return true;
}

std::optional<PlayerView> WatchScheduler::player(std::string_view riot_id) const {
  auto it = players_.find(protocol::fold_riot_id(riot_id));
  if (it == players_.end()) return std::nullopt;
  const Player& p = it->second;
  return PlayerView{p.display, p.puuid, p.state, p.game_id};
}

bool WatchScheduler::has_due(CallKind kind, std::int64_t now_ms) const {
  const auto due = next_due_ms(kind);
  return due && *due <= now_ms;
}

std::optional<std::int64_t> WatchScheduler::next_due_ms(CallKind kind) const {
  std::optional<std::int64_t> best;
  auto consider = [&](std::int64_t due) {
    if (!best || due < *best) best = due;
  };
  for (const auto& [key, p] : players_) {
    if (p.in_flight) continue;
    const bool unresolved = p.state == PlayerState::Resolving || p.state == PlayerState::NotFound;
    if (kind == CallKind::Account && unresolved) consider(p.due_ms);
    if (kind == CallKind::Spectator && p.state == PlayerState::Idle) consider(p.due_ms);
  }
  if (kind == CallKind::Spectator) {
    for (const auto& [id, g] : games_) {
      if (!g.in_flight) consider(g.next_check_ms);
    }
  }
  return best;
}

std::optional<WatchCall> WatchScheduler::next_call(CallKind kind, std::int64_t now_ms) {
  Player* best_player = nullptr;
  const std::string* best_key = nullptr;
  std::int64_t best_due = 0;
  std::uint64_t best_order = 0;
  for (auto& [key, p] : players_) {
    if (p.in_flight || p.due_ms > now_ms) continue;
    const bool unresolved = p.state == PlayerState::Resolving || p.state == PlayerState::NotFound;
    const bool wanted = kind == CallKind::Account ? unresolved : p.state == PlayerState::Idle;
    if (!wanted) continue;
    if (!best_player || earlier(p.due_ms, p.order, best_due, best_order)) {
      best_player = &p;
      best_key = &key;
      best_due = p.due_ms;
      best_order = p.order;
    }
  }
  if (kind == CallKind::Spectator) {
    std::pair<const std::string, Game>* best_game = nullptr;
    for (auto& entry : games_) {
      const Game& g = entry.second;
      if (g.in_flight || g.next_check_ms > now_ms) continue;
      if (!best_game || earlier(g.next_check_ms, g.order, best_game->second.next_check_ms,
                                best_game->second.order)) {
        best_game = &entry;
      }
    }
    // A due game check goes before an idle poll that fell due no earlier.
    if (best_game && (!best_player || best_game->second.next_check_ms <= best_due)) {
      if (auto call = game_check_call(best_game->first, best_game->second)) return call;
    }
  }
  if (!best_player) return std::nullopt;
  WatchCall call;
  call.kind = kind;
  call.player_key = *best_key;
  call.game_name = best_player->game_name;
  call.tag_line = best_player->tag_line;
  call.puuid = best_player->puuid;
  best_player->in_flight = ++counter_;
  best_player->in_flight_kind = kind;
  best_player->order = counter_;
  call.serial = best_player->in_flight;
  return call;
}

std::optional<WatchCall> WatchScheduler::game_check_call(const std::string& game_id, Game& g) {
  // Probe a watched member when possible (that is whose game we care about), rotating so one
  // player's odd 404s cannot end the game alone; else any human participant.
  std::vector<std::pair<std::string, std::string>> candidates;  // {key, puuid}
  for (const std::string& key : g.members) {
    auto it = players_.find(key);
    if (it != players_.end() && !it->second.puuid.empty()) candidates.emplace_back(key, it->second.puuid);
  }
  if (candidates.empty()) {
    for (const Participant& part : g.game.participants) {
      if (!part.bot && !part.puuid.empty()) candidates.emplace_back("", part.puuid);
    }
  }
  if (candidates.empty()) return std::nullopt;  // cannot happen: members came from puuids/riotIds
  const auto& [key, puuid] = candidates[g.probe_cursor++ % candidates.size()];
  WatchCall call;
  call.kind = CallKind::Spectator;
  call.player_key = key;
  call.puuid = puuid;
  call.game_id = game_id;
  g.in_flight = ++counter_;
  g.order = counter_;
  call.serial = g.in_flight;
  return call;
}

WatchScheduler::Player* WatchScheduler::answered_player(const WatchCall& call) {
  auto it = players_.find(call.player_key);
  if (it == players_.end() || it->second.in_flight != call.serial) return nullptr;
  it->second.in_flight = 0;
  return &it->second;
}

WatchScheduler::Game* WatchScheduler::answered_game(const WatchCall& call) {
  auto it = games_.find(call.game_id);
  if (it == games_.end() || it->second.in_flight != call.serial) return nullptr;
  it->second.in_flight = 0;
  return &it->second;
}

void WatchScheduler::set_puuid(const std::string& key, Player& p, const std::string& puuid) {
  if (puuid.empty() || !p.puuid.empty()) return;
  p.puuid = puuid;
  by_puuid_.emplace(puuid, key);  // the first watcher of a puuid keeps it
}

const std::string* WatchScheduler::key_for(const Participant& part) const {
  if (!part.puuid.empty()) {
    auto b = by_puuid_.find(part.puuid);
    if (b != by_puuid_.end()) return &b->second;
  }
  if (part.riot_id.empty() || !valid_utf8(part.riot_id)) return nullptr;
  auto it = players_.find(protocol::fold_riot_id(part.riot_id));
  if (it == players_.end()) return nullptr;
  // A Riot ID match is trusted only when it does not contradict a puuid we already know.
  if (!it->second.puuid.empty() && !part.puuid.empty() && it->second.puuid != part.puuid) {
    return nullptr;
  }
  return &it->first;
}

void WatchScheduler::on_account(const WatchCall& call, const Account& account, std::int64_t now_ms) {
  Player* p = answered_player(call);
  if (!p) return;
  if (!p->puuid.empty()) return;  // a game answer taught us the puuid meanwhile
  const std::string key = call.player_key;
  set_puuid(key, *p, account.puuid);
  const std::string canonical = account.riot_id();
  if (valid_utf8(canonical) && protocol::fold_riot_id(canonical) == key) p->display = canonical;
  if (p->state == PlayerState::InGame) return;  // matched by Riot ID meanwhile
  p->state = PlayerState::Idle;
  p->due_ms = now_ms;
  for (auto& [id, g] : games_) {
    if (team_roster_for_puuid(g.game, account.puuid)) {
      const ActiveGame copy = g.game;
      discover(copy, now_ms);
      break;
    }
  }
}

void WatchScheduler::on_account_not_found(const WatchCall& call, std::int64_t now_ms) {
  Player* p = answered_player(call);
  if (!p || !p->puuid.empty()) return;
  p->state = PlayerState::NotFound;
  p->due_ms = now_ms + options_.account_not_found_retry_ms;
  if (!p->not_found_reported) {
    p->not_found_reported = true;
    events_.push_back(AccountNotFound{p->display});
  }
}

void WatchScheduler::on_active_game(const WatchCall& call, const ActiveGame& game,
                                    std::int64_t now_ms) {
  const std::string id = channel_game_id(game);
  if (!call.game_id.empty()) {
    if (Game* g = answered_game(call)) {
      if (id == call.game_id) {
        g->not_seen = 0;
        g->next_check_ms = now_ms + game_check_interval_ms();
      } else {
        // The probed player is in another game: theirs is over (one game at a time).
        end_game(call.game_id, GameEndReason::NewGame, now_ms);
      }
    }
  } else if (Player* p = answered_player(call)) {
    if (p->state == PlayerState::Idle) p->due_ms = now_ms + poll_interval_ms();
  }
  discover(game, now_ms);
}

void WatchScheduler::on_not_in_game(const WatchCall& call, std::int64_t now_ms) {
  if (!call.game_id.empty()) {
    Game* g = answered_game(call);
    if (!g) return;
    if (++g->not_seen >= options_.end_confirmations) {
      end_game(call.game_id, GameEndReason::NotSeen, now_ms);
    } else {
      g->next_check_ms = now_ms + poll_interval_ms();  // confirm sooner than a routine check
    }
    return;
  }
  Player* p = answered_player(call);
  if (p && p->state == PlayerState::Idle) p->due_ms = now_ms + poll_interval_ms();
}

void WatchScheduler::on_failure(const WatchCall& call, std::int64_t now_ms) {
  if (!call.game_id.empty()) {
    if (Game* g = answered_game(call)) g->next_check_ms = now_ms + poll_interval_ms();
    return;
  }
  Player* p = answered_player(call);
  if (p && p->state != PlayerState::InGame) p->due_ms = now_ms + poll_interval_ms();
}

void WatchScheduler::discover(const ActiveGame& game, std::int64_t now_ms) {
  const std::string id = channel_game_id(game);
  std::vector<std::string> found;
  for (const Participant& part : game.participants) {
    const std::string* k = key_for(part);
    if (!k) continue;
    const std::string key = *k;
    Player& p = players_.at(key);
    if (p.state == PlayerState::InGame && p.game_id == id) continue;
    if (std::find(found.begin(), found.end(), key) != found.end()) continue;
    if (p.state == PlayerState::InGame) leave_game(key, p, GameEndReason::NewGame, now_ms);
    set_puuid(key, p, part.puuid);
    p.state = PlayerState::InGame;
    p.game_id = id;
    found.push_back(key);
  }
  if (found.empty()) return;
  const bool existed = games_.count(id) > 0;
  Game& g = games_[id];
  if (!existed) {
    g.game = game;
    g.next_check_ms = now_ms + game_check_interval_ms();
    g.order = ++counter_;
  }
  GameStarted started;
  started.game_id = id;
  started.game = g.game;
  started.first_report = !existed;
  for (const std::string& key : found) {
    g.members.push_back(key);
    started.players.push_back(team_of(players_.at(key), g.game));
  }
  events_.push_back(std::move(started));
}

WatchedTeam WatchScheduler::team_of(const Player& p, const ActiveGame& game) const {
  WatchedTeam team;
  team.riot_id = p.display;
  team.puuid = p.puuid;
  auto roster = team_roster_for_puuid(game, p.puuid);
  if (!roster) roster = team_roster_for_riot_id(game, p.display);
  if (roster) {
    team.team_id = roster->team_id;
    team.roster = std::move(roster->riot_ids);
  }
  return team;
}

void WatchScheduler::leave_game(const std::string& key, Player& p, GameEndReason reason,
                                std::int64_t now_ms) {
  const std::string id = std::exchange(p.game_id, std::string());
  p.state = PlayerState::Idle;
  p.due_ms = now_ms + poll_interval_ms();
  auto it = games_.find(id);
  if (it == games_.end()) return;
  auto& members = it->second.members;
  members.erase(std::remove(members.begin(), members.end(), key), members.end());
  if (members.empty()) {
    events_.push_back(GameEnded{id, {p.display}, reason});
    games_.erase(it);
  }
}

void WatchScheduler::end_game(const std::string& game_id, GameEndReason reason,
                              std::int64_t now_ms) {
  auto it = games_.find(game_id);
  if (it == games_.end()) return;
  GameEnded ended{game_id, {}, reason};
  for (const std::string& key : it->second.members) {
    auto p = players_.find(key);
    if (p == players_.end()) continue;
    ended.riot_ids.push_back(p->second.display);
    p->second.state = PlayerState::Idle;
    p->second.game_id.clear();
    // Just out of a game: back to the normal cadence rather than at once.
    p->second.due_ms = now_ms + poll_interval_ms();
  }
  games_.erase(it);
  events_.push_back(std::move(ended));
}

std::vector<WatchEvent> WatchScheduler::take_events() { return std::exchange(events_, {}); }

void WatchScheduler::set_sustainable_rate(double per_s) {
  if (std::isfinite(per_s) && per_s > 0) options_.sustainable_rate_per_s = per_s;
}

std::int64_t WatchScheduler::poll_interval_ms() const {
  const double budget = std::max(options_.sustainable_rate_per_s * options_.budget_fraction, 1e-3);
  // A Riot ID Riot does not know is never polled for games: it is asked about again once per
  // account_not_found_retry_ms, an account-v1 call with a limiter of its own (watcher.cpp), not
  // from this budget. Counted as polled, a hundred made-up names would slow everyone's detection
  // by a hundred intervals' worth.
  std::size_t unknown = 0;
  for (const auto& [key, p] : players_) unknown += p.state == PlayerState::NotFound ? 1 : 0;
  const double polled = static_cast<double>(players_.size() - unknown);
  // The epsilon keeps float noise (12000 / 2.6666666666666665) from adding a millisecond.
  const double spread = std::ceil(polled * 1000.0 / budget - 1e-6);
  return std::max(options_.min_poll_interval_ms, static_cast<std::int64_t>(spread));
}

std::int64_t WatchScheduler::game_check_interval_ms() const {
  return std::max(options_.game_check_interval_ms, poll_interval_ms());
}

std::size_t WatchScheduler::unresolved_count() const {
  return static_cast<std::size_t>(std::count_if(players_.begin(), players_.end(), [](const auto& kv) {
    return kv.second.state == PlayerState::Resolving || kv.second.state == PlayerState::NotFound;
  }));
}

std::size_t WatchScheduler::in_game_count() const {
  return static_cast<std::size_t>(std::count_if(players_.begin(), players_.end(), [](const auto& kv) {
    return kv.second.state == PlayerState::InGame;
  }));
}

std::size_t WatchScheduler::in_flight_count(CallKind kind) const {
  std::size_t n = 0;
  for (const auto& [key, p] : players_) {
    if (p.in_flight && p.in_flight_kind == kind) ++n;
  }
  if (kind == CallKind::Spectator) {
    for (const auto& [id, g] : games_) n += g.in_flight ? 1 : 0;
  }
  return n;
}

}  // namespace shotcall::riot
