// Reads the bodies Riot's web API answers with: account-v1 accounts, spectator-v5 active games
// and Riot's error object. Pure: GLib and json-glib only. Bodies come from the network, so every
// mistake in them is a parse error with a message, never a crash; unknown fields are ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shotcall::riot {

// account-v1 AccountDto.
struct Account {
  std::string puuid;
  std::string game_name;
  std::string tag_line;

  std::string riot_id() const { return game_name + "#" + tag_line; }
};

// One spectator-v5 participant. Bots may come without puuid or riotId: those are then empty.
struct Participant {
  std::string puuid;
  std::string riot_id;  // "Name#TAG" as Riot spells it; empty when absent
  int team_id = 0;      // 100 or 200 (any positive number is accepted, for modes with more teams)
  std::int64_t champion_id = 0;
  bool bot = false;
};

// The spectator-v5 CurrentGameInfo fields Shotcall uses.
struct ActiveGame {
  std::int64_t game_id = 0;
  std::string platform_id;           // "EUW1": Riot's own spelling, kept for the channel game id
  std::string game_mode;             // "CLASSIC", "ARAM", ...; empty when absent
  std::int64_t map_id = 0;           // 11 Summoner's Rift, 12 Howling Abyss; 0 when absent
  std::int64_t game_start_time = 0;  // epoch ms; 0 while the game is loading or when absent
  std::vector<Participant> participants;
};

// summoner-v4 SummonerDTO, the fields identity verification reads.
struct Summoner {
  std::string puuid;
  int profile_icon_id = 0;
  std::int64_t revision_date_ms = 0;  // epoch ms of the summoner's last change (icon included)
};

// Riot's error body: {"status": {"message": "...", "status_code": 404}}.
struct RiotError {
  int status_code = 0;
  std::string message;
};

template <typename T>
struct RiotParse {
  std::optional<T> value;
  std::string error;  // why there is no value; empty on success

  bool ok() const { return value.has_value(); }
};

// Required: puuid, gameName and tagLine as non-empty strings.
RiotParse<Account> parse_account(std::string_view body);

// Required: gameId (integer), platformId (non-empty string) and participants (array); in each
// participant teamId (positive integer). Optional with defaults: gameMode, mapId, gameStartTime,
// riotId, puuid, championId, bot (false). A participant that is not an object is an error.
RiotParse<ActiveGame> parse_active_game(std::string_view body);

// Required: profileIconId and revisionDate (integers, not negative). puuid may be missing.
RiotParse<Summoner> parse_summoner(std::string_view body);

// Required: status.status_code (integer); status.message may be missing (then empty).
RiotParse<RiotError> parse_riot_error(std::string_view body);

// The game id Shotcall puts in channels for a game seen through spectator-v5:
// `<platformId>_<gameId>`, e.g. "EUW1_6912345678". Riot's numeric game ids are only unique per
// platform, and this is exactly how Riot itself names the finished game in match-v5 ("matchId"),
// so logs and later match lookups line up. It never collides with the key-less derived ids,
// which start with "lcd-". An empty platformId gives just the number.
std::string channel_game_id(const ActiveGame& game);

// A watched player's side of a game.
struct TeamRoster {
  int team_id = 0;
  // Riot IDs of the non-bot participants with the player's teamId, the player included, in the
  // order Riot lists them. Participants without a riotId are left out: a roster is matched by
  // Riot ID, and an empty one could never be matched.
  std::vector<std::string> riot_ids;
};

// The roster of the team of the participant with this puuid; nullopt when no participant has it
// (or the puuid is empty).
std::optional<TeamRoster> team_roster_for_puuid(const ActiveGame& game, std::string_view puuid);

// The same, for the participant whose Riot ID equals `riot_id` case-insensitively (Unicode case
// folding, as the protocol compares Riot IDs).
std::optional<TeamRoster> team_roster_for_riot_id(const ActiveGame& game, std::string_view riot_id);

// "Name#TAG" into {"Name", "TAG"}: split at the last '#' (Riot forbids '#' in both parts, and a
// tag never holds one). nullopt when either side would be empty.
std::optional<std::pair<std::string, std::string>> split_riot_id(std::string_view riot_id);

}  // namespace shotcall::riot
