// The listener's decision on a first request head, fed what MSG_PEEK would show.
#include "signaling/server/transport/request_head.hpp"

#include <gtest/gtest.h>

#include <string>

namespace shotcall::server {
namespace {

constexpr std::size_t kLimit = 64;

std::string head_of(std::size_t size, const std::string& end = "\r\n\r\n") {
  std::string head = "GET / HTTP/1.1\r\nX: ";
  head.append(size - head.size() - end.size(), 'a');
  return head + end;
}

TEST(RequestHead, ACompleteHeadWithinTheLimitIsServed) {
  RequestHeadJudge judge(kLimit);
  EXPECT_EQ(judge.judge(head_of(kLimit)), HeadVerdict::Serve);
}

TEST(RequestHead, ABareLineFeedEndsTheHeadAsLibsoupReadsIt) {
  RequestHeadJudge judge(kLimit);
  EXPECT_EQ(judge.judge(head_of(40, "\n\n")), HeadVerdict::Serve);
}

TEST(RequestHead, AHeadOneByteOverTheLimitIsTooLarge) {
  RequestHeadJudge judge(kLimit);
  EXPECT_EQ(judge.judge(head_of(kLimit + 1)), HeadVerdict::TooLarge);
}

TEST(RequestHead, AnUnfinishedHeadWaitsUntilItPassesTheLimit) {
  RequestHeadJudge judge(kLimit);
  const std::string head = head_of(kLimit * 2);
  EXPECT_EQ(judge.judge(std::string_view{head}.substr(0, kLimit)), HeadVerdict::WaitForMore);
  EXPECT_EQ(judge.judge(std::string_view{head}.substr(0, kLimit + 1)), HeadVerdict::TooLarge);
}

TEST(RequestHead, TheBodyAfterACompleteHeadDoesNotCount) {
  RequestHeadJudge judge(kLimit);
  EXPECT_EQ(judge.judge(head_of(40) + std::string(100, 'b')), HeadVerdict::Serve);
}

// A head trickling in one byte at a time, each arrival judged on everything so far: it waits
// until the last byte of its blank line, then is served; the scan resumes where it stopped, and
// a blank line split across two arrivals is still found.
TEST(RequestHead, AHeadArrivingAByteAtATimeIsServedAtItsLastByte) {
  for (const std::string end : {"\r\n\r\n", "\n\n"}) {
    RequestHeadJudge judge(kLimit);
    const std::string head = head_of(kLimit, end);
    for (std::size_t n = 1; n < head.size(); ++n)
      ASSERT_EQ(judge.judge(std::string_view{head}.substr(0, n)), HeadVerdict::WaitForMore)
          << n << " bytes";
    EXPECT_EQ(judge.judge(head), HeadVerdict::Serve);
  }
}

TEST(RequestHead, ABlankLineSplitAcrossTwoArrivalsIsFound) {
  RequestHeadJudge judge(kLimit);
  const std::string head = head_of(40);
  EXPECT_EQ(judge.judge(std::string_view{head}.substr(0, head.size() - 2)),
            HeadVerdict::WaitForMore);
  EXPECT_EQ(judge.judge(head), HeadVerdict::Serve);
}

}  // namespace
}  // namespace shotcall::server
