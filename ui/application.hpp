// Shotcall's Gtk::Application (io.github.shotcall.Shotcall, one instance per session): actions
// and their accelerators, the main window, preferences, notifications and the light/dark style,
// all wired to the call through the ViewModel and the CallController.
#pragma once

#include <gtkmm.h>

#include <memory>

#include "ui/call_controller.hpp"
#include "ui/command_line.hpp"
#include "ui/device_monitor.hpp"
#include "ui/push_to_talk.hpp"
#include "ui/token_store.hpp"
#include "ui/view_model.hpp"

namespace shotcall::ui {

class MainWindow;
class PreferencesDialog;
class FirstRunWindow;

inline constexpr const char* kApplicationId = "io.github.shotcall.Shotcall";

class Application : public Gtk::Application {
 public:
  static Glib::RefPtr<Application> create();
  ~Application() override;

 protected:
  Application();
  void on_startup() override;
  void on_activate() override;

 private:
  int on_handle_local_options(const Glib::RefPtr<Glib::VariantDict>& options);
  void add_actions();
  MainWindow& window();
  void start_call();
  void on_setting_changed(const Glib::ustring& key);
  void apply_voice_settings();
  void apply_style();
  void refresh();
  void notify(const std::string& id, const std::string& title, const std::string& body);
  void emit(const std::string& line);
  void save_peer_memory_soon();
  void show_preferences();
  void show_identity();
  void save_token(const std::string& token);
  void show_shortcuts();
  void show_about();
  void on_quit();
  void show_first_run();

  CommandLine cli_;
  Glib::RefPtr<Gio::Settings> settings_;
  Glib::RefPtr<Gio::Settings> desktop_interface_;  // org.gnome.desktop.interface, when present
  ViewModel model_;
  std::unique_ptr<CallController> call_;
  std::unique_ptr<DeviceMonitor> devices_;
  std::unique_ptr<PushToTalk> ptt_;
  MainWindow* window_ = nullptr;
  std::unique_ptr<PreferencesDialog> preferences_;
  FirstRunWindow* first_run_ = nullptr;  // until the player has set Shotcall up once
  TokenStore tokens_;  // the server's access token, in the keyring
  sigc::connection restart_timer_;
  sigc::connection save_timer_;
  std::string banner_shown_;  // the device banner's headline as last painted (for --events)
};

}  // namespace shotcall::ui
