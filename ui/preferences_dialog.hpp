// The preferences window (resources/preferences.ui): server and game detection, devices and
// sound processing, talking mode and push-to-talk key, identity (ui/identity_page.hpp), style. Every control writes its GSettings
// key at once; the application decides what needs the call restarted.
#pragma once

#include <giomm/settings.h>
#include <gtkmm.h>

#include <memory>

#include "ui/device_monitor.hpp"
#include "ui/identity_page.hpp"

namespace shotcall::ui {

class PreferencesDialog : public Gtk::Window {
 public:
  // A new dialog; the caller deletes it (the application keeps one and hides it on close).
  static PreferencesDialog* create(Gtk::Window& parent, const Glib::RefPtr<Gio::Settings>& settings,
                                   DeviceMonitor& devices);
  PreferencesDialog(BaseObjectType* cobject, const Glib::RefPtr<Gtk::Builder>& builder);

  // The device lists changed (hot-plug).
  void refresh_devices();
  // Where push-to-talk works, in words (from PushToTalk::hint()).
  void show_ptt_hint(const std::string& hint);
  // Says that this run's command-line options override what the dialog shows.
  void show_command_line_note(bool shown);
  // The Identity page (verification, devices, access token).
  IdentityPage& identity() { return *identity_; }
  // Brings a page to the front: "game", "voice", "identity", "looks".
  void show_page(const std::string& name);

 protected:
  bool on_key_press_event(GdkEventKey* event) override;

 private:
  void bind(const Glib::RefPtr<Gio::Settings>& settings, DeviceMonitor& devices);
  void fill_devices(Gtk::ComboBoxText& combo, const std::vector<AudioDevice>& devices,
                    const char* key);
  void show_mode_rows();
  void show_ptt_key();

  Glib::RefPtr<Gtk::Builder> builder_;
  Glib::RefPtr<Gio::Settings> settings_;
  DeviceMonitor* devices_ = nullptr;
  std::unique_ptr<IdentityPage> identity_;
  Gtk::ComboBoxText* detection_ = nullptr;
  Gtk::Label* detection_note_ = nullptr;
  Gtk::ComboBoxText* input_ = nullptr;
  Gtk::ComboBoxText* output_ = nullptr;
  Gtk::Button* ptt_button_ = nullptr;
  Gtk::Label* ptt_note_ = nullptr;
  bool capturing_key_ = false;
  bool filling_ = false;
};

}  // namespace shotcall::ui
