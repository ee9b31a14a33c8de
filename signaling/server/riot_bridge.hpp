// Server-side game detection in the server shell: owns the Riot watcher, applies the pairing
// core's watch requests to it, and turns its reports into core calls (a game seen: open the
// teams' channels; a game over: close them), delivering what the core answers. Runs on the
// server's main loop; the watcher never blocks it. The API key goes into the watcher and
// nowhere else: not into logs, not into /metrics.
#pragma once

#include <glib.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "signaling/core/pairing.hpp"
#include "signaling/riot/watcher.hpp"
#include "signaling/server/ops/log.hpp"
#include "signaling/server/ops/server_config.hpp"
#include "signaling/server/pairing_runner.hpp"

namespace shotcall::server {

class PrometheusText;

class RiotBridge {
 public:
  using Deliver = std::function<void(const core::Outbox&)>;

  // nullptr with *error (which never holds the key) when the watcher cannot start.
  // Games seen and over go to `runner` (with a shared store they are store transactions);
  // `pairing` answers what needs no store (counts, a Riot ID Riot does not know).
  static std::unique_ptr<RiotBridge> create(const RiotSettings& settings, core::Pairing& pairing,
                                            PairingRunner& runner, Logger& log, Deliver deliver,
                                            std::string* error);
  ~RiotBridge();  // no callback runs afterwards
  RiotBridge(const RiotBridge&) = delete;
  RiotBridge& operator=(const RiotBridge&) = delete;

  void apply(const std::vector<core::WatchRequest>& requests);
  void render_metrics(PrometheusText& out) const;

 private:
  RiotBridge(core::Pairing& pairing, PairingRunner& runner, Logger& log, Deliver deliver);
  void on_started(const riot::GameStarted& e);
  void on_ended(const riot::GameEnded& e);
  void on_not_found(const riot::AccountNotFound& e);
  // puuids account-v1 gave us, kept a while so a player who reconnects is not looked up again.
  void remember_puuid(const std::string& riot_id);
  std::string known_puuid(const std::string& riot_id);
  static void log_handler(const gchar* domain, GLogLevelFlags level, const gchar* message,
                          gpointer self);

  core::Pairing& pairing_;
  Logger& log_;
  Deliver deliver_;
  PairingRunner& runner_;
  std::unique_ptr<riot::Watcher> watcher_;
  struct KnownPuuid {
    std::string puuid;
    std::int64_t expires_us = 0;
  };
  std::map<std::string, KnownPuuid> puuids_;  // by folded Riot ID
  guint log_handler_id_ = 0;
};

}  // namespace shotcall::server
