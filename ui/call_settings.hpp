// The call's configuration from the saved settings, with this run's command-line options on top.
#pragma once

#include <giomm/settings.h>

#include "ui/call_controller.hpp"
#include "ui/command_line.hpp"

namespace shotcall::ui {

CallConfig call_config_from(const Glib::RefPtr<Gio::Settings>& settings, const CommandLine& cli);

// The settings whose change needs the call restarted (the rest apply live).
bool key_restarts_call(const std::string& key);

}  // namespace shotcall::ui
