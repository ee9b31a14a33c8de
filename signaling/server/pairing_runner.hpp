// The one seam between the WebSocket shell and the pairing core. The shell hands a runner what
// its clients and the Riot watcher say and gets back, through a RunnerSink, what to send; it never
// asks whether the core runs alone (LocalRunner) or on state several instances share through
// Redis (SharedPairing). make_pairing_runner is the one place that knows which.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "signaling/core/pairing.hpp"
#include "signaling/protocol/messages.hpp"

namespace shotcall::server {

class CallClock;
class Logger;
class PrometheusText;
struct ServerConfig;

// What a runner hands back to the shell; both are required. Each may be called from inside
// any runner call, or later from the main loop (a shared runner answers once Redis has).
struct RunnerSink {
  // The core's output for this instance (frames for its connections, watch requests for the Riot
  // watcher, lookups for Riot verification; replacements are the runner's to carry).
  // `relay_start_us` (monotonic) is when the frame that caused it arrived, for relayed signals'
  // latency; 0 when not timed.
  std::function<void(const core::Outbox& out, std::int64_t relay_start_us)> deliver;
  // One frame already encoded by another instance, for a local connection. False when not sent.
  std::function<bool(core::ConnId to, const std::string& text)> send_text;
};

// Whether the pairing side serves fully; when not, `why` says what still works (for /healthz).
struct RunnerHealth {
  bool degraded = false;
  std::string why;
};

class PairingRunner {
 public:
  virtual ~PairingRunner() = default;

  // The server listens: begin whatever runs in the background.
  virtual void start() = 0;
  // The server stops: tell whoever shares the state now rather than when our mark expires.
  virtual void leave() = 0;

  // A WebSocket opened from `address` (the client's IP, for the per-address limits).
  virtual void connect(core::ConnId conn, std::string address) = 0;
  // One decoded frame from `conn`, which arrived at `received_us` (monotonic).
  virtual void handle(core::ConnId conn, protocol::ClientMessage message,
                      std::int64_t received_us) = 0;
  // The connection closed (any way); its teammates hear it leave.
  virtual void disconnect(core::ConnId conn) = 0;

  // The Riot watcher saw watched players of `team_id` in `game_id`: open (or find) their channel.
  virtual void open_server_channel(protocol::IdValue game_id, protocol::IdValue team_id,
                                   std::vector<std::string> roster) = 0;
  // The watcher saw the game end: close its channels.
  virtual void close_server_game(std::string game_id) = 0;

  // Riot answered one of the core's lookups (Riot verification, the re-check of a binding).
  virtual void riot_answered(core::RiotAnswer answer) = 0;

  // Called now and then (every minute): drop what nobody came back for.
  virtual void sweep() = 0;

  virtual RunnerHealth health() const = 0;
  // Channels this instance's connections can be in (the /metrics gauge).
  virtual std::size_t channel_count() const = 0;
  // The runner's own /metrics families, written with the shell's writer (which refuses a family
  // declared twice); none when it has none.
  virtual void render_metrics(PrometheusText& out) const = 0;
};

// ---- the one place that knows the mode (pairing_runner_factory.cpp) ---------------------------

// The store the core reads and writes: in memory, or a snapshot of what Redis holds.
std::unique_ptr<core::ChannelStore> make_channel_store(const ServerConfig& config);
// With Redis: names this instance and prefixes its peer ids (empty alone).
std::string make_instance_name(const ServerConfig& config);

// What a runner works on, owned by the shell and outliving the runner.
struct RunnerParts {
  core::Pairing& pairing;
  core::ChannelStore& store;  // from make_channel_store(config)
  CallClock& clock;
  std::string instance;  // from make_instance_name(config)
  Logger& log;
};

// The runner for `config`; nullptr with `error` (for the operator) when the settings are unusable
// (e.g. a malformed --redis URL).
std::unique_ptr<PairingRunner> make_pairing_runner(const ServerConfig& config, RunnerParts parts,
                                                   RunnerSink sink, std::string& error);

}  // namespace shotcall::server
