#include "tests/riot/standin_rules.hpp"

#include <glib.h>

#include <algorithm>
#include <cstdio>

namespace shotcall::riot::test {
namespace {

std::string folded(const std::string& s) {
  gchar* f = g_utf8_casefold(s.c_str(), -1);
  std::string out = f ? f : s;
  g_free(f);
  return out;
}

std::string unescape(const std::string& segment) {
  gchar* u = g_uri_unescape_string(segment.c_str(), nullptr);
  std::string out = u ? u : segment;
  g_free(u);
  return out;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

// "20:1,100:120" -> {{20, 1000}, {100, 120000}}; malformed items are skipped.
std::vector<std::pair<int, std::int64_t>> parse_windows(const std::string& spec) {
  std::vector<std::pair<int, std::int64_t>> out;
  gchar** items = g_strsplit(spec.c_str(), ",", -1);
  for (gchar** it = items; it && *it; ++it) {
    int limit = 0;
    long long seconds = 0;
    if (std::sscanf(*it, " %d:%lld", &limit, &seconds) == 2 && limit > 0 && seconds > 0) {
      out.emplace_back(limit, seconds * 1000);
    }
  }
  g_strfreev(items);
  return out;
}

int count_since(const std::deque<std::int64_t>& times, std::int64_t since_exclusive) {
  int n = 0;
  for (auto it = times.rbegin(); it != times.rend() && *it > since_exclusive; ++it) ++n;
  return n;
}

// summoner-v4's shape (riot-data.md): no summoner or account ids since July 2025.
std::string summoner_json(const std::string& puuid, const StandinRules::Summoner& s) {
  gchar* escaped = g_strescape(puuid.c_str(), nullptr);
  std::string body = std::string{"{\"puuid\":\""} + escaped +
                     "\",\"profileIconId\":" + std::to_string(s.profile_icon_id) +
                     ",\"revisionDate\":" + std::to_string(s.revision_date_ms) +
                     ",\"summonerLevel\":30}";
  g_free(escaped);
  return body;
}

StandinAnswer error(int status, const std::string& message) {
  return StandinAnswer{status, riot_error_json(status, message), {}, false};
}

}  // namespace

StandinAnswer StandinRules::answer(StandinRequest& rec) {
  StandinAnswer a = decide(rec);
  rec.status = a.stall ? 0 : a.status;
  log.push_back(rec);
  return a;
}

StandinAnswer StandinRules::decide(StandinRequest& rec) {
  const auto parts = split_path(rec.path);
  auto is = [&](std::initializer_list<const char*> prefix, std::size_t total) {
    if (parts.size() != total) return false;
    std::size_t i = 0;
    for (const char* p : prefix) {
      if (parts[i++] != p) return false;
    }
    return true;
  };
  if (is({"riot", "account", "v1", "accounts", "by-riot-id"}, 7)) {
    rec.endpoint = StandinEndpoint::AccountByRiotId;
    rec.args = {unescape(parts[5]), unescape(parts[6])};
  } else if (is({"riot", "account", "v1", "accounts", "by-puuid"}, 6)) {
    rec.endpoint = StandinEndpoint::AccountByPuuid;
    rec.args = {unescape(parts[5])};
  } else if (is({"lol", "spectator", "v5", "active-games", "by-summoner"}, 6)) {
    rec.endpoint = StandinEndpoint::Spectator;
    rec.args = {unescape(parts[5])};
  } else if (is({"lol", "summoner", "v4", "summoners", "by-puuid"}, 6)) {
    rec.endpoint = StandinEndpoint::SummonerByPuuid;
    rec.args = {unescape(parts[5])};
  }
  const bool platform =
      rec.endpoint == StandinEndpoint::Spectator || rec.endpoint == StandinEndpoint::SummonerByPuuid;
  rec.routing = platform ? "platform"
                : rec.endpoint == StandinEndpoint::Other   ? ""
                                                           : "regional";
  if (rec.method != "GET") return error(405, "Method not allowed");
  if (!api_key.empty() && !rec.token) return error(401, "Unauthorized");
  if (!api_key.empty() && *rec.token != api_key) return error(403, "Forbidden");
  if (rec.routing.empty()) return error(404, "Resource not found");

  // Count it as Riot would, then answer.
  auto& times = arrivals[rec.routing];
  times.push_back(rec.time_ms);
  auto& method_times = method_arrivals[rec.endpoint];
  method_times.push_back(rec.time_ms);
  std::string counts;
  std::optional<StandinAnswer> limited;
  for (const auto& [limit, window_ms] : windows) {
    const int n = count_since(times, rec.time_ms - window_ms);
    counts += (counts.empty() ? "" : ",") + std::to_string(n) + ":" + std::to_string(window_ms / 1000);
    if (n > limit && !limited) {
      violations.push_back(rec.routing + ": " + std::to_string(n) + " requests within " +
                           std::to_string(window_ms) + " ms (limit " + std::to_string(limit) +
                           ") at " + rec.path);
      const std::int64_t frees_at = times[times.size() - static_cast<std::size_t>(limit)] + window_ms;
      limited = error(429, "Rate limit exceeded");
      limited->headers.emplace_back("Retry-After",
                                    std::to_string(std::max<std::int64_t>((frees_at - rec.time_ms + 999) / 1000, 1)));
      limited->headers.emplace_back("X-Rate-Limit-Type", "application");
    }
  }
  StandinAnswer a = limited ? *limited : answer_endpoint(rec);
  if (!windows.empty()) {
    a.headers.emplace_back("X-App-Rate-Limit", limits_spec);
    a.headers.emplace_back("X-App-Rate-Limit-Count", counts);
  }
  a.headers.emplace_back("X-Method-Rate-Limit", "2000:60");
  a.headers.emplace_back("X-Method-Rate-Limit-Count",
                         std::to_string(count_since(method_times, rec.time_ms - 60000)) + ":60");
  return a;
}

StandinAnswer StandinRules::answer_endpoint(const StandinRequest& rec) {
  if (stall_count > 0) {
    --stall_count;
    StandinAnswer a;
    a.stall = true;
    return a;
  }
  if (fail_count > 0) {
    --fail_count;
    StandinAnswer a = error(fail_status, fail_status == 429 ? "Rate limit exceeded" : "Internal server error");
    if (fail_status == 429 && fail_retry_after) {
      a.headers.emplace_back("Retry-After", std::to_string(*fail_retry_after));
      a.headers.emplace_back("X-Rate-Limit-Type", "application");
    }
    return a;
  }
  if (rec.endpoint == StandinEndpoint::AccountByRiotId) {
    for (const Account& acc : accounts) {
      if (folded(acc.game_name) == folded(rec.args[0]) && folded(acc.tag_line) == folded(rec.args[1])) {
        return StandinAnswer{200, account_json(acc.puuid, acc.game_name, acc.tag_line), {}, false};
      }
    }
    return error(404, "Data not found - No results found for player with riot id " + rec.args[0] +
                          "#" + rec.args[1]);
  }
  if (rec.endpoint == StandinEndpoint::AccountByPuuid) {
    for (const Account& acc : accounts) {
      if (acc.puuid == rec.args[0]) {
        return StandinAnswer{200, account_json(acc.puuid, acc.game_name, acc.tag_line), {}, false};
      }
    }
    return error(404, "Data not found - No results found for player with puuid");
  }
  if (rec.endpoint == StandinEndpoint::SummonerByPuuid) {
    const auto it = summoners.find(rec.args[0]);
    if (it == summoners.end()) return error(404, "Data not found - summoner not found");
    return StandinAnswer{200, summoner_json(rec.args[0], it->second), {}, false};
  }
  for (auto& [id, g] : games) {
    if (!g.puuids.count(rec.args[0])) continue;
    if (g.hidden > 0) {
      --g.hidden;
      break;
    }
    const std::string body =
        g.game ? active_game_json(*g.game, g_get_real_time() / 1000) : g.json;
    return StandinAnswer{200, body, {}, false};
  }
  return error(404, "Data not found - spectator game info isn't found");
}

void StandinRules::add_account(std::string puuid, const std::string& riot_id) {
  const auto hash = riot_id.rfind('#');
  if (puuid.empty() || hash == std::string::npos) return;
  for (const Account& acc : accounts) {
    if (acc.puuid == puuid) return;
  }
  accounts.push_back(Account{std::move(puuid), riot_id.substr(0, hash), riot_id.substr(hash + 1)});
}

void StandinRules::set_rate_limits(std::string spec) {
  windows = parse_windows(spec);
  limits_spec = std::move(spec);
}

void StandinRules::add_game(const StandinGame& game) {
  Game& g = games[game.game_id];
  g.game = game;
  if (g.game->game_start_time_ms == 0) g.game->game_start_time_ms = g_get_real_time() / 1000;
  for (const StandinParticipant& p : game.participants) {
    if (p.puuid.empty()) continue;
    g.puuids.insert(p.puuid);
    if (!p.bot) add_account(p.puuid, p.riot_id);
  }
}

bool StandinRules::add_game_json(const std::string& json, std::string* error) {
  const auto indexed = index_game_json(json, error);
  if (!indexed) return false;
  Game& g = games[indexed->game_id];
  g.json = json;
  for (const auto& [puuid, riot_id] : indexed->humans) {
    g.puuids.insert(puuid);
    add_account(puuid, riot_id);
  }
  return true;
}

}  // namespace shotcall::riot::test
