// A compact JSON writer appending to one std::string: what the codec encodes with.
//
// Why not JsonGenerator: json-glib 1.6.6's generator leaves U+001F unescaped (invalid JSON for
// strict parsers such as a browser's JSON.parse), passes invalid UTF-8 through and writes inf as
// `inf.0`; and building a JsonNode tree per frame costs allocations on the server's relay path.
// This writer always produces valid JSON: strings are escaped per RFC 8259 and invalid UTF-8 is
// replaced with U+FFFD.
#pragma once

#include <json-glib/json-glib.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace shotcall::protocol::json {

class Writer {
 public:
  explicit Writer(std::size_t reserve = 256) { out_.reserve(reserve); }

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view name);  // the next value is this member's

  void string(std::string_view value);
  void integer(std::int64_t value);
  void number(double value);  // shortest text that reads back the same; non-finite → null
  void boolean(bool value);
  void null();
  // `text` must be one valid JSON value (the caller checked it); copied as it is.
  void raw(std::string_view text);
  // A json-glib tree, compactly, members in their order.
  void node(JsonNode* node);

  // Shorthands for a member with a value.
  void string_member(std::string_view name, std::string_view value) {
    key(name);
    string(value);
  }
  void integer_member(std::string_view name, std::int64_t value) {
    key(name);
    integer(value);
  }

  std::string take() { return std::move(out_); }

 private:
  void before_value();

  std::string out_;
  bool need_comma_ = false;  // a value was written at this level
};

// Appends `value` as a quoted JSON string.
void append_quoted(std::string& out, std::string_view value);

}  // namespace shotcall::protocol::json
