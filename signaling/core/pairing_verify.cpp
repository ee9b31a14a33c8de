// identity-1's Riot verification in the pairing core (shared/protocol-identity.md, "Riot
// verification"): the player proves control of a Riot account by setting, twice, a profile icon
// the server names. Pure like the rest of the core: what must be asked of Riot goes out through
// Outbox::lookups; the shell asks (RiotBridge, within verification's share of the budget)
// and feeds each answer back through riot_account_resolved / riot_summoner_read, whose Outbox
// answers the connection's waiting request.
#include <algorithm>
#include <random>
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
using protocol::IdentityLevel;
using protocol::ServerMessage;

constexpr std::int64_t kSecondMs = 1000;
constexpr std::int64_t kHourMs = 3600LL * 1000;
constexpr std::int64_t kDayMs = 24 * kHourMs;
constexpr std::int64_t kVerificationTtlMs = 10LL * 60 * 1000;  // from the first challenge
constexpr std::int64_t kReadEveryMs = 10 * kSecondMs;          // Riot read per verification
constexpr std::int64_t kStillResolvingRetryMs = 1 * kSecondMs;
// After a Riot answer the shared store refused: its tries take milliseconds, so the player's
// client waits a moment for Redis to take writes again before it checks.
constexpr std::int64_t kAnswerLostRetryMs = 5 * kSecondMs;
constexpr const char* kBudgetSpentText =
    "the server is using all the Riot requests it may spend on verification: check again in a "
    "moment";
constexpr int kDefaultIcons = 29;  // icons 0–28: every account owns them
constexpr std::size_t kMaxPendingPerRiotId = 2;
constexpr std::size_t kMaxPerRiotIdPerDay = 10;
constexpr std::size_t kMaxPerAddressPerHour = 5;

ServerMessage busy(const std::optional<std::string>& id, std::string message, std::string_view re,
                   std::int64_t retry_after_ms) {
  protocol::Error e{ErrorCode::VerifyBusy, std::move(message), std::string{re}};
  e.retry_after_ms = std::max<std::int64_t>(retry_after_ms, 0);
  return reply(id, std::move(e));
}

// How long until the events of `kind` counted over the last `window_ms` drop below `limit`: the
// oldest event that must age out leaves the window then. The store counts but does not list, and
// its count over [since, now] only falls as `since` grows, so a bisection to the second finds it.
std::int64_t until_below(store::IdentityStore& db, store::EventKind kind,
                         const std::string& subject, std::int64_t now, std::int64_t window_ms,
                         std::size_t limit) {
  std::int64_t lo = now - window_ms;  // count(lo) >= limit: why we are here
  std::int64_t hi = now + 1;          // count(hi) == 0
  while (hi - lo > kSecondMs) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    (db.count_events(kind, subject, mid) >= limit ? lo : hi) = mid;
  }
  return hi - (now - window_ms);
}

std::uint32_t fallback_random_below(std::uint32_t n) {
  static std::mt19937 engine{std::random_device{}()};
  return std::uniform_int_distribution<std::uint32_t>{0, n - 1}(engine);
}

}  // namespace

std::optional<Outbox> Pairing::verify_limits(ConnId conn, const Conn& c,
                                             const std::optional<std::string>& id,
                                             const std::string& riot_key) {
  constexpr std::string_view re = "verify-riot";
  const std::int64_t now = deps_.now_ms();
  // Pending verifications of this Riot ID on other connections (this one's was replaced).
  std::size_t pending = 0;
  std::int64_t first_free = INT64_MAX;
  for (auto it = verifications_.begin(); it != verifications_.end();) {
    if (it->second.expires_at_ms <= now) {  // ran out unnoticed: no longer pending
      it = verifications_.erase(it);
      continue;
    }
    if (it->first != conn && it->second.riot_key == riot_key) {
      ++pending;
      first_free = std::min(first_free, it->second.expires_at_ms);
    }
    ++it;
  }
  if (pending >= kMaxPendingPerRiotId)
    return Outbox{{conn, busy(id,
                              "two verifications of this Riot ID are already under way: finish "
                              "or wait for one of them",
                              re, first_free - now)}};
  try {
    auto& db = *deps_.identity;
    using store::EventKind;
    if (db.count_events(EventKind::VerificationByRiotId, riot_key, now - kDayMs) >=
        kMaxPerRiotIdPerDay)
      return Outbox{
          {conn, busy(id, "this Riot ID was verified too often today: try again later", re,
                      until_below(db, EventKind::VerificationByRiotId, riot_key, now, kDayMs,
                                  kMaxPerRiotIdPerDay))}};
    if (db.count_events(EventKind::VerificationByAddress, c.address, now - kHourMs) >=
        kMaxPerAddressPerHour)
      return Outbox{{conn, busy(id, "too many verifications from your address this hour", re,
                                until_below(db, EventKind::VerificationByAddress, c.address, now,
                                            kHourMs, kMaxPerAddressPerHour))}};
    db.record_event(EventKind::VerificationByRiotId, riot_key, now);
    db.record_event(EventKind::VerificationByAddress, c.address, now);
  } catch (const store::StoreUnavailable&) {
    ++identity_counters_.store_unavailable;
    return Outbox{{conn, error(id, ErrorCode::Unavailable,
                               "the server cannot read its identity database right now: try "
                               "again in a minute",
                               re)}};
  }
  return std::nullopt;
}

Outbox Pairing::on_verify_riot(ConnId conn, Conn& c, const std::optional<std::string>& id,
                               const protocol::VerifyRiot& m) {
  constexpr std::string_view re = "verify-riot";
  if (!config_.identity.riot_verify)
    return {{conn, error(id, ErrorCode::VerifyUnavailable,
                         "this server cannot ask Riot (it has no Riot API key): ask its operator, "
                         "or link this device from one that is already bound",
                         re)}};
  const ProofVerdict verdict = take_and_check(c, identity::Purpose::VerifyRiot, m.proof, m.riot_id);
  if (verdict != ProofVerdict::Ok)
    return {{conn, error(id, ErrorCode::BadProof, describe(verdict), re)}};
  const std::string riot_key = protocol::fold_riot_id(m.riot_id);
  if (c.riot_id && c.riot_key != riot_key)
    return {{conn, error(id, ErrorCode::BadMessage,
                         "this connection is registered as " + *c.riot_id +
                             ": it can verify only that Riot ID",
                         re)}};

  verifications_.erase(conn);  // a new verify-riot replaces this connection's pending one
  if (auto refused = verify_limits(conn, c, id, riot_key)) return std::move(*refused);

  Verification v;
  v.id = ++next_verification_;
  v.riot_id = m.riot_id;
  v.riot_key = riot_key;
  v.key = m.proof.key;
  v.expires_at_ms = deps_.now_ms() + kVerificationTtlMs;
  v.lookup_in_flight = true;
  v.waiting = id;
  Outbox asked;  // the challenge goes out once Riot has answered (riot_summoner_read)
  asked.lookups.push_back({RiotLookup::Kind::ResolveAccount, v.id, m.riot_id, {}});
  verifications_[conn] = std::move(v);
  ++identity_counters_.verifications_started;
  return asked;
}

Outbox Pairing::on_verify_riot_check(ConnId conn, Conn&, const std::optional<std::string>& id) {
  constexpr std::string_view re = "verify-riot-check";
  if (!config_.identity.riot_verify)
    return {{conn, error(id, ErrorCode::VerifyUnavailable,
                         "this server cannot ask Riot (it has no Riot API key)", re)}};
  const auto it = verifications_.find(conn);
  if (it == verifications_.end())
    return {
        {conn, error(id, ErrorCode::VerifyFailed,
                     "no verification is pending on this connection: send verify-riot first", re)}};
  Verification& v = it->second;
  const std::int64_t now = deps_.now_ms();
  if (now >= v.expires_at_ms) {
    v.waiting = id;
    return verification_failed(conn, v, "the time to set the icon ran out: start again");
  }
  if (v.lookup_in_flight) {
    // Riot has not answered yet: the challenge as it stands (round 0: nothing named yet).
    if (v.round == 0)
      return {{conn, busy(id, "the server is still asking Riot about your account", re,
                          kStillResolvingRetryMs)}};
    return {{conn, challenge_of(v, id)}};
  }
  if (v.round > 0 && now - v.last_read_ms < kReadEveryMs)
    return {{conn, challenge_of(v, id)}};  // the last read already said: not seen yet
  v.lookup_in_flight = true;
  v.waiting = id;
  Outbox asked;
  if (v.puuid.empty())  // account-v1 was busy when verify-riot came
    asked.lookups.push_back({RiotLookup::Kind::ResolveAccount, v.id, v.riot_id, {}});
  else
    asked.lookups.push_back({RiotLookup::Kind::ReadSummoner, v.id, {}, v.puuid});
  return asked;
}

Outbox Pairing::riot_answered(const RiotAnswer& a) {
  switch (a.lookup.kind) {
    case RiotLookup::Kind::RecheckBinding:
      return riot_binding_rechecked(a.lookup.riot_id, a.status, a.puuid);
    case RiotLookup::Kind::ResolveAccount:
      return riot_account_resolved(a.lookup.verification, a.status, a.puuid, a.retry_after_ms);
    case RiotLookup::Kind::ReadSummoner:
      return riot_summoner_read(a.lookup.verification, a.status, a.summoner, a.retry_after_ms);
  }
  return {};
}

Outbox Pairing::riot_answer_lost(const RiotAnswer& a) {
  if (a.lookup.kind == RiotLookup::Kind::RecheckBinding) {
    rechecking_.erase(protocol::fold_riot_id(a.lookup.riot_id));  // asked at its next registration
    return {};
  }
  auto [conn, v] = find_verification(a.lookup.verification);
  if (!v) return {};
  v->lookup_in_flight = false;
  std::int64_t retry_ms = kAnswerLostRetryMs;
  if (a.lookup.kind == RiotLookup::Kind::ReadSummoner && v->round > 0) {
    // Riot was read all the same: the next read waits its interval, as after any other.
    v->last_read_ms = deps_.now_ms();
    retry_ms = kReadEveryMs;
  }
  return verification_busy(conn, *v, retry_ms,
                           "the server could not record Riot's answer (its shared store refused "
                           "it): check again in a moment");
}

StoreNeeds Pairing::needs_riot_answer(const RiotAnswer& a) const {
  // Only a verification that succeeds reads the store: the verifier's channel records and hears
  // its new level (fetched for every summoner read: one every 10 s per verification at most).
  // The connections it or a re-check replaces go in calls of their own (replace_in_own_call).
  StoreNeeds needs;
  if (a.lookup.kind != RiotLookup::Kind::ReadSummoner) return needs;
  const ConnId conn = conn_of_verification(a.lookup.verification);
  if (const auto c = conns_.find(conn); c != conns_.end() && c->second.channel_id)
    needs.channel_ids.push_back(*c->second.channel_id);
  return needs;
}

ConnId Pairing::conn_of_verification(std::uint64_t id) const {
  if (id == 0) return 0;
  for (const auto& [conn, v] : verifications_)
    if (v.id == id) return conn;
  return 0;
}

std::pair<ConnId, Pairing::Verification*> Pairing::find_verification(std::uint64_t id) {
  const ConnId conn = conn_of_verification(id);
  if (conn == 0) return {0, nullptr};
  return {conn, &verifications_.at(conn)};
}

Outbox Pairing::riot_account_resolved(std::uint64_t verification, RiotLookupStatus status,
                                      const std::string& puuid, std::int64_t retry_after_ms) {
  auto [conn, v] = find_verification(verification);
  if (!v) return {};  // replaced, or its connection went
  v->lookup_in_flight = false;
  switch (status) {
    case RiotLookupStatus::NotFound:
      return verification_failed(conn, *v, "Riot knows no account named " + v->riot_id);
    case RiotLookupStatus::Busy:
      return verification_busy(conn, *v, retry_after_ms, kBudgetSpentText);
    case RiotLookupStatus::Ok:
      break;
  }
  v->puuid = puuid;
  // The account's current icon is read for this request: it must not be the one named.
  v->lookup_in_flight = true;
  Outbox asked;
  asked.lookups.push_back({RiotLookup::Kind::ReadSummoner, v->id, {}, v->puuid});
  return asked;
}

Outbox Pairing::riot_summoner_read(std::uint64_t verification, RiotLookupStatus status,
                                   const SummonerState& summoner, std::int64_t retry_after_ms) {
  auto [conn, v] = find_verification(verification);
  if (!v) return {};
  v->lookup_in_flight = false;
  switch (status) {
    case RiotLookupStatus::NotFound:
      return verification_failed(conn, *v,
                                 v->riot_id + " has no League account on this server's platform");
    case RiotLookupStatus::Busy:
      return verification_busy(conn, *v, retry_after_ms, kBudgetSpentText);
    case RiotLookupStatus::Ok:
      break;
  }
  const std::int64_t now = deps_.now_ms();
  v->last_read_ms = now;
  const auto waiting = std::exchange(v->waiting, std::nullopt);
  if (now >= v->expires_at_ms) {
    v->waiting = waiting;
    return verification_failed(conn, *v, "the time to set the icon ran out: start again");
  }
  // The icon counts only when Riot changed the summoner after it was named: an icon the
  // player already had (or set back) before the challenge proves nothing.
  const bool seen = v->round > 0 && summoner.profile_icon_id == v->icon_id &&
                    summoner.revision_date_ms > v->named_at_ms;
  if (v->round == 2 && seen) {
    v->waiting = waiting;
    return verification_succeeded(conn, *v);
  }
  if (v->round == 0 || seen) {
    ++v->round;
    v->icon_id = pick_icon(*v, summoner.profile_icon_id);
    v->named_at_ms = now;
  }
  return {{conn, challenge_of(*v, waiting)}};
}

int Pairing::pick_icon(const Verification& v, int current_icon) {
  std::vector<int> candidates;
  for (int icon = 0; icon < kDefaultIcons; ++icon) {
    if (icon == current_icon) continue;
    const bool named_elsewhere =
        std::any_of(verifications_.begin(), verifications_.end(), [&](const auto& kv) {
          return kv.second.id != v.id && kv.second.riot_key == v.riot_key && kv.second.round > 0 &&
                 kv.second.icon_id == icon;
        });
    if (!named_elsewhere) candidates.push_back(icon);
  }
  // At most one other pending verification names one icon and the account has one: never empty.
  const auto n = static_cast<std::uint32_t>(candidates.size());
  const std::uint32_t at = deps_.random_below ? deps_.random_below(n) : fallback_random_below(n);
  return candidates.at(at);
}

ServerMessage Pairing::challenge_of(const Verification& v,
                                    const std::optional<std::string>& id) const {
  return reply(id, protocol::VerifyRiotChallenge{v.riot_id, "profile-icon", v.icon_id, v.round,
                                                 v.expires_at_ms});
}

Outbox Pairing::verification_busy(ConnId conn, Verification& v, std::int64_t retry_after_ms,
                                  std::string why) {
  // Time the server costs the player is not counted against them.
  v.expires_at_ms += std::max<std::int64_t>(retry_after_ms, 0);
  const auto waiting = std::exchange(v.waiting, std::nullopt);
  return {{conn, busy(waiting, std::move(why), v.round == 0 ? "verify-riot" : "verify-riot-check",
                      retry_after_ms)}};
}

Outbox Pairing::verification_failed(ConnId conn, const Verification& v, std::string why) {
  const std::string_view re =
      v.round == 0 && v.last_read_ms == 0 ? "verify-riot" : "verify-riot-check";
  Outbox out{{conn, error(v.waiting, ErrorCode::VerifyFailed, std::move(why), re)}};
  ++identity_counters_.verifications_failed;
  verifications_.erase(conn);
  return out;
}

Outbox Pairing::verification_succeeded(ConnId conn, Verification& v) {
  const std::int64_t now = deps_.now_ms();
  const Verification done = v;
  try {
    deps_.identity->make_only_binding(store::KeyBinding{done.riot_key, done.riot_id, done.key,
                                                        store::BindingLevel::Riot, done.puuid, now,
                                                        now, now});
  } catch (const store::StoreUnavailable&) {
    ++identity_counters_.store_unavailable;
    // The icon stays seen: the next check (after the read interval) tries again.
    const auto waiting = std::exchange(v.waiting, std::nullopt);
    return {{conn, error(waiting, ErrorCode::Unavailable,
                         "the server cannot write its identity database right now: check again "
                         "in a minute",
                         "verify-riot-check")}};
  }
  verifications_.erase(conn);
  ++identity_counters_.verifications_succeeded;
  Outbox out{{conn, reply(done.waiting, protocol::Verified{done.riot_id, IdentityLevel::Riot})}};

  auto& c = conns_.at(conn);
  if (c.riot_id && c.riot_key == done.riot_key) {
    c.level = IdentityLevel::Riot;
    c.proven_key = done.key;
    if (c.channel_id) {
      // The channel's record too: who joins later reads members' levels from it.
      store_.set_member_level(*c.channel_id, c.peer_id, IdentityLevel::Riot);
      if (const auto channel = store_.find(*c.channel_id))
        for (const auto& member : channel->members)
          to_member(member.peer_id,
                    ServerMessage{std::nullopt, protocol::UserIdentity{channel->id, c.peer_id,
                                                                       IdentityLevel::Riot}},
                    out);
    }
  }
  // Every live connection of the Riot ID not proven by this key goes, on every instance: the
  // account's owner decided which device holds it. (This one, registered or not, is proven by it
  // now, or holds no Riot ID.)
  Replacement others{done.riot_id,
                     done.key,
                     {},
                     done.riot_id +
                         " was verified with Riot from another device; this one is no longer "
                         "bound to it."};
  // The holder hears of it unless it is one of those going (with several instances they go in a
  // call of their own, after this one: replace_in_own_call).
  const auto holder = conn_of_riot_key(done.riot_key);
  const auto going = replaced_conns(others);
  const bool holder_goes = holder && std::find(going.begin(), going.end(), *holder) != going.end();
  replace_everywhere(std::move(others), out);
  if (!holder_goes)
    warn_holder(done.riot_key, done.riot_id + " was verified with Riot on this device.", out);
  return out;
}

// ---- the 24-hour re-check of riot bindings ---------------------------------------------------

void Pairing::recheck_if_due(const std::string& riot_id, const store::KeyBinding& binding,
                             Outbox& out) {
  if (!config_.identity.riot_verify || binding.level != store::BindingLevel::Riot ||
      !binding.puuid || deps_.now_ms() - binding.puuid_checked_ms < kDayMs)
    return;
  if (!rechecking_.insert(binding.riot_key).second) return;  // already asked
  out.lookups.push_back({RiotLookup::Kind::RecheckBinding, 0, riot_id, {}});
}

Outbox Pairing::riot_binding_rechecked(const std::string& riot_id, RiotLookupStatus status,
                                       const std::string& puuid) {
  const std::string riot_key = protocol::fold_riot_id(riot_id);
  rechecking_.erase(riot_key);
  if (status == RiotLookupStatus::Busy) return {};
  const std::int64_t now = deps_.now_ms();
  std::vector<std::string> removed;
  try {
    for (const auto& b : deps_.identity->bindings_of(riot_key)) {
      if (b.level != store::BindingLevel::Riot || !b.puuid) continue;
      if (status == RiotLookupStatus::Ok && *b.puuid == puuid) {
        deps_.identity->mark_puuid_checked(riot_key, b.key, now);
      } else if (deps_.identity->remove_binding(riot_key, b.key)) {
        removed.push_back(b.key);
      }
    }
  } catch (const store::StoreUnavailable&) {
    ++identity_counters_.store_unavailable;  // checked again at the next registration
    return {};
  }
  Outbox out;
  if (!removed.empty())
    replace_everywhere({riot_id, std::nullopt, std::move(removed),
                        riot_id + " no longer belongs to the Riot account this device verified: "
                                  "verify again"},
                       out);
  return out;
}

}  // namespace shotcall::core
