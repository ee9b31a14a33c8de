#include "app/game/lcd_game_tracker.hpp"

namespace shotcall::game {

const char* to_string(LcdState state) {
  switch (state) {
    case LcdState::Unknown: return "unknown";
    case LcdState::NoClient: return "no-client";
    case LcdState::Loading: return "loading";
    case LcdState::InGame: return "in-game";
    case LcdState::GameOver: return "game-over";
    case LcdState::Untrusted: return "untrusted";
  }
  return "unknown";
}

LcdGameTracker::Update LcdGameTracker::set_state(LcdState next, std::string detail) {
  Update u;
  u.state_changed = next != state_;
  state_ = next;
  detail_ = std::move(detail);
  return u;
}

LcdGameTracker::Update LcdGameTracker::on_poll(const PollOutcome& outcome) {
  using Kind = PollOutcome::Kind;
  switch (outcome.kind) {
    case Kind::Unreachable:
      if (seen_game_) {
        // The game process exits at the end of a game: its port closing is the only signal.
        seen_game_ = false;
        last_identity_.clear();
        snapshot_.reset();
        return set_state(LcdState::GameOver, outcome.detail);
      }
      return set_state(LcdState::NoClient, outcome.detail);
    case Kind::Untrusted:
      return set_state(LcdState::Untrusted, outcome.detail);
    case Kind::Timeout:
    case Kind::TransportError:
    case Kind::HttpError:
      // The port is up: a game is loading (or hiccuping). A game already seen is kept, so the
      // same game coming back is not announced as new.
      return set_state(LcdState::Loading, outcome.detail);
    case Kind::Body:
      break;
  }

  LcdParseResult parsed = parse_all_game_data(outcome.body);
  if (!parsed.ok()) return set_state(LcdState::Loading, parsed.error);

  const std::string identity = parsed.snapshot->identity_key();
  snapshot_ = std::move(parsed.snapshot);
  seen_game_ = true;
  Update u = set_state(LcdState::InGame, {});
  if (identity != last_identity_) {
    last_identity_ = identity;
    u.new_game = true;
  }
  return u;
}

}  // namespace shotcall::game
