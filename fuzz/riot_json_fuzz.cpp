// The Riot web API parsers (signaling/riot/riot_json.hpp) on arbitrary bodies. The first byte
// picks the parser; an active game also goes through the roster lookups the watcher makes.
// Checks: a value or an error, never both; an account has every required part; a team roster
// holds only that team's Riot IDs and includes the player it was looked up for.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "signaling/riot/riot_json.hpp"

namespace {

namespace riot = shotcall::riot;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "riot_json invariant broken: %s\n", what);
    std::abort();
  }
}

template <typename T>
void consistent(const riot::RiotParse<T>& r) {
  check(r.ok() == r.error.empty(), "a value with an error, or neither");
}

void active_game(std::string_view body) {
  const auto parsed = riot::parse_active_game(body);
  consistent(parsed);
  if (!parsed.ok()) return;
  const auto& game = *parsed.value;
  (void)riot::channel_game_id(game);
  for (const auto& player : game.participants) {
    check(player.team_id > 0, "a participant without a positive team");
    if (const auto roster = riot::team_roster_for_puuid(game, player.puuid)) {
      check(!player.puuid.empty(), "a roster for an empty puuid");
      check(roster->team_id > 0, "a roster without a team");
    }
    if (!player.riot_id.empty() && !player.bot) {
      const auto roster = riot::team_roster_for_riot_id(game, player.riot_id);
      check(roster.has_value(), "no roster for a listed human's Riot ID");
      (void)riot::split_riot_id(player.riot_id);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      const auto account = riot::parse_account(body);
      consistent(account);
      if (account.ok()) {
        check(!account.value->puuid.empty() && !account.value->game_name.empty() &&
                  !account.value->tag_line.empty(),
              "an account missing a required part");
        (void)riot::split_riot_id(account.value->riot_id());
      }
      break;
    }
    case 1:
      active_game(body);
      break;
    case 2:
      consistent(riot::parse_riot_error(body));
      break;
    case 3: {
      if (const auto parts = riot::split_riot_id(body))
        check(!parts->first.empty() && !parts->second.empty(),
              "a Riot ID split with an empty side");
      break;
    }
  }
  return 0;
}
