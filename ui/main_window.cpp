#include "ui/main_window.hpp"

#include "app/i18n/translate.hpp"
#include "ui/settings_keys.hpp"
#include "ui/teammate_row.hpp"

namespace shotcall::ui {

using i18n::fill;
using i18n::tr;
using i18n::trc;

namespace {

const char* tone_icon(Tone tone) {
  switch (tone) {
    case Tone::Good: return "call-start-symbolic";
    case Tone::Warning: return "dialog-warning-symbolic";
    case Tone::Error: return "dialog-error-symbolic";
    case Tone::Neutral: break;
  }
  return "io.github.shotcall.Shotcall-symbolic";
}

void set_class(Gtk::Widget& w, const char* name, bool on) {
  if (on)
    w.get_style_context()->add_class(name);
  else
    w.get_style_context()->remove_class(name);
}

}  // namespace

MainWindow* MainWindow::create(const Glib::RefPtr<Gio::Settings>& settings) {
  auto builder = Gtk::Builder::create_from_resource("/io/github/shotcall/Shotcall/main_window.ui");
  MainWindow* window = nullptr;
  builder->get_widget_derived("main_window", window);
  window->bind_settings(settings);
  return window;
}

MainWindow::MainWindow(BaseObjectType* cobject, const Glib::RefPtr<Gtk::Builder>& builder)
    : Gtk::ApplicationWindow(cobject) {
  builder->get_widget("status_box", status_box_);
  builder->get_widget("status_icon", status_icon_);
  builder->get_widget("status_headline", status_headline_);
  builder->get_widget("status_detail", status_detail_);
  builder->get_widget("mute_image", mute_image_);
  builder->get_widget("deafen_image", deafen_image_);
  builder->get_widget("transmit_label", transmit_label_);
  builder->get_widget("mic_level", mic_level_);
  builder->get_widget("sensitivity_box", sensitivity_box_);
  builder->get_widget("sensitivity_scale", sensitivity_scale_);
  builder->get_widget("ptt_label", ptt_label_);
  builder->get_widget("teammate_list", teammate_list_);
  builder->get_widget("chat_list", chat_list_);
  builder->get_widget("chat_scroller", chat_scroller_);
  builder->get_widget("chat_entry", chat_entry_);
  builder->get_widget("chat_send", chat_send_);
  make_device_bar(builder);

  // The theme's low/high/full colours say nothing here: the bar has two regions, below and
  // above the sensitivity (show_voice moves the mark).
  mic_level_->remove_offset_value(GTK_LEVEL_BAR_OFFSET_LOW);
  mic_level_->remove_offset_value(GTK_LEVEL_BAR_OFFSET_HIGH);
  mic_level_->remove_offset_value(GTK_LEVEL_BAR_OFFSET_FULL);
  mic_level_->add_offset_value("gate-open", 1.0);
  // (GtkLevelBar's .ui parser takes no <style>.)
  mic_level_->get_style_context()->add_class("mic");
  sensitivity_scale_->signal_format_value().connect(
      [](double v) {
        const std::string level = std::to_string(static_cast<int>(v));
        // Translators: the microphone's opening level in decibels; {level} is a number ("-40").
        return Glib::ustring{fill(tr("{level} dB"), {{"level", level}})};
      },
      false);

  chat_entry_->signal_activate().connect([this] { send_chat(); });
  chat_send_->signal_clicked().connect([this] { send_chat(); });
  auto adjustment = chat_scroller_->get_vadjustment();
  adjustment->signal_value_changed().connect([this, adjustment] {
    follow_chat_ = adjustment->get_value() + adjustment->get_page_size() >= adjustment->get_upper() - 4;
  });
  adjustment->signal_changed().connect([this, adjustment] {
    if (follow_chat_) adjustment->set_value(adjustment->get_upper() - adjustment->get_page_size());
  });
}

void MainWindow::bind_settings(const Glib::RefPtr<Gio::Settings>& settings) {
  settings_ = settings;
  settings->bind(keys::kVadThresholdDb, sensitivity_scale_->get_adjustment()->property_value());
  set_default_size(settings->get_int(keys::kWindowWidth), settings->get_int(keys::kWindowHeight));
  if (settings->get_boolean(keys::kWindowMaximized)) maximize();
  // Remember the size the user gave the window (not while maximized).
  signal_delete_event().connect(
      [this](GdkEventAny*) {
        if (!is_maximized()) {
          int w = 0, h = 0;
          get_size(w, h);
          settings_->set_int(keys::kWindowWidth, w);
          settings_->set_int(keys::kWindowHeight, h);
        }
        settings_->set_boolean(keys::kWindowMaximized, is_maximized());
        return false;
      },
      false);
}

void MainWindow::show_status(const StatusText& status) {
  status_headline_->set_text(status.headline);
  status_detail_->set_text(status.detail);
  status_detail_->set_visible(!status.detail.empty());
  status_icon_->set_from_icon_name(tone_icon(status.tone), Gtk::ICON_SIZE_DIALOG);
  set_class(*status_box_, "good", status.tone == Tone::Good);
  set_class(*status_box_, "warning", status.tone == Tone::Warning);
  set_class(*status_box_, "error", status.tone == Tone::Error);
  status_headline_->get_accessible()->set_name(status.headline);
  status_headline_->get_accessible()->set_description(status.detail);
}

void MainWindow::make_device_bar(const Glib::RefPtr<Gtk::Builder>& builder) {
  Gtk::Box* content = nullptr;
  builder->get_widget("content", content);
  device_bar_ = Gtk::manage(new Gtk::InfoBar());
  device_bar_->set_message_type(Gtk::MESSAGE_WARNING);
  device_bar_->set_name("device_banner");
  auto* text = Gtk::manage(new Gtk::Box(Gtk::ORIENTATION_VERTICAL, 4));
  device_headline_ = Gtk::manage(new Gtk::Label());
  device_detail_ = Gtk::manage(new Gtk::Label());
  for (Gtk::Label* l : {device_headline_, device_detail_}) {
    l->set_xalign(0);
    l->set_line_wrap(true);
    l->set_max_width_chars(60);
    text->pack_start(*l, false, false);
  }
  device_headline_->get_style_context()->add_class("heading");
  dynamic_cast<Gtk::Container*>(device_bar_->get_content_area())->add(*text);
  device_bar_->add_button(tr("_Preferences"), Gtk::RESPONSE_ACCEPT);
  device_bar_->signal_response().connect([this](int) {
    if (auto app = get_application()) app->activate_action("preferences");
  });
  text->show_all();
  content->pack_start(*device_bar_, false, false);
  content->reorder_child(*device_bar_, 0);
  device_bar_->hide();
}

void MainWindow::show_device_banner(const DeviceBanner& banner) {
  device_bar_->set_visible(banner.shown());
  if (!banner.shown()) return;
  device_headline_->set_markup("<b>" + Glib::Markup::escape_text(banner.headline) + "</b>");
  device_detail_->set_text(banner.detail);
  device_bar_->get_accessible()->set_name(banner.headline);
  device_bar_->get_accessible()->set_description(banner.detail);
}

void MainWindow::show_rows(const std::vector<TeammateRow>& rows) {
  bool same = rows.size() == rows_.size();
  for (std::size_t i = 0; same && i < rows.size(); ++i) same = rows_[i]->key() == rows[i].key;
  if (!same) {
    // Who is on the team changed: a new list (a new game, or someone appeared).
    for (auto* row : rows_) gtk_widget_destroy(GTK_WIDGET(row->gobj()));
    rows_.clear();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto* row = TeammateRowWidget::append_to(*teammate_list_);
      row->on_volume = [this](const std::string& key, double v) {
        if (on_peer_volume) on_peer_volume(key, v);
      };
      row->on_muted = [this](const std::string& key, bool m) {
        if (on_peer_muted) on_peer_muted(key, m);
      };
      rows_.push_back(row);
    }
  }
  for (std::size_t i = 0; i < rows.size(); ++i) rows_[i]->show_row(rows[i]);
}

void MainWindow::show_level(double rms_db) { mic_level_->set_value(level_fraction(rms_db)); }

void MainWindow::show_voice(const VoiceGate& gate, bool heard) {
  // The bar's fill turns from grey to green where the gate opens (style.css).
  const double mark = level_fraction(gate.threshold_db());
  if (mark != threshold_mark_) {
    threshold_mark_ = mark;
    mic_level_->remove_offset_value("gate-closed");
    mic_level_->add_offset_value("gate-closed", mark);
  }
  const bool ptt = gate.mode() == VoiceMode::PushToTalk;
  // With push-to-talk the level says nothing about the gate: grey unless the key is held.
  set_class(*mic_level_, "ptt-idle", ptt && !gate.open());
  sensitivity_box_->set_visible(!ptt);
  ptt_label_->set_visible(ptt && !ptt_hint_.empty());
  std::string text;
  // Translators: the words beside the microphone level say whether the team hears the player.
  if (gate.user_muted())
    text = trc("microphone state", "Muted");
  else if (gate.open())
    text =
        heard ? trc("microphone state", "Your team hears you") : trc("microphone state", "Talking");
  else
    text = ptt ? trc("microphone state", "Not talking") : trc("microphone state", "Silent");
  transmit_label_->set_text(text);
  set_class(*transmit_label_, "on", !gate.user_muted() && gate.open());
  set_class(*transmit_label_, "muted", gate.user_muted());
}

void MainWindow::show_ptt_hint(const std::string& hint) {
  ptt_hint_ = hint;
  ptt_label_->set_text(hint);
}

void MainWindow::show_muted(bool muted) {
  mute_image_->set_from_icon_name(muted ? "microphone-sensitivity-muted-symbolic"
                                        : "audio-input-microphone-symbolic",
                                  Gtk::ICON_SIZE_BUTTON);
}

void MainWindow::show_deafened(bool deafened) {
  deafen_image_->set_from_icon_name(deafened ? "audio-volume-muted-symbolic"
                                             : "audio-speakers-symbolic",
                                    Gtk::ICON_SIZE_BUTTON);
}

void MainWindow::show_chat(const ChatLog& log) {
  // Destroying a managed row removes it and frees its wrapper.
  for (Gtk::Widget* child : chat_list_->get_children()) gtk_widget_destroy(child->gobj());
  for (const ChatLine& line : log.lines()) {
    auto* label = Gtk::manage(new Gtk::Label());
    const std::string who = Glib::Markup::escape_text(line.riot_id);
    const std::string text = Glib::Markup::escape_text(line.text);
    const std::string clock = Glib::Markup::escape_text(chat_clock(line.ts_ms));
    if (line.from_shotcall) {
      label->set_markup("<i>" + who + " " + text + "</i>  <small>" + clock + "</small>");
      label->get_style_context()->add_class("system");
    } else {
      label->set_markup("<b>" + who + "</b>  " + text + "  <small>" + clock + "</small>");
      if (line.mine) label->get_style_context()->add_class("mine");
    }
    label->set_xalign(0);
    label->set_line_wrap(true);
    label->set_line_wrap_mode(Pango::WRAP_WORD_CHAR);
    label->set_selectable(false);
    label->show();
    auto* row = Gtk::manage(new Gtk::ListBoxRow());
    row->add(*label);
    row->set_activatable(false);
    const std::string spoken =
        // Translators: a chat line for a screen reader: {name} is who wrote it (or "Shotcall
        // server"), {message} what they wrote.
        fill(tr("{name}: {message}"), {{"name", line.riot_id}, {"message", line.text}});
    row->get_accessible()->set_name(spoken);
    row->show();
    chat_list_->append(*row);
  }
}

void MainWindow::send_chat() {
  const std::string text = chat_entry_->get_text();
  std::string trimmed;
  if (!chat_text_sendable(text, &trimmed)) return;
  if (on_chat_send) on_chat_send(trimmed);
  chat_entry_->set_text("");
  follow_chat_ = true;
}

bool MainWindow::on_key_press_event(GdkEventKey* event) {
  if (on_key && on_key(event->keyval, static_cast<GdkModifierType>(event->state), true)) return true;
  return Gtk::ApplicationWindow::on_key_press_event(event);
}

bool MainWindow::on_key_release_event(GdkEventKey* event) {
  if (on_key && on_key(event->keyval, static_cast<GdkModifierType>(event->state), false)) return true;
  return Gtk::ApplicationWindow::on_key_release_event(event);
}

}  // namespace shotcall::ui
