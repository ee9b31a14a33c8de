// Translated words for the player: one text domain ("shotcall") for the app's C++ strings and its
// GtkBuilder files. glibc's gettext only; no GTK here, so the pure cores can use it.
//
// Until init() binds the catalogs and the program sets a locale, every call returns the English
// text: shotcall-peer and the tests see the words they always saw.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace shotcall::i18n {

inline constexpr const char* kTextDomain = "shotcall";

// Binds the domain to `locale_dir` (holding <lang>/LC_MESSAGES/shotcall.mo), UTF-8, and makes it
// the default domain (GtkBuilder translates through the default domain).
void init(const std::string& locale_dir);

// The player's language for `msgid` (xgettext keyword: tr).
const char* tr(const char* msgid);
// Singular or plural for `count` in the player's language (keyword: trn:1,2). The plural carries
// its number as a {count} placeholder, filled by the caller or with fill().
const char* trn(const char* singular, const char* plural, unsigned long count);
// A short word whose meaning the English alone does not settle (keyword: trc:1c,2), for instance
// "Connected" as a link state.
const char* trc(const char* context, const char* msgid);

// Marks a string for translation where it is defined and translates nothing (keyword: N_); the
// place that shows it calls tr() on it.
constexpr const char* N_(const char* msgid) { return msgid; }

// Fills named placeholders: fill(tr("In game on {map}"), {{"map", name}}). Translators may move a
// placeholder; an unknown one stays as written, so a broken translation shows, never crashes.
std::string fill(std::string_view pattern,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> values);

}  // namespace shotcall::i18n
