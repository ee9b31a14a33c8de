#include "app/media/link_route.hpp"

namespace shotcall::media {

namespace {

const std::pair<std::string, std::string>* chosen_pair(const RouteStats& stats) {
  for (const auto& id : stats.selected_pair_ids) {
    const auto it = stats.pairs.find(id);
    if (it != stats.pairs.end()) return &it->second;
  }
  return stats.pairs.size() == 1 ? &stats.pairs.begin()->second : nullptr;
}

std::string type_of(const RouteStats& stats, const std::string& id) {
  const auto it = stats.candidate_types.find(id);
  return it == stats.candidate_types.end() ? "" : it->second;
}

}  // namespace

RouteInfo route_from_stats(const RouteStats& stats) {
  RouteInfo info;
  const auto* pair = chosen_pair(stats);
  if (!pair) return info;
  info.local_candidate_type = type_of(stats, pair->first);
  info.remote_candidate_type = type_of(stats, pair->second);
  if (info.local_candidate_type.empty() || info.remote_candidate_type.empty()) {
    return RouteInfo{};  // a pair whose candidates are not listed says nothing reliable
  }
  const bool relayed =
      info.local_candidate_type == "relay" || info.remote_candidate_type == "relay";
  info.route = relayed ? LinkRoute::Relayed : LinkRoute::Direct;
  return info;
}

const char* route_name(LinkRoute route) {
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

}  // namespace shotcall::media
