// The first-run page (resources/first_run.ui), shown until the player has set Shotcall up once:
// where League runs (this computer, another computer on the network with the one Windows command
// that makes its game data reachable, or the server watching the Riot ID), the Riot ID, and the
// server address with a connection test that says what it found. Start writes the settings
// (detection-mode, lan-address, riot-id, server-url, then first-run-done) and reports on_done.
#pragma once

#include <giomm/settings.h>
#include <gtkmm.h>

#include <functional>
#include <string>

namespace shotcall::ui {

class FirstRunWindow : public Gtk::Window {
 public:
  // A new window, filled from `settings`; the caller deletes it. Throws std::runtime_error
  // naming the widget when first_run.ui lacks one.
  static FirstRunWindow* create(const Glib::RefPtr<Gio::Settings>& settings);
  FirstRunWindow(BaseObjectType* cobject, const Glib::RefPtr<Gtk::Builder>& builder);
  ~FirstRunWindow() override;

  // The settings are written and first-run-done is set: open the call.
  std::function<void()> on_done;
  // One line per notable step, for --events ("first-run-probe usable …", "first-run-done lan").
  std::function<void(const std::string& line)> on_event;
  // The player chose server-side detection, and the server they tested can verify Riot IDs:
  // verification is the next step (Preferences → Identity).
  bool verification_next() const;

 private:
  template <typename W>
  W* need(const char* name);
  void fill_from(const Glib::RefPtr<Gio::Settings>& settings);
  std::string mode() const;
  void show_mode();
  void show_lan_command();
  void test_connection();
  void start();
  void say_event(const std::string& line);

  Glib::RefPtr<Gtk::Builder> builder_;
  Glib::RefPtr<Gio::Settings> settings_;
  Gtk::RadioButton* local_ = nullptr;
  Gtk::RadioButton* lan_ = nullptr;
  Gtk::RadioButton* server_ = nullptr;
  Gtk::Widget* lan_box_ = nullptr;
  Gtk::Entry* lan_address_ = nullptr;
  Gtk::Label* lan_error_ = nullptr;
  Gtk::Label* lan_command_ = nullptr;
  Gtk::Entry* riot_id_ = nullptr;
  Gtk::Entry* server_url_ = nullptr;
  Gtk::Button* test_button_ = nullptr;
  Gtk::Label* test_result_ = nullptr;
  Gtk::Label* start_error_ = nullptr;
  std::function<void()> cancel_probe_;  // the connection test under way, if any
  bool server_verifies_ = false;        // the last connection test found `riot-verify`
};

// Whether the first-run page opens: not once it is done, and not when this run's command line
// already says where to meet and how to find the game (demos and the end-to-end tests).
struct CommandLine;
bool first_run_wanted(bool first_run_done, const CommandLine& cli);

}  // namespace shotcall::ui
