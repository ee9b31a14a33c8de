#include "ui/preferences_dialog.hpp"

#include <sstream>
#include <utility>

#include "app/i18n/translate.hpp"
#include "ui/settings_keys.hpp"

namespace shotcall::ui {

namespace {

using i18n::tr;
using i18n::trc;

std::string join_commas(const std::vector<Glib::ustring>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i.raw();
  return out;
}

std::vector<Glib::ustring> split_commas(const std::string& text) {
  std::vector<Glib::ustring> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto first = item.find_first_not_of(' ');
    const auto last = item.find_last_not_of(' ');
    if (first != std::string::npos) out.push_back(item.substr(first, last - first + 1));
  }
  return out;
}

template <typename W>
W* widget(const Glib::RefPtr<Gtk::Builder>& b, const char* name) {
  W* w = nullptr;
  b->get_widget(name, w);
  return w;
}

}  // namespace

PreferencesDialog* PreferencesDialog::create(Gtk::Window& parent,
                                             const Glib::RefPtr<Gio::Settings>& settings,
                                             DeviceMonitor& devices) {
  auto builder = Gtk::Builder::create_from_resource("/io/github/shotcall/Shotcall/preferences.ui");
  PreferencesDialog* dialog = nullptr;
  builder->get_widget_derived("preferences_dialog", dialog);
  dialog->set_transient_for(parent);
  dialog->bind(settings, devices);
  return dialog;
}

PreferencesDialog::PreferencesDialog(BaseObjectType* cobject,
                                     const Glib::RefPtr<Gtk::Builder>& builder)
    : Gtk::Window(cobject), builder_(builder), identity_(std::make_unique<IdentityPage>(builder)) {}

void PreferencesDialog::show_page(const std::string& name) {
  widget<Gtk::Stack>(builder_, "pages")->set_visible_child(name);
}

void PreferencesDialog::bind(const Glib::RefPtr<Gio::Settings>& s, DeviceMonitor& devices) {
  settings_ = s;
  devices_ = &devices;
  const auto& b = builder_;
  s->bind(keys::kServerUrl, widget<Gtk::Entry>(b, "server_entry")->property_text());
  s->bind(keys::kRiotId, widget<Gtk::Entry>(b, "riot_id_entry")->property_text());
  s->bind(keys::kLcdUrl, widget<Gtk::Entry>(b, "lcd_url_entry")->property_text());
  s->bind(keys::kLcdCa, widget<Gtk::Entry>(b, "lcd_ca_entry")->property_text());
  s->bind(keys::kLanAddress, widget<Gtk::Entry>(b, "lan_address_entry")->property_text());
  s->bind(keys::kManualGame, widget<Gtk::Entry>(b, "manual_game_entry")->property_text());
  s->bind(keys::kEchoCancel, widget<Gtk::Switch>(b, "echo_switch")->property_active());
  s->bind(keys::kNoiseSuppression, widget<Gtk::Switch>(b, "noise_switch")->property_active());
  s->bind(keys::kVoiceMode, widget<Gtk::ComboBoxText>(b, "voice_mode_combo")->property_active_id());
  s->bind(keys::kStyle, widget<Gtk::ComboBoxText>(b, "style_combo")->property_active_id());
  detection_ = widget<Gtk::ComboBoxText>(b, "detection_combo");
  s->bind(keys::kDetectionMode, detection_->property_active_id());
  detection_note_ = widget<Gtk::Label>(b, "detection_note");
  detection_->signal_changed().connect([this] { show_mode_rows(); });
  show_mode_rows();

  // Keys whose type no widget property has: kept in step by hand.
  auto* team = widget<Gtk::ComboBoxText>(b, "manual_team_combo");
  team->set_active_id(std::to_string(s->get_int(keys::kManualTeam)));
  team->signal_changed().connect([this, team] {
    settings_->set_int(keys::kManualTeam, team->get_active_id() == "200" ? 200 : 100);
  });
  auto* teammates = widget<Gtk::Entry>(b, "manual_teammates_entry");
  teammates->set_text(join_commas(s->get_string_array(keys::kManualTeammates)));
  teammates->signal_changed().connect([this, teammates] {
    settings_->set_string_array(keys::kManualTeammates, split_commas(teammates->get_text()));
  });
  auto* bitrate = widget<Gtk::SpinButton>(b, "bitrate_spin");
  bitrate->set_value(s->get_int(keys::kBitrate) / 1000.0);
  bitrate->signal_value_changed().connect([this, bitrate] {
    settings_->set_int(keys::kBitrate, static_cast<int>(bitrate->get_value()) * 1000);
  });

  input_ = widget<Gtk::ComboBoxText>(b, "input_combo");
  output_ = widget<Gtk::ComboBoxText>(b, "output_combo");
  input_->signal_changed().connect([this] {
    if (!filling_) settings_->set_string(keys::kInputDevice, input_->get_active_id());
  });
  output_->signal_changed().connect([this] {
    if (!filling_) settings_->set_string(keys::kOutputDevice, output_->get_active_id());
  });
  refresh_devices();

  ptt_button_ = widget<Gtk::Button>(b, "ptt_button");
  ptt_note_ = widget<Gtk::Label>(b, "ptt_note");
  ptt_button_->signal_clicked().connect([this] {
    capturing_key_ = true;
    ptt_button_->set_label(tr("Press a key… (Esc cancels)"));
  });
  s->signal_changed(keys::kPttShortcut).connect([this](const Glib::ustring&) { show_ptt_key(); });
  show_ptt_key();

  signal_delete_event().connect([this](GdkEventAny*) {
    hide();
    return true;  // kept for the next time
  });
}

void PreferencesDialog::show_mode_rows() {
  const std::string mode = detection_->get_active_id();
  const bool local = mode == "local", manual = mode == "manual", lan = mode == "lan";
  // LAN mode reads the same game data on another computer: its address, and the same CA.
  const std::pair<const char*, bool> game_rows[] = {
      {"lcd_url_entry", local}, {"lan_address_entry", lan}, {"lcd_ca_entry", local || lan}};
  for (const auto& [name, shown] : game_rows) {
    widget<Gtk::Widget>(builder_, name)->set_visible(shown);
    widget<Gtk::Widget>(builder_, (std::string{name} + "_label").c_str())->set_visible(shown);
  }
  for (const char* name : {"manual_game_entry", "manual_team_combo", "manual_teammates_entry"}) {
    widget<Gtk::Widget>(builder_, name)->set_visible(manual);
    widget<Gtk::Widget>(builder_, (std::string{name} + "_label").c_str())->set_visible(manual);
  }
  if (local) {
    detection_note_->set_text(tr(
        "Shotcall reads the game League runs on this computer. Your Riot ID comes from the game."));
  } else if (lan) {
    // Translators: "netsh interface portproxy" is a Windows command: keep it as it is.
    detection_note_->set_text(
        tr("League on a Windows computer of your network, its game data forwarded there with "
           "netsh interface portproxy (the first-run page shows the command). Riot's certificate "
           "is accepted for this address only."));
  } else if (manual) {
    detection_note_->set_text(
        tr("Everyone on the team enters the same game name and the whole team's Riot IDs."));
  } else {
    detection_note_->set_text(
        tr("For League on another computer: your Shotcall server follows your Riot ID through "
           "Riot's services and starts the call when your game does."));
  }
}

void PreferencesDialog::fill_devices(Gtk::ComboBoxText& combo,
                                     const std::vector<AudioDevice>& devices, const char* key) {
  filling_ = true;
  const std::string chosen = settings_->get_string(key);
  combo.remove_all();
  // Translators: the first choice of the microphone and output lists.
  combo.append("", trc("audio device", "System default"));
  bool found = chosen.empty();
  for (const auto& d : devices) {
    combo.append(d.fragment, d.name);
    if (d.fragment == chosen) found = true;
  }
  // A saved device that is unplugged stays selected, so plugging it back in just works.
  if (!found) combo.append(chosen, tr("Saved device (not connected)"));
  combo.set_active_id(chosen);
  filling_ = false;
}

void PreferencesDialog::refresh_devices() {
  if (!devices_) return;
  fill_devices(*input_, devices_->inputs(), keys::kInputDevice);
  fill_devices(*output_, devices_->outputs(), keys::kOutputDevice);
}

void PreferencesDialog::show_ptt_hint(const std::string& hint) {
  if (ptt_note_) ptt_note_->set_text(hint);
}

void PreferencesDialog::show_command_line_note(bool shown) {
  widget<Gtk::Label>(builder_, "command_line_note")->set_visible(shown);
}

void PreferencesDialog::show_ptt_key() {
  guint key = 0;
  GdkModifierType mods{};
  gtk_accelerator_parse(settings_->get_string(keys::kPttShortcut).c_str(), &key, &mods);
  gchar* label = key ? gtk_accelerator_get_label(key, mods) : nullptr;
  ptt_button_->set_label(label ? label : trc("push-to-talk key", "None"));
  g_free(label);
}

bool PreferencesDialog::on_key_press_event(GdkEventKey* event) {
  if (!capturing_key_) return Gtk::Window::on_key_press_event(event);
  if (event->is_modifier) return true;  // wait for the key itself
  capturing_key_ = false;
  if (event->keyval != GDK_KEY_Escape) {
    const auto mods = static_cast<GdkModifierType>(event->state & gtk_accelerator_get_default_mod_mask());
    gchar* name = gtk_accelerator_name(gdk_keyval_to_lower(event->keyval), mods);
    settings_->set_string(keys::kPttShortcut, name);
    g_free(name);
  }
  show_ptt_key();
  return true;
}

}  // namespace shotcall::ui
