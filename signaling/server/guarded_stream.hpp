// Puts a FrameGuard between a client's socket and libsoup: the returned stream reads through a
// GConverter that applies the guard and writes straight to `base`. `on_oversize` runs (from inside
// libsoup's read) the first time the client goes over the limit.
//
// libsoup closes only the returned stream's halves, which for a socket connection does not close
// the socket: the owner must g_io_stream_close() `base` when the WebSocket is done.
#pragma once

#include <gio/gio.h>

#include <cstdint>
#include <functional>

namespace shotcall::server {

GIOStream* new_guarded_stream(GIOStream* base, std::uint64_t max_message_bytes,
                              std::function<void()> on_oversize);

}  // namespace shotcall::server
