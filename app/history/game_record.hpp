// One played game as the history keeps it, and the recorder that builds it from what the session
// sees: the detected game when it starts, the teammates' links while it runs, the clock when it
// ends. Pure: no main loop, no database; the caller passes the time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/session/game_detector.hpp"
#include "app/session/session.hpp"

namespace shotcall::history {

// The path a teammate's audio took (media::PeerStats::LinkRoute), stored as its word.
enum class LinkRoute { Unknown, Direct, Relayed };
const char* to_string(LinkRoute route);              // "unknown", "direct", "relayed"
LinkRoute route_from_string(std::string_view word);  // Unknown for anything else

struct LinkQuality {
  LinkRoute route = LinkRoute::Unknown;
  double rtt_ms = -1;  // -1: never measured
  std::int64_t packets_lost = 0;
  std::uint64_t packets_received = 0;
  double jitter_ms = 0;
  friend bool operator==(const LinkQuality&, const LinkQuality&) = default;
};

struct TeammateRecord {
  std::string riot_id;    // display form
  std::string champion;   // may be empty
  bool in_voice = false;  // their link connected or their audio arrived at least once
  LinkQuality link;
  friend bool operator==(const TeammateRecord&, const TeammateRecord&) = default;
};

struct GameRecord {
  std::int64_t started_at_ms = 0;  // Unix time, milliseconds
  std::int64_t duration_s = 0;
  std::string game_id;
  std::string map;   // "Summoner's Rift", ... (empty when unknown)
  std::string mode;  // CLASSIC, ARAM, ... (empty when unknown)
  std::string side;  // "Blue", "Red", or the team's id as the game gave it
  std::string my_riot_id;
  std::string my_champion;
  std::vector<TeammateRecord> teammates;  // the player left out
  friend bool operator==(const GameRecord&, const GameRecord&) = default;
};

// "Blue" for team 100, "Red" for 200, the text itself otherwise.
std::string side_of(const std::string& team_id);

// The comparison key of a Riot ID (protocol::fold_riot_id), or the text itself when it is not a
// valid Riot ID, so odd names from a hand-typed game still match themselves.
std::string riot_key(const std::string& riot_id);

// Folds `more` (the same game recorded again: the call was restarted mid-game) into `kept`: the
// earliest start, a duration reaching the later end, the fields `kept` lacks, and the teammates of
// both (matched by riot_key), each in voice if either says so, with the best link quality by the
// rule of GameRecorder::observe (`more` counts as the later sample).
void merge_record(GameRecord& kept, const GameRecord& more);

class GameRecorder {
 public:
  // A game started (or the detector reported it again). The same game id again updates the roster
  // (champions arrive late) and keeps its start and what was observed; a different game ends the
  // one in progress first and returns it (nullopt when none was in progress), so the caller can
  // store it exactly as if finish() had been called.
  std::optional<GameRecord> begin(const session::DetectedGame& game, std::int64_t now_ms);

  // The session's links now (Session::links(), keyed by folded Riot ID). For each teammate keeps
  // whether they were ever in voice and the best known quality: the latest measured stats (the
  // counters are cumulative, so the latest covers most of the game) unless they cover fewer
  // packets than the ones kept (a rebuilt link starts counting again), and the last known route.
  // A sample with nothing measured (a link being built or closed) never erases what was known.
  // Ignored while no game is in progress.
  void observe(const std::map<std::string, session::LinkInfo>& links);

  // The game ended: its record, and the recorder is idle again. nullopt when no game was begun.
  std::optional<GameRecord> finish(std::int64_t now_ms);

  bool active() const { return record_.has_value(); }
  const std::string& game_id() const;  // empty while idle

 private:
  void apply_roster(const session::DetectedGame& game);
  TeammateRecord& teammate(const std::string& key, const std::string& riot_id);

  std::optional<GameRecord> record_;
  std::string my_key_;
  std::vector<std::string> keys_;  // riot_key of record_->teammates[i]
};

}  // namespace shotcall::history
