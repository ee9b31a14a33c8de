#include "ui/teammate_row.hpp"

#include <cmath>

#include "app/i18n/translate.hpp"

namespace shotcall::ui {

using i18n::fill;
using i18n::tr;

namespace {

const char* quality_icon(Quality q) {
  switch (q) {
    case Quality::Good: return "network-cellular-signal-excellent-symbolic";
    case Quality::Fair: return "network-cellular-signal-ok-symbolic";
    case Quality::Poor: return "network-cellular-signal-weak-symbolic";
    case Quality::Unknown: break;
  }
  return "network-cellular-signal-none-symbolic";
}

const char* quality_class(Quality q) {
  switch (q) {
    case Quality::Good: return "quality-good";
    case Quality::Fair: return "quality-fair";
    case Quality::Poor: return "quality-poor";
    case Quality::Unknown: break;
  }
  return "";
}

void set_class(Gtk::Widget& w, const char* name, bool on) {
  if (on)
    w.get_style_context()->add_class(name);
  else
    w.get_style_context()->remove_class(name);
}

}  // namespace

TeammateRowWidget* TeammateRowWidget::append_to(Gtk::ListBox& list) {
  auto builder = Gtk::Builder::create_from_resource("/io/github/shotcall/Shotcall/teammate_row.ui");
  TeammateRowWidget* row = nullptr;
  builder->get_widget_derived("teammate_row", row);
  list.append(*Gtk::manage(row));
  return row;
}

TeammateRowWidget::TeammateRowWidget(BaseObjectType* cobject,
                                     const Glib::RefPtr<Gtk::Builder>& builder)
    : Gtk::ListBoxRow(cobject) {
  builder->get_widget("speaking_image", speaking_);
  builder->get_widget("name_label", name_);
  builder->get_widget("champion_label", champion_);
  builder->get_widget("identity_badge", badge_);
  builder->get_widget("quality_image", quality_icon_);
  builder->get_widget("state_label", state_);
  builder->get_widget("route_label", route_);
  builder->get_widget("failure_label", failure_);
  builder->get_widget("played_before_label", played_before_);
  builder->get_widget("volume_scale", volume_);
  builder->get_widget("mute_toggle", mute_);
  builder->get_widget("mute_toggle_image", mute_image_);

  volume_->signal_value_changed().connect([this] {
    if (!updating_ && on_volume) on_volume(row_.key, volume_->get_value());
  });
  mute_->signal_toggled().connect([this] {
    if (!updating_ && on_muted) on_muted(row_.key, mute_->get_active());
  });
  // The percentage a screen reader says for the slider.
  volume_->signal_format_value().connect(
      [](double v) {
        const std::string percent = std::to_string(std::lround(v * 100));
        // Translators: a teammate's volume; {percent} is a number (e.g. "100%").
        return Glib::ustring{fill(tr("{percent}%"), {{"percent", percent}})};
      },
      false);
}

void TeammateRowWidget::show_row(const TeammateRow& row) {
  updating_ = true;
  row_ = row;
  name_->set_text(row.riot_id);
  std::string champion = row.champion;
  const std::string position = position_label(row.position);
  if (!position.empty()) champion += (champion.empty() ? "" : " · ") + position;
  champion_->set_text(champion);
  champion_->set_visible(!champion.empty());

  // Their identity level; what it means goes to the tooltip and the screen reader.
  badge_->set_visible(row.badge.has_value());
  if (row.badge) {
    badge_->set_text(row.badge->label);
    badge_->set_tooltip_text(row.badge->description);
    const char* level = row.badge->verified
                            // Translators: the accessible name of a teammate's identity level.
                            ? tr("{name} is verified")
                            // Translators: the accessible name of a teammate's identity level.
                            : tr("{name} is not verified");
    badge_->get_accessible()->set_name(fill(level, {{"name", row.riot_id}}));
    badge_->get_accessible()->set_description(row.badge->description);
    set_class(*badge_, "verified", row.badge->verified);
  }

  std::string state = row.state_text;
  if (!row.quality_text.empty()) state += " · " + row.quality_text;
  state_->set_text(state);
  quality_icon_->set_from_icon_name(quality_icon(row.quality), Gtk::ICON_SIZE_MENU);
  quality_icon_->set_visible(row.quality != Quality::Unknown);
  for (Quality q : {Quality::Good, Quality::Fair, Quality::Poor})
    set_class(*quality_icon_, quality_class(q), q == row.quality);

  // Direct or relayed: a small word; what it means goes to the tooltip and the screen reader.
  route_->set_visible(!row.route_text.empty());
  route_->set_text("· " + row.route_text);
  route_->set_tooltip_text(row.route_description);
  route_->get_accessible()->set_name(row.route_name);
  route_->get_accessible()->set_description(row.route_description);
  failure_->set_visible(!row.failure_text.empty());
  failure_->set_text(row.failure_text);
  played_before_->set_visible(!row.played_before_text.empty());
  played_before_->set_text("· " + row.played_before_text);

  set_class(*speaking_, "speaking", row.speaking);
  // Translators: the tooltip of the icon beside a teammate who is talking now.
  speaking_->set_tooltip_text(row.speaking ? tr("Speaking") : "");
  set_class(*this, "absent", !row.has_shotcall);

  // Leave the slider alone while the user drags it.
  if (!volume_->has_focus() || std::abs(volume_->get_value() - row.volume) > 0.5)
    volume_->set_value(row.volume);
  mute_->set_active(row.muted);
  mute_image_->set_from_icon_name(row.muted ? "audio-volume-muted-symbolic"
                                            : "audio-volume-high-symbolic",
                                  Gtk::ICON_SIZE_BUTTON);
  volume_->set_sensitive(row.controls_enabled && !row.muted);
  mute_->set_sensitive(row.controls_enabled);

  get_accessible()->set_name(row.accessible_summary);
  // Translators: the accessible name of a teammate's volume slider; {name} is their Riot ID.
  volume_->get_accessible()->set_name(fill(tr("Volume of {name}"), {{"name", row.riot_id}}));
  // Translators: the name and tooltip of a teammate's mute button; {name} is their Riot ID.
  const std::string mute = fill(tr("Mute {name}"), {{"name", row.riot_id}});
  mute_->get_accessible()->set_name(mute);
  mute_->set_tooltip_text(row.muted
                              // Translators: the tooltip of a muted teammate's mute button.
                              ? fill(tr("Unmute {name}"), {{"name", row.riot_id}})
                              : mute);
  updating_ = false;
}

}  // namespace shotcall::ui
