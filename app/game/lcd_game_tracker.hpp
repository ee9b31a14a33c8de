// What the local game is doing, decided from one poll of the Live Client Data API at a time.
// Pure: the poller (lcd_poller) turns each HTTP exchange into a PollOutcome and shows the
// tracker's answers to its listeners; the rules live here so they are tested without sockets.
#pragma once

#include <optional>
#include <string>

#include "app/game/lcd_parser.hpp"

namespace shotcall::game {

enum class LcdState {
  Unknown,    // not polled yet
  NoClient,   // nothing listens: no game running (connection refused)
  Loading,    // the port answers but gives no game data yet (HTTP error, timeout, unparsable body)
  InGame,     // a snapshot is available
  GameOver,   // the port went away after a game was seen; the next refusal goes back to NoClient
  Untrusted,  // something answers but its certificate is not one the pinned CA vouches for
};

const char* to_string(LcdState state);

// What one poll found.
struct PollOutcome {
  enum class Kind {
    Unreachable,     // connection refused / host not found
    Untrusted,       // TLS verification failed
    Timeout,         // no answer within the request timeout
    TransportError,  // connected, but the exchange broke (reset, malformed HTTP, ...)
    HttpError,       // an HTTP answer other than 200
    Body,            // 200 with a body to parse
  };
  Kind kind = Kind::Unreachable;
  std::string detail;  // for people: why (reason phrase, TLS problem, ...)
  int http_status = 0;
  std::string body;    // Kind::Body only
};

class LcdGameTracker {
 public:
  struct Update {
    bool state_changed = false;
    bool new_game = false;  // the game identity (gameId, team, roster) differs from the last one
  };

  Update on_poll(const PollOutcome& outcome);

  LcdState state() const { return state_; }
  // Why the state is what it is ("connection refused", "HTTP 404", a parse error, ...).
  const std::string& detail() const { return detail_; }
  // The latest parsed snapshot while InGame (refreshed every poll: game time moves); the last
  // one seen through Loading; cleared at GameOver.
  const std::optional<GameSnapshot>& snapshot() const { return snapshot_; }

 private:
  Update set_state(LcdState next, std::string detail);

  LcdState state_ = LcdState::Unknown;
  std::string detail_;
  std::optional<GameSnapshot> snapshot_;
  std::string last_identity_;  // identity_key() of the game last announced
  bool seen_game_ = false;     // InGame since the last GameOver: a refusal now means GameOver
};

}  // namespace shotcall::game
