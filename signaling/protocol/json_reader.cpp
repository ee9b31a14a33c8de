#include "signaling/protocol/json_reader.hpp"

#include "signaling/protocol/json_scan.hpp"
#include "signaling/protocol/json_writer.hpp"
#include "signaling/protocol/riot_id.hpp"

namespace shotcall::protocol::json {
namespace {

DecodeError bad_json(std::string message) {
  return DecodeError{ErrorCode::BadJson, std::move(message), std::nullopt, std::nullopt};
}

bool is_string_node(JsonNode* node) {
  return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING;
}

bool is_integer_node(JsonNode* node) {
  return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_INT64;
}

}  // namespace

std::variant<Frame, DecodeError> parse_frame(std::string_view text) {
  if (text.empty()) return bad_json("empty frame");
  if (!g_utf8_validate_len(text.data(), text.size(), nullptr))
    return bad_json("frame is not valid UTF-8");
  const ScanResult scanned = scan(text);
  if (!scanned.ok) {
    return bad_json("invalid JSON at byte " + std::to_string(scanned.error_offset) + ": " +
                    std::string{scanned.error});
  }
  if (!scanned.object)
    return DecodeError{ErrorCode::BadMessage, "a frame must be a JSON object", std::nullopt,
                       std::nullopt};

  Frame frame;
  frame.parser.reset(json_parser_new());
  GError* raw_error = nullptr;
  if (!json_parser_load_from_data(frame.parser.get(), text.data(),
                                  static_cast<gssize>(text.size()), &raw_error)) {
    // Strict JSON that json-glib still refuses: not expected, but answered, not trusted.
    std::string message = raw_error != nullptr ? raw_error->message : "unparseable";
    g_clear_error(&raw_error);
    return bad_json("invalid JSON: " + message);
  }
  JsonNode* root = json_parser_get_root(frame.parser.get());
  if (root == nullptr || !JSON_NODE_HOLDS_OBJECT(root))
    return bad_json("invalid JSON");  // the scan said object; keep going only if json-glib agrees
  frame.object = json_node_get_object(root);

  FieldReader reader{frame.object};
  // id first, so that every later error can carry it.
  bool id_valid = true;
  if (JsonNode* id = reader.find("id")) {
    if (is_string_node(id) && std::string_view{json_node_get_string(id)}.size() <=
                                  kMaxRequestIdBytes) {
      frame.id = json_node_get_string(id);
    } else {
      id_valid = false;
    }
  }
  JsonNode* type = reader.find("type");
  if (type == nullptr)
    return DecodeError{ErrorCode::BadMessage, "type is required", std::nullopt, frame.id};
  if (!is_string_node(type))
    return DecodeError{ErrorCode::BadMessage, "type must be a string", std::nullopt, frame.id};
  frame.type = json_node_get_string(type);
  if (!id_valid) {
    return DecodeError{ErrorCode::BadMessage,
                       "id must be a string of at most " + std::to_string(kMaxRequestIdBytes) +
                           " bytes",
                       frame.type, std::nullopt};
  }
  if (scanned.nul_in_string) frame.unfaithful = "strings must not contain U+0000";
  if (scanned.number_out_of_range)
    frame.unfaithful = "a number is out of range (integers must fit in 64 bits, others in a double)";
  return frame;
}

JsonNode* FieldReader::find(const char* name) const {
  JsonNode* node = json_object_get_member(object_, name);
  if (node == nullptr || JSON_NODE_HOLDS_NULL(node)) return nullptr;
  return node;
}

std::string FieldReader::node_string(JsonNode* node, const std::string& where, TextRule rule) {
  if (!is_string_node(node)) {
    fail(where + " must be a string");
    return {};
  }
  std::string value = json_node_get_string(node);
  if (value.empty() && !rule.allow_empty) {
    fail(where + " must not be empty");
    return {};
  }
  if (value.size() > rule.max_bytes) {
    fail(where + " must be at most " + std::to_string(rule.max_bytes) + " bytes");
    return {};
  }
  return value;
}

std::string FieldReader::node_riot_id(JsonNode* node, const std::string& where) {
  std::string value = node_string(node, where, TextRule{});
  if (!ok()) return {};
  if (!is_valid_riot_id(value)) {
    fail(where + " must be a Riot ID, gameName#tagLine (at most " +
         std::to_string(kMaxRiotIdBytes) + " bytes, no control characters)");
    return {};
  }
  return value;
}

std::string FieldReader::string(const char* name, TextRule rule) {
  JsonNode* node = find(name);
  if (node == nullptr) {
    fail(path(name) + " is required");
    return {};
  }
  return node_string(node, path(name), rule);
}

std::optional<std::string> FieldReader::optional_string(const char* name, TextRule rule) {
  JsonNode* node = find(name);
  if (node == nullptr) return std::nullopt;
  std::string value = node_string(node, path(name), rule);
  if (!ok()) return std::nullopt;
  return value;
}

std::string FieldReader::riot_id(const char* name) {
  JsonNode* node = find(name);
  if (node == nullptr) {
    fail(path(name) + " is required");
    return {};
  }
  return node_riot_id(node, path(name));
}

IdValue FieldReader::id_value(const char* name, std::size_t max_bytes) {
  JsonNode* node = find(name);
  if (node == nullptr) {
    fail(path(name) + " is required");
    return {};
  }
  IdValue id;
  if (is_integer_node(node)) {
    id.text = std::to_string(json_node_get_int(node));
    id.number = true;
  } else if (is_string_node(node)) {
    id.text = json_node_get_string(node);
    if (id.text.empty()) {
      fail(path(name) + " must not be empty");
      return {};
    }
  } else {
    fail(path(name) + " must be an integer or a string");
    return {};
  }
  if (id.text.size() > max_bytes) {
    fail(path(name) + " must be at most " + std::to_string(max_bytes) + " bytes");
    return {};
  }
  return id;
}

std::int64_t FieldReader::integer(const char* name) {
  JsonNode* node = find(name);
  if (node == nullptr) {
    fail(path(name) + " is required");
    return 0;
  }
  if (!is_integer_node(node)) {
    fail(path(name) + " must be an integer");
    return 0;
  }
  return json_node_get_int(node);
}

JsonObject* FieldReader::object(const char* name) {
  JsonNode* node = find(name);
  if (node == nullptr) {
    fail(path(name) + " is required");
    return nullptr;
  }
  if (!JSON_NODE_HOLDS_OBJECT(node)) {
    fail(path(name) + " must be an object");
    return nullptr;
  }
  return json_node_get_object(node);
}

std::string FieldReader::object_json(const char* name) {
  JsonObject* found = object(name);
  if (found == nullptr) return {};
  Writer writer{512};
  writer.node(json_object_get_member(object_, name));
  return writer.take();
}

JsonArray* FieldReader::array(const char* name, std::size_t min_length, std::size_t max_length) {
  JsonNode* node = find(name);
  if (node == nullptr) {
    fail(path(name) + " is required");
    return nullptr;
  }
  if (!JSON_NODE_HOLDS_ARRAY(node)) {
    fail(path(name) + " must be an array");
    return nullptr;
  }
  JsonArray* found = json_node_get_array(node);
  const std::size_t length = json_array_get_length(found);
  if (length < min_length || length > max_length) {
    fail(path(name) + " must have " + std::to_string(min_length) + " to " +
         std::to_string(max_length) + " entries");
    return nullptr;
  }
  return found;
}

}  // namespace shotcall::protocol::json
