// The match key a client derives from the local game data alone (no Riot API key), exactly as
// docs/protocol "Derived game id without a Riot API key" defines it. Pure: GLib only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shotcall::game {

// One player as the derivation sees them. Both teams take part, so every client in the game
// (whichever side it is on) derives the same id.
struct GameIdPlayer {
  std::string team;               // "ORDER" or "CHAOS", exactly as the game reports it
  std::string riot_id;            // display form; summonerName where the build has no riotId
  std::string raw_champion_name;  // "game_character_displayname_Annie": stable across languages
  bool is_bot = false;            // bots are left out
};

// The text that is hashed: for each non-bot player the line
// `<team>|<riotId case-folded>|<rawChampionName>`, the lines sorted bytewise and joined with
// '\n', then '\n', the game mode, '|', and the map number in decimal.
// Riot IDs must be valid UTF-8 (the parser checks); case folding is
// shotcall::protocol::fold_riot_id, the same key the server pairs rosters by. Old builds'
// summonerNames are folded the same way, so two clients of an old build still agree.
std::string game_id_text(const std::vector<GameIdPlayer>& players, std::string_view game_mode,
                         std::int64_t map_number);

// "lcd-" followed by the first 16 lowercase hex digits of the SHA-256 of game_id_text().
std::string derive_game_id(const std::vector<GameIdPlayer>& players, std::string_view game_mode,
                           std::int64_t map_number);

// Prefix of every derived id, so logs tell it from Riot's numeric game id.
inline constexpr std::string_view kDerivedGameIdPrefix = "lcd-";

}  // namespace shotcall::game
