// The listener's one decision about a connection that has not finished its first request head:
// serve it (the head is complete and small enough), wait for more bytes, or refuse it (431).
// Pure: fed what MSG_PEEK shows, so every case is unit-tested without sockets.
#pragma once

#include <cstddef>
#include <string_view>

namespace shotcall::server {

enum class HeadVerdict { Serve, WaitForMore, TooLarge };

// Remembers how far the blank line has been looked for, so a head that trickles in a byte at a
// time is scanned once in all, not once per arrival.
class RequestHeadJudge {
 public:
  explicit RequestHeadJudge(std::size_t limit) : limit_(limit) {}

  // `peeked` is everything the client has sent so far (MSG_PEEK from the start of the stream,
  // at most limit + 1 bytes). The head ends at its blank line; libsoup also takes a bare LF as
  // a line end, so "\n\n" ends it too.
  HeadVerdict judge(std::string_view peeked);

 private:
  std::size_t limit_;
  std::size_t scanned_ = 0;  // no blank line ends before this offset
};

}  // namespace shotcall::server
