// shotcall: the desktop app. See docs/app.md.
#include <gtk/gtk.h>

#include <clocale>
#include <cstdio>

#include "app/i18n/locale_dir.hpp"
#include "app/i18n/translate.hpp"
#include "ui/application.hpp"
#include "ui/schema_location.hpp"
#include "ui/settings_keys.hpp"

int main(int argc, char** argv) {
  // The player's language, before anything is printed or GTK starts: the catalogs compiled in
  // the build tree when this is the build tree's binary, the installed ones otherwise.
  std::setlocale(LC_ALL, "");
  shotcall::i18n::init(
      shotcall::i18n::choose_locale_dir(shotcall::i18n::running_program(), SHOTCALL_BUILD_BIN_DIR,
                                        SHOTCALL_BUILD_LOCALE_DIR, SHOTCALL_INSTALLED_LOCALE_DIR));
  // Running uninstalled (from the build directory): use the schema compiled there.
  shotcall::ui::use_build_tree_schema_if_needed(shotcall::ui::keys::kSchemaId,
                                                SHOTCALL_BUILD_SCHEMA_DIR);
  // No widget here draws with OpenGL. Without this, the first GTK program on an X display
  // probes GLX visuals, which maps Mesa and libLLVM: about 52 MiB for nothing
  // (docs/performance.md, "Voice: desktop app memory"). The user's own setting still wins.
  g_setenv("GDK_GL", "disable", FALSE);
  // gtkmm opens the display as soon as the application exists; without one, say why we stop.
  if (!gtk_init_check(nullptr, nullptr)) {
    std::fprintf(stderr, "%s\n",
                 shotcall::i18n::tr("shotcall: cannot open a display. Shotcall is a desktop app: "
                                    "start it from your desktop session (for a headless player, "
                                    "see shotcall-peer)."));
    return 1;
  }
  auto app = shotcall::ui::Application::create();
  return app->run(argc, argv);
}
