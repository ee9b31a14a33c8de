// Push-to-talk: one key held while talking, wherever the focus is when the desktop allows it.
// Picks what works here: a key grab on X11, the GlobalShortcuts portal in a Wayland session
// (XDG_SESSION_TYPE=wayland or WAYLAND_DISPLAY set, XWayland included) or on any other display,
// and failing both, the key only while Shotcall's window has the focus, saying so.
#pragma once

#include <gdk/gdk.h>

#include <functional>
#include <memory>
#include <string>

namespace shotcall::ui {

class X11KeyGrab;
class PortalShortcut;

enum class PttBackend { Off, X11, Portal, WindowOnly };
const char* to_string(PttBackend backend);

class PushToTalk {
 public:
  struct Events {
    std::function<void(bool pressed)> on_key;
    std::function<void()> on_status;  // backend() or hint() changed
  };
  explicit PushToTalk(Events events);
  ~PushToTalk();
  PushToTalk(const PushToTalk&) = delete;
  PushToTalk& operator=(const PushToTalk&) = delete;

  // Binds `accelerator` (GTK form, "F8", "<Alt>t"); an unusable one leaves it window-only.
  void enable(const std::string& accelerator);
  void disable();

  PttBackend backend() const { return backend_; }
  // A sentence for the window: which key, and where it works.
  const std::string& hint() const { return hint_; }
  // The window's own key events, used when no global shortcut works.
  bool window_key(guint keyval, GdkModifierType state, bool pressed);

 private:
  void set(PttBackend backend, std::string hint);

  Events events_;
  PttBackend backend_ = PttBackend::Off;
  std::string hint_;
  guint keyval_ = 0;
  GdkModifierType modifiers_{};
  std::string label_;
  std::string accelerator_;  // as enabled, to tell a new key from the same one
  std::unique_ptr<X11KeyGrab> x11_;
  std::unique_ptr<PortalShortcut> portal_;
};

}  // namespace shotcall::ui
