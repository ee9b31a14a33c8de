#include "signaling/server/transport/request_head.hpp"

#include <algorithm>

namespace shotcall::server {

HeadVerdict RequestHeadJudge::judge(std::string_view peeked) {
  // A blank line may straddle what was scanned and what is new: step back by the longest
  // terminator less one.
  const std::size_t from = scanned_ > 3 ? scanned_ - 3 : 0;
  const std::size_t crlf = peeked.find("\r\n\r\n", from);
  const std::size_t lf = peeked.find("\n\n", from);
  std::size_t end = std::string_view::npos;
  if (crlf != std::string_view::npos) end = crlf + 4;
  if (lf != std::string_view::npos) end = std::min(end, lf + 2);
  if (end != std::string_view::npos)
    return end <= limit_ ? HeadVerdict::Serve : HeadVerdict::TooLarge;
  scanned_ = std::max(scanned_, peeked.size());
  return peeked.size() <= limit_ ? HeadVerdict::WaitForMore : HeadVerdict::TooLarge;
}

}  // namespace shotcall::server
