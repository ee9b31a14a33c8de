#include "ui/command_line.hpp"

#include <sstream>

namespace shotcall::ui {

namespace {

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
  using A = Gio::Application;
  app.add_main_option_entry(A::OPTION_TYPE_STRING, "server", '\0',
                            "Signaling server (ws:// or wss:// URL)", "URL");
  app.add_main_option_entry(A::OPTION_TYPE_STRING, "lcd-url", '\0',
                            "Read the game from this Live Client Data address", "URL");
  app.add_main_option_entry(A::OPTION_TYPE_STRING, "lcd-ca", '\0',
                            "Certificate authority of the Live Client Data API", "FILE");
  app.add_main_option_entry(A::OPTION_TYPE_STRING, "source", '\0',
                            "Microphone as a gst-launch fragment", "PIPELINE");
  app.add_main_option_entry(A::OPTION_TYPE_STRING, "sink", '\0',
                            "Output as a gst-launch fragment", "PIPELINE");
  app.add_main_option_entry(A::OPTION_TYPE_STRING_VECTOR, "ice-address", '\0',
                            "Gather ICE candidates on this address only (repeatable)", "ADDRESS");
  app.add_main_option_entry(A::OPTION_TYPE_STRING, "riot-id", '\0', "Your Riot ID", "NAME#TAG");
  app.add_main_option_entry(A::OPTION_TYPE_STRING, "game", '\0', "Join this game (manual mode)",
                            "GAME");
  app.add_main_option_entry(A::OPTION_TYPE_INT, "team", '\0', "Your team: 100 or 200", "TEAM");
  app.add_main_option_entry(A::OPTION_TYPE_STRING, "teammates", '\0',
                            "The whole team's Riot IDs, comma-separated", "IDS");
  app.add_main_option_entry(A::OPTION_TYPE_BOOL, "watch", '\0',
                            "Let the server find the game (server-side detection)");
  app.add_main_option_entry(A::OPTION_TYPE_BOOL, "events", '\0',
                            "Print one line per event on standard output (for scripts)");
  app.add_main_option_entry(A::OPTION_TYPE_BOOL, "version", '\0', "Print the version and exit");
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
  if (c.server && c.server->rfind("ws://", 0) != 0 && c.server->rfind("wss://", 0) != 0)
    e = "--server takes a ws:// or wss:// URL";
  else if (c.team && *c.team != 100 && *c.team != 200)
    e = "--team is 100 (blue side) or 200 (red side)";
  else if (c.game && !c.riot_id)
    e = "--game needs --riot-id";
  else if (c.game && c.teammates.empty())
    e = "--game needs --teammates";
  else if (c.watch && !c.riot_id)
    e = "--watch needs --riot-id";
  else if ((c.game ? 1 : 0) + (c.watch ? 1 : 0) + (c.lcd_url ? 1 : 0) > 1)
    e = "pick one of --game, --watch and --lcd-url";
  if (error) *error = e;
  return c;
}

}  // namespace shotcall::ui
