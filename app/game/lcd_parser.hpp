// Reads the Live Client Data API's `GET /liveclientdata/allgamedata` body into what Shotcall needs
// to find the player's team: who the player is, their side, their human teammates, and the match
// key. Pure: GLib and json-glib only, no IO. Anything the body gets wrong is a parse error with a
// message, never a crash: the body comes from a socket.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shotcall::game {

// One human on the player's team (bots are left out), the player included.
struct Teammate {
  std::string riot_id;        // display form ("Name#TAG"; summonerName on old builds)
  std::string champion_id;    // from rawChampionName: "game_character_displayname_Annie" -> "Annie"
  std::string champion_name;  // translated into the player's language, for display only
  std::string position;       // TOP, JUNGLE, MIDDLE, BOTTOM, UTILITY, or empty (ARAM, customs)
  bool is_player = false;     // true for the player running this client
};

struct GameSnapshot {
  std::string player_riot_id;        // display form
  std::string team;                  // "ORDER" or "CHAOS"
  int team_id = 0;                   // 100 for ORDER, 200 for CHAOS (Riot's web API numbering)
  std::vector<Teammate> teammates;   // in the order the game lists them
  std::string game_mode;             // "CLASSIC", "ARAM", ...
  std::int64_t map_number = 0;       // 11 Summoner's Rift, 12 Howling Abyss
  std::string map_name;              // "Map11"; empty when absent
  double game_time = 0.0;            // seconds since the game started
  std::string game_id;               // derived: see game_id.hpp

  // The team's Riot IDs (display forms), the player included: what find-or-create-channel sends.
  std::vector<std::string> roster() const;
  // Equal for two snapshots of the same game, side and roster (case-insensitive), whatever the
  // game time or the display language: what decides "a new game".
  std::string identity_key() const;
};

struct LcdParseResult {
  std::optional<GameSnapshot> snapshot;
  std::string error;  // why there is no snapshot; empty on success

  bool ok() const { return snapshot.has_value(); }
};

// Parses an allgamedata body. Unknown fields are ignored; optional ones (position, championName,
// items, scores, mapName, gameTime, events, isBot, ...) may be missing. Required: activePlayer
// with a Riot ID (or summonerName), allPlayers containing the active player, and for each human
// player a team and rawChampionName, plus gameData.gameMode and gameData.mapNumber, because the
// derived game id is made of them.
LcdParseResult parse_all_game_data(std::string_view body);

// "Annie" from "game_character_displayname_Annie"; the input unchanged when it has no prefix.
std::string champion_id_from_raw(std::string_view raw_champion_name);

}  // namespace shotcall::game
