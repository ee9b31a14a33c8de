#include "signaling/riot/riot_json.hpp"

#include <json-glib/json-glib.h>

#include <cmath>

#include "common/glib_ptr.hpp"
#include "signaling/protocol/json_scan.hpp"
#include "signaling/protocol/riot_id.hpp"

namespace shotcall::riot {
namespace {

// Riot's answers are a few kilobytes; anything this large is not one of them, and refusing it
// keeps a misbehaving host from making us build a huge tree.
constexpr std::size_t kMaxBodyBytes = 1u << 20;
// A spectator answer holds about 300 values and nests 4 deep; these bounds leave room for Riot
// adding fields while keeping json-glib (which recurses without limit) away from hostile input.
constexpr std::size_t kMaxDepth = 32;
constexpr std::size_t kMaxValues = 20000;

// Parses `body` and returns its root object, or nullptr with *error set. The parser owns the
// tree, so it is handed back to the caller to keep alive.
JsonObject* load_object(std::string_view body, GPtr<JsonParser>& parser, std::string* error) {
  if (body.empty()) {
    *error = "empty body";
    return nullptr;
  }
  if (body.size() > kMaxBodyBytes) {
    *error = "body too large (" + std::to_string(body.size()) + " bytes)";
    return nullptr;
  }
  if (!g_utf8_validate(body.data(), static_cast<gssize>(body.size()), nullptr)) {
    *error = "not JSON: invalid UTF-8";
    return nullptr;
  }
  // Strict RFC 8259 first (the protocol's checker): json-glib alone accepts non-JSON, wraps
  // integers past 64 bits and cuts strings at \u0000, any of which would misread an id.
  const auto scan = protocol::json::scan(body, kMaxDepth, kMaxValues);
  if (!scan.ok || scan.nul_in_string || scan.number_out_of_range) {
    *error = "not JSON: " +
             (scan.ok ? std::string(scan.nul_in_string ? "U+0000 in a string" : "number out of range")
                      : std::string(scan.error)) +
             " at byte " + std::to_string(scan.error_offset);
    return nullptr;
  }
  parser.reset(json_parser_new());
  GError* raw = nullptr;
  if (!json_parser_load_from_data(parser.get(), body.data(), static_cast<gssize>(body.size()),
                                  &raw)) {
    GPtr<GError> err{raw};
    *error = std::string("not JSON: ") + (err && err->message ? err->message : "parse error");
    return nullptr;
  }
  JsonNode* root = json_parser_get_root(parser.get());
  if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
    *error = "not a JSON object";
    return nullptr;
  }
  return json_node_get_object(root);
}

JsonNode* member(JsonObject* o, const char* name) {
  if (!o || !json_object_has_member(o, name)) return nullptr;
  return json_object_get_member(o, name);
}

// A string member, or nullopt when absent, null or of another type.
std::optional<std::string> string_member(JsonObject* o, const char* name) {
  JsonNode* n = member(o, name);
  if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING) {
    return std::nullopt;
  }
  const char* s = json_node_get_string(n);
  return std::string(s ? s : "");
}

// An integer member. Integral doubles (1.0, 6.9e9) are accepted because some JSON writers emit
// them; fractions, strings and out-of-range values are not.
std::optional<std::int64_t> int_member(JsonObject* o, const char* name) {
  JsonNode* n = member(o, name);
  if (!n || !JSON_NODE_HOLDS_VALUE(n)) return std::nullopt;
  const GType t = json_node_get_value_type(n);
  if (t == G_TYPE_INT64) return json_node_get_int(n);
  if (t == G_TYPE_DOUBLE) {
    const double d = json_node_get_double(n);
    if (std::isfinite(d) && std::floor(d) == d && d >= -9.2e18 && d <= 9.2e18) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

std::optional<bool> bool_member(JsonObject* o, const char* name) {
  JsonNode* n = member(o, name);
  if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_BOOLEAN) {
    return std::nullopt;
  }
  return json_node_get_boolean(n) != FALSE;
}

bool parse_participant(JsonNode* node, std::size_t index, Participant* out, std::string* error) {
  const std::string where = "participants[" + std::to_string(index) + "]";
  if (!node || !JSON_NODE_HOLDS_OBJECT(node)) {
    *error = where + " is not an object";
    return false;
  }
  JsonObject* o = json_node_get_object(node);
  const auto team = int_member(o, "teamId");
  if (!team || *team <= 0 || *team > 100000) {
    *error = where + ".teamId is missing or not a positive integer";
    return false;
  }
  out->team_id = static_cast<int>(*team);
  out->puuid = string_member(o, "puuid").value_or("");
  out->riot_id = string_member(o, "riotId").value_or("");
  out->champion_id = int_member(o, "championId").value_or(0);
  out->bot = bool_member(o, "bot").value_or(false);
  return true;
}

}  // namespace

RiotParse<Account> parse_account(std::string_view body) {
  RiotParse<Account> result;
  GPtr<JsonParser> parser;
  JsonObject* o = load_object(body, parser, &result.error);
  if (!o) return result;
  Account account;
  const auto puuid = string_member(o, "puuid");
  const auto name = string_member(o, "gameName");
  const auto tag = string_member(o, "tagLine");
  if (!puuid || puuid->empty()) {
    result.error = "account has no puuid";
  } else if (!name || name->empty() || !tag || tag->empty()) {
    result.error = "account has no gameName/tagLine";
  } else {
    result.value = Account{*puuid, *name, *tag};
  }
  return result;
}

RiotParse<Summoner> parse_summoner(std::string_view body) {
  RiotParse<Summoner> result;
  GPtr<JsonParser> parser;
  JsonObject* o = load_object(body, parser, &result.error);
  if (!o) return result;
  const auto icon = int_member(o, "profileIconId");
  const auto revision = int_member(o, "revisionDate");
  if (!icon || *icon < 0 || *icon > INT32_MAX) {
    result.error = "profileIconId is missing or not a small non-negative integer";
  } else if (!revision || *revision < 0) {
    result.error = "revisionDate is missing or not a non-negative integer";
  } else {
    result.value = Summoner{string_member(o, "puuid").value_or(""), static_cast<int>(*icon),
                            *revision};
  }
  return result;
}

RiotParse<ActiveGame> parse_active_game(std::string_view body) {
  RiotParse<ActiveGame> result;
  GPtr<JsonParser> parser;
  JsonObject* o = load_object(body, parser, &result.error);
  if (!o) return result;

  ActiveGame game;
  const auto game_id = int_member(o, "gameId");
  if (!game_id) {
    result.error = "gameId is missing or not an integer";
    return result;
  }
  game.game_id = *game_id;
  const auto platform = string_member(o, "platformId");
  if (!platform || platform->empty()) {
    result.error = "platformId is missing or not a string";
    return result;
  }
  game.platform_id = *platform;
  game.game_mode = string_member(o, "gameMode").value_or("");
  game.map_id = int_member(o, "mapId").value_or(0);
  game.game_start_time = int_member(o, "gameStartTime").value_or(0);

  JsonNode* list = member(o, "participants");
  if (!list || !JSON_NODE_HOLDS_ARRAY(list)) {
    result.error = "participants is missing or not an array";
    return result;
  }
  JsonArray* array = json_node_get_array(list);
  const guint n = json_array_get_length(array);
  game.participants.reserve(n);
  for (guint i = 0; i < n; ++i) {
    Participant p;
    if (!parse_participant(json_array_get_element(array, i), i, &p, &result.error)) return result;
    game.participants.push_back(std::move(p));
  }
  result.value = std::move(game);
  return result;
}

RiotParse<RiotError> parse_riot_error(std::string_view body) {
  RiotParse<RiotError> result;
  GPtr<JsonParser> parser;
  JsonObject* o = load_object(body, parser, &result.error);
  if (!o) return result;
  JsonNode* status = member(o, "status");
  if (!status || !JSON_NODE_HOLDS_OBJECT(status)) {
    result.error = "no status object";
    return result;
  }
  JsonObject* s = json_node_get_object(status);
  const auto code = int_member(s, "status_code");
  if (!code || *code < 0 || *code > 999) {
    result.error = "status.status_code is missing or not an HTTP status";
    return result;
  }
  result.value = RiotError{static_cast<int>(*code), string_member(s, "message").value_or("")};
  return result;
}

std::string channel_game_id(const ActiveGame& game) {
  if (game.platform_id.empty()) return std::to_string(game.game_id);
  return game.platform_id + "_" + std::to_string(game.game_id);
}

namespace {

std::optional<TeamRoster> roster_of_index(const ActiveGame& game, std::size_t index) {
  TeamRoster roster;
  roster.team_id = game.participants[index].team_id;
  for (const Participant& p : game.participants) {
    if (p.team_id == roster.team_id && !p.bot && !p.riot_id.empty()) {
      roster.riot_ids.push_back(p.riot_id);
    }
  }
  return roster;
}

}  // namespace

std::optional<TeamRoster> team_roster_for_puuid(const ActiveGame& game, std::string_view puuid) {
  if (puuid.empty()) return std::nullopt;
  for (std::size_t i = 0; i < game.participants.size(); ++i) {
    if (game.participants[i].puuid == puuid) return roster_of_index(game, i);
  }
  return std::nullopt;
}

std::optional<TeamRoster> team_roster_for_riot_id(const ActiveGame& game,
                                                  std::string_view riot_id) {
  if (riot_id.empty() || !g_utf8_validate(riot_id.data(), static_cast<gssize>(riot_id.size()),
                                          nullptr)) {
    return std::nullopt;
  }
  const std::string key = protocol::fold_riot_id(riot_id);
  for (std::size_t i = 0; i < game.participants.size(); ++i) {
    const std::string& id = game.participants[i].riot_id;
    if (id.empty() || !g_utf8_validate(id.data(), static_cast<gssize>(id.size()), nullptr)) {
      continue;
    }
    if (protocol::fold_riot_id(id) == key) return roster_of_index(game, i);
  }
  return std::nullopt;
}

std::optional<std::pair<std::string, std::string>> split_riot_id(std::string_view riot_id) {
  const auto hash = riot_id.rfind('#');
  if (hash == std::string_view::npos || hash == 0 || hash + 1 == riot_id.size()) {
    return std::nullopt;
  }
  return std::make_pair(std::string(riot_id.substr(0, hash)), std::string(riot_id.substr(hash + 1)));
}

}  // namespace shotcall::riot
