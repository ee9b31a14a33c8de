#include "ui/application.hpp"

#include <glib-unix.h>

#include <cstdio>

#include "app/history/history_store.hpp"
#include "app/i18n/translate.hpp"
#include "ui/call_settings.hpp"
#include "ui/first_run_window.hpp"
#include "ui/frame_events.hpp"
#include "ui/history_window.hpp"
#include "ui/main_window.hpp"
#include "ui/peer_memory_settings.hpp"
#include "ui/preferences_dialog.hpp"
#include "ui/settings_keys.hpp"
#include "ui/x11_window.hpp"

namespace shotcall::ui {

using i18n::fill;
using i18n::tr;

namespace {
constexpr const char* kResources = "/io/github/shotcall/Shotcall/";
// Typing a server address must not restart the call at every keystroke.
constexpr unsigned kRestartDelayMs = 800;
}  // namespace

Glib::RefPtr<Application> Application::create() {
  return Glib::RefPtr<Application>(new Application());
}

Application::Application() : Gtk::Application(kApplicationId) {
  Glib::set_application_name("Shotcall");
  add_command_line_options(*this);
  signal_handle_local_options().connect(
      sigc::mem_fun(*this, &Application::on_handle_local_options), false);
  signal_shutdown().connect(sigc::mem_fun(*this, &Application::on_quit));
}

Application::~Application() = default;

int Application::on_handle_local_options(const Glib::RefPtr<Glib::VariantDict>& options) {
  std::string error;
  cli_ = read_command_line(options, &error);
  if (cli_.version) {
    std::printf("shotcall %s\n", SHOTCALL_VERSION);
    return 0;
  }
  if (!error.empty()) {
    const std::string line =
        // Translators: a command-line error; {error} says what was wrong with the options.
        fill(tr("shotcall: {error} (see --help)"), {{"error", error}});
    std::fprintf(stderr, "%s\n", line.c_str());
    return 2;
  }
  return -1;  // go on: register, then activate
}

void Application::on_startup() {
  Gtk::Application::on_startup();
  settings_ = Gio::Settings::create(keys::kSchemaId);
  // GNOME's own light/dark choice, read when the desktop has it.
  auto source = Gio::SettingsSchemaSource::get_default();
  if (auto schema = source ? source->lookup("org.gnome.desktop.interface", true) : Glib::RefPtr<Gio::SettingsSchema>()) {
    if (schema->has_key("color-scheme")) {
      desktop_interface_ = Gio::Settings::create("org.gnome.desktop.interface");
      desktop_interface_->signal_changed("color-scheme").connect([this](const Glib::ustring&) { apply_style(); });
    }
  }

  auto css = Gtk::CssProvider::create();
  css->load_from_resource(std::string{kResources} + "style.css");
  Gtk::StyleContext::add_provider_for_screen(Gdk::Screen::get_default(), css,
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  Gtk::Window::set_default_icon_name(kApplicationId);
  // The demo script and the tests stop the app with SIGTERM: leave the call as Quit would.
  for (int signal : {SIGINT, SIGTERM}) {
    g_unix_signal_add(signal, [](gpointer self) -> gboolean {
      static_cast<Application*>(self)->quit();
      return G_SOURCE_CONTINUE;
    }, this);
  }
  add_actions();
  load_peer_memory(settings_, model_.memory());
  settings_->signal_changed().connect(sigc::mem_fun(*this, &Application::on_setting_changed));

  CallController::Listener listener;
  listener.on_changed = [this] { refresh(); };
  listener.on_level = [this](double db) {
    if (window_) window_->show_level(db);
  };
  listener.on_chat = [this](const ChatLine&) {
    if (window_) window_->show_chat(model_.chat());
  };
  listener.on_channel_formed = [this] {
    if (window_) window_->show_chat(model_.chat());
    const auto& game = model_.game();
    // Translators: a desktop notification's title when the team's call forms.
    notify("channel", tr("Your team's call is on"),
           // Translators: the notification's body; {side} is "blue side", "red side" or
           // "team {id}".
           game ? fill(tr("In game as {side}."), {{"side", team_name(game->target.team_id.text)}})
                : "");
  };
  listener.on_teammate = [this](const TeammateChange& c) {
    const char* pattern = c.joined
                              // Translators: a desktop notification; {name} is a Riot ID.
                              ? tr("{name} joined the call")
                              // Translators: a desktop notification; {name} is a Riot ID.
                              : tr("{name} left the call");
    notify("teammate", fill(pattern, {{"name", c.riot_id}}), "");
  };
  listener.on_event = [this](const std::string& line) { emit(line); };
  call_ = std::make_unique<CallController>(model_, std::move(listener));

  PushToTalk::Events pe;
  pe.on_key = [this](bool pressed) {
    if (call_) call_->set_push_to_talk(pressed);
  };
  pe.on_status = [this] {
    emit("ptt-hint " + ptt_->hint());  // what the window says about the key, then where
    emit(std::string{"ptt "} + to_string(ptt_->backend()));
    if (window_) window_->show_ptt_hint(ptt_->hint());
    if (preferences_) preferences_->show_ptt_hint(ptt_->hint());
  };
  ptt_ = std::make_unique<PushToTalk>(std::move(pe));

  devices_ = std::make_unique<DeviceMonitor>();
  auto on_devices = [this] {
    if (preferences_) preferences_->refresh_devices();
    // The call follows: to the default device when the chosen one went away, back when it returns.
    std::vector<std::string> inputs;
    std::vector<std::string> outputs;
    for (const auto& d : devices_->inputs()) inputs.push_back(d.fragment);
    for (const auto& d : devices_->outputs()) outputs.push_back(d.fragment);
    if (call_) call_->devices_changed(std::move(inputs), std::move(outputs));
  };
  devices_->start(on_devices);
  on_devices();  // the lists as they are now, for the first call
}

void Application::add_actions() {
  // Mute and deafen are the settings themselves: a toggle anywhere is a toggle everywhere.
  add_action(settings_->create_action(keys::kMuted));
  add_action(settings_->create_action(keys::kDeafened));
  add_action("preferences", [this] { show_preferences(); });
  add_action("identity", [this] { show_identity(); });
  add_action("shortcuts", [this] { show_shortcuts(); });
  // The recent games. For scripts: "history-shown <games listed> [<X11 id>]" once drawn.
  add_action("history", [this] {
    HistoryWindow* shown = HistoryWindow::present_for(window(), history::default_history_path());
    const std::string xid = shown->get_window() ? x11_window_id(shown->get_window()->gobj()) : "";
    const std::string line = "history-shown " + std::to_string(shown->games_shown()) +
                             (xid.empty() ? "" : " " + xid);
    after_frames(*shown, 2, [this, line] { emit(line); });
  });
  add_action("about", [this] { show_about(); });
  add_action("quit", [this] { quit(); });
  set_accel_for_action(std::string{"app."} + keys::kMuted, "<Primary>m");
  set_accel_for_action(std::string{"app."} + keys::kDeafened, "<Primary>d");
  set_accel_for_action("app.preferences", "<Primary>comma");
  set_accel_for_action("app.identity", "<Primary>i");
  set_accel_for_action("app.shortcuts", "<Primary>question");
  set_accel_for_action("app.history", "<Primary>h");
  set_accel_for_action("app.quit", "<Primary>q");
}

void Application::on_activate() {
  if (first_run_) {
    first_run_->present();
    return;
  }
  if (!window_ && first_run_wanted(settings_->get_boolean(keys::kFirstRunDone), cli_)) {
    show_first_run();
    return;
  }
  const bool first = window_ == nullptr;
  MainWindow& w = window();
  w.present();
  if (first) start_call();
}

MainWindow& Application::window() {
  if (window_) return *window_;
  window_ = MainWindow::create(settings_);
  add_window(*window_);
  window_->on_peer_volume = [this](const std::string& key, double v) {
    call_->set_peer_volume(key, v);
    save_peer_memory_soon();
  };
  window_->on_peer_muted = [this](const std::string& key, bool m) {
    call_->set_peer_muted(key, m);
    save_peer_memory_soon();
  };
  window_->on_chat_send = [this](const std::string& text) { call_->send_chat(text); };
  window_->on_key = [this](guint keyval, GdkModifierType state, bool pressed) {
    return model_.gate().mode() == VoiceMode::PushToTalk && ptt_->window_key(keyval, state, pressed);
  };
  window_->signal_map_event().connect(
      [this](GdkEventAny*) {
        const std::string xid = x11_window_id(window_->get_window() ? window_->get_window()->gobj() : nullptr);
        emit("window-mapped" + (xid.empty() ? "" : " " + xid));
        return false;
      },
      false);
  // For scripts and the tests: whether the player looks at the window (notify() speaks only
  // when not).
  window_->property_is_active().signal_changed().connect(
      [this] { emit(std::string{"window-active "} + (window_->is_active() ? "on" : "off")); });
  window_->signal_hide().connect([this] {
    // Closing the window quits: a call with no window would be a hidden microphone.
    delete window_;
    window_ = nullptr;
  });
  apply_style();
  apply_voice_settings();
  window_->show_muted(settings_->get_boolean(keys::kMuted));
  window_->show_deafened(settings_->get_boolean(keys::kDeafened));
  window_->show_ptt_hint(ptt_->hint());
  window_->show_chat(model_.chat());
  refresh();
  return *window_;
}

void Application::show_first_run() {
  first_run_ = FirstRunWindow::create(settings_);
  add_window(*first_run_);
  first_run_->on_event = [this](const std::string& line) { emit(line); };
  first_run_->on_done = [this] {
    // The main window first, so the application always has one; the page goes on the next turn
    // (this runs inside its button's handler).
    MainWindow& w = window();
    w.present();
    start_call();
    // Watching a Riot ID on a server that verifies: the seat is the player's once verified, so
    // the page that does it comes next.
    if (first_run_->verification_next()) show_identity();
    first_run_->hide();
  };
  first_run_->signal_hide().connect([this] {
    // Closed without Start: the app has no other window and quits, as closing the main one does.
    Glib::signal_idle().connect_once([fr = first_run_] { delete fr; });
    first_run_ = nullptr;
  });
  // For scripts: the page is on screen (its X11 id, to drive and screenshot it).
  auto once = std::make_shared<sigc::connection>();
  *once = first_run_->signal_map_event().connect(
      [this, once](GdkEventAny*) {
        once->disconnect();
        const auto xid = x11_window_id(first_run_->get_window()->gobj());
        after_frames(*first_run_, 2, [this, xid] {
          emit("first-run-mapped" + (xid.empty() ? "" : " " + xid));
        });
        return false;
      },
      false);
  first_run_->present();
}

void Application::start_call() {
  restart_timer_.disconnect();
  CallConfig config = call_config_from(settings_, cli_);
  config.token = tokens_.load(config.server_url);
  call_->start(std::move(config));
  call_->set_muted(settings_->get_boolean(keys::kMuted));
  call_->set_deafened(settings_->get_boolean(keys::kDeafened));
  refresh();
}

void Application::on_setting_changed(const Glib::ustring& key) {
  const std::string k = key.raw();
  if (key_restarts_call(k)) {
    restart_timer_.disconnect();
    restart_timer_ = Glib::signal_timeout().connect(
        [this] {
          emit("restart");
          start_call();
          return false;
        },
        kRestartDelayMs);
  } else if (k == keys::kMuted) {
    const bool muted = settings_->get_boolean(keys::kMuted);
    call_->set_muted(muted);
    if (window_) window_->show_muted(muted);
    emit(std::string{"muted "} + (muted ? "on" : "off"));
  } else if (k == keys::kDeafened) {
    const bool deafened = settings_->get_boolean(keys::kDeafened);
    call_->set_deafened(deafened);
    if (window_) window_->show_deafened(deafened);
    emit(std::string{"deafened "} + (deafened ? "on" : "off"));
  } else if (k == keys::kBitrate) {
    call_->set_bitrate(settings_->get_int(keys::kBitrate));
  } else if (k == keys::kVoiceMode || k == keys::kVadThresholdDb || k == keys::kPttShortcut) {
    apply_voice_settings();
  } else if (k == keys::kStyle) {
    apply_style();
  } else if (k == keys::kPeerVolumes || k == keys::kPeerMuted) {
    if (!save_timer_.connected()) load_peer_memory(settings_, model_.memory());  // changed elsewhere (another tool)
  }
}

void Application::apply_voice_settings() {
  const bool ptt = settings_->get_string(keys::kVoiceMode) == "push-to-talk";
  call_->set_threshold_db(settings_->get_double(keys::kVadThresholdDb));
  call_->set_voice_mode(ptt ? VoiceMode::PushToTalk : VoiceMode::VoiceActivity);
  if (ptt)
    ptt_->enable(settings_->get_string(keys::kPttShortcut));
  else if (ptt_->backend() != PttBackend::Off)
    ptt_->disable();
  refresh();
}

void Application::apply_style() {
  const std::string style = settings_->get_string(keys::kStyle);
  bool dark = style == "dark";
  if (style == "system") {
    dark = desktop_interface_ && desktop_interface_->get_string("color-scheme") == "prefer-dark";
  }
  auto gtk = Gtk::Settings::get_default();
  // "system" with no desktop preference leaves the theme's own variant (settings.ini, XSETTINGS).
  if (style != "system" || desktop_interface_)
    gtk->property_gtk_application_prefer_dark_theme() = dark;
  const bool now_dark = gtk->property_gtk_application_prefer_dark_theme().get_value() ||
                        gtk->property_gtk_theme_name().get_value().find("dark") != Glib::ustring::npos;
  const std::string variant = now_dark ? "dark" : "light";
  emit("style " + variant);
  if (window_ && window_->get_realized()) {
    // GTK restyles the window's widgets over the next frames; the window's own restyle is the
    // last step. Two frames after it, every widget is drawn in the new style.
    auto once = std::make_shared<sigc::connection>();
    *once = window_->signal_style_updated().connect([this, once, variant] {
      once->disconnect();
      after_frames(*window_, 2, [this, variant] { emit("painted " + variant); });
    });
    window_->queue_draw();
  }
}

void Application::refresh() {
  if (!window_) return;
  window_->show_status(model_.status());
  const DeviceBanner banner = model_.device_banner();
  window_->show_device_banner(banner);
  if (banner.headline != banner_shown_) {
    // For scripts and the tests: the banner is on screen (painted) or gone.
    banner_shown_ = banner.headline;
    after_frames(*window_, 2, [this, banner] {
      emit(banner.shown() ? "banner " + banner.headline : std::string{"banner hidden"});
    });
  }
  window_->show_rows(model_.rows());
  window_->show_voice(model_.gate(), model_.in_channel() && model_.connected_teammates() > 0);
  if (preferences_) preferences_->identity().show(model_.identity().view());
}

void Application::notify(const std::string& id, const std::string& title, const std::string& body) {
  // Only when the player looks elsewhere (in game): the window already shows it otherwise.
  if (window_ && window_->is_active()) return;
  emit("notification " + title);
  // Notifications travel over the session bus; without one (a bare X server) there is no one
  // to show them.
  if (!get_dbus_connection()) return;
  auto n = Gio::Notification::create(title);
  if (!body.empty()) n->set_body(body);
  n->set_icon(Gio::ThemedIcon::create(kApplicationId));
  send_notification(id, n);
}

void Application::emit(const std::string& line) {
  if (!cli_.events) return;
  // Scripts read these as they come: never leave one in a buffer.
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

void Application::save_peer_memory_soon() {
  // A dragged slider changes many times a second; the settings store gets the last value.
  save_timer_.disconnect();
  save_timer_ = Glib::signal_timeout().connect(
      [this] {
        save_timer_.disconnect();
        save_peer_memory(settings_, model_.memory());
        return false;
      },
      500);
}

void Application::show_preferences() {
  if (!preferences_) {
    preferences_.reset(PreferencesDialog::create(window(), settings_, *devices_));
    preferences_->show_ptt_hint(ptt_->hint());
    preferences_->show_command_line_note(cli_.overrides_settings());
    IdentityPage::Actions actions;
    actions.verify = [this] { call_->verify_riot(); };
    actions.check = [this] { call_->check_riot(); };
    actions.link = [this] { call_->link_this_device(); };
    actions.approve = [this](const std::string& code) { call_->approve_device(code); };
    actions.refresh_devices = [this] { call_->list_devices(); };
    actions.unlink = [this](const std::string& key) { call_->unlink_device(key); };
    actions.save_token = [this](const std::string& token) { save_token(token); };
    preferences_->identity().set_actions(std::move(actions));
    const auto token = tokens_.load(call_->config().server_url);
    preferences_->identity().show_token(tokens_.note(), token.has_value());
    preferences_->identity().show(model_.identity().view());
  }
  preferences_->present();
  // For scripts: the dialog is on screen (and its X11 id, to screenshot it).
  auto once = std::make_shared<sigc::connection>();
  *once = preferences_->signal_map_event().connect(
      [this, once](GdkEventAny*) {
        once->disconnect();
        const auto xid = x11_window_id(preferences_->get_window()->gobj());
        after_frames(*preferences_, 2, [this, xid] {
          emit("preferences-shown" + (xid.empty() ? "" : " " + xid));
        });
        return false;
      },
      false);
}

void Application::show_identity() {
  const bool was_mapped = preferences_ && preferences_->get_mapped();
  show_preferences();
  preferences_->show_page("identity");
  // For scripts: the identity page is drawn (and the dialog's X11 id, to screenshot it).
  const auto announce = [this] {
    const auto xid = x11_window_id(preferences_->get_window()->gobj());
    after_frames(*preferences_, 2, [this, xid] {
      emit("identity-shown" + (xid.empty() ? "" : " " + xid));
    });
  };
  if (was_mapped) {
    announce();
  } else {
    auto once = std::make_shared<sigc::connection>();
    *once = preferences_->signal_map_event().connect(
        [once, announce](GdkEventAny*) {
          once->disconnect();
          announce();
          return false;
        },
        false);
  }
  // The bound devices as they are now.
  if (model_.identity().view().can_act) call_->list_devices();
}

void Application::save_token(const std::string& token) {
  const std::string server = call_->config().server_url;
  tokens_.save(server, token);
  if (preferences_) preferences_->identity().show_token(tokens_.note(), !token.empty());
  emit("token " + std::string{token.empty() ? "cleared" : "set"});
  // The token goes with the registration: reconnect with it.
  start_call();
}

void Application::show_shortcuts() {
  auto builder = Gtk::Builder::create_from_resource(std::string{kResources} + "shortcuts.ui");
  Gtk::ShortcutsWindow* shortcuts = nullptr;
  builder->get_widget("shortcuts_window", shortcuts);
  // Show the push-to-talk key the player chose.
  Glib::RefPtr<Glib::Object> ptt = builder->get_object("ptt_shortcut");
  ptt->set_property("accelerator", settings_->get_string(keys::kPttShortcut));
  // GTK's search button in this window's header bar is an icon with no name: give it one, so a
  // screen reader says what it does.
  if (auto* bar = dynamic_cast<Gtk::Container*>(shortcuts->get_titlebar())) {
    for (Gtk::Widget* child : bar->get_children())
      if (auto* search = dynamic_cast<Gtk::ToggleButton*>(child))
        search->get_accessible()->set_name(tr("Search shortcuts"));
  }
  shortcuts->set_transient_for(window());
  shortcuts->signal_hide().connect([shortcuts] { delete shortcuts; });
  shortcuts->present();
}

void Application::show_about() {
  auto* about = new Gtk::AboutDialog();
  about->set_transient_for(window());
  about->set_modal(true);
  about->set_program_name("Shotcall");
  about->set_version(SHOTCALL_VERSION);
  about->set_logo_icon_name(kApplicationId);
  about->set_comments(
      tr("Team voice for League of Legends: you and the teammates who run "
         "Shotcall meet in one call, peer to peer, as soon as the game starts."));
  // Translators: your names, one a line, for the About dialog's credits ("translator-credits"
  // is GNOME's convention).
  const std::string credits = tr("translator-credits");
  if (credits != "translator-credits") about->set_translator_credits(credits);
  about->set_license_type(Gtk::LICENSE_GPL_3_0);
  about->set_website("https://github.com/shotcall/shotcall");
  about->signal_response().connect([about](int) { delete about; });
  about->present();
}

void Application::on_quit() {
  if (save_timer_.connected()) {
    save_timer_.disconnect();
    save_peer_memory(settings_, model_.memory());
  }
  restart_timer_.disconnect();
  preferences_.reset();
  ptt_.reset();
  if (call_) call_->stop();
  call_.reset();
  // Let the goodbye reach the server so teammates see us leave at once; a timeout source keeps
  // the blocking iteration from waiting past the deadline.
  bool expired = false;
  auto deadline = Glib::signal_timeout().connect([&expired] {
    expired = true;
    return false;
  }, 2000);
  while (net::SignalingClient::goodbyes_pending() && !expired)
    g_main_context_iteration(nullptr, TRUE);
  deadline.disconnect();
  devices_.reset();
  g_settings_sync();
  emit("quit");
}

}  // namespace shotcall::ui
