// A fake environment and argv parsing for the shotcall-signal configuration tests: the secrets
// (TURN secret, Riot key) come only from variables, so each test hands parse_config its own map.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signaling/server/ops/server_config.hpp"

namespace shotcall::server::testing {

// The variables a test's process would see; anything missing is unset.
struct Env {
  std::map<std::string, std::string, std::less<>> vars;
  EnvLookup lookup() const {
    return [this](std::string_view name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
};

inline ConfigOutcome parse(std::vector<std::string> args, const Env& env = {}) {
  return parse_config(args, env.lookup());
}

}  // namespace shotcall::server::testing
