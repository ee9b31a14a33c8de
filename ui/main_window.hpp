// The main window (resources/main_window.ui): the game state in words, your microphone, your
// team, and the channel's chat. It shows what the ViewModel says and reports what the player
// does; it holds no call state of its own.
#pragma once

#include <giomm/settings.h>
#include <gtkmm.h>

#include <functional>
#include <map>

#include "ui/chat_log.hpp"
#include "ui/status_text.hpp"
#include "ui/teammate_rows.hpp"
#include "ui/view_model.hpp"
#include "ui/voice_gate.hpp"

namespace shotcall::ui {

class TeammateRowWidget;

class MainWindow : public Gtk::ApplicationWindow {
 public:
  // A new window; the application owns it (add_window) and deletes it when hidden.
  static MainWindow* create(const Glib::RefPtr<Gio::Settings>& settings);
  MainWindow(BaseObjectType* cobject, const Glib::RefPtr<Gtk::Builder>& builder);

  void show_status(const StatusText& status);
  // The banner over the call while our microphone or speakers are missing (hidden when empty);
  // its button opens Preferences.
  void show_device_banner(const DeviceBanner& banner);
  void show_rows(const std::vector<TeammateRow>& rows);
  void show_level(double rms_db);
  void show_voice(const VoiceGate& gate, bool heard);
  void show_ptt_hint(const std::string& hint);
  void show_muted(bool muted);
  void show_deafened(bool deafened);
  void show_chat(const ChatLog& log);

  std::function<void(const std::string& key, double volume)> on_peer_volume;
  std::function<void(const std::string& key, bool muted)> on_peer_muted;
  std::function<void(const std::string& text)> on_chat_send;
  // The window's key events, for push-to-talk when no global shortcut works. True: consumed.
  std::function<bool(guint keyval, GdkModifierType state, bool pressed)> on_key;

 protected:
  bool on_key_press_event(GdkEventKey* event) override;
  bool on_key_release_event(GdkEventKey* event) override;

 private:
  void bind_settings(const Glib::RefPtr<Gio::Settings>& settings);
  void make_device_bar(const Glib::RefPtr<Gtk::Builder>& builder);
  void send_chat();

  Glib::RefPtr<Gio::Settings> settings_;
  Gtk::Box* status_box_ = nullptr;
  Gtk::Image* status_icon_ = nullptr;
  Gtk::Label* status_headline_ = nullptr;
  Gtk::Label* status_detail_ = nullptr;
  Gtk::InfoBar* device_bar_ = nullptr;  // made in code, first in the content box
  Gtk::Label* device_headline_ = nullptr;
  Gtk::Label* device_detail_ = nullptr;
  Gtk::Image* mute_image_ = nullptr;
  Gtk::Image* deafen_image_ = nullptr;
  Gtk::Label* transmit_label_ = nullptr;
  Gtk::LevelBar* mic_level_ = nullptr;
  Gtk::Box* sensitivity_box_ = nullptr;
  Gtk::Scale* sensitivity_scale_ = nullptr;
  Gtk::Label* ptt_label_ = nullptr;
  Gtk::ListBox* teammate_list_ = nullptr;
  Gtk::ListBox* chat_list_ = nullptr;
  Gtk::ScrolledWindow* chat_scroller_ = nullptr;
  Gtk::Entry* chat_entry_ = nullptr;
  Gtk::Button* chat_send_ = nullptr;
  std::vector<TeammateRowWidget*> rows_;
  std::string ptt_hint_;
  double threshold_mark_ = -1;
  bool follow_chat_ = true;  // keep the newest message in view unless the user scrolled up
};

}  // namespace shotcall::ui
