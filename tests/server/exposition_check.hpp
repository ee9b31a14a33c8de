// A strict reader of the Prometheus text exposition format (0.0.4) as GET /metrics serves it,
// for tests: it lists what a scraper would reject or misread. Every sample must belong to the
// family declared last (its own name, or a histogram's _bucket/_sum/_count), every family must
// be declared once, with # HELP then # TYPE, before its samples; label values may use only the
// escapes \\, \" and \n; values must be numbers (or +Inf, -Inf, NaN).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shotcall::test {

struct ExpositionCheck {
  std::vector<std::string> problems;  // "line N: why"; empty when the text is valid
  std::vector<std::string> families;  // declared, in order
  std::size_t samples = 0;
};

ExpositionCheck check_exposition(std::string_view text);

// For tests of a live /metrics: fails the current test (with the text) on every problem, when
// there are no samples, or when one of `families` was not declared.
void expect_valid_exposition(const std::string& text, const std::vector<std::string>& families);

}  // namespace shotcall::test
