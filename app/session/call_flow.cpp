#include "app/session/call_flow.hpp"

#include "signaling/protocol/riot_id.hpp"

namespace shotcall::session {

bool same_player(const std::string& a, const std::string& b) {
  return protocol::fold_riot_id(a) == protocol::fold_riot_id(b);
}

GameStep next_step(const std::optional<std::string>& session_player,
                   const std::optional<DetectedGame>& game, OtherPlayer policy) {
  if (!game) return GameStep::ClearTarget;
  if (!session_player) return GameStep::StartAndTarget;
  if (same_player(*session_player, game->player_riot_id)) return GameStep::Retarget;
  return policy == OtherPlayer::Restart ? GameStep::RestartForPlayer : GameStep::RefusePlayer;
}

bool numeric_game_id(const std::string& game_id) {
  // 18 digits always fit in an int64; 19 may not.
  return !game_id.empty() && game_id.size() < 19 &&
         game_id.find_first_not_of("0123456789") == std::string::npos;
}

DetectedGame make_manual_game(const std::string& riot_id, const std::string& game_id, int team,
                              const std::vector<std::string>& teammates) {
  DetectedGame game;
  game.player_riot_id = riot_id;
  game.target.game_id = {game_id, numeric_game_id(game_id)};
  game.target.team_id = {std::to_string(team), true};
  game.target.teammates = teammates;
  // The roster is the whole team, the player included (GameTarget).
  bool has_me = false;
  for (const auto& t : teammates)
    if (protocol::is_valid_riot_id(t) && same_player(t, riot_id)) has_me = true;
  if (!has_me) game.target.teammates.push_back(riot_id);
  return game;
}

}  // namespace shotcall::session
