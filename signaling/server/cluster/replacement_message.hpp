// Connections to replace (core::Replacement) as they travel between instances on
// store::replacement_channel(): published by the instance whose core made it (or by the operator's
// `identity unbind --redis`), applied by every other instance to its own connections.
#pragma once

#include <optional>
#include <string>

#include "signaling/core/pairing.hpp"

namespace shotcall::server {

// Who published a replacement that no instance made: never a valid instance id (it has a space).
inline constexpr const char* kOperatorPublisher = "operator command";

// {"i": publisher, "r": Riot ID, "k": kept key (absent: none), "x": [keys whose connections go],
// "w": notice}.
std::string encode_replacement(const std::string& publisher, const core::Replacement& replacement);
// nullopt for a malformed one, one naming nobody, or one `ours` (this instance) published.
std::optional<core::Replacement> decode_replacement(const std::string& payload,
                                                    const std::string& ours);

}  // namespace shotcall::server
