#include "ui/chat_log.hpp"

#include <glib.h>

#include "app/i18n/translate.hpp"

namespace shotcall::ui {

std::size_t ChatLog::add(ChatLine line) {
  lines_.push_back(std::move(line));
  std::size_t dropped = 0;
  while (lines_.size() > capacity_) {
    lines_.pop_front();
    ++dropped;
  }
  return dropped;
}

bool chat_text_sendable(const std::string& text, std::string* trimmed) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return false;
  const auto last = text.find_last_not_of(" \t\r\n");
  std::string t = text.substr(first, last - first + 1);
  if (!g_utf8_validate(t.c_str(), static_cast<gssize>(t.size()), nullptr)) return false;
  if (g_utf8_strlen(t.c_str(), static_cast<gssize>(t.size())) > 500) return false;
  if (trimmed) *trimmed = std::move(t);
  return true;
}

std::string chat_clock(std::int64_t ts_ms) {
  GDateTime* utc = g_date_time_new_from_unix_utc(ts_ms / 1000);
  if (!utc) return "";
  GDateTime* local = g_date_time_to_local(utc);
  // Translators: the time of a chat line, a g_date_time_format() format ("%H:%M" is "21:07";
  // "%l:%M %p" would be "9:07 PM").
  gchar* text = g_date_time_format(local, i18n::tr("%H:%M"));
  std::string out = text ? text : "";
  g_free(text);
  g_date_time_unref(local);
  g_date_time_unref(utc);
  return out;
}

}  // namespace shotcall::ui
