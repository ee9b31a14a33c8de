// One teammate in the window's team list (resources/teammate_row.ui): name, identity badge,
// champion, whether they run Shotcall, link state and quality, a speaking indicator, their volume and a mute,
// whether the link is direct or relayed, and in words why a teammate cannot be reached.
#pragma once

#include <gtkmm.h>

#include <functional>

#include "ui/teammate_rows.hpp"

namespace shotcall::ui {

class TeammateRowWidget : public Gtk::ListBoxRow {
 public:
  // A new row at the end of `list`, which owns it. (Added before the builder that made it goes
  // away: the builder holds the only reference until then.)
  static TeammateRowWidget* append_to(Gtk::ListBox& list);
  TeammateRowWidget(BaseObjectType* cobject, const Glib::RefPtr<Gtk::Builder>& builder);

  void show_row(const TeammateRow& row);
  const std::string& key() const { return row_.key; }

  std::function<void(const std::string& key, double volume)> on_volume;
  std::function<void(const std::string& key, bool muted)> on_muted;

 private:
  TeammateRow row_;
  Gtk::Image* speaking_ = nullptr;
  Gtk::Label* name_ = nullptr;
  Gtk::Label* champion_ = nullptr;
  Gtk::Label* badge_ = nullptr;  // identity-1: "verified" / "not verified"
  Gtk::Image* quality_icon_ = nullptr;
  Gtk::Label* state_ = nullptr;
  Gtk::Label* route_ = nullptr;    // "Direct" / "Relayed"
  Gtk::Label* failure_ = nullptr;  // why the teammate cannot be reached
  Gtk::Label* played_before_ = nullptr;  // "Played together 3 times before" (the history)
  Gtk::Scale* volume_ = nullptr;
  Gtk::ToggleButton* mute_ = nullptr;
  Gtk::Image* mute_image_ = nullptr;
  bool updating_ = false;  // programmatic changes do not echo back as user actions
};

}  // namespace shotcall::ui
