#include "ui/teammate_rows.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

#include "app/i18n/translate.hpp"
#include "signaling/protocol/riot_id.hpp"

namespace shotcall::ui {

using i18n::fill;
using i18n::tr;
using i18n::trc;
using i18n::trn;

namespace {

std::string fold(const std::string& riot_id) {
  return protocol::is_valid_riot_id(riot_id) ? protocol::fold_riot_id(riot_id) : riot_id;
}

double loss_percent(std::int64_t lost, std::uint64_t received) {
  const double total =
      static_cast<double>(received) + static_cast<double>(std::max<std::int64_t>(lost, 0));
  return total > 0 ? 100.0 * static_cast<double>(std::max<std::int64_t>(lost, 0)) / total : 0.0;
}

// A teammate's state comes from the channel: only a teammate missing from a channel we are in
// is "Not running Shotcall". Outside one (still joining, no server, our voice would not start)
// nobody can tell.
std::string state_text(const PeerLinkView* link, bool we_are_in_channel) {
  // Translators: the states below are a teammate's, shown under their name.
  if (!link || (!link->in_channel && !link->has_link))
    return we_are_in_channel ? trc("teammate state", "Not running Shotcall")
                             : trc("teammate state", "Not in the call yet");
  if (!link->has_link) return trc("teammate state", "In the channel, no voice link yet");
  switch (link->phase) {
    case mesh::PeerPhase::New:
    case mesh::PeerPhase::Connecting:
      return trc("teammate state", "Connecting…");
    case mesh::PeerPhase::Connected:
      return link->heard ? trc("teammate state", "Connected")
                         : trc("teammate state", "Connected, no sound yet");
    case mesh::PeerPhase::Failed:
      // failure_text says why
      if (!link->failure.empty()) return trc("teammate state", "Can't connect");
      return link->reason.empty()
                 ? std::string{trc("teammate state", "Connection lost, retrying")}
                 // Translators: a teammate's state; {reason} says why the voice link broke.
                 : fill(trc("teammate state", "Connection lost: {reason}"),
                        {{"reason", link->reason}});
    case mesh::PeerPhase::Closed:
      return link->in_channel ? trc("teammate state", "Reconnecting…")
                              : trc("teammate state", "Left the call");
  }
  return "";
}

// The pieces of a row's spoken summary, in order, joined by the list separator.
std::string spoken_list(const std::vector<std::string>& pieces) {
  // Translators: joins the pieces of a teammate's row as a screen reader says it ("Ñandú#ÁÉ,
  // Garen, verified, Connected"): the language's list separator, with its spacing.
  const std::string separator = trc("list separator", ", ");
  std::string out;
  for (std::size_t i = 0; i < pieces.size(); ++i) out += (i == 0 ? "" : separator) + pieces[i];
  return out;
}

}  // namespace

Quality rate_quality(double rtt_ms, std::int64_t lost, std::uint64_t received) {
  if (rtt_ms < 0) return Quality::Unknown;
  const double loss = loss_percent(lost, received);
  if (rtt_ms <= 150 && loss < 2) return Quality::Good;
  if (rtt_ms <= 300 && loss < 8) return Quality::Fair;
  return Quality::Poor;
}

std::string quality_text(double rtt_ms, std::int64_t lost, std::uint64_t received) {
  // Translators: a teammate's link quality before the first round trip is measured.
  if (rtt_ms < 0) return tr("measuring…");
  char rtt[32];
  char loss[32];
  std::snprintf(rtt, sizeof rtt, "%.0f", std::round(rtt_ms));
  std::snprintf(loss, sizeof loss, "%.1f", loss_percent(lost, received));
  // Translators: a teammate's link quality: {rtt} is the round trip in milliseconds, {loss} the
  // share of voice packets lost, in percent (e.g. "38 ms · 0.4% loss").
  // xgettext:no-c-format
  return fill(tr("{rtt} ms · {loss}% loss"), {{"rtt", rtt}, {"loss", loss}});
}

RouteWords route_words(LinkPath path, const std::string& local_candidate,
                       const std::string& remote_candidate) {
  // The pair's candidate types (host, srflx, relay) are ICE's words, not translated.
  const bool pair = !local_candidate.empty() && !remote_candidate.empty();
  switch (path) {
    case LinkPath::Direct:
      return {trc("connection route", "Direct"),
              pair
                  // Translators: {local} and {remote} are ICE candidate types (host, srflx,
                  // relay), kept as they are.
                  ? fill(tr("Direct connection: your voices travel straight between your "
                            "computers ({local} to {remote})."),
                         {{"local", local_candidate}, {"remote", remote_candidate}})
                  : tr("Direct connection: your voices travel straight between your computers."),
              // Translators: a teammate's route, as a screen reader says it in their row.
              tr("direct connection")};
    case LinkPath::Relayed:
      return {trc("connection route", "Relayed"),
              pair
                  // Translators: {local} and {remote} are ICE candidate types (host, srflx,
                  // relay), kept as they are; TURN is the relay's protocol.
                  ? fill(tr("Relayed connection: your voices pass through the server's relay "
                            "(TURN), still encrypted end to end ({local} to {remote})."),
                         {{"local", local_candidate}, {"remote", remote_candidate}})
                  : tr("Relayed connection: your voices pass through the server's relay (TURN), "
                       "still encrypted end to end."),
              // Translators: a teammate's route, as a screen reader says it in their row.
              tr("relayed connection")};
    case LinkPath::Unknown:
      break;
  }
  return {};
}

std::string played_before_text(int games) {
  if (games <= 0) return "";
  // Translators: how often the player and this teammate played together before (a stored
  // count); the singular may use {count} where the language's singular covers more numbers.
  return fill(trn("Played together once before", "Played together {count} times before",
                  static_cast<unsigned long>(games)),
              {{"count", std::to_string(games)}});
}

std::string position_label(const std::string& position) {
  // Translators: League's positions (lanes and roles), as the Spanish League client says them.
  if (position == "TOP") return trc("lane position", "Top");
  if (position == "JUNGLE") return trc("lane position", "Jungle");
  if (position == "MIDDLE") return trc("lane position", "Mid");
  if (position == "BOTTOM") return trc("lane position", "Bot");
  if (position == "UTILITY") return trc("lane position", "Support");
  return "";
}

std::vector<TeammateRow> build_rows(const std::vector<RosterEntry>& roster,
                                    const std::vector<PeerLinkView>& links,
                                    const std::string& my_key, const PeerMemory& memory,
                                    bool we_are_in_channel) {
  std::map<std::string, const PeerLinkView*> by_key;
  for (const auto& l : links) by_key[l.key] = &l;

  std::vector<TeammateRow> rows;
  std::map<std::string, bool> shown;
  auto add = [&](const std::string& key, const std::string& riot_id, const std::string& champion,
                 const std::string& position, int played_before) {
    if (key == my_key || shown[key]) return;
    shown[key] = true;
    const auto it = by_key.find(key);
    const PeerLinkView* link = it == by_key.end() ? nullptr : it->second;
    TeammateRow row;
    row.key = key;
    row.riot_id = riot_id;
    row.champion = champion;
    row.position = position;
    row.has_shotcall = link && (link->in_channel || link->has_link);
    row.state_text = state_text(link, we_are_in_channel);
    const bool connected = link && link->has_link && link->phase == mesh::PeerPhase::Connected;
    std::string route_spoken;
    if (connected) {
      row.quality = rate_quality(link->rtt_ms, link->packets_lost, link->packets_received);
      row.quality_text = quality_text(link->rtt_ms, link->packets_lost, link->packets_received);
      RouteWords route = route_words(link->path, link->local_candidate, link->remote_candidate);
      row.route_text = std::move(route.label);
      row.route_description = std::move(route.description);
      route_spoken = std::move(route.spoken);
      if (link->path == LinkPath::Direct)
        // Translators: the accessible name of the "Direct" word in a teammate's row.
        row.route_name = fill(tr("Direct connection to {name}"), {{"name", riot_id}});
      else if (link->path == LinkPath::Relayed)
        // Translators: the accessible name of the "Relayed" word in a teammate's row.
        row.route_name = fill(tr("Relayed connection to {name}"), {{"name", riot_id}});
    } else if (link && link->has_link) {
      row.failure_text = link->failure;
    }
    row.speaking = connected && link->speaking;
    row.controls_enabled = link && link->has_link;
    if (row.has_shotcall) row.badge = identity_badge(link->identity);
    const PeerPreference pref = memory.get(key);
    row.volume = pref.volume;
    row.muted = pref.muted;
    row.played_before_text =
        played_before_text(std::max(played_before, link ? link->played_before : 0));
    // What a screen reader says for the row: each piece a phrase of its own (translated where it
    // is made), joined by the language's list separator, so no sentence is built from words.
    std::vector<std::string> pieces{riot_id};
    if (!champion.empty()) pieces.push_back(champion);
    if (row.badge) pieces.push_back(row.badge->label);
    pieces.push_back(row.state_text);
    if (!row.quality_text.empty()) pieces.push_back(row.quality_text);
    if (!route_spoken.empty()) pieces.push_back(route_spoken);
    if (!row.failure_text.empty()) pieces.push_back(row.failure_text);
    // Translators: a teammate is talking now; a piece of their row as a screen reader says it.
    if (row.speaking) pieces.push_back(trc("teammate, for a screen reader", "speaking"));
    // Translators: the player muted this teammate; a piece of their row for a screen reader.
    if (row.muted) pieces.push_back(trc("teammate, for a screen reader", "muted"));
    if (!row.played_before_text.empty()) pieces.push_back(row.played_before_text);
    row.accessible_summary = spoken_list(pieces);
    rows.push_back(std::move(row));
  };
  for (const auto& r : roster)
    add(fold(r.riot_id), r.riot_id, r.champion, r.position, r.played_before);
  for (const auto& l : links) add(l.key, l.riot_id, "", "", 0);
  return rows;
}

}  // namespace shotcall::ui
