// The app's command-line options: the same names as shotcall-peer's, for demos and tests. They
// override the saved settings for this run only; nothing typed here is written back.
#pragma once

#include <giomm/application.h>
#include <glibmm/variantdict.h>

#include <optional>
#include <string>
#include <vector>

namespace shotcall::ui {

struct CommandLine {
  std::optional<std::string> server;
  std::optional<std::string> lcd_url;
  std::optional<std::string> lcd_ca;
  std::optional<std::string> source;  // gst-launch fragment for the microphone
  std::optional<std::string> sink;    // gst-launch fragment for the output
  std::vector<std::string> ice_addresses;
  std::optional<std::string> riot_id;
  std::optional<std::string> game;  // a manual game
  std::optional<int> team;
  std::vector<std::string> teammates;
  bool watch = false;   // server-side detection
  bool events = false;  // print event lines on stdout
  bool version = false;

  // Whether any option overrides a saved setting.
  bool overrides_settings() const {
    return server || lcd_url || lcd_ca || source || sink || !ice_addresses.empty() || riot_id ||
           game || team || !teammates.empty() || watch;
  }
};

// Registers the options on the application (before run()).
void add_command_line_options(Gio::Application& app);
// Reads the parsed options. An empty `error` means they make sense together.
CommandLine read_command_line(const Glib::RefPtr<Glib::VariantDict>& options, std::string* error);

}  // namespace shotcall::ui
