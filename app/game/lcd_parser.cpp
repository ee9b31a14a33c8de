#include "app/game/lcd_parser.hpp"

#include <glib.h>
#include <json-glib/json-glib.h>

#include <algorithm>

#include "app/game/game_id.hpp"
#include "common/glib_ptr.hpp"
#include "signaling/protocol/riot_id.hpp"

namespace shotcall::game {
namespace {

// allgamedata grows with the event list; a few hundred KiB late in a long game. Anything far
// larger is not the game talking.
constexpr std::size_t kMaxBodyBytes = 8u * 1024u * 1024u;
constexpr std::string_view kRawChampionPrefix = "game_character_displayname_";

// A member of the given JSON kind, or nullptr when absent or of another kind: unknown and
// mistyped fields are the same to a tolerant reader.
JsonNode* value_member(JsonObject* o, const char* name, GType type) {
  if (!o) return nullptr;
  JsonNode* n = json_object_get_member(o, name);
  if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != type) return nullptr;
  return n;
}

JsonObject* object_member(JsonObject* o, const char* name) {
  if (!o) return nullptr;
  JsonNode* n = json_object_get_member(o, name);
  return (n && JSON_NODE_HOLDS_OBJECT(n)) ? json_node_get_object(n) : nullptr;
}

JsonArray* array_member(JsonObject* o, const char* name) {
  if (!o) return nullptr;
  JsonNode* n = json_object_get_member(o, name);
  return (n && JSON_NODE_HOLDS_ARRAY(n)) ? json_node_get_array(n) : nullptr;
}

// A string member; empty when absent, mistyped, or not valid UTF-8 (a Riot ID that is not
// UTF-8 could not be case-folded, so it is treated as missing).
std::string string_member(JsonObject* o, const char* name) {
  JsonNode* n = value_member(o, name, G_TYPE_STRING);
  if (!n) return {};
  const char* s = json_node_get_string(n);
  if (!s || !g_utf8_validate(s, -1, nullptr)) return {};
  return s;
}

bool bool_member(JsonObject* o, const char* name, bool fallback) {
  JsonNode* n = value_member(o, name, G_TYPE_BOOLEAN);
  return n ? json_node_get_boolean(n) != FALSE : fallback;
}

// The game writes integers, but a JSON number is a JSON number: accept 11.0 as 11.
std::optional<std::int64_t> integer_member(JsonObject* o, const char* name) {
  if (JsonNode* n = value_member(o, name, G_TYPE_INT64)) return json_node_get_int(n);
  if (JsonNode* n = value_member(o, name, G_TYPE_DOUBLE)) {
    const double d = json_node_get_double(n);
    if (d >= -1e15 && d <= 1e15 && d == static_cast<double>(static_cast<std::int64_t>(d))) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

double number_member(JsonObject* o, const char* name, double fallback) {
  if (JsonNode* n = value_member(o, name, G_TYPE_DOUBLE)) return json_node_get_double(n);
  if (JsonNode* n = value_member(o, name, G_TYPE_INT64)) {
    return static_cast<double>(json_node_get_int(n));
  }
  return fallback;
}

// The Riot ID as the game reports it: riotId, else riotIdGameName#riotIdTagLine (some builds
// fill only the parts), else summonerName (builds from before Riot IDs).
std::string riot_id_of(JsonObject* player) {
  std::string id = string_member(player, "riotId");
  if (!id.empty()) return id;
  const std::string name = string_member(player, "riotIdGameName");
  const std::string tag = string_member(player, "riotIdTagLine");
  if (!name.empty() && !tag.empty()) return name + "#" + tag;
  return string_member(player, "summonerName");
}

int team_id_of(std::string_view team) {
  if (team == "ORDER") return 100;
  if (team == "CHAOS") return 200;
  return 0;
}

struct Player {
  JsonObject* json = nullptr;
  std::string riot_id;
  std::string folded_riot_id;
  std::string folded_summoner_name;
  std::string team;
  std::string raw_champion_name;
};

LcdParseResult failure(std::string message) { return LcdParseResult{std::nullopt, std::move(message)}; }

// Reads allPlayers[]: every human needs the fields the game id is made of.
bool read_players(JsonArray* all, std::vector<Player>& humans, std::string& error) {
  const guint n = json_array_get_length(all);
  for (guint i = 0; i < n; ++i) {
    JsonNode* node = json_array_get_element(all, i);
    const std::string where = "allPlayers[" + std::to_string(i) + "]";
    if (!node || !JSON_NODE_HOLDS_OBJECT(node)) {
      error = where + " is not an object";
      return false;
    }
    JsonObject* o = json_node_get_object(node);
    if (bool_member(o, "isBot", false)) continue;
    Player p;
    p.json = o;
    p.riot_id = riot_id_of(o);
    if (p.riot_id.empty()) {
      error = where + " has no riotId or summonerName";
      return false;
    }
    p.folded_riot_id = protocol::fold_riot_id(p.riot_id);
    const std::string summoner = string_member(o, "summonerName");
    if (!summoner.empty()) p.folded_summoner_name = protocol::fold_riot_id(summoner);
    p.team = string_member(o, "team");
    if (p.team.empty()) {
      error = where + " (" + p.riot_id + ") has no team";
      return false;
    }
    p.raw_champion_name = string_member(o, "rawChampionName");
    if (p.raw_champion_name.empty()) {
      error = where + " (" + p.riot_id + ") has no rawChampionName";
      return false;
    }
    humans.push_back(std::move(p));
  }
  return true;
}

// Finds the active player among the humans: by Riot ID, case-insensitively; failing that by
// summonerName (a build that filled riotId on one side only). Returns -1 with `error` set.
int find_active(const std::vector<Player>& humans, const std::string& active_riot_id,
                const std::string& active_summoner, std::string& error) {
  const std::string key = protocol::fold_riot_id(active_riot_id);
  const std::string summoner_key =
      active_summoner.empty() ? std::string{} : protocol::fold_riot_id(active_summoner);
  for (int pass = 0; pass < 2; ++pass) {
    int found = -1;
    for (std::size_t i = 0; i < humans.size(); ++i) {
      const bool match = pass == 0 ? humans[i].folded_riot_id == key
                                   : !summoner_key.empty() &&
                                         humans[i].folded_summoner_name == summoner_key;
      if (!match) continue;
      if (found >= 0) {
        error = "active player " + active_riot_id + " matches several players in allPlayers";
        return -1;
      }
      found = static_cast<int>(i);
    }
    if (found >= 0) return found;
  }
  error = "active player " + active_riot_id + " is not in allPlayers";
  return -1;
}

}  // namespace

std::string champion_id_from_raw(std::string_view raw) {
  if (raw.substr(0, kRawChampionPrefix.size()) == kRawChampionPrefix) {
    return std::string{raw.substr(kRawChampionPrefix.size())};
  }
  return std::string{raw};
}

std::vector<std::string> GameSnapshot::roster() const {
  std::vector<std::string> ids;
  ids.reserve(teammates.size());
  for (const auto& t : teammates) ids.push_back(t.riot_id);
  return ids;
}

std::string GameSnapshot::identity_key() const {
  std::vector<std::string> folded;
  for (const auto& t : teammates) folded.push_back(protocol::fold_riot_id(t.riot_id));
  std::sort(folded.begin(), folded.end());
  std::string key = game_id + "|" + std::to_string(team_id);
  for (const auto& f : folded) key += "|" + f;
  return key;
}

LcdParseResult parse_all_game_data(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return failure("empty body");
  if (body.size() > kMaxBodyBytes) return failure("body too large");
  if (!g_utf8_validate(body.data(), static_cast<gssize>(body.size()), nullptr)) {
    return failure("body is not valid UTF-8");
  }

  GPtr<JsonParser> parser{json_parser_new()};
  GError* raw_error = nullptr;
  if (!json_parser_load_from_data(parser.get(), body.data(), static_cast<gssize>(body.size()),
                                  &raw_error)) {
    GPtr<GError> error{raw_error};
    return failure(std::string{"not JSON: "} + (error ? error->message : "unknown error"));
  }
  JsonNode* root = json_parser_get_root(parser.get());
  if (!root || !JSON_NODE_HOLDS_OBJECT(root)) return failure("body is not a JSON object");
  JsonObject* doc = json_node_get_object(root);

  JsonObject* active = object_member(doc, "activePlayer");
  if (!active) return failure("no activePlayer object");
  const std::string player_id = riot_id_of(active);
  if (player_id.empty()) {
    // Spectating, the game answers {"error": "Spectator mode doesn't currently support ..."}.
    const std::string reason = string_member(active, "error");
    return failure(reason.empty() ? "activePlayer has no riotId or summonerName"
                                  : "activePlayer unavailable: " + reason);
  }

  JsonArray* all = array_member(doc, "allPlayers");
  if (!all) return failure("no allPlayers array");
  std::vector<Player> humans;
  std::string error;
  if (!read_players(all, humans, error)) return failure(error);
  const int me = find_active(humans, player_id, string_member(active, "summonerName"), error);
  if (me < 0) return failure(error);

  JsonObject* game_data = object_member(doc, "gameData");
  if (!game_data) return failure("no gameData object");
  GameSnapshot snap;
  snap.game_mode = string_member(game_data, "gameMode");
  if (snap.game_mode.empty()) return failure("gameData has no gameMode");
  const auto map_number = integer_member(game_data, "mapNumber");
  if (!map_number) return failure("gameData has no integer mapNumber");
  snap.map_number = *map_number;
  snap.map_name = string_member(game_data, "mapName");
  snap.game_time = number_member(game_data, "gameTime", 0.0);

  const Player& self = humans[static_cast<std::size_t>(me)];
  snap.player_riot_id = player_id;
  snap.team = self.team;
  snap.team_id = team_id_of(self.team);
  if (snap.team_id == 0) return failure("active player's team \"" + self.team + "\" is unknown");

  std::vector<GameIdPlayer> id_players;
  id_players.reserve(humans.size());
  for (std::size_t i = 0; i < humans.size(); ++i) {
    const Player& p = humans[i];
    id_players.push_back(GameIdPlayer{p.team, p.riot_id, p.raw_champion_name, false});
    if (p.team != self.team) continue;
    Teammate t;
    t.riot_id = p.riot_id;
    t.champion_id = champion_id_from_raw(p.raw_champion_name);
    t.champion_name = string_member(p.json, "championName");
    t.position = string_member(p.json, "position");
    t.is_player = i == static_cast<std::size_t>(me);
    snap.teammates.push_back(std::move(t));
  }
  snap.game_id = derive_game_id(id_players, snap.game_mode, snap.map_number);
  return LcdParseResult{std::move(snap), {}};
}

}  // namespace shotcall::game
