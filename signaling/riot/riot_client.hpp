// The HTTP leg of the Riot watcher: asynchronous GETs to Riot's hosts with libsoup 2.4, the key
// in the X-Riot-Token header and nowhere else. It never blocks the main loop, never logs, and
// never follows redirects (a redirect would carry the key to another host). What an answer
// means is decided by the caller (watcher.cpp); this file only moves bytes and headers.
// Callbacks run on the GMainContext that was thread-default when the client was created.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "signaling/riot/routing.hpp"

namespace shotcall::riot {

struct RiotResponse {
  int status = 0;               // HTTP status; 0 when no HTTP answer came
  bool timed_out = false;       // no answer within request_timeout
  std::string transport_error;  // libsoup's reason when status is 0 and not timed out
  std::string body;
  // Riot's rate-limit headers, empty when absent.
  std::string app_rate_limit;        // X-App-Rate-Limit: "20:1,100:120"
  std::string app_rate_limit_count;  // X-App-Rate-Limit-Count: "1:1,7:120"
  std::string retry_after;           // Retry-After (429): seconds
  std::string rate_limit_type;       // X-Rate-Limit-Type (429): application, method, service
  std::int64_t elapsed_ms = 0;
};

struct RiotClientOptions {
  RiotHosts hosts;      // from resolve_hosts()
  std::string api_key;  // read by the caller from the environment; sent only as X-Riot-Token
  std::chrono::milliseconds request_timeout{5000};
  int max_connections_per_host = 4;
};

class RiotClient {
 public:
  // Runs exactly once per request, unless the client is destroyed first (then never).
  using Callback = std::function<void(const RiotResponse&)>;

  // nullptr with *error set when the key is empty or holds characters a header cannot carry
  // (the message never repeats the key) or a base URL does not parse.
  static std::unique_ptr<RiotClient> create(RiotClientOptions options, std::string* error);
  ~RiotClient();  // cancels every request; no callback runs afterwards
  RiotClient(const RiotClient&) = delete;
  RiotClient& operator=(const RiotClient&) = delete;

  // GET {account_base}/riot/account/v1/accounts/by-riot-id/{gameName}/{tagLine}
  void account_by_riot_id(std::string_view game_name, std::string_view tag_line, Callback cb);
  // GET {platform_base}/lol/spectator/v5/active-games/by-summoner/{puuid}
  void active_game(std::string_view puuid, Callback cb);
  // GET {platform_base}/lol/summoner/v4/summoners/by-puuid/{puuid}
  void summoner_by_puuid(std::string_view puuid, Callback cb);

  std::size_t in_flight() const;

 private:
  struct Impl;
  explicit RiotClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shotcall::riot
