#include "ui/command_line.hpp"

#include <sstream>

#include "app/i18n/translate.hpp"

namespace shotcall::ui {

namespace {

using i18n::tr;

template <typename T>
std::optional<T> lookup(const Glib::RefPtr<Glib::VariantDict>& options, const char* name) {
  T value{};
  if (options->lookup_value(name, value)) return value;
  return std::nullopt;
}

std::optional<std::string> lookup_string(const Glib::RefPtr<Glib::VariantDict>& options,
                                         const char* name) {
  if (auto v = lookup<Glib::ustring>(options, name)) return v->raw();
  return std::nullopt;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto first = item.find_first_not_of(' ');
    const auto last = item.find_last_not_of(' ');
    if (first != std::string::npos) out.push_back(item.substr(first, last - first + 1));
  }
  return out;
}

}  // namespace

void add_command_line_options(Gio::Application& app) {
  // The option names (--server …) are the same in every language; their descriptions and the
  // names of their values ("URL", "FILE") are the player's words in `shotcall --help`.
  using A = Gio::Application;
  app.add_main_option_entry(A::OPTION_TYPE_STRING, "server", '\0',
                            tr("Signaling server (ws:// or wss:// URL)"),
                            // Translators: the value of an option in --help: a web address.
                            tr("URL"));
  app.add_main_option_entry(A::OPTION_TYPE_STRING, "lcd-url", '\0',
                            tr("Read the game from this Live Client Data address"), tr("URL"));
  app.add_main_option_entry(A::OPTION_TYPE_STRING, "lcd-ca", '\0',
                            tr("Certificate authority of the Live Client Data API"),
                            // Translators: the value of an option in --help: a file's path.
                            tr("FILE"));
  app.add_main_option_entry(A::OPTION_TYPE_STRING, "source", '\0',
                            tr("Microphone as a gst-launch fragment"),
                            // Translators: the value of an option in --help: GStreamer elements.
                            tr("PIPELINE"));
  app.add_main_option_entry(A::OPTION_TYPE_STRING, "sink", '\0',
                            tr("Output as a gst-launch fragment"), tr("PIPELINE"));
  app.add_main_option_entry(A::OPTION_TYPE_STRING_VECTOR, "ice-address", '\0',
                            tr("Gather ICE candidates on this address only (repeatable)"),
                            // Translators: the value of an option in --help: an IP address.
                            tr("ADDRESS"));
  app.add_main_option_entry(A::OPTION_TYPE_STRING, "riot-id", '\0', tr("Your Riot ID"),
                            // Translators: the value of an option in --help: a Riot ID's form.
                            tr("NAME#TAG"));
  app.add_main_option_entry(A::OPTION_TYPE_STRING, "game", '\0', tr("Join this game (manual mode)"),
                            // Translators: the value of an option in --help: a game's name.
                            tr("GAME"));
  app.add_main_option_entry(A::OPTION_TYPE_INT, "team", '\0', tr("Your team: 100 or 200"),
                            // Translators: the value of an option in --help: 100 or 200.
                            tr("TEAM"));
  app.add_main_option_entry(A::OPTION_TYPE_STRING, "teammates", '\0',
                            tr("The whole team's Riot IDs, comma-separated"),
                            // Translators: the value of an option in --help: Riot IDs.
                            tr("IDS"));
  app.add_main_option_entry(A::OPTION_TYPE_BOOL, "watch", '\0',
                            tr("Let the server find the game (server-side detection)"));
  app.add_main_option_entry(A::OPTION_TYPE_BOOL, "events", '\0',
                            tr("Print one line per event on standard output (for scripts)"));
  app.add_main_option_entry(A::OPTION_TYPE_BOOL, "version", '\0', tr("Print the version and exit"));
}

CommandLine read_command_line(const Glib::RefPtr<Glib::VariantDict>& options, std::string* error) {
  CommandLine c;
  c.server = lookup_string(options, "server");
  c.lcd_url = lookup_string(options, "lcd-url");
  c.lcd_ca = lookup_string(options, "lcd-ca");
  c.source = lookup_string(options, "source");
  c.sink = lookup_string(options, "sink");
  if (auto v = lookup<std::vector<Glib::ustring>>(options, "ice-address"))
    for (const auto& a : *v) c.ice_addresses.push_back(a.raw());
  c.riot_id = lookup_string(options, "riot-id");
  c.game = lookup_string(options, "game");
  c.team = lookup<gint32>(options, "team");
  if (auto t = lookup_string(options, "teammates")) c.teammates = split_commas(*t);
  c.watch = lookup<bool>(options, "watch").value_or(false);
  c.events = lookup<bool>(options, "events").value_or(false);
  c.version = lookup<bool>(options, "version").value_or(false);

  std::string e;
  // Translators (the errors below): keep the options (--server …) as they are.
  if (c.server && c.server->rfind("ws://", 0) != 0 && c.server->rfind("wss://", 0) != 0)
    e = tr("--server takes a ws:// or wss:// URL");
  else if (c.team && *c.team != 100 && *c.team != 200)
    e = tr("--team is 100 (blue side) or 200 (red side)");
  else if (c.game && !c.riot_id)
    e = tr("--game needs --riot-id");
  else if (c.game && c.teammates.empty())
    e = tr("--game needs --teammates");
  else if (c.watch && !c.riot_id)
    e = tr("--watch needs --riot-id");
  else if ((c.game ? 1 : 0) + (c.watch ? 1 : 0) + (c.lcd_url ? 1 : 0) > 1)
    e = tr("pick one of --game, --watch and --lcd-url");
  if (error) *error = e;
  return c;
}

}  // namespace shotcall::ui
