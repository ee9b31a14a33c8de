#include "signaling/protocol/json_writer.hpp"

#include <charconv>
#include <cmath>

#include "common/glib_ptr.hpp"

namespace shotcall::protocol::json {
namespace {

void append_escaped_valid(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
    }
  }
  out.append(s.data() + run_start, s.size() - run_start);
}

}  // namespace

void append_quoted(std::string& out, std::string_view value) {
  out += '"';
  if (g_utf8_validate_len(value.data(), value.size(), nullptr)) {
    append_escaped_valid(out, value);
  } else {
    // Only reachable through a caller's bug (decoded input is validated), but the frame must
    // stay valid JSON whatever happens.
    GPtr<gchar> valid{g_utf8_make_valid(value.data(), static_cast<gssize>(value.size()))};
    // make_valid replaces each bad byte (a NUL included) with U+FFFD, so the copy has no
    // inner NUL and its C-string length is its length.
    append_escaped_valid(out, std::string_view{valid.get()});
  }
  out += '"';
}

void Writer::before_value() {
  if (need_comma_) out_ += ',';
  need_comma_ = true;
}

void Writer::begin_object() {
  before_value();
  out_ += '{';
  need_comma_ = false;
}

void Writer::end_object() {
  out_ += '}';
  need_comma_ = true;
}

void Writer::begin_array() {
  before_value();
  out_ += '[';
  need_comma_ = false;
}

void Writer::end_array() {
  out_ += ']';
  need_comma_ = true;
}

void Writer::key(std::string_view name) {
  before_value();
  append_quoted(out_, name);
  out_ += ':';
  need_comma_ = false;  // the value follows the colon directly
}

void Writer::string(std::string_view value) {
  before_value();
  append_quoted(out_, value);
}

void Writer::integer(std::int64_t value) {
  before_value();
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;  // 24 bytes always hold an int64
  out_.append(buf, end);
}

void Writer::number(double value) {
  before_value();
  if (!std::isfinite(value)) {
    out_ += "null";
    return;
  }
  // Shortest text that reads back the same double (0.1 stays "0.1"); locale-independent.
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;  // 32 bytes hold any double's shortest form
  const std::string_view text{buf, static_cast<std::size_t>(end - buf)};
  out_ += text;
  // Keep it a fraction so a reader sees the same JSON number kind (json-glib: double, not int).
  if (text.find_first_of(".e") == std::string_view::npos) out_ += ".0";
}

void Writer::boolean(bool value) {
  before_value();
  out_ += value ? "true" : "false";
}

void Writer::null() {
  before_value();
  out_ += "null";
}

void Writer::raw(std::string_view text) {
  before_value();
  out_ += text;
}

void Writer::node(JsonNode* n) {
  switch (json_node_get_node_type(n)) {
    case JSON_NODE_OBJECT: {
      JsonObject* object = json_node_get_object(n);
      begin_object();
      // get_members keeps insertion order (and lists a repeated name once, with its last value).
      GList* names = json_object_get_members(object);
      for (GList* l = names; l != nullptr; l = l->next) {
        const auto* name = static_cast<const char*>(l->data);
        key(name);
        node(json_object_get_member(object, name));
      }
      g_list_free(names);
      end_object();
      return;
    }
    case JSON_NODE_ARRAY: {
      JsonArray* array = json_node_get_array(n);
      begin_array();
      const guint length = json_array_get_length(array);
      for (guint i = 0; i < length; ++i) node(json_array_get_element(array, i));
      end_array();
      return;
    }
    case JSON_NODE_NULL:
      null();
      return;
    case JSON_NODE_VALUE:
      break;
  }
  const GType type = json_node_get_value_type(n);
  if (type == G_TYPE_INT64) {
    integer(json_node_get_int(n));
  } else if (type == G_TYPE_DOUBLE) {
    number(json_node_get_double(n));
  } else if (type == G_TYPE_BOOLEAN) {
    boolean(json_node_get_boolean(n) != FALSE);
  } else if (type == G_TYPE_STRING) {
    const char* s = json_node_get_string(n);
    string(s != nullptr ? s : "");
  } else {
    null();  // json-glib parses no other kind; keeps the output valid regardless
  }
}

}  // namespace shotcall::protocol::json
