// The protocol's error codes (shared/protocol-v1.md, "Error codes") and their wire names.
#pragma once

#include <optional>
#include <string_view>

namespace shotcall::protocol {

enum class ErrorCode {
  BadJson,
  BadMessage,
  UnknownType,
  NotRegistered,
  AlreadyRegistered,
  RiotIdInUse,
  NotOnRoster,
  NoSuchChannel,
  ChannelFull,
  NotInChannel,
  NoSuchPeer,
  RateLimited,
  Unauthorized,
  // Extensions (docs/protocol.md): server-side game detection.
  WatchUnavailable,  // watch-game to a server without a Riot API key
  NotWatching,       // unwatch-game without watch-game
  // identity-1 (shared/protocol-identity.md, "Error codes").
  RiotIdBound,
  BadProof,
  ProofRequired,
  Unavailable,
  VerifyUnavailable,
  VerifyBusy,
  VerifyFailed,
  BadLinkCode,
  NoSuchKey,
};

std::string_view to_wire(ErrorCode code);
std::optional<ErrorCode> error_code_from_wire(std::string_view name);

}  // namespace shotcall::protocol
