#include "app/game/game_id.hpp"

#include <glib.h>

#include <algorithm>

#include "common/glib_ptr.hpp"
#include "signaling/protocol/riot_id.hpp"

namespace shotcall::game {

std::string game_id_text(const std::vector<GameIdPlayer>& players, std::string_view game_mode,
                         std::int64_t map_number) {
  std::vector<std::string> lines;
  lines.reserve(players.size());
  for (const auto& p : players) {
    if (p.is_bot) continue;
    // Where the build has no riotId the caller passes summonerName here; it is case-folded just
    // like a Riot ID so the id does not depend on which client's copy we read.
    lines.push_back(p.team + "|" + protocol::fold_riot_id(p.riot_id) + "|" + p.raw_champion_name);
  }
  // std::string compares through char_traits<char>, which orders as unsigned char: bytewise.
  std::sort(lines.begin(), lines.end());

  std::string text;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) text += '\n';
    text += lines[i];
  }
  text += '\n';
  text += game_mode;
  text += '|';
  text += std::to_string(map_number);
  return text;
}

std::string derive_game_id(const std::vector<GameIdPlayer>& players, std::string_view game_mode,
                           std::int64_t map_number) {
  const std::string text = game_id_text(players, game_mode, map_number);
  GPtr<GChecksum> sha{g_checksum_new(G_CHECKSUM_SHA256)};
  g_checksum_update(sha.get(), reinterpret_cast<const guchar*>(text.data()),
                    static_cast<gssize>(text.size()));
  // g_checksum_get_string() is lowercase hex.
  const std::string hex = g_checksum_get_string(sha.get());
  return std::string{kDerivedGameIdPrefix} + hex.substr(0, 16);
}

}  // namespace shotcall::game
