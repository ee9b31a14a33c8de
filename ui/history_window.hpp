// The History window (resources/history_window.ui): the latest games from the player's history,
// newest first, each with its map and mode, side, champion, length and the teammates (who was in
// voice, how their link held up), or a sentence when there are none yet.
#pragma once

#include <gtkmm.h>

#include <string>
#include <vector>

#include "app/history/game_record.hpp"

namespace shotcall::ui {

class HistoryWindow : public Gtk::Window {
 public:
  // How many games the window lists.
  static constexpr int kShownGames = 50;

  // Reads the history at `path` and shows it, transient for `parent`: the one History window,
  // made on first use and refreshed and raised after; it deletes itself when closed.
  static HistoryWindow* present_for(Gtk::Window& parent, const std::string& path);
  HistoryWindow(BaseObjectType* cobject, const Glib::RefPtr<Gtk::Builder>& builder);
  ~HistoryWindow() override;

  // `note`: what the history file had to say (damaged and moved aside, locked, ...), or empty.
  void show_games(const std::vector<history::GameRecord>& games, const std::string& note);
  std::size_t games_shown() const { return shown_; }

 private:
  Gtk::Label* note_ = nullptr;
  Gtk::Stack* stack_ = nullptr;
  Gtk::Label* empty_ = nullptr;
  Gtk::ListBox* list_ = nullptr;
  std::size_t shown_ = 0;
};

}  // namespace shotcall::ui
