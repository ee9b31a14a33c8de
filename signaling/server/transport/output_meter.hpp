// How much a WebSocket connection has queued for its client and not yet handed to the socket.
//
// Why: libsoup 2.4 queues every outgoing frame in memory until the socket takes it and has no
// way to ask how much is queued (soup_websocket_connection_get_buffered_amount is libsoup 3). A
// client that never reads would make the server hold everything its teammates relay to it. The
// server counts what it queues (WsConnection::send_text); the stream below counts what leaves
// libsoup for the socket; the difference is the queue.
#pragma once

#include <gio/gio.h>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace shotcall::server {

// What a queued data frame costs besides its payload (libsoup's frame record, header, GBytes),
// roughly, so that many tiny frames count for more than their text.
inline constexpr std::uint64_t kQueuedFrameOverhead = 64;

// Follows the server's outgoing WebSocket byte stream frame by frame and adds up the cost of the
// data frames and pongs (payload + kQueuedFrameOverhead each) that have passed: the frames the
// server counts when it queues them (WsConnection::send_text, owe_pong). Pings and close frames
// are the server's own, one at a time, and are not counted on either side. Pure.
class OutputMeter {
 public:
  void feed(const std::uint8_t* bytes, std::size_t n);
  std::uint64_t written() const { return written_; }

 private:
  std::uint64_t written_ = 0;
  std::uint64_t payload_left_ = 0;
  bool counted_frame_ = false;
  std::uint8_t header_[14] = {};
  std::size_t header_len_ = 0;
};

// `stream` with its output half replaced by a pass-through (pollable, unbuffered) stream that
// feeds `meter` with every byte the socket accepted. The input half is shared, and `stream` is
// kept alive with the new one. Closing the new output does not close `stream`'s: the owner
// closes the socket, as before.
GIOStream* with_metered_output(GIOStream* stream, std::shared_ptr<OutputMeter> meter);

}  // namespace shotcall::server
