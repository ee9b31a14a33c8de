#include "signaling/protocol/messages.hpp"

#include <type_traits>

namespace shotcall::protocol {
namespace {
template <typename T>
constexpr std::string_view name_of() {
  if constexpr (std::is_same_v<T, RegisterUser>) return "register-user";
  else if constexpr (std::is_same_v<T, FindOrCreateChannel>) return "find-or-create-channel";
  else if constexpr (std::is_same_v<T, JoinChannel>) return "join-channel";
  else if constexpr (std::is_same_v<T, LeaveChannel>) return "leave-channel";
  else if constexpr (std::is_same_v<T, SignalTo>) return "signal";
  else if constexpr (std::is_same_v<T, ChatSend>) return "chat";
  else if constexpr (std::is_same_v<T, WatchGame>) return "watch-game";
  else if constexpr (std::is_same_v<T, UnwatchGame>) return "unwatch-game";
  else if constexpr (std::is_same_v<T, Connected>) return "connected";
  else if constexpr (std::is_same_v<T, ChannelCreated>) return "channel-created";
  else if constexpr (std::is_same_v<T, ChannelAvailable>) return "channel-available";
  else if constexpr (std::is_same_v<T, JoinedChannel>) return "joined-channel";
  else if constexpr (std::is_same_v<T, UserJoinedChannel>) return "user-joined-channel";
  else if constexpr (std::is_same_v<T, UserLeftChannel>) return "user-left-channel";
  else if constexpr (std::is_same_v<T, LeftChannel>) return "left-channel";
  else if constexpr (std::is_same_v<T, SignalFrom>) return "signal";
  else if constexpr (std::is_same_v<T, ChatMessage>) return "chat";
  else if constexpr (std::is_same_v<T, Notice>) return "notice";
  else if constexpr (std::is_same_v<T, Error>) return "error";
  else if constexpr (std::is_same_v<T, Watching>) return "watching";
  else if constexpr (std::is_same_v<T, Unwatched>) return "unwatched";
  else if constexpr (std::is_same_v<T, GameEnded>) return "game-ended";
}
}  // namespace

std::string_view type_name(const ClientBody& body) {
  return std::visit([](const auto& m) { return name_of<std::decay_t<decltype(m)>>(); }, body);
}

std::string_view type_name(const ServerBody& body) {
  return std::visit([](const auto& m) { return name_of<std::decay_t<decltype(m)>>(); }, body);
}

}  // namespace shotcall::protocol
