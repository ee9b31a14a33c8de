#include "app/session/game_detector.hpp"

#include "app/game/lcd_poller.hpp"
#include "app/i18n/translate.hpp"

namespace shotcall::session {

const char* to_string(DetectorState state) {
  switch (state) {
    case DetectorState::Waiting: return "waiting";
    case DetectorState::Loading: return "loading";
    case DetectorState::InGame: return "in-game";
    case DetectorState::Problem: return "problem";
  }
  return "unknown";
}

// English, as history stores it; the window and the History show i18n::tr(name).
std::string map_display_name(std::int64_t map_number) {
  switch (map_number) {
    // Translators: League of Legends maps, as the League client names them.
    case 11:
      return i18n::N_("Summoner's Rift");
    case 12:
      return i18n::N_("Howling Abyss");
    case 21:
      return i18n::N_("Nexus Blitz");
    case 30:
      return i18n::N_("Arena");
    default: return map_number ? "map " + std::to_string(map_number) : "";
  }
}

namespace {

class ManualDetector final : public GameDetector {
 public:
  explicit ManualDetector(DetectedGame game) : game_(std::move(game)) {}
  void start(Events events) override {
    if (events.on_state) events.on_state(DetectorState::InGame, "entered by hand");
    if (events.on_game) events.on_game(game_);
  }
  void stop() override {}

 private:
  DetectedGame game_;
};

DetectedGame from_snapshot(const game::GameSnapshot& s) {
  DetectedGame g;
  g.player_riot_id = s.player_riot_id;
  g.target.game_id = {s.game_id, false};
  g.target.team_id = {std::to_string(s.team_id), true};
  g.target.teammates = s.roster();
  g.game_mode = s.game_mode;
  g.map_name = map_display_name(s.map_number);
  for (const auto& t : s.teammates) g.teammates.push_back({t.riot_id, t.champion_name, t.position});
  return g;
}

class LcdDetector final : public GameDetector {
 public:
  explicit LcdDetector(std::unique_ptr<game::LcdPoller> poller) : poller_(std::move(poller)) {}
  void start(Events events) override {
    events_ = std::move(events);
    poller_->set_state_callback([this](game::LcdState state, const std::string& detail) {
      switch (state) {
        case game::LcdState::Unknown:
        case game::LcdState::NoClient:
          say(DetectorState::Waiting, "waiting for a game");
          break;
        case game::LcdState::Loading:
          say(DetectorState::Loading, detail);
          break;
        case game::LcdState::InGame:
          say(DetectorState::InGame, "");
          break;
        case game::LcdState::GameOver:
          say(DetectorState::Waiting, "the game ended");
          if (events_.on_game) events_.on_game(std::nullopt);
          break;
        case game::LcdState::Untrusted:
          say(DetectorState::Problem, detail);
          break;
      }
    });
    poller_->set_snapshot_callback([this](const game::GameSnapshot& snapshot) {
      if (events_.on_game) events_.on_game(from_snapshot(snapshot));
    });
    poller_->start();
  }
  void stop() override { poller_->stop(); }

 private:
  void say(DetectorState state, const std::string& detail) {
    if (events_.on_state) events_.on_state(state, detail);
  }
  std::unique_ptr<game::LcdPoller> poller_;
  Events events_;
};

}  // namespace

std::unique_ptr<GameDetector> make_manual_detector(DetectedGame game) {
  return std::make_unique<ManualDetector>(std::move(game));
}

std::string lan_lcd_base_url(const std::string& lan_address) {
  const bool v6 = lan_address.find(':') != std::string::npos;
  return "https://" + (v6 ? "[" + lan_address + "]" : lan_address) + ":2999";
}

std::unique_ptr<GameDetector> make_lcd_detector(const std::string& base_url,
                                                const std::string& ca_file, std::string* error,
                                                const std::string& lan_address) {
  game::LcdPollerOptions options;
  if (!base_url.empty()) {
    options.base_url = base_url;
  } else if (!lan_address.empty()) {
    options.base_url = lan_lcd_base_url(lan_address);
  }
  options.ca_file = ca_file;
  options.lan_address = lan_address;
  auto poller = game::LcdPoller::create(options, error);
  if (!poller) return nullptr;
  return std::make_unique<LcdDetector>(std::move(poller));
}

}  // namespace shotcall::session
