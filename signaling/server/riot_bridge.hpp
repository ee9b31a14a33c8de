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

namespace shotcall::server {

class RiotBridge {
 public:
  using Deliver = std::function<void(const core::Outbox&)>;

  // nullptr with *error (which never holds the key) when the watcher cannot start.
  static std::unique_ptr<RiotBridge> create(const RiotSettings& settings, core::Pairing& pairing,
                                            Logger& log, Deliver deliver, std::string* error);
  ~RiotBridge();  // no callback runs afterwards
  RiotBridge(const RiotBridge&) = delete;
  RiotBridge& operator=(const RiotBridge&) = delete;

  void apply(const std::vector<core::WatchRequest>& requests);
  // With a shared store the core's server-game calls are store transactions: they go through
  // these instead of straight to the core.
  using OpenChannel = std::function<void(protocol::IdValue, protocol::IdValue, std::vector<std::string>)>;
  using CloseGame = std::function<void(std::string)>;
  void route_through(OpenChannel open, CloseGame close) {
    open_ = std::move(open);
    close_ = std::move(close);
  }
  std::string render_metrics() const;

 private:
  RiotBridge(core::Pairing& pairing, Logger& log, Deliver deliver);
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
  OpenChannel open_;
  CloseGame close_;
  std::unique_ptr<riot::Watcher> watcher_;
  struct KnownPuuid {
    std::string puuid;
    std::int64_t expires_us = 0;
  };
  std::map<std::string, KnownPuuid> puuids_;  // by folded Riot ID
  guint log_handler_id_ = 0;
};

}  // namespace shotcall::server
