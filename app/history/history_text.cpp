#include "app/history/history_text.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>

#include "app/i18n/translate.hpp"

namespace shotcall::history {

using i18n::fill;
using i18n::N_;
using i18n::tr;
using i18n::trc;
using i18n::trn;

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
  if (h > 0) {
    // Translators: a game's length, abbreviated units: "1 h 2 min".
    return fill(tr("{hours} h {minutes} min"),
                {{"hours", std::to_string(h)}, {"minutes", std::to_string(m)}});
  }
  if (m > 0) {
    // Translators: a game's length, abbreviated units: "32 min 5 s".
    return fill(tr("{minutes} min {seconds} s"),
                {{"minutes", std::to_string(m)}, {"seconds", std::to_string(s)}});
  }
  // Translators: a game's length, abbreviated unit: "45 s".
  return fill(tr("{seconds} s"), {{"seconds", std::to_string(s)}});
}

std::string mode_words(const std::string& mode) {
  // Translators: League of Legends game modes, as the League client names them.
  static const std::map<std::string, const char*> names{{"CLASSIC", N_("Classic")},
                                                        {"ARAM", "ARAM"},
                                                        {"URF", "URF"},
                                                        {"CHERRY", N_("Arena")},
                                                        {"PRACTICETOOL", N_("Practice Tool")},
                                                        {"TUTORIAL", N_("Tutorial")},
                                                        {"ONEFORALL", N_("One for All")},
                                                        {"NEXUSBLITZ", N_("Nexus Blitz")},
                                                        {"ULTBOOK", N_("Ultimate Spellbook")}};
  const auto it = names.find(mode);
  return it == names.end() ? mode : tr(it->second);
}

std::string link_words(const TeammateRecord& t) {
  // Translators: a teammate's voice link in a past game, listed as "in voice, direct, 38 ms,
  // 0.4% loss".
  if (!t.in_voice) return tr("not in voice");
  std::string words = tr("in voice");
  if (t.link.route == LinkRoute::Direct) {
    // Translators: how a voice link ran: straight between the two computers.
    words += std::string(", ") + trc("link route", "direct");
  } else if (t.link.route == LinkRoute::Relayed) {
    // Translators: how a voice link ran: through the relay (TURN) server.
    words += std::string(", ") + trc("link route", "relayed");
  }
  if (t.link.rtt_ms < 0 && t.link.packets_received == 0) {
    return words + ", " + tr("quality unknown");
  }
  if (t.link.rtt_ms >= 0) {
    char rtt[32];
    std::snprintf(rtt, sizeof rtt, "%.0f", std::round(t.link.rtt_ms));
    // Translators: a voice link's round-trip time in milliseconds.
    words += ", " + fill(tr("{rtt} ms"), {{"rtt", rtt}});
  }
  char loss[32];
  std::snprintf(loss, sizeof loss, "%.1f",
                loss_percent(t.link.packets_lost, t.link.packets_received));
  // Translators: the share of a voice link's packets lost, e.g. "0.4% loss".
  // xgettext:no-c-format
  return words + ", " + fill(tr("{loss}% loss"), {{"loss", loss}});
}

std::string teammate_line(const TeammateRecord& t) {
  const std::string link = link_words(t);
  if (t.champion.empty()) {
    // Translators: a teammate of a past game: Riot ID, then how their voice link held up.
    return fill(tr("{riot_id}: {link}"), {{"riot_id", t.riot_id}, {"link", link}});
  }
  // Translators: a teammate of a past game: champion, Riot ID, how their voice link held up.
  return fill(tr("{champion} — {riot_id}: {link}"),
              {{"champion", t.champion}, {"riot_id", t.riot_id}, {"link", link}});
}

namespace {

std::string side_words(const std::string& side) {
  if (side == "Blue") return tr("Blue side");
  if (side == "Red") return tr("Red side");
  // Translators: {side} is a team the app has no name for (its number).
  return fill(tr("{side} side"), {{"side", side}});
}

}  // namespace

GameText describe_game(const GameRecord& game) {
  GameText text;
  text.when = local_time(game.started_at_ms);
  const std::string mode = mode_words(game.mode);
  // The map is stored in English (session::map_display_name); shown in the player's language.
  const std::string map = game.map.empty() ? "" : tr(game.map.c_str());
  text.title = map.empty() && mode.empty() ? tr("Unknown map")
               : map.empty()               ? mode
               : mode.empty()              ? map
                                           : map + " · " + mode;
  std::vector<std::string> parts;
  if (!game.side.empty()) parts.push_back(side_words(game.side));
  if (!game.my_champion.empty()) parts.push_back(game.my_champion);
  parts.push_back(duration_words(game.duration_s));
  for (std::size_t i = 0; i < parts.size(); ++i) text.summary += (i ? " · " : "") + parts[i];

  int in_voice = 0;
  for (const auto& t : game.teammates) {
    text.teammates.push_back(teammate_line(t));
    if (t.in_voice) ++in_voice;
  }
  const std::size_t mates = game.teammates.size();
  // Translators: a past game read out by a screen reader: "Summoner's Rift · Classic, Thu 3 Dec
  // 2026, 16:40, Blue side · Ahri · 32 min 5 s. 2 of 4 teammates in voice"; the teammates
  // follow. {count} is the number of teammates, {in_voice} how many of them were in voice.
  text.accessible =
      fill(trn("{title}, {when}, {summary}. {in_voice} of {count} teammate in voice",
               "{title}, {when}, {summary}. {in_voice} of {count} teammates in voice", mates),
           {{"title", text.title},
            {"when", text.when},
            {"summary", text.summary},
            {"in_voice", std::to_string(in_voice)},
            {"count", std::to_string(mates)}});
  for (const auto& line : text.teammates) text.accessible += "; " + line;
  text.accessible += ".";
  return text;
}

}  // namespace shotcall::history
