// The pairing core on its own: one instance, its store in memory. Every call runs at once on the
// calling thread, and the core's Outbox goes straight to the shell's sink.
#pragma once

#include "signaling/server/pairing_runner.hpp"

namespace shotcall::server {

class LocalRunner final : public PairingRunner {
 public:
  // `pairing` (over a MemoryStore) outlives the runner.
  LocalRunner(core::Pairing& pairing, RunnerSink sink);

  void start() override {}
  void leave() override {}  // nobody shares our state

  void connect(core::ConnId conn, std::string address) override;
  void handle(core::ConnId conn, protocol::ClientMessage message,
              std::int64_t received_us) override;
  void disconnect(core::ConnId conn) override;

  void open_server_channel(protocol::IdValue game_id, protocol::IdValue team_id,
                           std::vector<std::string> roster) override;
  void close_server_game(std::string game_id) override;
  // The core closed the replaced connections itself: with one instance there are no others.
  void riot_answered(core::RiotAnswer answer) override;

  void sweep() override;

  RunnerHealth health() const override { return {}; }
  std::size_t channel_count() const override { return pairing_.channel_count(); }
  void render_metrics(PrometheusText&) const override {}

 private:
  core::Pairing& pairing_;
  RunnerSink sink_;
};

}  // namespace shotcall::server
