#include "app/history/history_text.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>

namespace shotcall::history {

namespace {

double loss_percent(std::int64_t lost, std::uint64_t received) {
  const double l = static_cast<double>(lost > 0 ? lost : 0);
  const double total = static_cast<double>(received) + l;
  return total > 0 ? 100.0 * l / total : 0.0;
}

std::string local_time(std::int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm local{};
  localtime_r(&t, &local);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a %e %b %Y, %H:%M", &local);
  std::string s = buf;
  // %e pads single-digit days with a space.
  const auto pad = s.find("  ");
  if (pad != std::string::npos) s.erase(pad, 1);
  return s;
}

}  // namespace

std::string duration_words(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  const std::int64_t h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
  if (h > 0) return std::to_string(h) + " h " + std::to_string(m) + " min";
  if (m > 0) return std::to_string(m) + " min " + std::to_string(s) + " s";
  return std::to_string(s) + " s";
}

std::string mode_words(const std::string& mode) {
  static const std::map<std::string, std::string> names{{"CLASSIC", "Classic"},
                                                        {"ARAM", "ARAM"},
                                                        {"URF", "URF"},
                                                        {"CHERRY", "Arena"},
                                                        {"PRACTICETOOL", "Practice Tool"},
                                                        {"TUTORIAL", "Tutorial"},
                                                        {"ONEFORALL", "One for All"},
                                                        {"NEXUSBLITZ", "Nexus Blitz"},
                                                        {"ULTBOOK", "Ultimate Spellbook"}};
  const auto it = names.find(mode);
  return it == names.end() ? mode : it->second;
}

std::string link_words(const TeammateRecord& t) {
  if (!t.in_voice) return "not in voice";
  std::string words = "in voice";
  if (t.link.route != LinkRoute::Unknown) words += std::string(", ") + to_string(t.link.route);
  if (t.link.rtt_ms < 0 && t.link.packets_received == 0) return words + ", quality unknown";
  if (t.link.rtt_ms >= 0) {
    char rtt[32];
    std::snprintf(rtt, sizeof rtt, ", %.0f ms", std::round(t.link.rtt_ms));
    words += rtt;
  }
  char loss[32];
  std::snprintf(loss, sizeof loss, ", %.1f%% loss",
                loss_percent(t.link.packets_lost, t.link.packets_received));
  return words + loss;
}

std::string teammate_line(const TeammateRecord& t) {
  return (t.champion.empty() ? "" : t.champion + " — ") + t.riot_id + ": " + link_words(t);
}

GameText describe_game(const GameRecord& game) {
  GameText text;
  text.when = local_time(game.started_at_ms);
  const std::string mode = mode_words(game.mode);
  text.title = game.map.empty() && mode.empty() ? "Unknown map"
               : game.map.empty()               ? mode
               : mode.empty()                   ? game.map
                                                : game.map + " · " + mode;
  std::vector<std::string> parts;
  if (!game.side.empty()) parts.push_back(game.side + " side");
  if (!game.my_champion.empty()) parts.push_back(game.my_champion);
  parts.push_back(duration_words(game.duration_s));
  for (std::size_t i = 0; i < parts.size(); ++i) text.summary += (i ? " · " : "") + parts[i];

  int in_voice = 0;
  for (const auto& t : game.teammates) {
    text.teammates.push_back(teammate_line(t));
    if (t.in_voice) ++in_voice;
  }
  text.accessible = text.title + ", " + text.when + ", " + text.summary + ". " +
                    std::to_string(in_voice) + " of " + std::to_string(game.teammates.size()) +
                    (game.teammates.size() == 1 ? " teammate" : " teammates") + " in voice";
  for (const auto& line : text.teammates) text.accessible += "; " + line;
  text.accessible += ".";
  return text;
}

}  // namespace shotcall::history
