// Pieces both directions of the codec share: how IdValue, string arrays and relayed `data`
// are written, and the chat length rule.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "signaling/protocol/json_writer.hpp"
#include "signaling/protocol/messages.hpp"

namespace shotcall::protocol::wire {

// A JSON integer when `id.number` and the text is an int64 in canonical decimal; otherwise a
// string, so the text is never altered.
void write_id_value(json::Writer& w, std::string_view name, const IdValue& id);

void write_string_array(json::Writer& w, const std::vector<std::string>& values);

// Splices `data_json` when it is a faithful JSON object (json_scan.hpp); `{}` otherwise, so a
// bad value can never make the frame invalid. One linear check, no reparse: the relay path.
void write_data(json::Writer& w, std::string_view data_json);

// kMinChatChars..kMaxChatChars Unicode code points. `text` must be valid UTF-8.
bool is_chat_length_ok(std::string_view text);

// A buffer size that fits the encoded frame without regrowth in the common cases.
std::size_t reserve_for(const ClientBody& body);
std::size_t reserve_for(const ServerBody& body);

}  // namespace shotcall::protocol::wire
