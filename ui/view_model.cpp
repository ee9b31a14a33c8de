#include "ui/view_model.hpp"

#include "app/i18n/translate.hpp"
#include "signaling/protocol/riot_id.hpp"

namespace shotcall::ui {

namespace {

std::string fold(const std::string& riot_id) {
  return protocol::is_valid_riot_id(riot_id) ? protocol::fold_riot_id(riot_id) : riot_id;
}

std::vector<RosterEntry> roster_of(const session::DetectedGame& game) {
  std::vector<RosterEntry> roster;
  for (const auto& t : game.teammates) roster.push_back({t.riot_id, t.champion, t.position});
  // Manual and older detectors name only Riot IDs.
  if (roster.empty())
    for (const auto& id : game.target.teammates) roster.push_back({id, "", ""});
  return roster;
}

}  // namespace

void ViewModel::on_detector_state(session::DetectorState state, std::string detail) {
  in_.detector = state;
  in_.detector_detail = std::move(detail);
}

void ViewModel::on_game(const std::optional<session::DetectedGame>& game) {
  // A new game starts a new chat (the old channel's lines belong to the old game).
  if (game && (!game_ || game_->target.game_id != game->target.game_id ||
               game_->target.team_id != game->target.team_id))
    chat_.clear();
  game_ = game;
  if (!game) {
    in_.game.reset();
    return;
  }
  in_.game = GameSummary{game->map_name, game->game_mode, game->target.team_id.text,
                         game->target.game_id.text};
}

void ViewModel::on_session_started(const std::string& my_riot_id) {
  my_riot_id_ = my_riot_id;
  my_key_ = fold(my_riot_id);
  in_.session_running = true;
  in_.session_error.clear();
  in_.voice_error.clear();
  microphone_problem_.clear();  // a new engine tries the devices again
  speakers_problem_.clear();
  in_.link = net::LinkState::Connecting;
  in_.link_detail.clear();
  in_.phase = session::Phase::Offline;
  in_.watching = false;
  in_.watch_problem.clear();
  in_.identity_problem.clear();
}

bool ViewModel::on_server_error(const protocol::Error& error) {
  if (identity_.on_error(error)) return true;
  if (error.re != std::optional<std::string>{"register-user"}) return false;
  std::string words = identity_error_text(error.code, error.retry_after_ms);
  if (words.empty()) return false;
  in_.identity_problem = std::move(words);
  return true;
}

void ViewModel::on_microphone(bool available, std::string sentence) {
  microphone_problem_ = available ? std::string{} : std::move(sentence);
}

void ViewModel::on_speakers(bool available, std::string sentence) {
  speakers_problem_ = available ? std::string{} : std::move(sentence);
}

DeviceBanner ViewModel::device_banner() const {
  if (!microphone_problem_.empty() && !speakers_problem_.empty())
    return {i18n::tr("No microphone or speakers"), microphone_problem_ + " " + speakers_problem_};
  if (!microphone_problem_.empty())
    return {i18n::tr("Listening only: your microphone can't be used"), microphone_problem_};
  if (!speakers_problem_.empty())
    return {i18n::tr("Talking only: your speakers can't be used"), speakers_problem_};
  return {};
}

void ViewModel::on_session_error(std::string message) {
  in_.session_running = false;
  in_.session_error = std::move(message);
}

void ViewModel::on_session_stopped() {
  in_.session_running = false;
  in_.phase = session::Phase::Offline;
  in_.link = net::LinkState::Stopped;
  microphone_problem_.clear();
  speakers_problem_.clear();
  channel_id_.reset();
  links_.clear();
  applied_.clear();
  in_channel_.clear();
}

void ViewModel::on_link(net::LinkState state, std::string detail) {
  in_.link = state;
  in_.link_detail = std::move(detail);
  if (state == net::LinkState::Registered) in_.identity_problem.clear();
}

bool ViewModel::on_phase(session::Phase phase, std::string detail,
                         const std::optional<std::string>& channel_id) {
  const bool formed = phase == session::Phase::InChannel && in_.phase != phase;
  in_.phase = phase;
  in_.phase_detail = std::move(detail);
  if (channel_id) channel_id_ = channel_id;
  return formed;
}

LinkUpdate ViewModel::update_links(std::vector<PeerLinkView> links) {
  LinkUpdate out;
  std::set<std::string> now_in;
  for (const auto& l : links) {
    if (l.key == my_key_) continue;
    const bool live =
        l.has_link && l.phase != mesh::PeerPhase::Closed && l.phase != mesh::PeerPhase::Failed;
    if (live && !applied_.count(l.key)) {
      const PeerPreference pref = memory_.get(l.key);
      out.apply.push_back({l.key, pref.volume, pref.muted});
      applied_.insert(l.key);
    } else if (!live) {
      // A rebuilt or returning link gets the settings again.
      applied_.erase(l.key);
    }
    if (l.in_channel) {
      now_in.insert(l.key);
      if (!in_channel_.count(l.key)) out.changes.push_back({l.riot_id, true});
    }
  }
  for (const auto& key : in_channel_) {
    if (now_in.count(key)) continue;
    std::string riot_id = key;
    for (const auto& l : links)
      if (l.key == key) riot_id = l.riot_id;
    for (const auto& l : links_)
      if (l.key == key && riot_id == key) riot_id = l.riot_id;
    out.changes.push_back({riot_id, false});
  }
  in_channel_ = std::move(now_in);
  links_ = std::move(links);
  int in_channel = 0, connected = 0;
  for (const auto& l : links_) {
    if (l.key == my_key_) continue;
    if (l.in_channel) ++in_channel;
    if (l.has_link && l.phase == mesh::PeerPhase::Connected) ++connected;
  }
  in_.teammates_in_channel = in_channel;
  in_.teammates_connected = connected;
  return out;
}

StatusText ViewModel::status() const {
  StatusInputs in = in_;
  if (game_) {
    in.teammates = 0;
    for (const auto& r : roster_of(*game_))
      if (fold(r.riot_id) != my_key_) ++in.teammates;
  } else {
    in.teammates = 0;
    for (const auto& l : links_)
      if (l.key != my_key_) ++in.teammates;
  }
  return describe(in);
}

std::vector<TeammateRow> ViewModel::rows() const {
  std::vector<RosterEntry> roster = game_ ? roster_of(*game_) : std::vector<RosterEntry>{};
  if (played_before_)
    for (auto& r : roster) r.played_before = played_before_(r.riot_id);
  std::vector<PeerLinkView> links = links_;
  if (played_before_)
    for (auto& l : links) l.played_before = played_before_(l.riot_id);
  const std::string me = !my_key_.empty() || !game_ ? my_key_ : fold(game_->player_riot_id);
  return build_rows(roster, links, me, memory_, in_channel());
}

}  // namespace shotcall::ui
