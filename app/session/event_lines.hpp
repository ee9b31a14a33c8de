// The machine-readable event lines both binaries print (the window with --events, shotcall-peer on
// stdout), for scripts and the end-to-end tests: one line per notable change of a teammate's
// link. Pure: the shell copies what it knows of each link into a snapshot; the tracker remembers
// what it already said, so each line comes once per change.
//
//   peer <riotId> <phase> [reason]      each time the link's phase changes
//   route <riotId> <route> [<local> <remote>]  the path audio takes, once known and each change
//   first-audio <riotId> <ms>           once per session
//   identity <riotId> <level>           a teammate in the channel, each time their level changes
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shotcall::session {

// What one teammate's link looks like now, in the words the lines use.
struct LinkSnapshot {
  std::string riot_id;
  std::string phase;         // mesh::phase_name: new, connecting, connected, failed, closed
  std::string reason;        // why it failed or closed; may be empty
  std::string route;         // media::route_name: unknown, direct, relayed
  bool route_known = false;  // false while no candidate pair is selected
  std::string local_candidate;
  std::string remote_candidate;
  std::optional<std::int64_t> first_audio_ms;
};

// A teammate of the roster as the session core knows them.
struct TeammateSnapshot {
  std::string riot_id;
  bool in_channel = false;
  std::string identity;  // protocol::to_wire(IdentityLevel)
};

// Which kinds of lines a binary prints (each keeps the lines it printed before).
struct EventLineOptions {
  bool routes = true;
  bool identities = true;
};

class EventLines {
 public:
  explicit EventLines(EventLineOptions options = {}) : options_(options) {}

  // The lines this link's change calls for (none when nothing worth a line changed).
  std::vector<std::string> on_link(const std::string& key, const LinkSnapshot& link);
  std::vector<std::string> on_teammate(const std::string& key, const TeammateSnapshot& mate);
  // A new session: everything is said afresh.
  void reset();

 private:
  struct Said {
    std::string phase;
    std::string route;  // as last printed; empty before the first known route
    bool first_audio = false;
    std::optional<std::string> identity;
  };
  EventLineOptions options_;
  std::map<std::string, Said> said_;
};

// The one-line events that need no memory.
std::string detector_line(const std::string& state, const std::string& detail);
std::string phase_line(const std::string& phase, const std::string& detail);
std::string game_line(const std::string& game_id, const std::string& team_id);
std::string device_line(const char* device, bool available, const std::string& sentence);

}  // namespace shotcall::session
