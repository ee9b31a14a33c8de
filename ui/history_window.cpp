#include "ui/history_window.hpp"

#include "app/history/history_store.hpp"
#include "app/history/history_text.hpp"
#include "app/i18n/translate.hpp"

namespace shotcall::ui {

namespace {

HistoryWindow* g_window = nullptr;  // the one History window while it is open

Gtk::Label* label(const std::string& text, std::initializer_list<const char*> classes) {
  auto* l = Gtk::manage(new Gtk::Label(text));
  l->set_xalign(0);
  l->set_line_wrap(true);
  for (const char* c : classes) l->get_style_context()->add_class(c);
  return l;
}

Gtk::ListBoxRow* game_row(const history::GameRecord& game) {
  const history::GameText text = history::describe_game(game);
  auto* box = Gtk::manage(new Gtk::Box(Gtk::ORIENTATION_VERTICAL, 2));
  box->set_margin_start(12);
  box->set_margin_end(12);
  box->set_margin_top(8);
  box->set_margin_bottom(8);
  auto* head = Gtk::manage(new Gtk::Box(Gtk::ORIENTATION_HORIZONTAL, 12));
  auto* title = label(text.title, {"heading"});
  title->set_hexpand(true);
  head->pack_start(*title);
  auto* when = label(text.when, {"dim-label", "caption"});
  when->set_line_wrap(false);
  head->pack_end(*when, Gtk::PACK_SHRINK);
  box->pack_start(*head);
  box->pack_start(*label(text.summary, {"dim-label"}));
  for (const auto& line : text.teammates) box->pack_start(*label(line, {"caption"}));

  auto* row = Gtk::manage(new Gtk::ListBoxRow());
  row->set_activatable(false);
  row->set_selectable(false);
  row->add(*box);
  row->get_accessible()->set_name(text.accessible);
  row->show_all();
  return row;
}

}  // namespace

HistoryWindow* HistoryWindow::present_for(Gtk::Window& parent, const std::string& path) {
  if (!g_window) {
    auto builder =
        Gtk::Builder::create_from_resource("/io/github/shotcall/Shotcall/history_window.ui");
    builder->get_widget_derived("history_window", g_window);
    g_window->set_transient_for(parent);
    g_window->signal_hide().connect([] { delete g_window; });
  }
  // Read afresh each time: a game may have ended since. Read-only: the running call may hold the
  // file, so viewing never moves a damaged file aside nor takes a write lock on the main thread.
  // A damaged or locked file never gets in the way: the window says so and shows what it can.
  std::string note;
  std::vector<history::GameRecord> games;
  if (auto store = history::HistoryStore::open_for_reading(path, &note)) {
    std::string error;
    games = store->recent(kShownGames, &error);
    if (!error.empty()) note += (note.empty() ? "" : " ") + error;
  }
  g_window->show_games(games, note);
  g_window->present();
  return g_window;
}

HistoryWindow::HistoryWindow(BaseObjectType* cobject, const Glib::RefPtr<Gtk::Builder>& builder)
    : Gtk::Window(cobject) {
  builder->get_widget("note_label", note_);
  builder->get_widget("history_stack", stack_);
  builder->get_widget("empty_label", empty_);
  builder->get_widget("games_list", list_);
  empty_->set_text(i18n::tr(history::kEmptyHistoryText));
}

HistoryWindow::~HistoryWindow() {
  if (g_window == this) g_window = nullptr;
}

void HistoryWindow::show_games(const std::vector<history::GameRecord>& games,
                               const std::string& note) {
  note_->set_text(note);
  note_->set_visible(!note.empty());
  for (auto* child : list_->get_children()) list_->remove(*child);
  for (const auto& game : games) list_->append(*game_row(game));
  shown_ = games.size();
  stack_->set_visible_child(games.empty() ? "empty" : "games");
}

}  // namespace shotcall::ui
