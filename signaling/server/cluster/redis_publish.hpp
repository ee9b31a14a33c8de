// One PUBLISH from an operator command (`notice`, `identity unbind --redis`), blocking, with a
// five-second timeout: the commands run once and exit.
#pragma once

#include <optional>
#include <string>

namespace shotcall::server {

// How many subscribers (instances) heard `payload` on `channel` of the Redis at `url`
// (redis://HOST:PORT); nullopt with `error` (for the operator) when Redis was not reached or
// refused it.
std::optional<long long> publish_once(const std::string& url, const std::string& channel,
                                      const std::string& payload, std::string& error);

}  // namespace shotcall::server
