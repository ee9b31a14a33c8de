// Where each Riot web API call goes. spectator-v5 is served per platform
// (https://euw1.api.riotgames.com); account-v1 per regional cluster
// (https://europe.api.riotgames.com). Pure: no IO. Also builds the request paths, escaping every
// path segment so any Riot ID (spaces, non-ASCII letters, '/', '?') reaches Riot intact.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace shotcall::riot {

enum class Region { Americas, Europe, Asia, Sea };

// "americas", "europe", "asia", "sea": the host label.
std::string_view region_name(Region region);

// na1 br1 la1 la2 -> americas; euw1 eun1 tr1 ru me1 -> europe; kr jp1 -> asia;
// oc1 ph2 sg2 th2 tw2 vn2 -> sea. Case-insensitive ("EUW1" works, as spectator answers spell it).
std::optional<Region> region_for_platform(std::string_view platform);

// account-v1 has only three clusters, americas, asia and europe, and Riot's documentation says
// any of them answers for any account and recommends the nearest. SEA platforms therefore use
// asia, the nearest cluster to Oceania and South-East Asia.
Region account_region_for(Region region);

struct RiotHosts {
  std::string platform;       // lower case: "euw1"
  Region region = Region::Europe;
  Region account_region = Region::Europe;
  std::string platform_base;  // "https://euw1.api.riotgames.com": spectator-v5
  std::string regional_base;  // "https://europe.api.riotgames.com": the platform's cluster
  std::string account_base;   // "https://europe.api.riotgames.com": account-v1
};

struct HostsResult {
  std::optional<RiotHosts> hosts;
  std::string error;

  bool ok() const { return hosts.has_value(); }
};

// The hosts for `platform`. A non-empty `base_override` ("http://127.0.0.1:8080", for tests and
// demos) replaces all three bases; it must start with http:// or https:// and have a host, and a
// trailing '/' is dropped. An unknown platform is an error even with an override, so a typo in
// the configuration shows up in tests too.
HostsResult resolve_hosts(std::string_view platform, std::string_view base_override = {});

// One escaped path segment: everything but RFC 3986 unreserved characters is percent-encoded,
// UTF-8 byte by byte ("Ünï Cødé" -> "%C3%9Cn%C3%AF%20C%C3%B8d%C3%A9").
std::string escape_path_segment(std::string_view segment);

// "/riot/account/v1/accounts/by-riot-id/<gameName>/<tagLine>", both escaped.
std::string account_by_riot_id_path(std::string_view game_name, std::string_view tag_line);
// "/riot/account/v1/accounts/by-puuid/<puuid>".
std::string account_by_puuid_path(std::string_view puuid);
// "/lol/spectator/v5/active-games/by-summoner/<puuid>".
std::string active_game_path(std::string_view puuid);
// "/lol/summoner/v4/summoners/by-puuid/<puuid>" (identity verification reads the icon).
std::string summoner_by_puuid_path(std::string_view puuid);

}  // namespace shotcall::riot
