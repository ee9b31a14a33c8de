// How a player's game is found is pluggable: each detector says "this game" or "no game", and the
// session follows. Manual entry and League's local game data live here; server-side detection
// needs no detector on the client (the server offers the channel: SessionOptions::follow_offers).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/session/session_core.hpp"

namespace shotcall::session {

struct DetectedTeammate {
  std::string riot_id;
  std::string champion;  // display name, may be empty
  std::string position;  // TOP, JUNGLE, ... or empty
};

struct DetectedGame {
  std::string player_riot_id;
  GameTarget target;
  std::string game_mode;  // CLASSIC, ARAM, ... (empty when unknown)
  std::string map_name;   // "Summoner's Rift", ... (empty when unknown)
  std::vector<DetectedTeammate> teammates;
};

enum class DetectorState { Waiting, Loading, InGame, Problem };
const char* to_string(DetectorState state);

class GameDetector {
 public:
  struct Events {
    std::function<void(const std::optional<DetectedGame>&)> on_game;  // nullopt: no game now
    std::function<void(DetectorState, const std::string& detail)> on_state;
  };
  virtual ~GameDetector() = default;
  virtual void start(Events events) = 0;
  virtual void stop() = 0;
};

// The game as the player typed it: reported once, at start.
std::unique_ptr<GameDetector> make_manual_detector(DetectedGame game);

// League's Live Client Data API. nullptr with *error for a bad URL, CA file or LAN address.
// `lan_address` non-empty: LAN mode, the game runs on that PC (its port 2999 forwarded there
// with `netsh interface portproxy`); an empty `base_url` then means https://<lan_address>:2999,
// and the game's certificate (CN=127.0.0.1) is accepted for that address only.
std::unique_ptr<GameDetector> make_lcd_detector(const std::string& base_url,
                                                const std::string& ca_file, std::string* error,
                                                const std::string& lan_address = "");

// The Live Client Data URL of a game on `lan_address` (IPv6 in brackets).
std::string lan_lcd_base_url(const std::string& lan_address);

// Riot's map numbers, in words.
std::string map_display_name(std::int64_t map_number);

}  // namespace shotcall::session
