#include "signaling/protocol/codec_common.hpp"

#include <glib.h>

#include <charconv>
#include <cstdint>

#include "signaling/protocol/json_scan.hpp"

namespace shotcall::protocol::wire {

void write_id_value(json::Writer& w, std::string_view name, const IdValue& id) {
  w.key(name);
  if (id.number) {
    std::int64_t value = 0;
    const char* end = id.text.data() + id.text.size();
    const auto [ptr, ec] = std::from_chars(id.text.data(), end, value);
    if (ec == std::errc{} && ptr == end && std::to_string(value) == id.text) {
      w.integer(value);
      return;
    }
  }
  w.string(id.text);
}

void write_string_array(json::Writer& w, const std::vector<std::string>& values) {
  w.begin_array();
  for (const auto& value : values) w.string(value);
  w.end_array();
}

void write_data(json::Writer& w, std::string_view data_json) {
  if (json::is_faithful_object(data_json)) {
    w.raw(data_json);
  } else {
    w.raw("{}");
  }
}

bool is_chat_length_ok(std::string_view text) {
  const glong chars = g_utf8_strlen(text.data(), static_cast<gssize>(text.size()));
  return chars >= static_cast<glong>(kMinChatChars) && chars <= static_cast<glong>(kMaxChatChars);
}

std::size_t reserve_for(const ClientBody& body) {
  if (const auto* signal = std::get_if<SignalTo>(&body))
    return signal->data_json.size() + signal->to.size() + 96;
  return 256;
}

std::size_t reserve_for(const ServerBody& body) {
  if (const auto* signal = std::get_if<SignalFrom>(&body))
    return signal->data_json.size() + signal->from.size() + 96;
  return 256;
}

}  // namespace shotcall::protocol::wire
