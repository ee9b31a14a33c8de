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
  else if constexpr (std::is_same_v<T, Hello>) return "hello";
  else if constexpr (std::is_same_v<T, VerifyRiot>) return "verify-riot";
  else if constexpr (std::is_same_v<T, VerifyRiotCheck>) return "verify-riot-check";
  else if constexpr (std::is_same_v<T, LinkRequest>) return "link-request";
  else if constexpr (std::is_same_v<T, LinkApprove>) return "link-approve";
  else if constexpr (std::is_same_v<T, ListDevices>) return "list-devices";
  else if constexpr (std::is_same_v<T, UnlinkDevice>) return "unlink-device";
  else if constexpr (std::is_same_v<T, HelloReply>) return "hello";
  else if constexpr (std::is_same_v<T, VerifyRiotChallenge>) return "verify-riot-challenge";
  else if constexpr (std::is_same_v<T, Verified>) return "verified";
  else if constexpr (std::is_same_v<T, LinkCodeIssued>) return "link-code";
  else if constexpr (std::is_same_v<T, LinkApproved>) return "link-approved";
  else if constexpr (std::is_same_v<T, DeviceList>) return "devices";
  else if constexpr (std::is_same_v<T, DeviceUnlinked>) return "device-unlinked";
  else if constexpr (std::is_same_v<T, UserIdentity>) return "user-identity";
  else if constexpr (std::is_same_v<T, RefreshIceServers>) return "refresh-ice-servers";
  else if constexpr (std::is_same_v<T, IceServersReply>) return "ice-servers";
}
}  // namespace

std::string_view type_name(const ClientBody& body) {
  return std::visit([](const auto& m) { return name_of<std::decay_t<decltype(m)>>(); }, body);
}

std::string_view type_name(const ServerBody& body) {
  return std::visit([](const auto& m) { return name_of<std::decay_t<decltype(m)>>(); }, body);
}

std::string_view to_wire(IdentityLevel level) {
  switch (level) {
    case IdentityLevel::None: return "none";
    case IdentityLevel::Key: return "key";
    case IdentityLevel::Riot: return "riot";
  }
  return "none";
}

std::optional<IdentityLevel> identity_level_from_wire(std::string_view name) {
  if (name == "none") return IdentityLevel::None;
  if (name == "key") return IdentityLevel::Key;
  if (name == "riot") return IdentityLevel::Riot;
  return std::nullopt;
}

std::string_view to_wire(ChannelOrigin origin) {
  return origin == ChannelOrigin::Riot ? "riot" : "client";
}

}  // namespace shotcall::protocol
