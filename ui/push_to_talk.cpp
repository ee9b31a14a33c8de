#include "ui/push_to_talk.hpp"

#include <gtk/gtk.h>

#include "app/i18n/translate.hpp"
#include "ui/ptt_portal.hpp"
#include "ui/ptt_x11.hpp"

namespace shotcall::ui {

const char* to_string(PttBackend backend) {
  switch (backend) {
    case PttBackend::Off:
      return "off";
    case PttBackend::X11:
      return "x11";
    case PttBackend::Portal:
      return "portal";
    case PttBackend::WindowOnly:
      return "window-only";
  }
  return "off";
}

PushToTalk::PushToTalk(Events events) : events_(std::move(events)) {}
PushToTalk::~PushToTalk() = default;

void PushToTalk::set(PttBackend backend, std::string hint) {
  backend_ = backend;
  hint_ = std::move(hint);
  if (events_.on_status) events_.on_status();
}

void PushToTalk::disable() {
  accelerator_.clear();
  x11_.reset();
  portal_.reset();
  keyval_ = 0;
  set(PttBackend::Off, "");
}

namespace {
using i18n::fill;
using i18n::tr;

// A Wayland session, even when GDK talks to XWayland: there an X11 grab only sees keys while an
// X11 window has the focus (not the game's, nor the desktop's), so the portal comes first.
bool wayland_session() {
  const char* type = g_getenv("XDG_SESSION_TYPE");
  const char* wayland = g_getenv("WAYLAND_DISPLAY");
  return g_strcmp0(type, "wayland") == 0 || (wayland && *wayland);
}
}  // namespace

void PushToTalk::enable(const std::string& accelerator) {
  // The same key again (another voice setting changed): keep the binding, ask nobody again.
  if (backend_ != PttBackend::Off && accelerator == accelerator_) return;
  accelerator_ = accelerator;
  x11_.reset();
  portal_.reset();
  gtk_accelerator_parse(accelerator.c_str(), &keyval_, &modifiers_);
  if (!keyval_) {
    set(PttBackend::WindowOnly,
        // Translators: {key} is the key's name as saved in the settings ("F8", "<Alt>t").
        fill(tr("“{key}” is not a key Shotcall understands. Pick another in Preferences."),
             {{"key", accelerator}}));
    return;
  }
  gchar* label = gtk_accelerator_get_label(keyval_, modifiers_);
  label_ = label ? label : accelerator;
  g_free(label);

  auto on_key = [this](bool pressed) {
    if (events_.on_key) events_.on_key(pressed);
  };
  std::string error;
  if (!wayland_session()) x11_ = X11KeyGrab::create(keyval_, modifiers_, on_key, &error);
  if (x11_) {
    // Translators: {key} is the push-to-talk key's name ("F8", "Ctrl+T").
    set(PttBackend::X11, fill(tr("Hold {key} to talk, in any window."), {{"key", label_}}));
    return;
  }
  if (!error.empty()) {
    set(PttBackend::WindowOnly,
        // Translators: {key} is the key's name ("F8"); {reason} why the desktop refused it, as
        // translated on its own ("another program already uses this key").
        fill(tr("Can't use {key} everywhere: {reason}. Hold it while Shotcall's window is "
                "focused, or pick another key."),
             {{"key", label_}, {"reason", error}}));
    return;
  }
  // Not X11: ask the desktop. Until it answers, the key works in our window.
  set(PttBackend::WindowOnly, tr("Asking your desktop for a push-to-talk shortcut…"));
  PortalShortcut::Events pe;
  pe.on_key = on_key;
  pe.on_ready = [this](bool ok, const std::string& message) {
    if (ok) {
      set(PttBackend::Portal,
          // Translators: {trigger} is how the desktop says the shortcut is triggered ("F8",
          // "CTRL+F9") or "set in your desktop's settings".
          fill(tr("Push to talk: {trigger}, in any window."), {{"trigger", message}}));
    } else {
      // What works instead, in words: the key in our window, or no key at all.
      const char* pattern = nullptr;
      if (wayland_session()) {
        pattern =
            // Translators: {reason} is why the desktop gave no shortcut, as translated on its own
            // ("you declined a shortcut session"); {key} the key's name ("F8").
            tr("No push-to-talk key in other windows: {reason}. Hold {key} while Shotcall's "
               "window is focused, or switch to voice activity in Preferences to talk from "
               "the game (in an X11 session the key works in any window).");
      } else {
        pattern =
            // Translators: as above, outside a Wayland session.
            tr("No push-to-talk key in other windows: {reason}. Hold {key} while Shotcall's "
               "window is focused, or switch to voice activity in Preferences to talk from "
               "the game.");
      }
      set(PttBackend::WindowOnly, fill(pattern, {{"reason", message}, {"key", label_}}));
    }
  };
  portal_ =
      std::make_unique<PortalShortcut>(portal_trigger_from_accelerator(accelerator), std::move(pe));
}

bool PushToTalk::window_key(guint keyval, GdkModifierType state, bool pressed) {
  if (backend_ != PttBackend::WindowOnly || !keyval_) return false;
  if (gdk_keyval_to_lower(keyval) != gdk_keyval_to_lower(keyval_)) return false;
  const auto relevant =
      static_cast<GdkModifierType>(gtk_accelerator_get_default_mod_mask() & ~GDK_LOCK_MASK);
  // A release may come with the modifiers already up: only presses must match them.
  if (pressed && (state & relevant) != (modifiers_ & relevant)) return false;
  if (events_.on_key) events_.on_key(pressed);
  return true;
}

}  // namespace shotcall::ui
