// Puts a FrameGuard between a client's socket and libsoup: the returned stream reads the socket
// into the reader's own buffer, hands on what the guard lets through (no buffer of its own per
// connection), and writes straight to `base`. `on_fault` runs (from inside
// libsoup's read) the first time the client goes over the limit or breaks RFC 6455;
// `admit_control` decides (also from inside the read) whether each ping or pong goes on.
//
// libsoup closes only the returned stream's halves, which for a socket connection does not close
// the socket: the owner must g_io_stream_close() `base` when the WebSocket is done.
//
// `socket`, the socket under `base` (or null), is what the stream's pollable source watches
// itself: one GSource per connection instead of the four `base`'s own source is made of.
#pragma once

#include <gio/gio.h>

#include <cstdint>
#include <functional>

#include "signaling/server/transport/frame_guard.hpp"

namespace shotcall::server {

struct GuardHooks {
  std::function<void(GuardFault)> on_fault;
  FrameGuard::AdmitControl admit_control;  // empty: every ping and pong goes on
};

GIOStream* new_guarded_stream(GIOStream* base, GSocket* socket, std::uint64_t max_message_bytes,
                              GuardHooks hooks);

}  // namespace shotcall::server
