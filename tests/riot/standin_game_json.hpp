// The JSON bodies the Riot stand-in serves, written from riot-data.md independently of the
// parser under test (signaling/riot/riot_json), so a misreading in one does not hide in both.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shotcall::riot::test {

struct StandinParticipant {
  std::string puuid;    // empty for bots: served as null
  std::string riot_id;  // "Name#TAG"; empty: the field is left out
  int team_id = 100;
  int champion_id = 1;
  bool bot = false;
};

struct StandinGame {
  std::int64_t game_id = 6912345678;
  std::string platform_id = "EUW1";
  std::string game_mode = "CLASSIC";
  std::string game_type = "MATCHED";
  int map_id = 11;
  int queue_id = 420;
  std::int64_t game_start_time_ms = 0;  // epoch ms; 0: "now" when added
  std::vector<StandinParticipant> participants;
};

// A spectator-v5 CurrentGameInfo with every documented field (gameLength from `now_epoch_ms`).
std::string active_game_json(const StandinGame& game, std::int64_t now_epoch_ms);
// {"puuid", "gameName", "tagLine"}.
std::string account_json(const std::string& puuid, const std::string& game_name,
                         const std::string& tag_line);
// {"status": {"message": ..., "status_code": ...}}.
std::string riot_error_json(int status, const std::string& message);

// From a served game body (a file, for the demo): gameId and the participants' puuid/riotId.
struct IndexedGame {
  std::int64_t game_id = 0;
  std::vector<std::pair<std::string, std::string>> humans;  // {puuid, riotId}
};
std::optional<IndexedGame> index_game_json(const std::string& json, std::string* error);

}  // namespace shotcall::riot::test
