#include "tests/riot/standin_game_json.hpp"

#include <json-glib/json-glib.h>

#include "common/glib_ptr.hpp"

namespace shotcall::riot::test {
namespace {

std::string to_string(JsonBuilder* builder) {
  JsonNode* root = json_builder_get_root(builder);
  GPtr<JsonGenerator> gen{json_generator_new()};
  json_generator_set_root(gen.get(), root);
  gchar* text = json_generator_to_data(gen.get(), nullptr);
  std::string out = text ? text : "";
  g_free(text);
  json_node_unref(root);
  return out;
}

void add_int(JsonBuilder* b, const char* name, std::int64_t v) {
  json_builder_set_member_name(b, name);
  json_builder_add_int_value(b, v);
}

void add_string(JsonBuilder* b, const char* name, const std::string& v) {
  json_builder_set_member_name(b, name);
  json_builder_add_string_value(b, v.c_str());
}

void add_participant(JsonBuilder* b, const StandinParticipant& p) {
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "puuid");
  if (p.puuid.empty()) {
    json_builder_add_null_value(b);
  } else {
    json_builder_add_string_value(b, p.puuid.c_str());
  }
  add_int(b, "teamId", p.team_id);
  add_int(b, "spell1Id", 4);
  add_int(b, "spell2Id", p.bot ? 7 : 14);
  add_int(b, "championId", p.champion_id);
  add_int(b, "profileIconId", 6000 + p.champion_id);
  if (!p.riot_id.empty()) add_string(b, "riotId", p.riot_id);
  json_builder_set_member_name(b, "bot");
  json_builder_add_boolean_value(b, p.bot);
  json_builder_set_member_name(b, "gameCustomizationObjects");
  json_builder_begin_array(b);
  json_builder_end_array(b);
  json_builder_set_member_name(b, "perks");
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "perkIds");
  json_builder_begin_array(b);
  for (int id : {8112, 8139, 8138, 8135, 8233, 8237, 5008, 5008, 5002}) {
    json_builder_add_int_value(b, id);
  }
  json_builder_end_array(b);
  add_int(b, "perkStyle", 8100);
  add_int(b, "perkSubStyle", 8200);
  json_builder_end_object(b);
  json_builder_end_object(b);
}

}  // namespace

std::string active_game_json(const StandinGame& game, std::int64_t now_epoch_ms) {
  GPtr<JsonBuilder> b{json_builder_new()};
  json_builder_begin_object(b.get());
  add_int(b.get(), "gameId", game.game_id);
  add_int(b.get(), "mapId", game.map_id);
  add_string(b.get(), "gameMode", game.game_mode);
  add_string(b.get(), "gameType", game.game_type);
  add_int(b.get(), "gameQueueConfigId", game.queue_id);
  json_builder_set_member_name(b.get(), "participants");
  json_builder_begin_array(b.get());
  for (const StandinParticipant& p : game.participants) add_participant(b.get(), p);
  json_builder_end_array(b.get());
  json_builder_set_member_name(b.get(), "observers");
  json_builder_begin_object(b.get());
  add_string(b.get(), "encryptionKey", "k3Fq9Zx0standinObserverKey");
  json_builder_end_object(b.get());
  add_string(b.get(), "platformId", game.platform_id);
  json_builder_set_member_name(b.get(), "bannedChampions");
  json_builder_begin_array(b.get());
  for (int turn = 1; turn <= 2; ++turn) {
    json_builder_begin_object(b.get());
    add_int(b.get(), "championId", 100 + turn);
    add_int(b.get(), "teamId", turn == 1 ? 100 : 200);
    add_int(b.get(), "pickTurn", turn);
    json_builder_end_object(b.get());
  }
  json_builder_end_array(b.get());
  add_int(b.get(), "gameStartTime", game.game_start_time_ms);
  const std::int64_t length =
      game.game_start_time_ms > 0 ? (now_epoch_ms - game.game_start_time_ms) / 1000 : 0;
  add_int(b.get(), "gameLength", length < 0 ? 0 : length);
  json_builder_end_object(b.get());
  return to_string(b.get());
}

std::string account_json(const std::string& puuid, const std::string& game_name,
                         const std::string& tag_line) {
  GPtr<JsonBuilder> b{json_builder_new()};
  json_builder_begin_object(b.get());
  add_string(b.get(), "puuid", puuid);
  add_string(b.get(), "gameName", game_name);
  add_string(b.get(), "tagLine", tag_line);
  json_builder_end_object(b.get());
  return to_string(b.get());
}

std::string riot_error_json(int status, const std::string& message) {
  GPtr<JsonBuilder> b{json_builder_new()};
  json_builder_begin_object(b.get());
  json_builder_set_member_name(b.get(), "status");
  json_builder_begin_object(b.get());
  add_string(b.get(), "message", message);
  add_int(b.get(), "status_code", status);
  json_builder_end_object(b.get());
  json_builder_end_object(b.get());
  return to_string(b.get());
}

std::optional<IndexedGame> index_game_json(const std::string& json, std::string* error) {
  GPtr<JsonParser> parser{json_parser_new()};
  GError* err = nullptr;
  if (!json_parser_load_from_data(parser.get(), json.data(), static_cast<gssize>(json.size()),
                                  &err)) {
    *error = err ? err->message : "not JSON";
    if (err) g_error_free(err);
    return std::nullopt;
  }
  JsonNode* root = json_parser_get_root(parser.get());
  if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
    *error = "not an object";
    return std::nullopt;
  }
  JsonObject* o = json_node_get_object(root);
  JsonNode* id = json_object_get_member(o, "gameId");
  JsonNode* list = json_object_get_member(o, "participants");
  if (!id || !JSON_NODE_HOLDS_VALUE(id) || json_node_get_value_type(id) != G_TYPE_INT64 || !list || !JSON_NODE_HOLDS_ARRAY(list)) {
    *error = "gameId or participants missing";
    return std::nullopt;
  }
  IndexedGame game;
  game.game_id = json_node_get_int(id);
  JsonArray* a = json_node_get_array(list);
  for (guint i = 0; i < json_array_get_length(a); ++i) {
    JsonNode* n = json_array_get_element(a, i);
    if (!JSON_NODE_HOLDS_OBJECT(n)) continue;
    JsonObject* p = json_node_get_object(n);
    const char* puuid = json_object_has_member(p, "puuid")
                            ? json_object_get_string_member_with_default(p, "puuid", nullptr)
                            : nullptr;
    const char* riot_id = json_object_get_string_member_with_default(p, "riotId", nullptr);
    if (puuid && *puuid) game.humans.emplace_back(puuid, riot_id ? riot_id : "");
  }
  return game;
}

}  // namespace shotcall::riot::test
