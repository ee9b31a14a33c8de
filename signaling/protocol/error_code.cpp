#include "signaling/protocol/error_code.hpp"

#include <array>
#include <utility>

namespace shotcall::protocol {
namespace {

constexpr std::array<std::pair<ErrorCode, std::string_view>, 24> kNames{{
    {ErrorCode::BadJson, "bad-json"},
    {ErrorCode::BadMessage, "bad-message"},
    {ErrorCode::UnknownType, "unknown-type"},
    {ErrorCode::NotRegistered, "not-registered"},
    {ErrorCode::AlreadyRegistered, "already-registered"},
    {ErrorCode::RiotIdInUse, "riot-id-in-use"},
    {ErrorCode::NotOnRoster, "not-on-roster"},
    {ErrorCode::NoSuchChannel, "no-such-channel"},
    {ErrorCode::ChannelFull, "channel-full"},
    {ErrorCode::NotInChannel, "not-in-channel"},
    {ErrorCode::NoSuchPeer, "no-such-peer"},
    {ErrorCode::RateLimited, "rate-limited"},
    {ErrorCode::Unauthorized, "unauthorized"},
    {ErrorCode::WatchUnavailable, "watch-unavailable"},
    {ErrorCode::NotWatching, "not-watching"},
    {ErrorCode::RiotIdBound, "riot-id-bound"},
    {ErrorCode::BadProof, "bad-proof"},
    {ErrorCode::ProofRequired, "proof-required"},
    {ErrorCode::Unavailable, "unavailable"},
    {ErrorCode::VerifyUnavailable, "verify-unavailable"},
    {ErrorCode::VerifyBusy, "verify-busy"},
    {ErrorCode::VerifyFailed, "verify-failed"},
    {ErrorCode::BadLinkCode, "bad-link-code"},
    {ErrorCode::NoSuchKey, "no-such-key"},
}};

}  // namespace

std::string_view to_wire(ErrorCode code) {
  for (const auto& [c, name] : kNames)
    if (c == code) return name;
  return "bad-message";
}

std::optional<ErrorCode> error_code_from_wire(std::string_view name) {
  for (const auto& [c, n] : kNames)
    if (n == name) return c;
  return std::nullopt;
}

}  // namespace shotcall::protocol
