#include "bench/common/json_out.hpp"

#include <cmath>
#include <cstdio>

namespace shotcall::bench {

void JsonOut::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) text_ += ',';
    first_.back() = false;
  }
}

JsonOut& JsonOut::begin_object() {
  before_value();
  text_ += '{';
  first_.push_back(true);
  return *this;
}

JsonOut& JsonOut::end_object() {
  text_ += '}';
  first_.pop_back();
  return *this;
}

JsonOut& JsonOut::begin_array() {
  before_value();
  text_ += '[';
  first_.push_back(true);
  return *this;
}

JsonOut& JsonOut::end_array() {
  text_ += ']';
  first_.pop_back();
  return *this;
}

JsonOut& JsonOut::key(std::string_view k) {
  before_value();
  write_string(k);
  text_ += ':';
  after_key_ = true;
  return *this;
}

JsonOut& JsonOut::value(double v) {
  if (!std::isfinite(v)) return null();
  before_value();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  text_ += buf;
  return *this;
}

JsonOut& JsonOut::value(std::int64_t v) {
  before_value();
  text_ += std::to_string(v);
  return *this;
}

JsonOut& JsonOut::value(bool v) {
  before_value();
  text_ += v ? "true" : "false";
  return *this;
}

JsonOut& JsonOut::null() {
  before_value();
  text_ += "null";
  return *this;
}

JsonOut& JsonOut::value(std::string_view v) {
  before_value();
  write_string(v);
  return *this;
}

void JsonOut::write_string(std::string_view v) {
  text_ += '"';
  for (const char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      text_ += '\\';
      text_ += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      text_ += buf;
    } else {
      text_ += c;
    }
  }
  text_ += '"';
}

}  // namespace shotcall::bench
