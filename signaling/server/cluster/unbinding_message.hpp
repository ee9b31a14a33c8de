// An identity unbinding (core::Unbinding) as it travels between instances on
// store::unbinding_channel(): published by the instance whose core made it (or by the operator's
// `identity unbind --redis`), applied by every other instance to its own connections.
#pragma once

#include <optional>
#include <string>

#include "signaling/core/pairing.hpp"

namespace shotcall::server {

// Who published an unbinding that no instance made: never a valid instance id (it has a space).
inline constexpr const char* kOperatorPublisher = "operator command";

// {"i": publisher, "r": Riot ID, "k": only key (absent: none), "x": [removed keys], "w": notice}.
std::string encode_unbinding(const std::string& publisher, const core::Unbinding& unbinding);
// nullopt for a malformed one, one naming nobody, or one `ours` (this instance) published.
std::optional<core::Unbinding> decode_unbinding(const std::string& payload,
                                                const std::string& ours);

}  // namespace shotcall::server
