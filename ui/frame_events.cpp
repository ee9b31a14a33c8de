#include "ui/frame_events.hpp"

namespace shotcall::ui {

void after_frames(Gtk::Widget& toplevel, int frames, std::function<void()> done) {
  if (!toplevel.get_realized()) return;
  GdkFrameClock* clock = gtk_widget_get_frame_clock(toplevel.gobj());
  if (!clock) return;
  struct Pending {
    int frames;
    std::function<void()> done;
    gulong handler = 0;
  };
  auto* pending = new Pending{frames, std::move(done)};
  pending->handler = g_signal_connect_data(
      clock, "after-paint",
      G_CALLBACK(+[](GdkFrameClock* c, gpointer data) {
        auto* p = static_cast<Pending*>(data);
        if (--p->frames > 0) {
          gdk_frame_clock_request_phase(c, GDK_FRAME_CLOCK_PHASE_PAINT);
          return;
        }
        auto done = std::move(p->done);
        g_signal_handler_disconnect(c, p->handler);  // frees `p`
        if (done) done();
      }),
      pending, [](gpointer data, GClosure*) { delete static_cast<Pending*>(data); },
      GConnectFlags{});
  gdk_frame_clock_request_phase(clock, GDK_FRAME_CLOCK_PHASE_PAINT);
}

}  // namespace shotcall::ui
