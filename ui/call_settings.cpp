#include "ui/call_settings.hpp"

#include "app/history/history_store.hpp"
#include "ui/settings_keys.hpp"

namespace shotcall::ui {

CallConfig call_config_from(const Glib::RefPtr<Gio::Settings>& s, const CommandLine& cli) {
  CallConfig c;
  c.server_url = cli.server.value_or(s->get_string(keys::kServerUrl).raw());
  c.mode = detection_mode_from_string(s->get_string(keys::kDetectionMode).raw());
  // The command line names the mode by what it gives.
  if (cli.lcd_url) c.mode = DetectionMode::Local;
  if (cli.game) c.mode = DetectionMode::Manual;
  if (cli.watch) c.mode = DetectionMode::Server;
  c.riot_id = cli.riot_id.value_or(s->get_string(keys::kRiotId).raw());
  // LAN mode reaches the game at https://<lan-address>:2999; the local game's address (the
  // lcd-url setting, whose default is this computer's) does not apply there. A URL given on the
  // command line is this run's choice and always wins.
  const bool saved_url_applies = c.mode != DetectionMode::Lan;
  c.lcd_url = cli.lcd_url.value_or(saved_url_applies ? s->get_string(keys::kLcdUrl).raw() : "");
  c.lcd_ca = cli.lcd_ca.value_or(s->get_string(keys::kLcdCa).raw());
  c.lan_address = s->get_string(keys::kLanAddress).raw();
  c.history_path = history::default_history_path();
  c.manual_game = cli.game.value_or(s->get_string(keys::kManualGame).raw());
  c.manual_team = cli.team.value_or(s->get_int(keys::kManualTeam));
  if (!cli.teammates.empty()) {
    c.manual_teammates = cli.teammates;
  } else {
    for (const auto& t : s->get_string_array(keys::kManualTeammates))
      c.manual_teammates.push_back(t.raw());
  }

  media::VoiceConfig& v = c.voice;
  const std::string input = s->get_string(keys::kInputDevice).raw();
  const std::string output = s->get_string(keys::kOutputDevice).raw();
  v.source = cli.source.value_or(input.empty() ? v.source : input);
  v.sink = cli.sink.value_or(output.empty() ? v.sink : output);
  v.echo_cancel = s->get_boolean(keys::kEchoCancel);
  v.noise_suppression = s->get_boolean(keys::kNoiseSuppression);
  v.bitrate = s->get_int(keys::kBitrate);
  v.local_addresses = cli.ice_addresses;
  return c;
}

bool key_restarts_call(const std::string& key) {
  for (const char* k :
       {keys::kServerUrl, keys::kDetectionMode, keys::kRiotId, keys::kLcdUrl, keys::kLcdCa,
        keys::kLanAddress, keys::kManualGame, keys::kManualTeam, keys::kManualTeammates,
        keys::kInputDevice, keys::kOutputDevice, keys::kEchoCancel, keys::kNoiseSuppression})
    if (key == k) return true;
  return false;
}

}  // namespace shotcall::ui
