#include "app/session/event_lines.hpp"

namespace shotcall::session {

namespace {

std::string with_detail(std::string head, const std::string& detail) {
  return detail.empty() ? head : head + " " + detail;
}

}  // namespace

std::vector<std::string> EventLines::on_link(const std::string& key, const LinkSnapshot& link) {
  std::vector<std::string> lines;
  Said& said = said_[key];
  if (said.phase != link.phase) {
    said.phase = link.phase;
    lines.push_back(with_detail("peer " + link.riot_id + " " + link.phase, link.reason));
  }
  if (options_.routes) {
    // "route <riot id> direct host srflx": the selected pair's local and remote candidate types.
    // Unknown is said only after a known route (the link lost its path), never before the first.
    const std::string path =
        link.route_known ? link.route + " " + link.local_candidate + " " + link.remote_candidate
                         : link.route;
    if (said.route != path && (link.route_known || !said.route.empty())) {
      said.route = path;
      lines.push_back("route " + link.riot_id + " " + path);
    }
  }
  if (link.first_audio_ms && !said.first_audio) {
    said.first_audio = true;
    lines.push_back("first-audio " + link.riot_id + " " + std::to_string(*link.first_audio_ms));
  }
  return lines;
}

std::vector<std::string> EventLines::on_teammate(const std::string& key,
                                                 const TeammateSnapshot& mate) {
  if (!options_.identities || !mate.in_channel) return {};
  Said& said = said_[key];
  if (said.identity == mate.identity) return {};
  said.identity = mate.identity;
  return {"identity " + mate.riot_id + " " + mate.identity};
}

void EventLines::reset() { said_.clear(); }

std::string detector_line(const std::string& state, const std::string& detail) {
  return with_detail("detector " + state, detail);
}

std::string phase_line(const std::string& phase, const std::string& detail) {
  return with_detail("phase " + phase, detail);
}

std::string game_line(const std::string& game_id, const std::string& team_id) {
  return "game " + game_id + " " + team_id;
}

std::string device_line(const char* device, bool available, const std::string& sentence) {
  return available ? std::string{device} + " ok" : std::string{device} + " unavailable " + sentence;
}

}  // namespace shotcall::session
