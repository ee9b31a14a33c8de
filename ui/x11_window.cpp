#include "ui/x11_window.hpp"

#include <gdk/gdkx.h>

#include <cstdio>

namespace shotcall::ui {

std::string x11_window_id(GdkWindow* window) {
  if (!window || !GDK_IS_X11_WINDOW(window)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%lx", static_cast<unsigned long>(gdk_x11_window_get_xid(window)));
  return buf;
}

}  // namespace shotcall::ui
