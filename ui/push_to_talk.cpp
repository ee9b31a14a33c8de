#include "ui/push_to_talk.hpp"

#include <gtk/gtk.h>

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
        "“" + accelerator + "” is not a key Shotcall understands. Pick another in Preferences.");
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
    set(PttBackend::X11, "Hold " + label_ + " to talk, in any window.");
    return;
  }
  if (!error.empty()) {
    set(PttBackend::WindowOnly, "Can't use " + label_ + " everywhere: " + error + ". Hold it " +
                                    "while Shotcall's window is focused, or pick another key.");
    return;
  }
  // Not X11: ask the desktop. Until it answers, the key works in our window.
  set(PttBackend::WindowOnly, "Asking your desktop for a push-to-talk shortcut…");
  PortalShortcut::Events pe;
  pe.on_key = on_key;
  pe.on_ready = [this](bool ok, const std::string& message) {
    if (ok) {
      set(PttBackend::Portal, "Push to talk: " + message + ", in any window.");
    } else {
      // What works instead, in words: the key in our window, or no key at all.
      set(PttBackend::WindowOnly,
          "No push-to-talk key in other windows: " + message + ". Hold " + label_ +
              " while Shotcall's window is focused, or switch to voice activity in " +
              "Preferences to talk from the game" +
              (wayland_session() ? " (in an X11 session the key works in any window)." : "."));
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
