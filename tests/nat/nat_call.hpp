// Two shotcall-peer processes in the two homes of a NatTopology, the real shotcall-signal and
// coturn on its public segment: what the NAT voice tests share.
//
//   NatCall call(NatKind::port_restricted_cone, NatKind::symmetric, Relay::offered);
//   call.start_peers();
//   ASSERT_TRUE(call.wait_for_audio(60s)) << call.transcripts();
//   call.stop_peers();
//   const TeammateRoute r = call.route_seen_by(0);   // from peer 0's report
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/peer/mesh_processes.hpp"
#include "tests/peer/peer_process.hpp"
#include "tests/support/coturn_process.hpp"
#include "tests/support/nat_topology.hpp"
#include "tests/support/server_process.hpp"

namespace shotcall::test {

// Whether the server hands the peers coturn as a TURN relay (with per-connection credentials
// from the shared secret), or only as a STUN server.
enum class Relay { offered, not_offered };

// What a peer's report (--report) says about its link to its teammate.
struct TeammateRoute {
  bool found = false;           // the report exists and names the teammate
  std::string why;              // when not found
  std::string state;            // "connected", "failed", ...
  std::string route;            // "direct", "relayed" or "unknown"
  std::string local_candidate;  // host, srflx, prflx or relay
  std::string remote_candidate;
  std::string failure;  // in words, when the teammate could not be reached
};
TeammateRoute read_teammate_route(const std::string& report_path, const std::string& riot_id);

// The last route a peer printed for `riot_id` while the link was up ("route <riot id> direct
// srflx srflx"): state, failure and why stay empty; found is false when it printed none.
TeammateRoute last_printed_route(const PeerProcess& peer, const std::string& riot_id);

class NatCall {
 public:
  static constexpr int kTurnPort = 3478;

  // Builds the topology (home 1 behind `home1`, home 2 behind `home2`), then starts coturn (REST
  // secret, verbose log) and shotcall-signal on 203.0.113.1. Throws when any of it fails.
  NatCall(NatKind home1, NatKind home2, Relay relay);
  ~NatCall();

  NatTopology& net() { return net_; }
  const CoturnProcess& turn() const { return *turn_; }
  const ServerProcess& server() const { return *server_; }
  const ToneTeam& team() const { return team_; }
  PeerProcess& peer(std::size_t i) { return *peers_.at(i); }

  // Starts peer i (i = 0, 1) in home i + 1, its host candidates limited to the home's address.
  void start_peers();
  // Waits until each peer has had first audio from the other, and then `seconds` of it recorded
  // (over every recording of that link).
  bool wait_for_audio(std::chrono::milliseconds timeout, double seconds = 2);
  // SIGTERM to both; true when both exited 0 (and so wrote their reports).
  bool stop_peers();

  // Peer i's report about its teammate (after stop_peers).
  TeammateRoute route_seen_by(std::size_t i) const;
  // The last known route peer i printed for its teammate.
  TeammateRoute route_printed_by(std::size_t i) const;
  // Both peers' output, the server's and coturn's logs: for failure messages.
  std::string transcripts() const;

 private:
  NatTopology net_;
  std::unique_ptr<CoturnProcess> turn_;
  std::unique_ptr<ServerProcess> server_;
  ToneTeam team_;
  std::vector<std::unique_ptr<PeerProcess>> peers_;
  std::string exits_;  // how peers that did not stop cleanly ended
};

}  // namespace shotcall::test
