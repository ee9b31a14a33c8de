// Reads the decimal number that follows a label in a program's text output ("dropped 12",
// "rb=3400"). By hand rather than with std::regex: GCC 12 with the sanitizers warns inside
// <regex> (maybe-uninitialized), which -Werror turns into a broken build.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace shotcall::test {

// The number right after the first `label` at or after `from`; nullopt when the label is missing
// or no digit follows it. `*end`, when given, is set to the position after the number.
inline std::optional<long long> number_after(std::string_view text, std::string_view label,
                                             std::size_t from = 0, std::size_t* end = nullptr) {
  const std::size_t at = text.find(label, from);
  if (at == std::string_view::npos) return std::nullopt;
  std::size_t i = at + label.size();
  long long value = 0;
  const std::size_t first = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9')
    value = value * 10 + (text[i++] - '0');
  if (i == first) return std::nullopt;
  if (end) *end = i;
  return value;
}

// True when `text` is one or more decimal digits.
inline bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace shotcall::test
