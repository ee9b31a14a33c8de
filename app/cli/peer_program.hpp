// shotcall-peer as an object: a session::CallRunner finds the game and runs the session; this
// reports progress on stdout as one event a line (for testers and our end-to-end tests), writes
// the report and exits.
//
// stdout lines: `registered <peerId>`, `phase <phase>`, `game <gameId> <teamId>`, `no-game`,
// `joined <channelId>`, `peer <riotId> <state>`, `route <riotId> <route> ...`,
// `first-audio <riotId> <ms>`, `left`; with --watch, `watching <riotId>` once the server watches
// our games (after each registration). The shared ones come from app/session/event_lines.hpp.
#pragma once

#include <memory>
#include <string>

#include "app/cli/peer_options.hpp"

namespace shotcall::cli {

class PeerProgram {
 public:
  explicit PeerProgram(PeerOptions options);
  ~PeerProgram();
  // Runs the main loop until the peer is done; returns the exit code.
  int run();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace shotcall::cli
