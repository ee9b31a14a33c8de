// How the pairing core's files build what they send: a direct reply (carrying the request's
// id), an event (no id), an error reply. One place, so every file's replies look alike.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "signaling/protocol/messages.hpp"

namespace shotcall::core::replies {

inline protocol::ServerMessage reply(const std::optional<std::string>& id,
                                     protocol::ServerBody body) {
  return protocol::ServerMessage{id, std::move(body)};
}

inline protocol::ServerMessage event(protocol::ServerBody body) {
  return protocol::ServerMessage{std::nullopt, std::move(body)};
}

inline protocol::ServerMessage error(const std::optional<std::string>& id,
                                     protocol::ErrorCode code, std::string message,
                                     std::string_view re) {
  return reply(id, protocol::Error{code, std::move(message), std::string{re}});
}

}  // namespace shotcall::core::replies
