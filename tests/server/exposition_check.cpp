#include "tests/server/exposition_check.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>

namespace shotcall::test {
namespace {

bool name_char(char c, bool first, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') ||
         (!first && c >= '0' && c <= '9');
}

// The metric or label name at the front of `s` (consumed); empty if there is none.
std::string_view take_name(std::string_view& s, bool colon) {
  std::size_t n = 0;
  while (n < s.size() && name_char(s[n], n == 0, colon)) ++n;
  const std::string_view name = s.substr(0, n);
  s.remove_prefix(n);
  return name;
}

bool is_number(std::string_view v) {
  if (v == "+Inf" || v == "-Inf" || v == "NaN") return true;
  if (v.empty()) return false;
  const std::string s{v};
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && s.find_first_of("iInN") == std::string::npos;
}

struct Family {
  std::string name;
  std::string type;  // "" until its # TYPE line
};

class Reader {
 public:
  ExpositionCheck run(std::string_view text) {
    if (!text.empty() && text.back() != '\n') fail("the text does not end with a newline");
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      const std::string_view line =
          text.substr(start, end == std::string_view::npos ? text.size() - start : end - start);
      ++line_no_;
      read_line(line);
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
    if (!current_.name.empty() && current_.type.empty())
      fail("family " + current_.name + " has # HELP but no # TYPE");
    return std::move(result_);
  }

 private:
  void fail(const std::string& why) {
    result_.problems.push_back("line " + std::to_string(line_no_) + ": " + why);
  }

  void read_line(std::string_view line) {
    if (line.empty()) return fail("empty line");
    if (line.starts_with("# HELP ")) return read_help(line.substr(7));
    if (line.starts_with("# TYPE ")) return read_type(line.substr(7));
    if (line[0] == '#') return;  // a plain comment
    read_sample(line);
  }

  void read_help(std::string_view rest) {
    const std::string name{take_name(rest, true)};
    if (name.empty() || !(rest.empty() || rest[0] == ' ')) return fail("bad # HELP line");
    for (std::size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] != '\\') continue;
      if (i + 1 == rest.size() || (rest[i + 1] != '\\' && rest[i + 1] != 'n'))
        fail("bad escape in the help of " + name);
      ++i;  // the escaped character
    }
    if (!current_.name.empty() && current_.type.empty())
      fail("family " + current_.name + " has # HELP but no # TYPE");
    if (!declared_.insert(name).second) fail("family " + name + " declared twice");
    result_.families.push_back(name);
    current_ = {name, ""};
  }

  void read_type(std::string_view rest) {
    const std::string name{take_name(rest, true)};
    if (name.empty() || name != current_.name)
      return fail("# TYPE " + name + " does not follow its # HELP");
    if (!current_.type.empty()) return fail("second # TYPE for " + name);
    if (rest != " counter" && rest != " gauge" && rest != " histogram" && rest != " summary" &&
        rest != " untyped")
      return fail("unknown type for " + name);
    current_.type = rest.substr(1);
  }

  void read_sample(std::string_view rest) {
    ++result_.samples;
    const std::string name{take_name(rest, true)};
    if (name.empty()) return fail("not a sample");
    bool has_le = false;
    if (!rest.empty() && rest[0] == '{') {
      rest.remove_prefix(1);
      std::set<std::string, std::less<>> seen;
      while (!rest.empty() && rest[0] != '}') {
        const std::string_view label = take_name(rest, false);
        if (label.empty() || !rest.starts_with("=\"")) return fail("bad label in " + name);
        if (!seen.emplace(label).second) fail("label " + std::string{label} + " twice");
        has_le = has_le || label == "le";
        rest.remove_prefix(2);
        while (!rest.empty() && rest[0] != '"') {
          if (rest[0] == '\n') return fail("raw newline in a label value");
          if (rest[0] == '\\') {
            if (rest.size() < 2 || (rest[1] != '\\' && rest[1] != '"' && rest[1] != 'n'))
              return fail("bad escape in a label value of " + name);
            rest.remove_prefix(1);
          }
          rest.remove_prefix(1);
        }
        if (rest.empty()) return fail("unterminated label value in " + name);
        rest.remove_prefix(1);  // closing quote
        if (!rest.empty() && rest[0] == ',') rest.remove_prefix(1);
      }
      if (rest.empty()) return fail("unterminated labels in " + name);
      rest.remove_prefix(1);  // '}'
    }
    if (!rest.starts_with(' ')) return fail("no value for " + name);
    rest.remove_prefix(1);
    const std::string_view value = rest.substr(0, rest.find(' '));
    if (!is_number(value)) fail("value of " + name + " is not a number: " + std::string{value});
    check_family(name, has_le);
  }

  void check_family(const std::string& name, bool has_le) {
    if (current_.type.empty())
      return fail("sample " + name + " outside a family declared with # HELP and # TYPE");
    if (name == current_.name && current_.type != "histogram" && current_.type != "summary") return;
    if (current_.type == "histogram" || current_.type == "summary") {
      const std::string_view suffix =
          std::string_view{name}.substr(std::min(name.size(), current_.name.size()));
      if (name.starts_with(current_.name) && (suffix == "_sum" || suffix == "_count")) return;
      if (current_.type == "histogram" && name.starts_with(current_.name) && suffix == "_bucket") {
        if (!has_le) fail("bucket of " + current_.name + " without le");
        return;
      }
      if (current_.type == "summary" && name == current_.name) return;
    }
    fail("sample " + name + " is not in family " + current_.name + " (" + current_.type + ")");
  }

  ExpositionCheck result_;
  std::set<std::string, std::less<>> declared_;
  Family current_;
  std::size_t line_no_ = 0;
};

}  // namespace

ExpositionCheck check_exposition(std::string_view text) { return Reader{}.run(text); }

void expect_valid_exposition(const std::string& text, const std::vector<std::string>& families) {
  const ExpositionCheck check = check_exposition(text);
  for (const std::string& problem : check.problems) ADD_FAILURE() << problem;
  EXPECT_GT(check.samples, 0u);
  for (const std::string& family : families)
    EXPECT_NE(std::find(check.families.begin(), check.families.end(), family), check.families.end())
        << family << " was not declared";
  if (::testing::Test::HasFailure()) ADD_FAILURE() << "in\n" << text;
}

}  // namespace shotcall::test
