// Push-to-talk through the desktop's org.freedesktop.portal.GlobalShortcuts portal (Wayland
// desktops that offer it): a session with one shortcut, "push-to-talk", whose Activated and
// Deactivated signals are the key going down and up. The desktop may ask the user to confirm or
// change the key; the portal, not the app, owns the binding. Everything is asynchronous on the
// main loop.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace shotcall::ui {

class PortalShortcut {
 public:
  struct Events {
    std::function<void(bool pressed)> on_key;
    // Whether the shortcut is bound, and a sentence for the user (the trigger the desktop chose,
    // or why it did not work): once set up, then again when the desktop changes the trigger
    // (ShortcutsChanged) or ends the session (Session.Closed).
    std::function<void(bool ok, const std::string& message)> on_ready;
  };
  // `trigger` in the shortcuts spec's form ("F8", "CTRL+ALT+t").
  PortalShortcut(std::string trigger, Events events);
  ~PortalShortcut();
  PortalShortcut(const PortalShortcut&) = delete;
  PortalShortcut& operator=(const PortalShortcut&) = delete;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// "CTRL+SHIFT+F8" from a GTK accelerator ("<Primary><Shift>F8"); empty if it does not parse.
std::string portal_trigger_from_accelerator(const std::string& accelerator);

}  // namespace shotcall::ui
