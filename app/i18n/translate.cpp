#include "app/i18n/translate.hpp"

#include <libintl.h>
#include <locale.h>

namespace shotcall::i18n {

void init(const std::string& locale_dir) {
  bindtextdomain(kTextDomain, locale_dir.c_str());
  bind_textdomain_codeset(kTextDomain, "UTF-8");
  textdomain(kTextDomain);
}

const char* tr(const char* msgid) { return dgettext(kTextDomain, msgid); }

const char* trn(const char* singular, const char* plural, unsigned long count) {
  return dngettext(kTextDomain, singular, plural, count);
}

const char* trc(const char* context, const char* msgid) {
  // gettext keeps a context as "context\004msgid"; a missing translation returns that key.
  const std::string key = std::string{context} + '\004' + msgid;
  const char* translated = dgettext(kTextDomain, key.c_str());
  return translated == key.c_str() ? msgid : translated;
}

std::string fill(std::string_view pattern,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
  std::string out;
  out.reserve(pattern.size() + 32);
  std::size_t i = 0;
  while (i < pattern.size()) {
    const std::size_t open = pattern.find('{', i);
    if (open == std::string_view::npos) break;
    const std::size_t close = pattern.find('}', open + 1);
    if (close == std::string_view::npos) break;
    out.append(pattern.substr(i, open - i));
    const std::string_view name = pattern.substr(open + 1, close - open - 1);
    bool filled = false;
    for (const auto& [key, value] : values) {
      if (key == name) {
        out.append(value);
        filled = true;
        break;
      }
    }
    if (!filled) out.append(pattern.substr(open, close - open + 1));
    i = close + 1;
  }
  out.append(pattern.substr(i));
  return out;
}

}  // namespace shotcall::i18n
