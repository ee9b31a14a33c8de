// The Live Client Data parser (app/game/lcd_parser.hpp) on arbitrary bodies: the body comes from
// a socket. Checks: a result is a snapshot or an error with a reason, never both; a snapshot
// marks the player exactly once among its teammates, each with a Riot ID, has a side with its
// Riot numbering, a game id, and a roster and identity key that can be derived.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "app/game/lcd_parser.hpp"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "lcd_parser invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto result = shotcall::game::parse_all_game_data(body);
  check(result.ok() == result.error.empty(), "a snapshot with an error, or neither");
  (void)shotcall::game::champion_id_from_raw(body);
  if (!result.ok()) return 0;
  const auto& snap = *result.snapshot;
  check(snap.team_id == 100 || snap.team_id == 200, "a side other than 100 or 200");
  std::size_t players = 0;
  for (const auto& t : snap.teammates) {
    if (t.is_player) ++players;
    check(!t.riot_id.empty(), "a teammate without a Riot ID");
  }
  check(players == 1, "the player is not exactly once among the teammates");
  check(snap.roster().size() == snap.teammates.size(), "the roster differs from the teammates");
  (void)snap.identity_key();
  check(!snap.game_id.empty(), "a snapshot without a game id");
  return 0;
}
