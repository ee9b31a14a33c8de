#include "ui/ptt_x11.hpp"

#include <X11/XKBlib.h>
#include <X11/Xlib.h>
#include <gdk/gdkx.h>

#include "app/i18n/translate.hpp"

namespace shotcall::ui {

namespace {
// Lock (Caps Lock) and Mod2 (Num Lock) must not change whether the key counts, so the grab is
// made once for each of their combinations.
constexpr unsigned kIgnored[] = {0, LockMask, Mod2Mask, LockMask | Mod2Mask};
}  // namespace

struct X11KeyGrab::Impl {
  GdkDisplay* display = nullptr;
  Display* xdisplay = nullptr;
  Window root = 0;
  KeyCode keycode = 0;
  unsigned modifiers = 0;
  bool held = false;
  std::function<void(bool)> on_key;

  static GdkFilterReturn filter(GdkXEvent* native, GdkEvent*, gpointer data) {
    auto* self = static_cast<Impl*>(data);
    auto* xev = static_cast<XEvent*>(native);
    if ((xev->type != KeyPress && xev->type != KeyRelease) || xev->xkey.keycode != self->keycode)
      return GDK_FILTER_CONTINUE;
    const bool pressed = xev->type == KeyPress;
    // Held keys repeat as presses only (detectable auto-repeat): report edges.
    if (pressed != self->held) {
      self->held = pressed;
      if (self->on_key) self->on_key(pressed);
    }
    return GDK_FILTER_REMOVE;
  }
};

std::unique_ptr<X11KeyGrab> X11KeyGrab::create(guint keyval, GdkModifierType modifiers,
                                               std::function<void(bool)> on_key,
                                               std::string* error) {
  if (error) error->clear();
  GdkDisplay* display = gdk_display_get_default();
  if (!display || !GDK_IS_X11_DISPLAY(display)) return nullptr;
  auto impl = std::make_unique<Impl>();
  impl->display = display;
  impl->xdisplay = gdk_x11_display_get_xdisplay(display);
  impl->root = DefaultRootWindow(impl->xdisplay);
  impl->keycode = XKeysymToKeycode(impl->xdisplay, keyval);
  if (impl->keycode == 0) {
    // Translators: a reason, shown in "Can't use F8 everywhere: {reason}. …".
    if (error) *error = i18n::tr("this keyboard has no such key");
    return nullptr;
  }
  // Super/Hyper/Meta are virtual in GDK: map them to the real Mod bits the server knows.
  GdkModifierType real = modifiers;
  gdk_keymap_map_virtual_modifiers(gdk_keymap_get_for_display(display), &real);
  impl->modifiers =
      static_cast<unsigned>(real) & (ShiftMask | ControlMask | Mod1Mask | Mod4Mask | Mod5Mask);
  impl->on_key = std::move(on_key);

  XkbSetDetectableAutoRepeat(impl->xdisplay, True, nullptr);
  gdk_x11_display_error_trap_push(display);
  for (unsigned extra : kIgnored)
    XGrabKey(impl->xdisplay, impl->keycode, impl->modifiers | extra, impl->root, False,
             GrabModeAsync, GrabModeAsync);
  if (gdk_x11_display_error_trap_pop(display) != 0) {
    gdk_x11_display_error_trap_push(display);
    for (unsigned extra : kIgnored)
      XUngrabKey(impl->xdisplay, impl->keycode, impl->modifiers | extra, impl->root);
    gdk_x11_display_error_trap_pop_ignored(display);
    // Translators: a reason, shown in "Can't use F8 everywhere: {reason}. …".
    if (error) *error = i18n::tr("another program already uses this key");
    return nullptr;
  }
  gdk_window_add_filter(nullptr, &Impl::filter, impl.get());
  return std::unique_ptr<X11KeyGrab>(new X11KeyGrab(std::move(impl)));
}

X11KeyGrab::X11KeyGrab(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

X11KeyGrab::~X11KeyGrab() {
  gdk_window_remove_filter(nullptr, &Impl::filter, impl_.get());
  gdk_x11_display_error_trap_push(impl_->display);
  for (unsigned extra : kIgnored)
    XUngrabKey(impl_->xdisplay, impl_->keycode, impl_->modifiers | extra, impl_->root);
  gdk_x11_display_error_trap_pop_ignored(impl_->display);
}

}  // namespace shotcall::ui
