#include "signaling/server/local_runner.hpp"

#include <utility>
#include <variant>

namespace shotcall::server {
namespace {

// Channels made by find-or-create but never joined go after this long (pairing.hpp: sweep()).
constexpr std::int64_t kUnjoinedChannelTtlMs = 10 * 60 * 1000;

}  // namespace

LocalRunner::LocalRunner(core::Pairing& pairing, RunnerSink sink)
    : pairing_(pairing), sink_(std::move(sink)) {}

void LocalRunner::connect(core::ConnId conn, std::string address) {
  pairing_.connect(conn, std::move(address));
}

void LocalRunner::handle(core::ConnId conn, protocol::ClientMessage message,
                         std::int64_t received_us) {
  // Only relays are timed: the latency histogram is about signals between peers.
  const bool relay = std::holds_alternative<protocol::SignalTo>(message.body);
  sink_.deliver(pairing_.handle(conn, message), relay ? received_us : 0);
}

void LocalRunner::disconnect(core::ConnId conn) {
  sink_.deliver(pairing_.disconnect(conn), 0);  // with the unwatch of its Riot ID
}

// The watcher's reports produce no watch requests: they are the watcher's own.
void LocalRunner::open_server_channel(protocol::IdValue game_id, protocol::IdValue team_id,
                                      std::vector<std::string> roster) {
  sink_.deliver(pairing_.open_server_channel(game_id, team_id, roster), 0);
}

void LocalRunner::close_server_game(std::string game_id) {
  sink_.deliver(pairing_.close_server_game(game_id), 0);
}

void LocalRunner::riot_answered(core::RiotAnswer answer) {
  sink_.deliver(pairing_.riot_answered(answer), 0);
}

void LocalRunner::sweep() { pairing_.sweep(kUnjoinedChannelTtlMs); }

}  // namespace shotcall::server
