#include "bench/signal/json_top.hpp"

#include <cstddef>

namespace shotcall::bench {
namespace {

void skip_ws(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
}

// At an opening quote: moves past the closing one. False when unterminated.
bool skip_string(std::string_view s, std::size_t& i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      ++i;
      return true;
    }
  }
  return false;
}

// Moves past one value of any kind.
bool skip_value(std::string_view s, std::size_t& i) {
  skip_ws(s, i);
  if (i >= s.size()) return false;
  if (s[i] == '"') return skip_string(s, i);
  if (s[i] == '{' || s[i] == '[') {
    int depth = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (c == '"') {
        if (!skip_string(s, i)) return false;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) {
          ++i;
          return true;
        }
      }
      ++i;
    }
    return false;
  }
  // number, true, false, null
  const std::size_t start = i;
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\n')
    ++i;
  return i > start;
}

}  // namespace

bool read_top_fields(std::string_view s, TopFields& out) {
  out = TopFields{};
  std::size_t i = 0;
  skip_ws(s, i);
  if (i >= s.size() || s[i] != '{') return false;
  ++i;
  skip_ws(s, i);
  if (i < s.size() && s[i] == '}') return true;
  while (i < s.size()) {
    skip_ws(s, i);
    if (i >= s.size() || s[i] != '"') return false;
    const std::size_t key_start = i + 1;
    if (!skip_string(s, i)) return false;
    const std::string_view key = s.substr(key_start, i - 1 - key_start);
    skip_ws(s, i);
    if (i >= s.size() || s[i] != ':') return false;
    ++i;
    skip_ws(s, i);
    const std::size_t value_start = i;
    const bool is_string = i < s.size() && s[i] == '"';
    if (!skip_value(s, i)) return false;
    const std::string_view raw = s.substr(value_start, i - value_start);
    const std::string_view text = is_string ? raw.substr(1, raw.size() - 2) : raw;
    if (key == "type") out.type = text;
    else if (key == "peerId") out.peer_id = text;
    else if (key == "channelId") out.channel_id = text;
    else if (key == "from") out.from = text;
    else if (key == "code") out.code = text;
    else if (key == "data") out.data = raw;
    else if (key == "members") out.members = raw;
    skip_ws(s, i);
    if (i < s.size() && s[i] == ',') {
      ++i;
      continue;
    }
    if (i < s.size() && s[i] == '}') return true;
    return false;
  }
  return false;
}

int count_array_elements(std::string_view a) {
  std::size_t i = 0;
  skip_ws(a, i);
  if (i >= a.size() || a[i] != '[') return -1;
  ++i;
  skip_ws(a, i);
  if (i < a.size() && a[i] == ']') return 0;
  int n = 0;
  while (i < a.size()) {
    if (!skip_value(a, i)) return -1;
    ++n;
    skip_ws(a, i);
    if (i < a.size() && a[i] == ',') {
      ++i;
      continue;
    }
    return (i < a.size() && a[i] == ']') ? n : -1;
  }
  return -1;
}

}  // namespace shotcall::bench
