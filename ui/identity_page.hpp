// Preferences → Identity (resources/preferences.ui, "identity_page"): Riot verification, linking
// this device, approving another, the bound devices with an Unlink each, and the server's access
// token. Shows an IdentityView (ui/identity_model.hpp); every button is a callback the
// application wires to the CallController.
#pragma once

#include <gtkmm.h>

#include <functional>
#include <optional>
#include <string>

#include "ui/identity_model.hpp"

namespace shotcall::ui {

class IdentityPage {
 public:
  struct Actions {
    std::function<void()> verify;
    std::function<void()> check;
    std::function<void()> link;
    std::function<void(const std::string& code)> approve;
    std::function<void()> refresh_devices;
    std::function<void(const std::string& key)> unlink;
    std::function<void(const std::string& token)> save_token;
  };

  explicit IdentityPage(const Glib::RefPtr<Gtk::Builder>& builder);
  void set_actions(Actions actions) { actions_ = std::move(actions); }

  void show(const IdentityView& view);
  // Where the token is kept (TokenStore::note()), and whether one is set.
  void show_token(const std::string& note, bool has_token);

 private:
  void show_devices(const IdentityView& view);

  Actions actions_;
  Gtk::Label* server_text_ = nullptr;
  Gtk::Label* verify_text_ = nullptr;
  Gtk::Label* verify_icon_ = nullptr;
  Gtk::Button* verify_ = nullptr;
  Gtk::Button* check_ = nullptr;
  Gtk::Label* my_fingerprint_ = nullptr;
  Gtk::Label* link_text_ = nullptr;
  Gtk::Button* link_ = nullptr;
  Gtk::Label* link_code_ = nullptr;
  Gtk::Label* approve_text_ = nullptr;
  Gtk::Entry* approve_entry_ = nullptr;
  Gtk::Button* approve_ = nullptr;
  Gtk::ListBox* devices_ = nullptr;
  Gtk::Button* refresh_ = nullptr;
  Gtk::Label* devices_text_ = nullptr;
  Gtk::Entry* token_entry_ = nullptr;
  Gtk::Button* token_button_ = nullptr;
  Gtk::Label* token_note_ = nullptr;
  std::optional<IdentityView> shown_;  // the window refreshes often: redraw only on change
  std::vector<DeviceRowView> shown_devices_;  // rebuilt only when they change
};

}  // namespace shotcall::ui
