// What the Riot stand-in answers, without the HTTP: Riot's rules (key check, routing values,
// rate windows and their headers, 404 bodies) applied to the configured accounts and games, and
// the record of every request. No IO and no locking: RiotStandin serialises access.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/riot/riot_standin.hpp"

namespace shotcall::riot::test {

struct StandinAnswer {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool stall = false;  // give no answer
};

struct StandinRules {
  struct Account {
    std::string puuid, game_name, tag_line;
  };
  struct Game {
    std::optional<StandinGame> game;  // generated per answer (gameLength moves on)
    std::string json;                 // served as is when `game` is empty
    std::set<std::string> puuids;
    int hidden = 0;
  };

  std::string api_key;
  std::string limits_spec;
  std::vector<std::pair<int, std::int64_t>> windows;         // {limit, ms}
  std::map<std::string, std::deque<std::int64_t>> arrivals;  // by routing value
  std::map<StandinEndpoint, std::deque<std::int64_t>> method_arrivals;
  std::vector<Account> accounts;
  std::map<std::int64_t, Game> games;
  struct Summoner {
    int profile_icon_id = 0;
    std::int64_t revision_date_ms = 0;
  };
  std::map<std::string, Summoner> summoners;  // by puuid
  int fail_status = 0;
  int fail_count = 0;
  std::optional<int> fail_retry_after;
  int stall_count = 0;
  std::vector<StandinRequest> log;
  std::vector<std::string> violations;

  // Classifies `rec` (endpoint, routing, args), counts it, decides the answer, logs it.
  StandinAnswer answer(StandinRequest& rec);
  void set_rate_limits(std::string spec);
  void add_account(std::string puuid, const std::string& riot_id);  // from "Name#TAG"
  void add_game(const StandinGame& game);
  bool add_game_json(const std::string& json, std::string* error);

 private:
  StandinAnswer decide(StandinRequest& rec);
  StandinAnswer answer_endpoint(const StandinRequest& rec);
};

}  // namespace shotcall::riot::test
