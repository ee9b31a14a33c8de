#include "signaling/store/store_records.hpp"

#include <json-glib/json-glib.h>

#include "common/glib_ptr.hpp"
#include "signaling/protocol/json_writer.hpp"

namespace shotcall::store {
namespace {

std::string key_of(std::string_view kind, std::string_view name) {
  std::string key{kPrefix};
  key += kind;
  key += ':';
  key += name;
  return key;
}

// The root of `text` when it parses and has the wanted type; the parser owns it.
JsonNode* parse(std::string_view text, GPtr<JsonParser>& parser, JsonNodeType type) {
  parser.reset(json_parser_new_immutable());
  if (!json_parser_load_from_data(parser.get(), text.data(), static_cast<gssize>(text.size()),
                                  nullptr))
    return nullptr;
  JsonNode* root = json_parser_get_root(parser.get());
  if (!root || JSON_NODE_TYPE(root) != type) return nullptr;
  return root;
}

bool read_string(JsonObject* o, const char* name, std::string& out) {
  JsonNode* n = json_object_get_member(o, name);
  if (!n || json_node_get_value_type(n) != G_TYPE_STRING) return false;
  out = json_node_get_string(n);
  return true;
}

bool read_strings(JsonArray* a, std::vector<std::string>& out) {
  const guint n = json_array_get_length(a);
  for (guint i = 0; i < n; ++i) {
    JsonNode* e = json_array_get_element(a, i);
    if (!JSON_NODE_HOLDS_VALUE(e) || json_node_get_value_type(e) != G_TYPE_STRING) return false;
    out.emplace_back(json_node_get_string(e));
  }
  return true;
}

bool read_string_array(JsonObject* o, const char* name, std::vector<std::string>& out) {
  JsonNode* n = json_object_get_member(o, name);
  if (!n || !JSON_NODE_HOLDS_ARRAY(n)) return false;
  return read_strings(json_node_get_array(n), out);
}

void write_strings(protocol::json::Writer& w, const std::vector<std::string>& values) {
  w.begin_array();
  for (const auto& v : values) w.string(v);
  w.end_array();
}

}  // namespace

std::string claim_key(std::string_view riot_key) { return key_of("rid", riot_key); }
std::string channel_key(std::string_view channel_id) { return key_of("ch", channel_id); }
std::string pairing_key(std::string_view pairing) { return key_of("pk", pairing); }
std::string player_key(std::string_view riot_key) { return key_of("pl", riot_key); }
std::string instance_key(std::string_view instance) { return key_of("inst", instance); }
std::string instances_set_key() { return std::string{kPrefix} + "instances"; }
std::string inbox_channel(std::string_view instance) { return key_of("to", instance); }
std::string notice_channel() { return std::string{kPrefix} + "notice"; }
std::string replacement_channel() { return std::string{kPrefix} + "replace"; }

std::string instance_of_peer(std::string_view peer_id) {
  const auto dot = peer_id.find('.');
  if (dot == std::string_view::npos) return {};
  return std::string{peer_id.substr(0, dot)};
}

bool is_valid_instance_id(std::string_view instance) {
  if (instance.empty() || instance.size() > 24) return false;
  for (char ch : instance) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

std::string encode_channel(const core::Channel& c) {
  protocol::json::Writer w(512);
  w.begin_object();
  w.string_member("id", c.id);
  w.string_member("g", c.game_id.text);
  w.key("gn");
  w.boolean(c.game_id.number);
  w.string_member("t", c.team_id.text);
  w.key("tn");
  w.boolean(c.team_id.number);
  w.key("roster");
  write_strings(w, c.roster);
  w.key("keys");
  write_strings(w, c.roster_keys);
  w.string_member("pk", c.pairing_key);
  w.key("m");
  w.begin_array();
  // A member's identity level is a fourth string; records written before identity-1 have three.
  for (const auto& m : c.members)
    write_strings(w, {m.peer_id, m.riot_id, m.riot_key, std::string{protocol::to_wire(m.level)}});
  w.end_array();
  w.integer_member("c", c.created_ms);
  w.end_object();
  return w.take();
}

std::optional<core::Channel> decode_channel(std::string_view text) {
  GPtr<JsonParser> parser;
  JsonNode* root = parse(text, parser, JSON_NODE_OBJECT);
  if (!root) return std::nullopt;
  JsonObject* o = json_node_get_object(root);
  core::Channel c;
  if (!read_string(o, "id", c.id) || !read_string(o, "g", c.game_id.text) ||
      !read_string(o, "t", c.team_id.text) || !read_string_array(o, "roster", c.roster) ||
      !read_string_array(o, "keys", c.roster_keys) || !read_string(o, "pk", c.pairing_key))
    return std::nullopt;
  c.game_id.number = json_object_get_boolean_member_with_default(o, "gn", FALSE);
  c.team_id.number = json_object_get_boolean_member_with_default(o, "tn", FALSE);
  c.created_ms = json_object_get_int_member_with_default(o, "c", 0);
  JsonNode* members = json_object_get_member(o, "m");
  if (!members || !JSON_NODE_HOLDS_ARRAY(members)) return std::nullopt;
  JsonArray* list = json_node_get_array(members);
  for (guint i = 0; i < json_array_get_length(list); ++i) {
    JsonNode* e = json_array_get_element(list, i);
    std::vector<std::string> fields;
    if (!JSON_NODE_HOLDS_ARRAY(e) || !read_strings(json_node_get_array(e), fields) ||
        fields.size() < 3 || fields.size() > 4)
      return std::nullopt;
    core::MemberRecord member{fields[0], fields[1], fields[2]};
    if (fields.size() == 4)
      member.level = protocol::identity_level_from_wire(fields[3]).value_or(member.level);
    c.members.push_back(std::move(member));
  }
  return c;
}

std::string encode_ids(const std::vector<std::string>& ids) {
  protocol::json::Writer w(64);
  write_strings(w, ids);
  return w.take();
}

std::optional<std::vector<std::string>> decode_ids(std::string_view text) {
  GPtr<JsonParser> parser;
  JsonNode* root = parse(text, parser, JSON_NODE_ARRAY);
  if (!root) return std::nullopt;
  std::vector<std::string> ids;
  if (!read_strings(json_node_get_array(root), ids)) return std::nullopt;
  return ids;
}

}  // namespace shotcall::store
