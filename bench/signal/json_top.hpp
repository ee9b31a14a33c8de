// Reads the top-level members of one JSON object without building a tree: the load generator
// handles tens of thousands of frames a second on a core it shares with the server under test,
// so it only looks at the few fields it needs. Pure.
#pragma once

#include <string_view>

namespace shotcall::bench {

// The fields of a server frame the workload reads. String values are the raw text between the
// quotes (the server's peer and channel ids hold no escapes); `data` and `members` are raw JSON.
struct TopFields {
  std::string_view type;
  std::string_view peer_id;     // connected.peerId
  std::string_view channel_id;  // channel-*, joined-channel, left-channel, user-*
  std::string_view from;        // signal.from
  std::string_view code;        // error.code
  std::string_view data;        // signal.data (an object)
  std::string_view members;     // joined-channel.members (an array)
};

// False when `text` is not one well-formed object at the top (nested values are skipped by
// bracket matching, strings by their escapes).
bool read_top_fields(std::string_view text, TopFields& out);

// Number of top-level elements of a JSON array's raw text ("[]" → 0).
int count_array_elements(std::string_view array);

}  // namespace shotcall::bench
