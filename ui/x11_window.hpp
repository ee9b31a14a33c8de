// The X11 window id of a GDK window ("0x1c00007"), for scripts that screenshot or drive the
// window from outside; empty on other display servers. Kept apart so Xlib's macros stay out of
// every other file.
#pragma once

#include <gdk/gdk.h>

#include <string>

namespace shotcall::ui {

std::string x11_window_id(GdkWindow* window);

}  // namespace shotcall::ui
