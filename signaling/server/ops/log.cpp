#include "signaling/server/ops/log.hpp"

#include <glib.h>

#include <ctime>

namespace shotcall::server {
namespace {

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
  }
  return "info";
}

std::string iso_time(std::int64_t unix_ms) {
  const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];  // sized for any int the compiler can imagine, not just real dates
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(unix_ms % 1000));
  return buf;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

// Text values are quoted when they would not read back as one token.
void append_text_value(std::string& out, std::string_view s) {
  bool plain = !s.empty();
  for (unsigned char c : s)
    if (c <= 0x20 || c == '"' || c == '=' || c == 0x7f) plain = false;
  if (plain) out += s;
  else append_json_string(out, s);
}

}  // namespace

std::string format_log_line(LogFormat format, std::int64_t unix_ms, LogLevel level,
                            std::string_view event, std::initializer_list<LogField> fields) {
  std::string out;
  if (format == LogFormat::Json) {
    out += "{\"ts\":";
    append_json_string(out, iso_time(unix_ms));
    out += ",\"level\":";
    append_json_string(out, level_name(level));
    out += ",\"event\":";
    append_json_string(out, event);
    for (const auto& f : fields) {
      out += ',';
      append_json_string(out, f.key);
      out += ':';
      append_json_string(out, f.value);
    }
    out += "}\n";
  } else {
    out += iso_time(unix_ms);
    out += ' ';
    out += level_name(level);
    out += ' ';
    out += event;
    for (const auto& f : fields) {
      out += ' ';
      out += f.key;
      out += '=';
      append_text_value(out, f.value);
    }
    out += '\n';
  }
  return out;
}

void Logger::log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  const std::string line = format_log_line(format_, g_get_real_time() / 1000, level, event, fields);
  std::fwrite(line.data(), 1, line.size(), sink_);
  std::fflush(sink_);
}

}  // namespace shotcall::server
