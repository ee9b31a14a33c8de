#include "signaling/riot/routing.hpp"

#include <glib.h>

#include <array>
#include <utility>

namespace shotcall::riot {
namespace {

constexpr std::array<std::pair<std::string_view, Region>, 17> kPlatforms{{
    {"na1", Region::Americas},
    {"br1", Region::Americas},
    {"la1", Region::Americas},
    {"la2", Region::Americas},
    {"euw1", Region::Europe},
    {"eun1", Region::Europe},
    {"tr1", Region::Europe},
    {"ru", Region::Europe},
    {"me1", Region::Europe},
    {"kr", Region::Asia},
    {"jp1", Region::Asia},
    {"oc1", Region::Sea},
    {"ph2", Region::Sea},
    {"sg2", Region::Sea},
    {"th2", Region::Sea},
    {"tw2", Region::Sea},
    {"vn2", Region::Sea},
}};

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = g_ascii_tolower(c);
  return out;
}

std::string riot_base(std::string_view label) {
  return "https://" + std::string(label) + ".api.riotgames.com";
}

}  // namespace

std::string_view region_name(Region region) {
  switch (region) {
    case Region::Americas: return "americas";
    case Region::Europe: return "europe";
    case Region::Asia: return "asia";
    case Region::Sea: return "sea";
  }
  return "europe";
}

std::optional<Region> region_for_platform(std::string_view platform) {
  const std::string p = ascii_lower(platform);
  for (const auto& [name, region] : kPlatforms) {
    if (p == name) return region;
  }
  return std::nullopt;
}

Region account_region_for(Region region) {
  return region == Region::Sea ? Region::Asia : region;
}

HostsResult resolve_hosts(std::string_view platform, std::string_view base_override) {
  HostsResult result;
  const auto region = region_for_platform(platform);
  if (!region) {
    result.error = "unknown Riot platform \"" + std::string(platform) +
                   "\" (expected one of na1 br1 la1 la2 euw1 eun1 tr1 ru me1 kr jp1 oc1 ph2 sg2 "
                   "th2 tw2 vn2)";
    return result;
  }
  RiotHosts hosts;
  hosts.platform = ascii_lower(platform);
  hosts.region = *region;
  hosts.account_region = account_region_for(*region);
  if (base_override.empty()) {
    hosts.platform_base = riot_base(hosts.platform);
    hosts.regional_base = riot_base(region_name(hosts.region));
    hosts.account_base = riot_base(region_name(hosts.account_region));
  } else {
    std::string base(base_override);
    while (!base.empty() && base.back() == '/') base.pop_back();
    const std::string lower = ascii_lower(base);
    std::size_t scheme_end = 0;
    if (lower.rfind("http://", 0) == 0) scheme_end = 7;
    if (lower.rfind("https://", 0) == 0) scheme_end = 8;
    if (scheme_end == 0 || base.size() == scheme_end || base[scheme_end] == '/' ||
        base[scheme_end] == ':') {
      result.error = "Riot base URL must look like http://host[:port], got \"" +
                     std::string(base_override) + "\"";
      return result;
    }
    hosts.platform_base = hosts.regional_base = hosts.account_base = base;
  }
  result.hosts = std::move(hosts);
  return result;
}

std::string escape_path_segment(std::string_view segment) {
  // g_uri_escape_string works on NUL-terminated strings: an embedded NUL would cut the segment
  // short, so it is encoded by hand first.
  std::string out;
  std::size_t start = 0;
  while (start <= segment.size()) {
    const std::size_t nul = segment.find('\0', start);
    const std::size_t end = nul == std::string_view::npos ? segment.size() : nul;
    const std::string piece(segment.substr(start, end - start));
    gchar* escaped = g_uri_escape_string(piece.c_str(), nullptr, FALSE);
    out += escaped;
    g_free(escaped);
    if (nul == std::string_view::npos) break;
    out += "%00";
    start = nul + 1;
  }
  return out;
}

std::string account_by_riot_id_path(std::string_view game_name, std::string_view tag_line) {
  return "/riot/account/v1/accounts/by-riot-id/" + escape_path_segment(game_name) + "/" +
         escape_path_segment(tag_line);
}

std::string account_by_puuid_path(std::string_view puuid) {
  return "/riot/account/v1/accounts/by-puuid/" + escape_path_segment(puuid);
}

std::string summoner_by_puuid_path(std::string_view puuid) {
  return "/lol/summoner/v4/summoners/by-puuid/" + escape_path_segment(puuid);
}

std::string active_game_path(std::string_view puuid) {
  return "/lol/spectator/v5/active-games/by-summoner/" + escape_path_segment(puuid);
}

}  // namespace shotcall::riot
