// shotcall: the desktop app. See docs/app.md.
#include <gtk/gtk.h>

#include <cstdio>

#include "ui/application.hpp"
#include "ui/schema_location.hpp"
#include "ui/settings_keys.hpp"

int main(int argc, char** argv) {
  // Running uninstalled (from the build directory): use the schema compiled there.
  shotcall::ui::use_build_tree_schema_if_needed(shotcall::ui::keys::kSchemaId,
                                                SHOTCALL_BUILD_SCHEMA_DIR);
  // No widget here draws with OpenGL. Without this, the first GTK program on an X display
  // probes GLX visuals, which maps Mesa and libLLVM: about 52 MiB for nothing
  // (docs/performance.md, "Voice: desktop app memory"). The user's own setting still wins.
  g_setenv("GDK_GL", "disable", FALSE);
  // gtkmm opens the display as soon as the application exists; without one, say why we stop.
  if (!gtk_init_check(nullptr, nullptr)) {
    std::fprintf(stderr,
                 "shotcall: cannot open a display. Shotcall is a desktop app: start it from your "
                 "desktop session (for a headless player, see shotcall-peer).\n");
    return 1;
  }
  auto app = shotcall::ui::Application::create();
  return app->run(argc, argv);
}
