// "Once the window has drawn N more frames, do this": for event lines that scripts and tests
// act on (screenshots), which must follow frames drawn with whatever just changed.
#pragma once

#include <gtkmm/widget.h>

#include <functional>

namespace shotcall::ui {

// Runs `done` from the after-paint of the `frames`-th frame of `toplevel` from now (nothing if
// it is not realized).
void after_frames(Gtk::Widget& toplevel, int frames, std::function<void()> done);

}  // namespace shotcall::ui
