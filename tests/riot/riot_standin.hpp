// A stand-in for Riot's web API, for tests and demos: plain HTTP on 127.0.0.1, serving
// account-v1 by-riot-id / by-puuid, spectator-v5 by-summoner and summoner-v4 by-puuid (identity
// verification) with Riot's shapes, status
// codes and rate-limit headers. It runs its own thread and GMainContext, so its clock and
// request log do not depend on how busy the client's main loop is; every method is thread-safe.
//
// Rate limits are counted per routing value, as Riot counts them: account calls on "regional",
// spectator calls on "platform" (one stand-in plays both hosts). Windows are sliding, which is
// stricter than Riot's fixed buckets: a client that never trips them never trips Riot's. A
// request past a limit is answered 429 (X-Rate-Limit-Type: application) and recorded as a
// violation.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/riot/standin_game_json.hpp"

namespace shotcall::riot::test {

enum class StandinEndpoint { AccountByRiotId, AccountByPuuid, Spectator, SummonerByPuuid, Other };

struct StandinRequest {
  std::int64_t time_ms = 0;  // arrival, g_get_monotonic_time() / 1000
  std::string method;
  std::string path;             // as received (still percent-encoded)
  StandinEndpoint endpoint = StandinEndpoint::Other;
  std::string routing;          // "regional", "platform", or "" for other paths
  std::vector<std::string> args;  // decoded: {gameName, tagLine} or {puuid}
  std::optional<std::string> token;  // the X-Riot-Token header as received
  int status = 0;               // the answer; 0 while stalled
};

class RiotStandin {
 public:
  // Listens on 127.0.0.1:`port` (0: a free one). nullptr with *error on failure.
  static std::unique_ptr<RiotStandin> start(std::uint16_t port, std::string* error);
  ~RiotStandin();  // answers stalled requests 503, closes the socket, joins the thread
  RiotStandin(const RiotStandin&) = delete;
  RiotStandin& operator=(const RiotStandin&) = delete;

  std::uint16_t port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT"

  // Non-empty: answer 401 without X-Riot-Token and 403 with another value.
  void set_api_key(std::string key);
  // X-App-Rate-Limit, served and enforced per routing value ("20:1,100:120"). Empty: neither.
  void set_rate_limits(std::string spec);
  // Counts `n` requests on a routing value now, as if another client used the same key.
  void add_foreign_requests(const std::string& routing, int n);

  void add_account(std::string puuid, std::string game_name, std::string tag_line);
  // Serves this game to each participant's puuid; also adds an account for every human.
  void add_game(const StandinGame& game);
  // The same from a spectator body (the demo's --game FILE); false with *error if unusable.
  bool add_game_json(const std::string& json, std::string* error);
  void end_game(std::int64_t game_id);
  // summoner-v4 by-puuid serves this summoner (profileIconId, revisionDate in epoch ms); a test
  // calls it again to "change the icon". A puuid never set answers 404 (no summoner there).
  void set_summoner(std::string puuid, int profile_icon_id, std::int64_t revision_date_ms);
  // The next `answers` spectator lookups of a running game answer 404 (queues that hide games).
  void hide_game(std::int64_t game_id, int answers);

  // The next `n` requests (any endpoint) answer `status` (429 or 5xx) with Riot's error body;
  // a 429 carries Retry-After when given.
  void fail_next(int status, int n, std::optional<int> retry_after_s = std::nullopt);
  // The next `n` requests get no answer until the stand-in stops.
  void stall_next(int n);

  std::vector<StandinRequest> requests() const;
  std::size_t count(StandinEndpoint endpoint) const;
  // One line per request that went past a window; empty when the client kept every limit.
  std::vector<std::string> limit_violations() const;
  // Called on the stand-in's thread after each answer (the demo prints them).
  void set_observer(std::function<void(const StandinRequest&)> observer);

 private:
  struct Impl;
  explicit RiotStandin(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shotcall::riot::test
