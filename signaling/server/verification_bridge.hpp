// identity-1's Riot verification in the server shell: runs the pairing core's Riot lookups
// (account-v1 by Riot ID, summoner-v4 by puuid, and the 24-hour re-check of riot bindings) through
// its own RiotClient with the server's key, within verification's share of the key's limits
// (RiotRateLimiter, one per routing value, as the watcher has its own for the rest), and hands
// every answer to the pairing runner, which runs it through the core like a client's message (with
// several instances, as a store transaction whose replacements reach the other instances) and
// delivers what it says. A lookup that finds the share spent is
// answered Busy at once, never queued: the player is told when to check again. Runs on the server's
// main loop; nothing blocks. The key goes into the client and nowhere else.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "signaling/core/pairing.hpp"
#include "signaling/riot/riot_client.hpp"
#include "signaling/riot/riot_rate_limiter.hpp"
#include "signaling/server/ops/server_config.hpp"
#include "signaling/server/pairing_runner.hpp"

namespace shotcall::server {

class VerificationBridge {
 public:
  // nullptr with *error (which never holds the key) for unusable settings. `runner` outlives
  // the bridge.
  static std::unique_ptr<VerificationBridge> create(const RiotSettings& settings,
                                                    PairingRunner& runner, std::string* error);
  ~VerificationBridge();  // cancels lookups in flight; no callback runs afterwards
  VerificationBridge(const VerificationBridge&) = delete;
  VerificationBridge& operator=(const VerificationBridge&) = delete;

  // Starts each lookup (an Outbox's lookups, also those of the answers fed back).
  void run(std::vector<core::RiotLookup> lookups);

 private:
  VerificationBridge(PairingRunner& runner, riot::RateLimiterOptions limits);
  void start(const core::RiotLookup& lookup);
  // Riot answered one lookup that held a permit of `limiter`.
  void answered(const core::RiotLookup& lookup, riot::RiotRateLimiter& limiter,
                const riot::RiotResponse& r);
  void feed(const core::RiotLookup& lookup, core::RiotLookupStatus status, const std::string& puuid,
            const core::SummonerState& summoner, std::int64_t retry_after_ms);
  static std::int64_t now_ms();

  PairingRunner& runner_;
  std::unique_ptr<riot::RiotClient> client_;
  riot::RiotRateLimiter account_;   // the regional host (account-v1)
  riot::RiotRateLimiter platform_;  // the platform host (summoner-v4)
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace shotcall::server
