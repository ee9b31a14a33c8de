// Log lines for stderr: `text` for people, `json` (one object per line) for collectors.
// Callers pass only what is safe to log: message types, codes, peer ids, addresses — never tokens
// or message contents.
#pragma once

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "signaling/server/ops/server_config.hpp"

namespace shotcall::server {

enum class LogLevel { Debug, Info, Warning, Error };

struct LogField {
  std::string_view key;
  std::string value;
  LogField(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v ? v : "") {}
  LogField(std::string_view k, std::int64_t v) : key(k), value(std::to_string(v)) {}
  LogField(std::string_view k, std::uint64_t v) : key(k), value(std::to_string(v)) {}
  LogField(std::string_view k, int v) : key(k), value(std::to_string(v)) {}
  LogField(std::string_view k, unsigned v) : key(k), value(std::to_string(v)) {}
};

// One line, newline included. `unix_ms` is wall-clock time; pure so tests pin the format.
std::string format_log_line(LogFormat format, std::int64_t unix_ms, LogLevel level,
                            std::string_view event, std::initializer_list<LogField> fields);

class Logger {
 public:
  explicit Logger(LogFormat format, std::FILE* sink = stderr) : format_(format), sink_(sink) {}
  void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});
  void info(std::string_view event, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::Info, event, fields);
  }
  void warn(std::string_view event, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::Warning, event, fields);
  }
  void error(std::string_view event, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::Error, event, fields);
  }

 private:
  LogFormat format_;
  std::FILE* sink_;
};

}  // namespace shotcall::server
