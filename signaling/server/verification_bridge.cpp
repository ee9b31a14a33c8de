#include "signaling/server/verification_bridge.hpp"

#include <glib.h>

#include <algorithm>

#include "signaling/riot/riot_json.hpp"
#include "signaling/riot/routing.hpp"

namespace shotcall::server {
namespace {

// When the limiter cannot say (requests in flight alone fill a window): about one answer's time.
constexpr std::int64_t kUnknownWaitMs = 1000;

}  // namespace

VerificationBridge::VerificationBridge(PairingRunner& runner, riot::RateLimiterOptions limits)
    : runner_(runner), account_(limits), platform_(limits) {}

std::unique_ptr<VerificationBridge> VerificationBridge::create(const RiotSettings& settings,
                                                               PairingRunner& runner,
                                                               std::string* error) {
  const auto fail = [&](std::string message) -> std::unique_ptr<VerificationBridge> {
    if (error) *error = std::move(message);
    return nullptr;
  };
  const auto hosts = riot::resolve_hosts(settings.platform, settings.api_base);
  if (!hosts.ok()) return fail(hosts.error);
  const auto windows = riot::parse_rate_limits(settings.rate_limits);
  if (!windows) return fail("--riot-rate-limits: not a list of count:seconds pairs");
  riot::RateLimiterOptions limits;
  limits.windows = *windows;
  limits.share = settings.verify_share_percent / 100.0;

  riot::RiotClientOptions o;
  o.hosts = *hosts.hosts;
  o.api_key = settings.api_key;
  o.max_connections_per_host = 2;
  std::string client_error;
  auto client = riot::RiotClient::create(std::move(o), &client_error);
  if (!client) return fail("cannot start Riot verification: " + client_error);
  std::unique_ptr<VerificationBridge> bridge(new VerificationBridge(runner, limits));
  bridge->client_ = std::move(client);
  return bridge;
}

VerificationBridge::~VerificationBridge() { client_.reset(); }

std::int64_t VerificationBridge::now_ms() { return g_get_monotonic_time() / 1000; }

void VerificationBridge::run(std::vector<core::RiotLookup> lookups) {
  for (const core::RiotLookup& lookup : lookups) start(lookup);
}

void VerificationBridge::start(const core::RiotLookup& lookup) {
  const bool account = lookup.kind != core::RiotLookup::Kind::ReadSummoner;
  riot::RiotRateLimiter& limiter = account ? account_ : platform_;
  const std::int64_t now = now_ms();
  if (!limiter.try_acquire(now)) {
    // Verification's share is spent: the player hears when to check again (never the watcher's
    // share: it has limiters of its own).
    const std::int64_t next = limiter.next_allowed_ms(now);
    const std::int64_t wait = next == riot::RiotRateLimiter::kAfterAnAnswer
                                  ? kUnknownWaitMs
                                  : std::max<std::int64_t>(next - now, 1);
    feed(lookup, core::RiotLookupStatus::Busy, {}, {}, wait);
    return;
  }
  auto done = [this, lookup, &limiter](const riot::RiotResponse& r) {
    answered(lookup, limiter, r);
  };
  if (account) {
    const auto hash = lookup.riot_id.rfind('#');  // the codec accepted only Name#TAG
    client_->account_by_riot_id(lookup.riot_id.substr(0, hash), lookup.riot_id.substr(hash + 1),
                                std::move(done));
  } else {
    client_->summoner_by_puuid(lookup.puuid, std::move(done));
  }
}

void VerificationBridge::answered(const core::RiotLookup& lookup, riot::RiotRateLimiter& limiter,
                                  const riot::RiotResponse& r) {
  const std::int64_t now = now_ms();
  limiter.complete(now);
  limiter.observe_headers(r.app_rate_limit, r.app_rate_limit_count, now);
  const auto busy = [&] {
    const std::int64_t next = limiter.next_allowed_ms(now);
    const std::int64_t wait = next == riot::RiotRateLimiter::kAfterAnAnswer
                                  ? kUnknownWaitMs
                                  : std::max<std::int64_t>(next - now, kUnknownWaitMs);
    feed(lookup, core::RiotLookupStatus::Busy, {}, {}, wait);
  };
  if (r.status == 429) {
    limiter.on_429(riot::parse_retry_after(r.retry_after), now);
    return busy();
  }
  if (r.status != 200 && r.status != 404) {  // 5xx, timeout, transport error, a refused key
    limiter.on_server_error(now);
    return busy();
  }
  limiter.on_success(now);
  if (r.status == 404) return feed(lookup, core::RiotLookupStatus::NotFound, {}, {}, 0);
  if (lookup.kind != core::RiotLookup::Kind::ReadSummoner) {
    const auto account = riot::parse_account(r.body);
    if (!account.ok()) return busy();
    return feed(lookup, core::RiotLookupStatus::Ok, account.value->puuid, {}, 0);
  }
  const auto summoner = riot::parse_summoner(r.body);
  if (!summoner.ok()) return busy();
  feed(lookup, core::RiotLookupStatus::Ok, {},
       core::SummonerState{summoner.value->profile_icon_id, summoner.value->revision_date_ms}, 0);
}

void VerificationBridge::feed(const core::RiotLookup& lookup, core::RiotLookupStatus status,
                              const std::string& puuid, const core::SummonerState& summoner,
                              std::int64_t retry_after_ms) {
  runner_.riot_answered(core::RiotAnswer{lookup, status, puuid, summoner, retry_after_ms});
  // An account resolved asks for its summoner next: that lookup is in the Outbox the runner
  // delivers, and the shell brings it back to run().
}

}  // namespace shotcall::server
