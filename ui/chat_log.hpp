// The channel's chat as the window shows it: the last `capacity` lines, oldest first. Pure.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

namespace shotcall::ui {

struct ChatLine {
  std::string riot_id;  // who wrote it (display form)
  std::string text;
  std::int64_t ts_ms = 0;  // server time, ms since the epoch
  bool mine = false;
  bool from_shotcall = false;  // a line the app itself adds ("Ñandú joined"), not a message
};

class ChatLog {
 public:
  explicit ChatLog(std::size_t capacity = 200) : capacity_(capacity) {}
  // Adds a line; returns how many old lines fell off the top (0 or 1).
  std::size_t add(ChatLine line);
  void clear() { lines_.clear(); }
  const std::deque<ChatLine>& lines() const { return lines_; }
  std::size_t capacity() const { return capacity_; }

 private:
  std::size_t capacity_;
  std::deque<ChatLine> lines_;
};

// What a chat entry would send: trimmed, and nothing when empty or longer than the protocol's
// 500 characters (counted in Unicode characters, not bytes).
bool chat_text_sendable(const std::string& text, std::string* trimmed);

// "21:07" in local time for a line's timestamp.
std::string chat_clock(std::int64_t ts_ms);

}  // namespace shotcall::ui
