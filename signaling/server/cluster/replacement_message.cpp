#include "signaling/server/cluster/replacement_message.hpp"

#include <json-glib/json-glib.h>

#include "common/glib_ptr.hpp"
#include "signaling/protocol/json_writer.hpp"

namespace shotcall::server {
namespace {

std::string string_member(JsonObject* o, const char* name) {
  JsonNode* node = json_object_get_member(o, name);
  if (!node || !JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_STRING)
    return {};
  return json_node_get_string(node);
}

}  // namespace

std::string encode_replacement(const std::string& publisher, const core::Replacement& u) {
  protocol::json::Writer w(256);
  w.begin_object();
  w.string_member("i", publisher);
  w.string_member("r", u.riot_id);
  if (u.kept_key) w.string_member("k", *u.kept_key);
  w.key("x");
  w.begin_array();
  for (const auto& key : u.proven_by) w.string(key);
  w.end_array();
  w.string_member("w", u.why);
  w.end_object();
  return w.take();
}

std::optional<core::Replacement> decode_replacement(const std::string& payload,
                                                    const std::string& ours) {
  GPtr<JsonParser> parser{json_parser_new_immutable()};
  if (!json_parser_load_from_data(parser.get(), payload.data(), static_cast<gssize>(payload.size()),
                                  nullptr))
    return std::nullopt;
  JsonNode* root = json_parser_get_root(parser.get());
  if (!root || !JSON_NODE_HOLDS_OBJECT(root)) return std::nullopt;
  JsonObject* o = json_node_get_object(root);
  const std::string from = string_member(o, "i");
  core::Replacement u{string_member(o, "r"), std::nullopt, {}, string_member(o, "w")};
  if (from.empty() || from == ours || u.riot_id.empty() || u.why.empty()) return std::nullopt;
  if (const std::string kept = string_member(o, "k"); !kept.empty()) u.kept_key = kept;
  if (JsonNode* x = json_object_get_member(o, "x"); x && JSON_NODE_HOLDS_ARRAY(x)) {
    JsonArray* removed = json_node_get_array(x);
    for (guint i = 0; i < json_array_get_length(removed); ++i) {
      JsonNode* key = json_array_get_element(removed, i);
      if (JSON_NODE_HOLDS_VALUE(key) && json_node_get_value_type(key) == G_TYPE_STRING)
        u.proven_by.emplace_back(json_node_get_string(key));
    }
  }
  if (!u.kept_key && u.proven_by.empty()) return std::nullopt;  // names nobody
  return u;
}

}  // namespace shotcall::server
