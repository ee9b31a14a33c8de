// Push-to-talk on X11: a passive grab of one key on the root window (XGrabKey), so the key works
// whichever window has the focus. Press and release arrive through a GDK event filter on the
// main loop.
#pragma once

#include <gdk/gdk.h>

#include <functional>
#include <memory>
#include <string>

namespace shotcall::ui {

class X11KeyGrab {
 public:
  // nullptr with an empty *error when the display is not X11; nullptr with *error set when the
  // key cannot be grabbed (another program holds it).
  static std::unique_ptr<X11KeyGrab> create(guint keyval, GdkModifierType modifiers,
                                            std::function<void(bool pressed)> on_key,
                                            std::string* error);
  ~X11KeyGrab();
  X11KeyGrab(const X11KeyGrab&) = delete;
  X11KeyGrab& operator=(const X11KeyGrab&) = delete;

  struct Impl;

 private:
  explicit X11KeyGrab(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shotcall::ui
