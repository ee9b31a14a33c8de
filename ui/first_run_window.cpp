#include "ui/first_run_window.hpp"

#include <algorithm>
#include <stdexcept>

#include "app/game/lan_setup.hpp"
#include "app/i18n/translate.hpp"
#include "app/net/server_probe.hpp"
#include "signaling/protocol/riot_id.hpp"
#include "ui/command_line.hpp"
#include "ui/settings_keys.hpp"

namespace shotcall::ui {
namespace {

using i18n::fill;
using i18n::tr;

// What is wrong with the Riot ID typed, in words that say what one looks like; empty when it will
// do. `required`: the server watches it, so it cannot be left out.
std::string riot_id_problem(const std::string& riot_id, bool required) {
  if (riot_id.empty()) {
    // Translators: "Ahri#EUW" is an example Riot ID (name, #, tag): keep it as it is.
    return required ? tr("Enter your Riot ID: the server watches it. A Riot ID is your name in "
                         "League, then #, then your tag, as the League client shows it (for "
                         "example Ahri#EUW).")
                    : "";
  }
  if (protocol::is_valid_riot_id(riot_id)) return "";
  // Translators: "Ahri#EUW" is an example Riot ID (name, #, tag): keep it as it is.
  return tr(
      "That is not a Riot ID. A Riot ID is your name in League, then #, then your tag, as "
      "the League client shows it (for example Ahri#EUW).");
}

}  // namespace

bool first_run_wanted(bool first_run_done, const CommandLine& cli) {
  if (first_run_done) return false;
  // Devices (--source, --sink) and ICE addresses are not what the page asks; the server and the
  // way the game is found are.
  return !(cli.server || cli.lcd_url || cli.game || cli.watch || cli.riot_id);
}

FirstRunWindow* FirstRunWindow::create(const Glib::RefPtr<Gio::Settings>& settings) {
  auto builder = Gtk::Builder::create_from_resource("/io/github/shotcall/Shotcall/first_run.ui");
  FirstRunWindow* window = nullptr;
  builder->get_widget_derived("first_run_window", window);
  if (!window) throw std::runtime_error("first_run.ui has no window \"first_run_window\"");
  window->fill_from(settings);
  return window;
}

template <typename W>
W* FirstRunWindow::need(const char* name) {
  W* w = nullptr;
  builder_->get_widget(name, w);
  if (!w) throw std::runtime_error(std::string{"first_run.ui has no widget \""} + name + "\"");
  return w;
}

FirstRunWindow::FirstRunWindow(BaseObjectType* cobject, const Glib::RefPtr<Gtk::Builder>& builder)
    : Gtk::Window(cobject), builder_(builder) {
  local_ = need<Gtk::RadioButton>("mode_local");
  lan_ = need<Gtk::RadioButton>("mode_lan");
  server_ = need<Gtk::RadioButton>("mode_server");
  lan_box_ = need<Gtk::Box>("lan_box");
  lan_address_ = need<Gtk::Entry>("lan_address_entry");
  lan_error_ = need<Gtk::Label>("lan_error");
  lan_command_ = need<Gtk::Label>("lan_command");
  riot_id_ = need<Gtk::Entry>("riot_id_entry");
  server_url_ = need<Gtk::Entry>("server_entry");
  test_button_ = need<Gtk::Button>("test_button");
  test_result_ = need<Gtk::Label>("test_result");
  start_error_ = need<Gtk::Label>("start_error");

  for (auto* r : {local_, lan_, server_}) r->signal_toggled().connect([this] { show_mode(); });
  lan_address_->signal_changed().connect([this] { show_lan_command(); });
  need<Gtk::Button>("lan_copy_button")->signal_clicked().connect([this] {
    const std::string text = lan_command_->get_text();
    if (!text.empty()) Gtk::Clipboard::get()->set_text(text);
    say_event("first-run-copied");
  });
  test_button_->signal_clicked().connect([this] { test_connection(); });
  server_url_->signal_changed().connect([this] { test_result_->hide(); });
  need<Gtk::Button>("start_button")->signal_clicked().connect([this] { start(); });
}

FirstRunWindow::~FirstRunWindow() {
  if (cancel_probe_) cancel_probe_();
}

void FirstRunWindow::fill_from(const Glib::RefPtr<Gio::Settings>& settings) {
  settings_ = settings;
  const std::string mode = settings->get_string(keys::kDetectionMode);
  (mode == "lan" ? lan_ : mode == "server" ? server_ : local_)->set_active(true);
  lan_address_->set_text(settings->get_string(keys::kLanAddress));
  riot_id_->set_text(settings->get_string(keys::kRiotId));
  server_url_->set_text(settings->get_string(keys::kServerUrl));
  show_mode();
  show_lan_command();
}

std::string FirstRunWindow::mode() const {
  if (lan_->get_active()) return "lan";
  if (server_->get_active()) return "server";
  return "local";
}

void FirstRunWindow::show_mode() {
  lan_box_->set_visible(lan_->get_active());
  start_error_->hide();
}

void FirstRunWindow::show_lan_command() {
  const std::string address = lan_address_->get_text();
  std::string why;
  const bool ok = game::valid_lan_address(address, &why);
  // The command only for an address it can work with; the reason otherwise (not for an empty
  // field the player has not typed in yet).
  lan_command_->set_text(ok ? game::windows_portproxy_command(address) : "");
  lan_error_->set_text(why);
  lan_error_->set_visible(!ok && !address.empty());
}

void FirstRunWindow::test_connection() {
  if (cancel_probe_) cancel_probe_();
  const std::string url = server_url_->get_text();
  // Translators: {url} is the server address typed, "ws://host:7800/ws".
  test_result_->set_text(fill(tr("Testing {url}…"), {{"url", url}}));
  test_result_->show();
  test_button_->set_sensitive(false);
  cancel_probe_ = net::probe_server(url, [this](const net::ProbeFindings& findings) {
    cancel_probe_ = nullptr;
    test_button_->set_sensitive(true);
    server_verifies_ = findings.hello &&
                       std::find(findings.hello->features.begin(), findings.hello->features.end(),
                                 "riot-verify") != findings.hello->features.end();
    const net::ProbeReport report = net::describe_probe(findings);
    test_result_->set_text(report.text());
    say_event(std::string{"first-run-probe "} + (report.usable ? "usable " : "unusable ") +
              (report.lines.empty() ? "" : report.lines.front()));
  });
}

bool FirstRunWindow::verification_next() const { return mode() == "server" && server_verifies_; }

void FirstRunWindow::start() {
  const std::string m = mode();
  const std::string address = lan_address_->get_text();
  const std::string riot_id = riot_id_->get_text();
  const std::string server = server_url_->get_text();
  std::string problem;
  if (m == "lan") game::valid_lan_address(address, &problem);
  if (problem.empty()) problem = riot_id_problem(riot_id, m == "server");
  if (problem.empty() && net::health_url_of(server).empty()) {
    // Translators: HOST and PORT stand for the parts of an address: they may be translated.
    problem = tr("Enter the server as ws://HOST:PORT/ws, or wss://HOST/ws.");
  }
  if (!problem.empty()) {
    start_error_->set_text(problem);
    start_error_->show();
    say_event("first-run-problem " + problem);
    return;
  }
  settings_->set_string(keys::kDetectionMode, m);
  if (m == "lan") settings_->set_string(keys::kLanAddress, address);
  settings_->set_string(keys::kRiotId, riot_id);
  settings_->set_string(keys::kServerUrl, server);
  settings_->set_boolean(keys::kFirstRunDone, true);
  say_event("first-run-done " + m);
  if (on_done) on_done();
}

void FirstRunWindow::say_event(const std::string& line) {
  if (on_event) on_event(line);
}

}  // namespace shotcall::ui
