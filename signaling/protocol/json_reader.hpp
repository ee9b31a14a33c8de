// Reading frames with json-glib: the checks both directions share (UTF-8, strict syntax, object
// shape, `id`, `type`) and a field reader that names the first bad field in protocol terms.
#pragma once

#include <json-glib/json-glib.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/glib_ptr.hpp"
#include "signaling/protocol/codec.hpp"

namespace shotcall::protocol::json {

using ParserPtr = GPtr<JsonParser>;

// A frame that is a JSON object with a string `type` and a valid (or absent) `id`.
struct Frame {
  ParserPtr parser;              // owns the tree `object` points into
  JsonObject* object = nullptr;  // borrowed from parser
  std::string type;
  std::optional<std::string> id;
  // Non-empty when the text holds a value the tree cannot keep faithfully (U+0000 in a string,
  // a number out of range): a bad-message once the type is known.
  std::string_view unfaithful;

  DecodeError error(ErrorCode code, std::string message) const {
    return DecodeError{code, std::move(message), type, id};
  }
};

std::variant<Frame, DecodeError> parse_frame(std::string_view text);

// How a string field is checked. Byte limits, as messages.hpp states them.
struct TextRule {
  std::size_t max_bytes = std::numeric_limits<std::size_t>::max();
  bool allow_empty = false;
};

// Reads fields of one object. Every getter returns a value (empty on failure) and records the
// first failure; check ok() once after reading. JSON null counts as absent everywhere.
class FieldReader {
 public:
  explicit FieldReader(JsonObject* object, std::string prefix = {})
      : object_(object), prefix_(std::move(prefix)) {}

  JsonNode* find(const char* name) const;

  std::string string(const char* name, TextRule rule);
  std::optional<std::string> optional_string(const char* name, TextRule rule);
  // is_valid_riot_id (riot_id.hpp)
  std::string riot_id(const char* name);
  // A JSON integer (→ decimal text, number=true) or a non-empty string; within max_bytes.
  IdValue id_value(const char* name, std::size_t max_bytes);
  std::int64_t integer(const char* name);
  // An object, serialised compactly.
  std::string object_json(const char* name);
  // nullptr (and a failure) when absent or not an object/array, or the length is out of range.
  JsonObject* object(const char* name);
  JsonArray* array(const char* name, std::size_t min_length, std::size_t max_length);

  // Checks one node found by the caller (array elements); `path` names it in the message.
  std::string node_string(JsonNode* node, const std::string& path, TextRule rule);
  std::string node_riot_id(JsonNode* node, const std::string& path);

  // `name` as the message shows it, e.g. "members[2].riotId".
  std::string path(std::string_view name) const { return prefix_ + std::string{name}; }
  // A reader for a nested object; pass it to adopt() when done.
  FieldReader nested(JsonObject* object, const std::string& path_of_object) const {
    return FieldReader{object, path_of_object + "."};
  }
  void adopt(const FieldReader& child) {
    if (!child.ok()) fail(child.error());
  }

  void fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  JsonObject* object_;
  std::string prefix_;
  std::string error_;
};

}  // namespace shotcall::protocol::json
