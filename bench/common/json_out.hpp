// A small JSON writer for benchmark results: objects, arrays, numbers, strings. Commas are
// placed automatically; the caller keeps keys and nesting straight.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shotcall::bench {

class JsonOut {
 public:
  JsonOut& begin_object();
  JsonOut& end_object();
  JsonOut& begin_array();
  JsonOut& end_array();
  JsonOut& key(std::string_view k);
  JsonOut& value(double v);  // NaN and infinities are written as null
  JsonOut& value(std::int64_t v);
  JsonOut& value(int v) { return value(static_cast<std::int64_t>(v)); }
  JsonOut& value(std::uint64_t v) { return value(static_cast<std::int64_t>(v)); }
  JsonOut& value(bool v);
  JsonOut& value(std::string_view v);
  JsonOut& value(const char* v) { return value(std::string_view{v}); }
  JsonOut& null();
  // key + value in one call.
  template <typename T>
  JsonOut& field(std::string_view k, T v) {
    key(k);
    return value(v);
  }
  const std::string& text() const { return text_; }

 private:
  void before_value();
  void write_string(std::string_view v);
  std::string text_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace shotcall::bench
