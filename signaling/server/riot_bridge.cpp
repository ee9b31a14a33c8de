#include "signaling/server/riot_bridge.hpp"

#include <cstring>
#include <set>

#include "signaling/protocol/riot_id.hpp"
#include "signaling/riot/riot_rate_limiter.hpp"
#include "signaling/server/ops/riot_metrics.hpp"

namespace shotcall::server {
namespace {

constexpr const char* kRiotLogDomain = "shotcall-riot";
constexpr std::int64_t kPuuidTtlUs = 6LL * 3600 * G_USEC_PER_SEC;
constexpr std::size_t kMaxKnownPuuids = 50000;

const char* reason_name(riot::GameEndReason reason) {
  switch (reason) {
    case riot::GameEndReason::NotSeen: return "not-seen";
    case riot::GameEndReason::NewGame: return "new-game";
    case riot::GameEndReason::Unwatched: return "unwatched";
  }
  return "unknown";
}

bool debug_wanted() {
  const char* d = g_getenv("G_MESSAGES_DEBUG");
  return d && (std::strstr(d, kRiotLogDomain) || std::strcmp(d, "all") == 0);
}

}  // namespace

RiotBridge::RiotBridge(core::Pairing& pairing, PairingRunner& runner, Logger& log, Deliver deliver)
    : pairing_(pairing), log_(log), deliver_(std::move(deliver)), runner_(runner) {}

std::unique_ptr<RiotBridge> RiotBridge::create(const RiotSettings& settings, core::Pairing& pairing,
                                               PairingRunner& runner, Logger& log, Deliver deliver,
                                               std::string* error) {
  riot::WatcherOptions o;
  o.platform = settings.platform;
  o.base_url = settings.api_base;
  o.api_key = settings.api_key;
  const auto windows = riot::parse_rate_limits(settings.rate_limits);
  if (!windows) {
    if (error) *error = "--riot-rate-limits: not a list of count:seconds pairs";
    return nullptr;
  }
  o.rate_limits.windows = *windows;
  // Riot verification (VerificationBridge) spends its own share of the key: the watcher the rest.
  o.rate_limits.share = 1.0 - settings.verify_share_percent / 100.0;
  o.schedule.min_poll_interval_ms = settings.min_poll_interval_ms;
  o.schedule.game_check_interval_ms = settings.game_check_interval_ms;
  o.schedule.end_confirmations = settings.end_confirmations;

  std::unique_ptr<RiotBridge> bridge(new RiotBridge(pairing, runner, log, std::move(deliver)));
  // The watcher's own log lines (domain shotcall-riot) go through the server's logger, so they
  // share its format (text or JSON) with everything else on stderr.
  bridge->log_handler_id_ = g_log_set_handler(
      kRiotLogDomain,
      static_cast<GLogLevelFlags>(G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION),
      &RiotBridge::log_handler, bridge.get());
  std::string watcher_error;
  bridge->watcher_ = riot::Watcher::create(std::move(o), &watcher_error);
  if (!bridge->watcher_) {
    if (error) *error = "cannot start the Riot watcher: " + watcher_error;
    return nullptr;
  }
  RiotBridge* self = bridge.get();
  self->watcher_->set_game_started_callback([self](const riot::GameStarted& e) { self->on_started(e); });
  self->watcher_->set_game_ended_callback([self](const riot::GameEnded& e) { self->on_ended(e); });
  self->watcher_->set_account_not_found_callback(
      [self](const riot::AccountNotFound& e) { self->on_not_found(e); });
  return bridge;
}

RiotBridge::~RiotBridge() {
  watcher_.reset();  // cancels calls in flight: no callback after this
  if (log_handler_id_) g_log_remove_handler(kRiotLogDomain, log_handler_id_);
}

void RiotBridge::apply(const std::vector<core::WatchRequest>& requests) {
  for (const core::WatchRequest& r : requests) {
    if (r.kind == core::WatchRequest::Kind::Watch) {
      // Only a puuid the server learnt from Riot itself stands in for the account lookup.
      const auto result = watcher_->watch(r.riot_id, known_puuid(r.riot_id));
      if (result == riot::WatchScheduler::WatchResult::InvalidRiotId)
        log_.warn("riot-watch-refused", {{"reason", "not a Riot ID the web API can look up"}});
    } else {
      remember_puuid(r.riot_id);
      watcher_->unwatch(r.riot_id);
    }
  }
}

void RiotBridge::on_started(const riot::GameStarted& e) {
  // Each team once, however many of its players are watched.
  std::set<int> teams;
  for (const riot::WatchedTeam& team : e.players) {
    if (!teams.insert(team.team_id).second) continue;
    protocol::IdValue game{e.game_id, false};
    protocol::IdValue team_id{std::to_string(team.team_id), true};
    runner_.open_server_channel(std::move(game), std::move(team_id), team.roster);
  }
  log_.info("riot-game-seen", {{"game", e.game_id},
                               {"watched_players", static_cast<std::uint64_t>(e.players.size())},
                               {"teams", static_cast<std::uint64_t>(teams.size())}});
}

void RiotBridge::on_ended(const riot::GameEnded& e) {
  log_.info("riot-game-ended", {{"game", e.game_id}, {"reason", reason_name(e.reason)}});
  // Unwatched: nobody watches it any more, but it may well go on; its channels stay as they are.
  if (e.reason == riot::GameEndReason::Unwatched) {
    pairing_.forget_server_game(e.game_id);
    return;
  }
  runner_.close_server_game(e.game_id);
}

void RiotBridge::on_not_found(const riot::AccountNotFound& e) {
  deliver_(pairing_.account_not_found(e.riot_id));
}

void RiotBridge::remember_puuid(const std::string& riot_id) {
  const auto view = watcher_->player(riot_id);
  if (!view || view->puuid.empty()) return;
  const std::int64_t now = g_get_monotonic_time();
  if (puuids_.size() >= kMaxKnownPuuids) {
    for (auto it = puuids_.begin(); it != puuids_.end();)
      it = it->second.expires_us <= now ? puuids_.erase(it) : std::next(it);
    if (puuids_.size() >= kMaxKnownPuuids) puuids_.erase(puuids_.begin());
  }
  puuids_[protocol::fold_riot_id(riot_id)] = KnownPuuid{view->puuid, now + kPuuidTtlUs};
}

std::string RiotBridge::known_puuid(const std::string& riot_id) {
  const auto it = puuids_.find(protocol::fold_riot_id(riot_id));
  if (it == puuids_.end()) return {};
  std::string puuid = it->second.expires_us > g_get_monotonic_time() ? it->second.puuid : "";
  puuids_.erase(it);
  return puuid;
}

void RiotBridge::render_metrics(PrometheusText& out) const {
  render_riot_metrics(out, watcher_->metrics(),
                      RiotGauges{pairing_.watching_count(), pairing_.server_game_count()});
}

void RiotBridge::log_handler(const gchar*, GLogLevelFlags level, const gchar* message,
                             gpointer self) {
  auto* bridge = static_cast<RiotBridge*>(self);
  LogLevel to = LogLevel::Info;
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) {
    to = LogLevel::Error;
  } else if (level & G_LOG_LEVEL_WARNING) {
    to = LogLevel::Warning;
  } else if (level & (G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG)) {
    // The watcher's info and debug lines name players; the server logs games itself
    // (riot-game-seen, riot-game-ended), so these show only when G_MESSAGES_DEBUG asks.
    if (!debug_wanted()) return;
    to = LogLevel::Debug;
  }
  bridge->log_.log(to, "riot", {{"message", message ? message : ""}});
}

}  // namespace shotcall::server
