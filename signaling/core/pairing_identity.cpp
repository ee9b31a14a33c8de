// identity-1 in the pairing core (shared/protocol-identity.md): challenges, proofs, bindings,
// seats, links and devices. Pure like the rest of the core: the identity database sits behind
// store::IdentityStore, and every call that cannot reach it answers `unavailable`, never a
// lower level.
#include <algorithm>
#include <type_traits>
#include <unordered_set>
#include <utility>

#include "signaling/core/pairing.hpp"
#include "signaling/core/replies.hpp"
#include "signaling/identity/base64url.hpp"
#include "signaling/identity/crockford.hpp"
#include "signaling/identity/fingerprint.hpp"
#include "signaling/protocol/riot_id.hpp"

namespace shotcall::core {
namespace {

using replies::error;
using replies::event;
using replies::reply;

using protocol::ErrorCode;
using protocol::IdentityLevel;
using protocol::ServerMessage;

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
constexpr std::int64_t kHourMs = 3600LL * 1000;
constexpr std::int64_t kTouchEveryMs = 3600LL * 1000;

ServerMessage unavailable(const std::optional<std::string>& id, std::string_view re) {
  return error(id, ErrorCode::Unavailable,
               "the server cannot read its identity database right now: try again in a minute",
               re);
}

template <typename T>
constexpr bool kIdentityMessage =
    std::is_same_v<T, protocol::Hello> || std::is_same_v<T, protocol::VerifyRiot> ||
    std::is_same_v<T, protocol::VerifyRiotCheck> || std::is_same_v<T, protocol::LinkRequest> ||
    std::is_same_v<T, protocol::LinkApprove> || std::is_same_v<T, protocol::ListDevices> ||
    std::is_same_v<T, protocol::UnlinkDevice>;

const store::KeyBinding* binding_of(const std::vector<store::KeyBinding>& bindings,
                                    const std::string& key) {
  const auto it = std::find_if(bindings.begin(), bindings.end(),
                               [&](const store::KeyBinding& b) { return b.key == key; });
  return it == bindings.end() ? nullptr : &*it;
}

}  // namespace

std::optional<Outbox> Pairing::on_identity_unregistered(ConnId conn, Conn& c,
                                                        const protocol::ClientMessage& message) {
  const auto& id = message.id;
  return std::visit(
      [&](const auto& m) -> std::optional<Outbox> {
        using T = std::decay_t<decltype(m)>;
        if constexpr (!kIdentityMessage<T>) {
          return std::nullopt;
        } else if (!identity_enabled()) {
          // A v1 server: clients read this answer to `hello` as "no identity-1 here".
          return Outbox{{conn, error(id, ErrorCode::UnknownType,
                                     "unknown message type " + std::string{protocol::type_name(
                                                                   message.body)},
                                     protocol::type_name(message.body))}};
        } else if constexpr (std::is_same_v<T, protocol::Hello>) {
          c.challenge = Challenge{deps_.new_challenge(), deps_.now_ms()};
          std::vector<std::string> features{"identity-1"};
          if (config_.identity.riot_verify) features.push_back("riot-verify");
          return Outbox{{conn, reply(id, protocol::HelloReply{
                                             c.challenge->value, std::move(features),
                                             std::string{to_wire(config_.identity.policy)}})}};
        } else if constexpr (std::is_same_v<T, protocol::LinkRequest>) {
          return on_link_request(conn, c, id, m);
        } else if constexpr (std::is_same_v<T, protocol::VerifyRiot>) {
          return on_verify_riot(conn, c, id, m);
        } else if constexpr (std::is_same_v<T, protocol::VerifyRiotCheck>) {
          return on_verify_riot_check(conn, c, id);
        } else {
          return std::nullopt;  // needs registration: on_identity_registered
        }
      },
      message.body);
}

std::optional<Outbox> Pairing::on_identity_registered(ConnId conn, Conn& c,
                                                      const protocol::ClientMessage& message) {
  const auto& id = message.id;
  return std::visit(
      [&](const auto& m) -> std::optional<Outbox> {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, protocol::LinkApprove>)
          return on_link_approve(conn, c, id, m);
        else if constexpr (std::is_same_v<T, protocol::ListDevices>)
          return on_list_devices(conn, c, id);
        else if constexpr (std::is_same_v<T, protocol::UnlinkDevice>)
          return on_unlink_device(conn, c, id, m);
        else
          return std::nullopt;
      },
      message.body);
}

std::size_t Pairing::key_level_bindings(const std::string& key) const {
  const auto held = deps_.identity->bindings_of_key(key);
  return static_cast<std::size_t>(std::count_if(
      held.begin(), held.end(), [](const auto& b) { return b.level == store::BindingLevel::Key; }));
}

ProofVerdict Pairing::take_and_check(Conn& c, identity::Purpose purpose,
                                     const protocol::Proof& proof, const std::string& riot_id) {
  // A challenge serves one request with a proof, whatever becomes of it.
  const auto challenge = std::exchange(c.challenge, std::nullopt);
  const ProofVerdict verdict =
      check_proof(purpose, proof, riot_id, challenge, deps_.now_ms(), config_.identity);
  if (verdict == ProofVerdict::Ok)
    ++identity_counters_.proofs_accepted;
  else
    ++identity_counters_.proofs_refused[std::string{metric_reason(verdict)}];
  return verdict;
}

std::string Pairing::stale_session_text(const std::string& riot_id) {
  return "You signed in to " + riot_id +
         " from another session of this device; this one is closed.";
}

std::optional<Outbox> Pairing::admit_identity(ConnId conn, Conn& c,
                                              const std::optional<std::string>& id,
                                              const protocol::RegisterUser& m,
                                              Admission& admitted, Outbox& out) {
  constexpr std::string_view re = "register-user";
  const IdentityPolicy policy = config_.identity.policy;
  if (m.proof) {
    const ProofVerdict verdict = take_and_check(c, identity::Purpose::Register, *m.proof, m.riot_id);
    if (verdict != ProofVerdict::Ok)
      return Outbox{{conn, error(id, ErrorCode::BadProof, describe(verdict), re)}};
  } else if (policy == IdentityPolicy::Key) {
    return Outbox{{conn, error(id, ErrorCode::ProofRequired,
                               "this server admits only devices with a key: update your client, "
                               "or use one that supports identity-1",
                               re)}};
  }

  const std::string riot_key = protocol::fold_riot_id(m.riot_id);
  std::vector<store::KeyBinding> bindings;
  try {
    bindings = deps_.identity->bindings_of(riot_key);
  } catch (const store::StoreUnavailable&) {
    // Also without a proof under policy none: the Riot ID may be bound, and then nobody may take
    // its seat (protocol-identity.md, "What each policy guarantees"). Let in unchecked, an enemy
    // would sit in the team's channel as the player until the store answered again.
    ++identity_counters_.store_unavailable;
    return Outbox{{conn, unavailable(id, re)}};
  }

  if (bindings.empty()) {
    if (!m.proof) return std::nullopt;  // level none, as in v1
    // The first binding. A live holder of the Riot ID makes the claim fail (riot-id-in-use),
    // and then nothing is bound.
    try {
      if (key_level_bindings(m.proof->key) >= config_.identity.max_key_riot_ids)
        return Outbox{{conn, error(id, ErrorCode::RateLimited,
                                   "this device's key already holds " +
                                       std::to_string(config_.identity.max_key_riot_ids) +
                                       " Riot IDs on this server: unlink one first",
                                   re)}};
      if (deps_.identity->count_events(store::EventKind::BindingByAddress, c.address,
                                       deps_.now_ms() - kDayMs) >=
          config_.identity.max_bindings_per_address)
        return Outbox{{conn, error(id, ErrorCode::RateLimited,
                                   "too many new Riot IDs from your address today: try tomorrow",
                                   re)}};
    } catch (const store::StoreUnavailable&) {
      ++identity_counters_.store_unavailable;
      return Outbox{{conn, unavailable(id, re)}};
    }
    admitted.level = IdentityLevel::Key;
    admitted.key = m.proof->key;
    admitted.bind_first = true;
    return std::nullopt;
  }

  const store::KeyBinding* mine = m.proof ? binding_of(bindings, m.proof->key) : nullptr;
  if (!mine) {
    Outbox refused{{conn, error(id, ErrorCode::RiotIdBound,
                                m.riot_id +
                                    " is bound to another device on this server: sign in from "
                                    "that device, or link this one from it",
                                re)}};
    if (conn_of_riot_key(riot_key))
      if (auto warning = refused_claim_warning(riot_key)) warn_holder(riot_key, *warning, refused);
    return refused;
  }
  admitted.level = level_of(mine->level);
  admitted.key = mine->key;
  recheck_if_due(m.riot_id, *mine, out);
  // A stale session of this very device, or a keyless one that came before the key was bound,
  // gives up its seat; any other holder keeps it (the claim answers riot-id-in-use).
  if (const auto holder = conn_of_riot_key(riot_key)) {
    const Conn& h = conns_.at(*holder);
    if (h.proven_key == mine->key ||
        (h.level == IdentityLevel::None && h.registered_ms < mine->bound_at_ms))
      replace_connection(*holder, stale_session_text(m.riot_id), out);
  }
  // Last use decides when an unused binding lapses (30 days): an hour's precision is plenty,
  // and a locked database then costs a reconnecting player nothing.
  if (deps_.now_ms() - mine->last_used_ms > kTouchEveryMs) {
    try {
      deps_.identity->touch(riot_key, mine->key, deps_.now_ms());
    } catch (const store::StoreUnavailable&) {
      ++identity_counters_.store_unavailable;  // advisory: the seat stands
    }
  }
  return std::nullopt;
}

std::optional<Outbox> Pairing::bind_first_key(ConnId conn, Conn& c,
                                              const std::optional<std::string>& id,
                                              const protocol::RegisterUser& m,
                                              Admission& admitted) {
  constexpr std::string_view re = "register-user";
  const std::string riot_key = protocol::fold_riot_id(m.riot_id);
  const std::int64_t now = deps_.now_ms();
  try {
    const store::KeyBinding binding{riot_key, m.riot_id, *admitted.key, store::BindingLevel::Key,
                                    std::nullopt, now, now, 0};
    if (deps_.identity->bind_first(binding)) {
      deps_.identity->record_event(store::EventKind::BindingByAddress, c.address, now);
      ++identity_counters_.bindings_created;
      return std::nullopt;
    }
    // Another registration bound the Riot ID first: answer as if it had come first.
    admitted.bind_first = false;
    const auto bindings = deps_.identity->bindings_of(riot_key);
    if (const auto* mine = binding_of(bindings, *admitted.key)) {
      admitted.level = level_of(mine->level);
      return std::nullopt;
    }
    return Outbox{{conn, error(id, ErrorCode::RiotIdBound,
                               m.riot_id + " was just bound to another device on this server",
                               re)}};
  } catch (const store::StoreUnavailable&) {
    ++identity_counters_.store_unavailable;
    return Outbox{{conn, unavailable(id, re)}};
  }
}

std::optional<Outbox> Pairing::below_policy(ConnId conn, const Conn& c,
                                            const std::optional<std::string>& id,
                                            std::string_view re) const {
  if (config_.identity.policy != IdentityPolicy::Riot || c.level == IdentityLevel::Riot)
    return std::nullopt;
  return Outbox{{conn, error(id, ErrorCode::ProofRequired,
                             "this server admits to channels only players verified with Riot: "
                             "verify your Riot ID first",
                             re)}};
}

bool Pairing::offers_allowed(const Conn& c) const {
  return config_.identity.policy != IdentityPolicy::Riot || c.level == IdentityLevel::Riot;
}

protocol::ChannelOrigin Pairing::origin_of(const Channel& channel) const {
  for (const auto& [game, channels] : server_games_)
    if (std::find(channels.begin(), channels.end(), channel.id) != channels.end())
      return protocol::ChannelOrigin::Riot;
  return protocol::ChannelOrigin::Client;
}

std::size_t Pairing::distinct_riot_ids(const std::vector<std::string>& riot_ids) const {
  std::unordered_set<std::string> keys;
  for (const auto& riot_id : riot_ids) keys.insert(protocol::fold_riot_id(riot_id));
  return keys.size();
}

void Pairing::warn_holder(const std::string& riot_key, const std::string& text, Outbox& out) const {
  if (const auto holder = conn_of_riot_key(riot_key))
    out.push_back({*holder, event(protocol::Notice{protocol::NoticeLevel::Warning, text})});
}

void Pairing::replace_connection(ConnId victim, const std::string& why, Outbox& out) {
  if (journal_) {  // a shared call that may be undone: keep what it closes
    Checkpoint::Replaced kept{victim, conns_.at(victim), std::nullopt};
    if (const auto v = verifications_.find(victim); v != verifications_.end())
      kept.verification = v->second;
    journal_->replaced.push_back(std::move(kept));
  }
  out.push_back({victim, event(protocol::Notice{protocol::NoticeLevel::Warning, why})});
  out.back().close_code = 4001;
  out.back().close_reason = "replaced";
  ++identity_counters_.replaced;
  out.append(forget(victim));
}

std::vector<ConnId> Pairing::replaced_conns(const Replacement& u) const {
  const std::string riot_key = protocol::fold_riot_id(u.riot_id);
  std::vector<ConnId> victims;
  for (const auto& [conn, c] : conns_) {
    if (!c.riot_id || c.riot_key != riot_key) continue;
    const bool other_key = u.kept_key && c.proven_key != u.kept_key;
    const bool removed_key = c.proven_key && std::find(u.proven_by.begin(), u.proven_by.end(),
                                                       *c.proven_key) != u.proven_by.end();
    if (other_key || removed_key) victims.push_back(conn);
  }
  return victims;
}

Outbox Pairing::replaced(const Replacement& replacement) {
  Outbox out;
  for (const ConnId victim : replaced_conns(replacement))
    replace_connection(victim, replacement.why, out);
  return out;
}

StoreNeeds Pairing::needs_replaced(const Replacement& replacement) const {
  StoreNeeds needs;
  for (const ConnId victim : replaced_conns(replacement)) needs.merge(needs_disconnect(victim));
  return needs;
}

void Pairing::replace_everywhere(Replacement replacement, Outbox& out) {
  if (!config_.replace_in_own_call) out.append(replaced(replacement));
  out.replacements.push_back(std::move(replacement));
}

// ---- links and devices -----------------------------------------------------------------------

Outbox Pairing::on_link_request(ConnId conn, Conn& c, const std::optional<std::string>& id,
                                const protocol::LinkRequest& m) {
  constexpr std::string_view re = "link-request";
  const ProofVerdict verdict = take_and_check(c, identity::Purpose::LinkRequest, m.proof, m.riot_id);
  if (verdict != ProofVerdict::Ok)
    return {{conn, error(id, ErrorCode::BadProof, describe(verdict), re)}};
  const auto raw_key = identity::base64url_decode(m.proof.key);  // checked by the proof
  std::array<std::uint8_t, 32> key_bytes{};
  std::copy_n(raw_key->begin(), key_bytes.size(), key_bytes.begin());

  const std::int64_t now = deps_.now_ms();
  const std::int64_t expires = now + config_.identity.link_code_ttl_ms;
  const std::string code = deps_.new_link_code();
  try {
    // Each code is a row in the store: a client asking for codes as fast as it may send would
    // write to it without end. A device that wants linking needs one, or a few.
    if (deps_.identity->count_events(store::EventKind::LinkCodeByAddress, c.address,
                                     now - kHourMs) >= config_.identity.max_link_codes_per_address)
      return {{conn, error(id, ErrorCode::RateLimited,
                           "too many link codes asked for from your address this hour: use the "
                           "last code shown, or try again in an hour",
                           re)}};
    deps_.identity->put_link_code(store::LinkCodeRecord{
        code, protocol::fold_riot_id(m.riot_id), m.riot_id, m.proof.key, expires});
    deps_.identity->record_event(store::EventKind::LinkCodeByAddress, c.address, now);
  } catch (const store::StoreUnavailable&) {
    ++identity_counters_.store_unavailable;
    return {{conn, unavailable(id, re)}};
  }
  c.awaiting_link = code;
  return {{conn, reply(id, protocol::LinkCodeIssued{code, identity::key_fingerprint(key_bytes),
                                                    expires})}};
}

Outbox Pairing::on_link_approve(ConnId conn, Conn& c, const std::optional<std::string>& id,
                                const protocol::LinkApprove& m) {
  constexpr std::string_view re = "link-approve";
  if (!c.proven_key)
    return {{conn, error(id, ErrorCode::ProofRequired,
                         "approve links from a device whose key is bound to your Riot ID", re)}};
  const std::int64_t now = deps_.now_ms();
  const auto bad_code = [&]() -> Outbox {
    try {
      // Counted up to the limit only: past it every code is cancelled anyway, and a row per
      // further wrong code would let one connection write to the store without end.
      std::size_t bad = deps_.identity->count_events(store::EventKind::BadLinkCode, c.riot_key,
                                                     now - config_.identity.link_code_ttl_ms);
      if (bad < config_.identity.max_bad_link_codes) {
        deps_.identity->record_event(store::EventKind::BadLinkCode, c.riot_key, now);
        ++bad;
      }
      if (bad >= config_.identity.max_bad_link_codes) deps_.identity->cancel_link_codes(c.riot_key);
    } catch (const store::StoreUnavailable&) {
      ++identity_counters_.store_unavailable;
    }
    return {{conn, error(id, ErrorCode::BadLinkCode,
                         "that code is unknown, expired or used: ask the new device for its code "
                         "again",
                         re)}};
  };
  const auto code = identity::normalize_link_code(m.code);
  if (!code) return bad_code();

  std::optional<store::LinkCodeRecord> record;
  store::KeyBinding added;
  try {
    record = deps_.identity->take_link_code(*code, now);
    if (!record || record->riot_key != c.riot_key) return bad_code();
    const auto bindings = deps_.identity->bindings_of(c.riot_key);
    const auto* mine = binding_of(bindings, *c.proven_key);
    if (!mine)  // unbound since this connection registered
      return {{conn, error(id, ErrorCode::ProofRequired,
                           "this device is no longer bound to your Riot ID", re)}};
    // A key binds at most max_key_riot_ids Riot IDs at level key, by a link as by registering.
    if (mine->level == store::BindingLevel::Key &&
        key_level_bindings(record->key) >= config_.identity.max_key_riot_ids)
      return {{conn, error(id, ErrorCode::RateLimited,
                           "the new device's key already holds " +
                               std::to_string(config_.identity.max_key_riot_ids) +
                               " Riot IDs on this server: unlink one there, then link again",
                           re)}};
    added = store::KeyBinding{c.riot_key, record->riot_display, record->key, mine->level,
                              mine->puuid, now, now, mine->puuid_checked_ms};
    deps_.identity->add_binding(added);
  } catch (const store::StoreUnavailable&) {
    ++identity_counters_.store_unavailable;
    return {{conn, unavailable(id, re)}};
  }
  ++identity_counters_.links_approved;
  Outbox out{{conn, reply(id, protocol::LinkApproved{record->key})}};
  warn_holder(c.riot_key, "A new device was linked to " + *c.riot_id + ".", out);
  // The waiting device learns it at once (an extension event: its client registers next).
  for (auto& [other, oc] : conns_)
    if (oc.awaiting_link == record->code) {
      oc.awaiting_link.reset();
      out.push_back({other, event(protocol::LinkApproved{record->key})});
    }
  return out;
}

Outbox Pairing::on_list_devices(ConnId conn, Conn& c, const std::optional<std::string>& id) {
  constexpr std::string_view re = "list-devices";
  if (!c.proven_key)
    return {{conn, error(id, ErrorCode::ProofRequired,
                         "only a device whose key is bound to your Riot ID can list devices", re)}};
  protocol::DeviceList list;
  try {
    for (const auto& b : deps_.identity->bindings_of(c.riot_key))
      list.devices.push_back({b.key, level_of(b.level), b.bound_at_ms, b.last_used_ms});
  } catch (const store::StoreUnavailable&) {
    ++identity_counters_.store_unavailable;
    return {{conn, unavailable(id, re)}};
  }
  return {{conn, reply(id, std::move(list))}};
}

Outbox Pairing::on_unlink_device(ConnId conn, Conn& c, const std::optional<std::string>& id,
                                 const protocol::UnlinkDevice& m) {
  constexpr std::string_view re = "unlink-device";
  if (!c.proven_key)
    return {{conn, error(id, ErrorCode::ProofRequired,
                         "only a device whose key is bound to your Riot ID can unlink devices",
                         re)}};
  try {
    const auto bindings = deps_.identity->bindings_of(c.riot_key);
    const auto* target = binding_of(bindings, m.key);
    if (!target)
      return {{conn, error(id, ErrorCode::NoSuchKey, "that key is not bound to your Riot ID", re)}};
    const auto* mine = binding_of(bindings, *c.proven_key);
    if (m.key != *c.proven_key && (!mine || target->level > mine->level))
      return {{conn, error(id, ErrorCode::ProofRequired,
                           "that device was verified with Riot: unlink it from a verified device",
                           re)}};
    deps_.identity->remove_binding(c.riot_key, m.key);
  } catch (const store::StoreUnavailable&) {
    ++identity_counters_.store_unavailable;
    return {{conn, unavailable(id, re)}};
  }
  ++identity_counters_.devices_unlinked;
  const std::string riot_key = c.riot_key;
  const std::string riot_id = *c.riot_id;
  Outbox out{{conn, reply(id, protocol::DeviceUnlinked{m.key})}};
  warn_holder(riot_key, "A device was unlinked from " + riot_id + ".", out);
  // The unlinked key's live connections go, on every instance (this one too, when it unlinked
  // itself).
  replace_everywhere(
      {riot_id, std::nullopt, {m.key}, "This device was unlinked from " + riot_id + "."}, out);
  return out;
}

// Riot verification (verify-riot, verify-riot-check): pairing_verify.cpp.

// ---- upkeep ----------------------------------------------------------------------------------

protocol::IdentityLevel Pairing::identity_of(ConnId conn) const {
  const auto it = conns_.find(conn);
  return it == conns_.end() ? IdentityLevel::None : it->second.level;
}

std::size_t Pairing::expire_bindings() {
  if (!identity_enabled()) return 0;
  const std::int64_t now = deps_.now_ms();
  try {
    return deps_.identity->expire_bindings(now - config_.identity.key_binding_ttl_ms,
                                           now - config_.identity.riot_binding_ttl_ms);
  } catch (const store::StoreUnavailable&) {
    ++identity_counters_.store_unavailable;
    return 0;
  }
}

}  // namespace shotcall::core
