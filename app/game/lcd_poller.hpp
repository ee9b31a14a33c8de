// Polls the League game's Live Client Data API (https://127.0.0.1:2999) to learn when a game
// starts and ends and who is on the player's team. A thin libsoup shell over LcdGameTracker:
// asynchronous only, one request in flight at most, the next poll scheduled `interval` after
// the answer (or the timeout), TLS trusting only the given CA. Callbacks run on the GMainContext
// that was thread-default when the poller was created.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/game/lcd_game_tracker.hpp"
#include "app/game/lcd_parser.hpp"

namespace shotcall::game {

inline constexpr const char* kDefaultLcdBaseUrl = "https://127.0.0.1:2999";
inline constexpr const char* kAllGameDataPath = "/liveclientdata/allgamedata";

// The pinned Riot CA: the installed share/shotcall/riotgames.pem when present, else the
// source tree's data/riotgames.pem (running from a build directory).
std::string default_riot_ca_file();

struct LcdPollerOptions {
  std::string base_url = kDefaultLcdBaseUrl;  // https only; --lcd-url
  std::string ca_file;                        // empty: default_riot_ca_file(); --lcd-ca
  // LAN mode: the game's PC, its port forwarded with netsh portproxy. The game's certificate
  // (CN=127.0.0.1 only) is accepted for this address and no other (new_pinned_tls_database).
  std::string lan_address;
  std::chrono::milliseconds interval{1000};   // pause between an answer and the next request
  std::chrono::milliseconds request_timeout{3000};
};

class LcdPoller {
 public:
  using StateCallback = std::function<void(LcdState state, const std::string& detail)>;
  // Fires when the game identity (gameId, team, roster) changes, not on every poll.
  using SnapshotCallback = std::function<void(const GameSnapshot& snapshot)>;

  // nullptr with *error set for a URL that is not https://host[:port], an unreadable CA file or
  // one with no certificate. Nothing is sent before start().
  static std::unique_ptr<LcdPoller> create(const LcdPollerOptions& options, std::string* error);
  ~LcdPoller();
  LcdPoller(const LcdPoller&) = delete;
  LcdPoller& operator=(const LcdPoller&) = delete;

  // Set before start(). A callback may call stop() or destroy the poller.
  void set_state_callback(StateCallback cb);
  void set_snapshot_callback(SnapshotCallback cb);

  void start();  // first request at once
  void stop();   // cancels the request in flight; no callback fires afterwards

  LcdState state() const;
  const std::string& detail() const;                    // why: "HTTP 404", a TLS problem, ...
  const std::optional<GameSnapshot>& snapshot() const;  // already updated when callbacks run
  std::uint64_t polls_completed() const;                // answers and timeouts handled
  const std::string& url() const;                       // the full allgamedata URL

 private:
  struct Impl;
  explicit LcdPoller(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shotcall::game
