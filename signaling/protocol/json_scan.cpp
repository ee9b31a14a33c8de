#include "signaling/protocol/json_scan.hpp"

#include <glib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

namespace shotcall::protocol::json {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

unsigned hex4_at(std::string_view s, std::size_t at) {
  unsigned v = 0;
  for (std::size_t i = at; i < at + 4; ++i) v = v * 16 + static_cast<unsigned>(hex_value(s[i]));
  return v;
}

// The text of a member name between its quotes, already checked by the scanner, with its escapes
// decoded: `"type"` and `"\u0074ype"` name one member.
std::string decode_name(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\') {
      out += raw[i];
      continue;
    }
    const char e = raw[++i];
    switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        unsigned cp = hex4_at(raw, i + 1);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {  // the scanner checked that a low surrogate follows
          cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4_at(raw, i + 3) - 0xDC00);
          i += 6;
        }
        append_utf8(out, cp);
        break;
      }
      default: out += e;  // " \ /
    }
  }
  return out;
}

// Recursive descent over the grammar of RFC 8259. Recursion depth is bounded by max_depth.
class Scanner {
 public:
  Scanner(std::string_view text, std::size_t max_depth, std::size_t max_values)
      : s_(text), max_depth_(max_depth), values_left_(max_values) {}

  ScanResult run() {
    skip_ws();
    if (at_end()) {
      fail("expected a JSON value");
      return result_;
    }
    result_.object = s_[pos_] == '{';
    if (!value(0)) return result_;
    skip_ws();
    if (!at_end()) {
      fail("unexpected text after the JSON value");
      return result_;
    }
    result_.ok = true;
    return result_;
  }

 private:
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }

  bool fail(std::string_view why) {
    result_.ok = false;
    result_.error = why;
    result_.error_offset = pos_;
    return false;
  }

  void skip_ws() {
    while (!at_end()) {
      const char c = s_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }

  bool value(std::size_t depth) {
    if (values_left_ == 0) return fail("too many values");
    --values_left_;
    switch (peek()) {
      case '{': return object(depth + 1);
      case '[': return array(depth + 1);
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default:
        if (peek() == '-' || is_digit(peek())) return number();
        return fail(at_end() ? "unexpected end of JSON" : "expected a JSON value");
    }
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return fail("expected a JSON value");
    pos_ += word.size();
    return true;
  }

  bool object(std::size_t depth) {
    if (depth > max_depth_) return fail("nested too deeply");
    ++pos_;  // '{'
    skip_ws();
    if (peek() == '}') {
      ++pos_;
      return true;
    }
    // RFC 8259 leaves duplicate names to the parser; parsers differ (json-glib keeps the last),
    // so a frame with one could mean one thing here and another to a proxy or a client: refused.
    std::vector<std::string> names;
    for (;;) {
      skip_ws();
      if (peek() != '"') return fail("expected a member name in double quotes");
      const std::size_t name_start = pos_;
      if (!string()) return false;
      const std::string_view raw = s_.substr(name_start + 1, pos_ - name_start - 2);
      std::string name = raw.find('\\') == std::string_view::npos ? std::string{raw}
                                                                   : decode_name(raw);
      if (std::find(names.begin(), names.end(), name) != names.end()) {
        pos_ = name_start;
        return fail("duplicate member name");
      }
      names.push_back(std::move(name));
      skip_ws();
      if (peek() != ':') return fail("expected ':'");
      ++pos_;
      skip_ws();
      if (!value(depth)) return false;
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return true;
      }
      return fail(at_end() ? "unexpected end of JSON" : "expected ',' or '}'");
    }
  }

  bool array(std::size_t depth) {
    if (depth > max_depth_) return fail("nested too deeply");
    ++pos_;  // '['
    skip_ws();
    if (peek() == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      skip_ws();
      if (!value(depth)) return false;
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return true;
      }
      return fail(at_end() ? "unexpected end of JSON" : "expected ',' or ']'");
    }
  }

  bool hex4(unsigned& out) {
    if (pos_ + 4 > s_.size()) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const int v = hex_value(s_[pos_ + i]);
      if (v < 0) return false;
      out = out * 16 + static_cast<unsigned>(v);
    }
    pos_ += 4;
    return true;
  }

  bool string() {
    ++pos_;  // opening quote
    while (!at_end()) {
      const auto c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return fail("control character in string (must be escaped)");
      ++pos_;
      if (c != '\\') continue;
      switch (peek()) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          ++pos_;
          break;
        case 'u': {
          ++pos_;
          unsigned unit = 0;
          if (!hex4(unit)) return fail("\\u must be followed by four hex digits");
          if (unit == 0) result_.nul_in_string = true;
          if (unit >= 0xDC00 && unit <= 0xDFFF) return fail("unpaired UTF-16 surrogate");
          if (unit >= 0xD800 && unit <= 0xDBFF) {
            if (s_.substr(pos_, 2) != "\\u") return fail("unpaired UTF-16 surrogate");
            pos_ += 2;
            unsigned low = 0;
            if (!hex4(low)) return fail("\\u must be followed by four hex digits");
            if (low < 0xDC00 || low > 0xDFFF) return fail("unpaired UTF-16 surrogate");
          }
          break;
        }
        default:
          return fail(at_end() ? "unterminated string" : "invalid escape in string");
      }
    }
    return fail("unterminated string");
  }

  // Digits are canonical here (no leading zeros), so comparing text compares values.
  static bool fits_int64(std::string_view digits, bool negative) {
    constexpr std::string_view kMax = "9223372036854775807";
    constexpr std::string_view kMinMagnitude = "9223372036854775808";
    const std::string_view limit = negative ? kMinMagnitude : kMax;
    if (digits.size() != limit.size()) return digits.size() < limit.size();
    return digits <= limit;
  }

  // json-glib reads fractions with g_ascii_strtod; an overflow would become inf. An underflow
  // becomes 0 (or a denormal), which is still a faithful number.
  static bool overflows_double(std::string_view token) {
    double value = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    (void)end;
    if (ec != std::errc::result_out_of_range) return false;
    const std::string copy{token};  // rare: tell overflow from underflow the way json-glib reads it
    return !std::isfinite(g_ascii_strtod(copy.c_str(), nullptr));
  }

  bool number() {
    const std::size_t start = pos_;
    const bool negative = peek() == '-';
    if (negative) ++pos_;
    if (!is_digit(peek())) return fail("invalid number");
    const std::size_t int_start = pos_;
    if (peek() == '0') {
      ++pos_;
    } else {
      while (is_digit(peek())) ++pos_;
    }
    const std::string_view int_digits = s_.substr(int_start, pos_ - int_start);
    bool fractional = false;
    if (peek() == '.') {
      ++pos_;
      if (!is_digit(peek())) return fail("invalid number");
      while (is_digit(peek())) ++pos_;
      fractional = true;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!is_digit(peek())) return fail("invalid number");
      while (is_digit(peek())) ++pos_;
      fractional = true;
    }
    if (!fractional) {
      if (!fits_int64(int_digits, negative)) result_.number_out_of_range = true;
    } else if (overflows_double(s_.substr(start, pos_ - start))) {
      result_.number_out_of_range = true;
    }
    return true;
  }

  std::string_view s_;
  std::size_t max_depth_;
  std::size_t values_left_;
  std::size_t pos_ = 0;
  ScanResult result_;
};

}  // namespace

ScanResult scan(std::string_view text, std::size_t max_depth, std::size_t max_values) {
  return Scanner{text, max_depth, max_values}.run();
}

bool is_faithful_object(std::string_view text) {
  if (!g_utf8_validate_len(text.data(), text.size(), nullptr)) return false;
  const ScanResult r = scan(text);
  return r.ok && r.object && !r.nul_in_string && !r.number_out_of_range;
}

}  // namespace shotcall::protocol::json
