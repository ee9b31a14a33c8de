#include "ui/identity_page.hpp"

#include "app/i18n/translate.hpp"

namespace shotcall::ui {

namespace {

using i18n::fill;
using i18n::tr;
using i18n::trc;

template <typename W>
W* widget(const Glib::RefPtr<Gtk::Builder>& b, const char* name) {
  W* w = nullptr;
  b->get_widget(name, w);
  return w;
}

// A sentence in its outcome's colour (and the colour is never the only cue: the words say it).
void show_text(Gtk::Label& label, const std::string& text, Tone tone) {
  label.set_text(text);
  label.set_visible(!text.empty());
  auto style = label.get_style_context();
  for (const char* c : {"tone-good", "tone-warning", "tone-error"}) style->remove_class(c);
  switch (tone) {
    case Tone::Good: style->add_class("tone-good"); break;
    case Tone::Warning: style->add_class("tone-warning"); break;
    case Tone::Error: style->add_class("tone-error"); break;
    case Tone::Neutral: break;
  }
}

}  // namespace

IdentityPage::IdentityPage(const Glib::RefPtr<Gtk::Builder>& b)
    : server_text_(widget<Gtk::Label>(b, "identity_server_text")),
      verify_text_(widget<Gtk::Label>(b, "verify_text")),
      verify_icon_(widget<Gtk::Label>(b, "verify_icon_label")),
      verify_(widget<Gtk::Button>(b, "verify_button")),
      check_(widget<Gtk::Button>(b, "check_button")),
      my_fingerprint_(widget<Gtk::Label>(b, "my_fingerprint_label")),
      link_text_(widget<Gtk::Label>(b, "link_text")),
      link_(widget<Gtk::Button>(b, "link_button")),
      link_code_(widget<Gtk::Label>(b, "link_code_label")),
      approve_text_(widget<Gtk::Label>(b, "approve_text")),
      approve_entry_(widget<Gtk::Entry>(b, "approve_entry")),
      approve_(widget<Gtk::Button>(b, "approve_button")),
      devices_(widget<Gtk::ListBox>(b, "devices_list")),
      refresh_(widget<Gtk::Button>(b, "refresh_devices_button")),
      devices_text_(widget<Gtk::Label>(b, "devices_text")),
      token_entry_(widget<Gtk::Entry>(b, "token_entry")),
      token_button_(widget<Gtk::Button>(b, "token_button")),
      token_note_(widget<Gtk::Label>(b, "token_note")) {
  verify_->signal_clicked().connect([this] {
    if (actions_.verify) actions_.verify();
  });
  check_->signal_clicked().connect([this] {
    if (actions_.check) actions_.check();
  });
  link_->signal_clicked().connect([this] {
    if (actions_.link) actions_.link();
  });
  const auto approve = [this] {
    if (actions_.approve) actions_.approve(approve_entry_->get_text());
  };
  approve_->signal_clicked().connect(approve);
  approve_entry_->signal_activate().connect(approve);
  refresh_->signal_clicked().connect([this] {
    if (actions_.refresh_devices) actions_.refresh_devices();
  });
  const auto save = [this] {
    if (actions_.save_token) actions_.save_token(token_entry_->get_text());
  };
  token_button_->signal_clicked().connect(save);
  token_entry_->signal_activate().connect(save);
  auto* none = Gtk::manage(new Gtk::Label(tr("No devices listed")));
  none->set_margin_top(8);
  none->set_margin_bottom(8);
  none->get_style_context()->add_class("dim-label");
  none->show();
  devices_->set_placeholder(*none);
}

void IdentityPage::show(const IdentityView& v) {
  if (shown_ == v) return;
  // A code that was just approved is used up: clear the field for the next one.
  if (v.approve_tone == Tone::Good && (!shown_ || shown_->approve_tone != Tone::Good))
    approve_entry_->set_text("");
  shown_ = v;
  show_text(*server_text_, v.server_text, Tone::Neutral);

  show_text(*verify_text_, v.verify_text, v.verify_tone);
  verify_icon_->set_visible(v.icon_id.has_value());
  if (v.icon_id) {
    const std::string number = std::to_string(*v.icon_id);
    // Translators: {number} is the number of a League profile icon, shown big.
    verify_icon_->set_text(fill(tr("Icon {number}"), {{"number", number}}));
    verify_icon_->get_accessible()->set_name(
        // Translators: {number} is the number of a League profile icon (a screen reader's words).
        fill(tr("Profile icon to set: number {number}"), {{"number", number}}));
  }
  verify_->set_sensitive(v.verify_enabled);
  check_->set_visible(v.icon_id.has_value());
  check_->set_sensitive(v.check_enabled);

  my_fingerprint_->set_text(v.my_fingerprint.empty() ? trc("key fingerprint", "none")
                                                     : v.my_fingerprint);
  show_text(*link_text_, v.link_text, Tone::Neutral);
  link_->set_sensitive(v.link_enabled);
  link_code_->set_text(v.link_code);
  link_code_->set_visible(!v.link_code.empty());

  show_text(*approve_text_, v.approve_text, v.approve_tone);
  approve_->set_sensitive(v.approve_enabled);
  approve_entry_->set_sensitive(v.approve_enabled);

  refresh_->set_sensitive(v.can_act);
  show_text(*devices_text_, v.devices_text, v.devices_tone);
  show_devices(v);
}

void IdentityPage::show_devices(const IdentityView& v) {
  if (v.devices == shown_devices_) return;
  shown_devices_ = v.devices;
  for (Gtk::Widget* row : devices_->get_children()) {
    devices_->remove(*row);
    delete row;
  }
  for (const DeviceRowView& d : v.devices) {
    auto* box = Gtk::manage(new Gtk::Box(Gtk::ORIENTATION_HORIZONTAL, 12));
    box->set_margin_start(10);
    box->set_margin_end(6);
    box->set_margin_top(6);
    box->set_margin_bottom(6);
    auto* texts = Gtk::manage(new Gtk::Box(Gtk::ORIENTATION_VERTICAL, 2));
    texts->set_hexpand(true);
    auto* title = Gtk::manage(new Gtk::Label(
        d.this_device
            // Translators: {fingerprint} is a device's 8-character key fingerprint.
            ? fill(tr("{fingerprint} (this device)"), {{"fingerprint", d.fingerprint}})
            : d.fingerprint));
    title->set_xalign(0);
    title->get_style_context()->add_class("fingerprint");
    auto* detail = Gtk::manage(new Gtk::Label(d.level + " · " + d.bound + " · " + d.last_used));
    detail->set_xalign(0);
    detail->set_line_wrap(true);
    detail->get_style_context()->add_class("dim-label");
    detail->get_style_context()->add_class("caption");
    texts->add(*title);
    texts->add(*detail);
    // Translators: a button next to each device bound to the player's Riot ID.
    auto* unlink = Gtk::manage(new Gtk::Button(trc("button", "Unlink")));
    unlink->set_valign(Gtk::ALIGN_CENTER);
    unlink->set_tooltip_text(d.this_device
                                 ? tr("Unbind this device: it can no longer use your Riot ID here")
                                 : tr("Unbind that device: it can no longer use your Riot ID "
                                      "here, and its connections close"));
    unlink->get_accessible()->set_name(
        // Translators: {fingerprint} is a device's 8-character key fingerprint.
        fill(tr("Unlink the device {fingerprint}"), {{"fingerprint", d.fingerprint}}));
    unlink->set_sensitive(v.can_act);
    const std::string key = d.key;
    unlink->signal_clicked().connect([this, key] {
      if (actions_.unlink) actions_.unlink(key);
    });
    box->add(*texts);
    box->add(*unlink);
    auto* row = Gtk::manage(new Gtk::ListBoxRow());
    row->set_activatable(false);
    row->get_accessible()->set_name(
        // Translators: a screen reader's words for a bound device: {fingerprint} is 8 characters,
        // {level} "verified with Riot" or "device key", {bound} "bound 3 Dec 2026, 10:15",
        // {last_used} "last used 3 Dec 2026, 10:20" or "never used" (each as translated there).
        fill(d.this_device ? tr("Device {fingerprint}, this device, {level}, {bound}, {last_used}")
                           // Translators: as above, for another device than this one.
                           : tr("Device {fingerprint}, {level}, {bound}, {last_used}"),
             {{"fingerprint", d.fingerprint},
              {"level", d.level},
              {"bound", d.bound},
              {"last_used", d.last_used}}));
    row->add(*box);
    devices_->append(*row);
  }
  devices_->show_all();
}

void IdentityPage::show_token(const std::string& note, bool has_token) {
  token_note_->set_text(note);
  token_entry_->set_placeholder_text(has_token ? tr("A token is set (type a new one to replace it)")
                                               : tr("Access token"));
}

}  // namespace shotcall::ui
