// Shared pieces of the Riot client tests: a ten-player game, watcher options with small limits
// and intervals so tests run in seconds, an event recorder, and a blocking HTTP GET for poking
// the stand-in directly (fine in tests: the stand-in answers from its own thread).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "signaling/riot/watcher.hpp"
#include "tests/riot/riot_standin.hpp"

namespace shotcall::riot::test {

inline constexpr const char* kTestKey = "RGAPI-7f3e2a10-5c1d-4e8b-9a6f-d0c4b2e19f37";

// Blue (100): five humans, two with non-ASCII Riot IDs. Red (200): five humans.
extern const std::vector<std::string> kBlueTeam;
extern const std::vector<std::string> kRedTeam;
std::string test_puuid(const std::string& riot_id);  // 78 characters, like Riot's
StandinGame ten_player_game(std::int64_t game_id = 6912345678);

// Limits "20:1,100:10", margin 150 ms, backoff from 200 ms; polls every >= 200 ms, games
// re-checked every >= 600 ms, 2 confirmations, one request in flight per host.
WatcherOptions fast_options(const RiotStandin& standin, const std::string& key = kTestKey);

struct Recorder {
  std::vector<GameStarted> started;
  std::vector<GameEnded> ended;
  std::vector<AccountNotFound> not_found;
  std::vector<std::int64_t> started_ms;  // monotonic ms, the stand-in's clock
  std::vector<std::int64_t> ended_ms;

  void attach(Watcher& watcher);
  std::size_t players_started() const;
};

std::int64_t mono_ms();

// Requests of one endpoint, optionally only those that arrived in [from_ms, to_ms].
std::vector<StandinRequest> requests_of(const RiotStandin& standin, StandinEndpoint endpoint,
                                        std::int64_t from_ms = 0, std::int64_t to_ms = INT64_MAX);

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
};
HttpAnswer http_get(const std::string& url, const std::string& key = kTestKey);

}  // namespace shotcall::riot::test
