#include "ui/teammate_rows.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

#include "signaling/protocol/riot_id.hpp"

namespace shotcall::ui {

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
  if (!link || (!link->in_channel && !link->has_link))
    return we_are_in_channel ? "Not running Shotcall" : "Not in the call yet";
  if (!link->has_link) return "In the channel, no voice link yet";
  switch (link->phase) {
    case mesh::PeerPhase::New:
    case mesh::PeerPhase::Connecting:
      return "Connecting…";
    case mesh::PeerPhase::Connected:
      return link->heard ? "Connected" : "Connected, no sound yet";
    case mesh::PeerPhase::Failed:
      if (!link->failure.empty()) return "Can't connect";  // failure_text says why
      return link->reason.empty() ? "Connection lost, retrying"
                                  : "Connection lost: " + link->reason;
    case mesh::PeerPhase::Closed:
      return link->in_channel ? "Reconnecting…" : "Left the call";
  }
  return "";
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
  if (rtt_ms < 0) return "measuring…";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f ms · %.1f%% loss", std::round(rtt_ms),
                loss_percent(lost, received));
  return buf;
}

RouteWords route_words(LinkPath path, const std::string& local_candidate,
                       const std::string& remote_candidate) {
  const std::string pair = local_candidate.empty() || remote_candidate.empty()
                               ? ""
                               : " (" + local_candidate + " to " + remote_candidate + ")";
  switch (path) {
    case LinkPath::Direct:
      return {"Direct",
              "Direct connection: your voices travel straight between your computers" + pair + ".",
              "direct connection"};
    case LinkPath::Relayed:
      return {"Relayed",
              "Relayed connection: your voices pass through the server's relay (TURN), "
              "still encrypted end to end" +
                  pair + ".",
              "relayed connection"};
    case LinkPath::Unknown:
      break;
  }
  return {};
}

std::string played_before_text(int games) {
  if (games <= 0) return "";
  if (games == 1) return "Played together once before";
  return "Played together " + std::to_string(games) + " times before";
}

std::string position_label(const std::string& position) {
  static const std::map<std::string, std::string> labels{{"TOP", "Top"},
                                                         {"JUNGLE", "Jungle"},
                                                         {"MIDDLE", "Mid"},
                                                         {"BOTTOM", "Bot"},
                                                         {"UTILITY", "Support"}};
  const auto it = labels.find(position);
  return it == labels.end() ? "" : it->second;
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
    row.accessible_summary = riot_id + (champion.empty() ? "" : ", " + champion) +
                             (row.badge ? ", " + row.badge->label : "") + ", " + row.state_text +
                             (row.quality_text.empty() ? "" : ", " + row.quality_text) +
                             (route_spoken.empty() ? "" : ", " + route_spoken) +
                             (row.failure_text.empty() ? "" : ", " + row.failure_text) +
                             (row.speaking ? ", speaking" : "") + (row.muted ? ", muted" : "") +
                             (row.played_before_text.empty() ? "" : ", " + row.played_before_text);
    rows.push_back(std::move(row));
  };
  for (const auto& r : roster)
    add(fold(r.riot_id), r.riot_id, r.champion, r.position, r.played_before);
  for (const auto& l : links) add(l.key, l.riot_id, "", "", 0);
  return rows;
}

}  // namespace shotcall::ui
