// When the client renews time-limited TURN credentials (app/net/ice_refresh.hpp): pure, with
// the clock passed in.
#include "app/net/ice_refresh.hpp"

#include <gtest/gtest.h>

namespace shotcall::net {
namespace {

using protocol::IceServer;

constexpr std::int64_t kNowS = 1'700'000'000;
constexpr std::int64_t kNowMs = kNowS * 1000;
const IceServer kStun{{"stun:stun.example.org:3478"}, std::nullopt, std::nullopt};

IceServer turn(std::int64_t expiry_s, std::string opaque = "3f9c2a7d41e0b865") {
  return IceServer{{"turn:relay.example.org:3478?transport=udp", "turns:relay.example.org:5349"},
                   std::to_string(expiry_s) + ":" + opaque,
                   "c2VjcmV0"};
}

TEST(IceRefresh, NothingToRenewWithoutATimeLimitedTurnUsername) {
  EXPECT_EQ(ice_refresh_at_ms({}, kNowMs), std::nullopt);
  EXPECT_EQ(ice_refresh_at_ms({kStun}, kNowMs), std::nullopt);
  // Static credentials.
  EXPECT_EQ(ice_refresh_at_ms({kStun, IceServer{{"turn:t:3478"}, "user", "pass"}}, kNowMs),
            std::nullopt);
  EXPECT_EQ(ice_refresh_at_ms({IceServer{{"turn:t:3478"}, std::nullopt, std::nullopt}}, kNowMs),
            std::nullopt);
  // The REST form on an entry that is not TURN means nothing.
  EXPECT_EQ(ice_refresh_at_ms({IceServer{{"stun:s:3478"}, "1700000600:p", "c"}}, kNowMs),
            std::nullopt);
}

TEST(IceRefresh, UsernamesThatAreNotAnExpiryAreIgnored) {
  for (const char* name : {":p1", "17000006OO:p1", "-1700000600:p1", "+1700000600:p1", "1700000600",
                           "99999999999999999999:p1", "1700000600 :p1"}) {
    EXPECT_EQ(ice_refresh_at_ms({IceServer{{"turn:t:3478"}, name, "c"}}, kNowMs), std::nullopt)
        << name;
  }
}

TEST(IceRefresh, TwelveHoursAreRenewedATenthBeforeTheExpiry) {
  const auto at = ice_refresh_at_ms({kStun, turn(kNowS + 12 * 3600)}, kNowMs);
  ASSERT_TRUE(at);
  EXPECT_EQ(*at, kNowMs + (12 * 3600 - 12 * 360) * 1000LL);  // 10.8 h from now
}

TEST(IceRefresh, TenMinutesAreRenewedAMinuteBeforeTheExpiry) {
  // A tenth would be 60 s too: the minimum margin decides from here down.
  EXPECT_EQ(ice_refresh_at_ms({turn(kNowS + 600)}, kNowMs), kNowMs + 540'000);
  EXPECT_EQ(ice_refresh_at_ms({turn(kNowS + 300)}, kNowMs), kNowMs + 240'000);
}

TEST(IceRefresh, TheShortestLifetimeIsRenewedHalfway) {
  // --turn-ttl 60, the least the server accepts: a minute's margin would mean at once, always.
  EXPECT_EQ(ice_refresh_at_ms({turn(kNowS + 60)}, kNowMs), kNowMs + 30'000);
  EXPECT_EQ(ice_refresh_at_ms({turn(kNowS + 100)}, kNowMs), kNowMs + 50'000);
}

TEST(IceRefresh, TheRemainingLifetimeCountsFromNowNotFromTheIssue) {
  // Received 0.4 s into the second the credential was minted in.
  EXPECT_EQ(ice_refresh_at_ms({turn(kNowS + 600)}, kNowMs + 400), kNowMs + 540'000);
  // A list kept for a while: 1000 s left of 12 h → 100 s before the expiry.
  EXPECT_EQ(ice_refresh_at_ms({turn(kNowS + 1000)}, kNowMs), kNowMs + 900'000);
}

TEST(IceRefresh, TheEarliestExpiryDecides) {
  const auto at =
      ice_refresh_at_ms({turn(kNowS + 12 * 3600, "a"), kStun, turn(kNowS + 600, "b")}, kNowMs);
  EXPECT_EQ(at, kNowMs + 540'000);
  EXPECT_EQ(turn_credentials_expiry_s({turn(kNowS + 900), turn(kNowS + 600)}), kNowS + 600);
}

TEST(IceRefresh, NeverSoonerThanASecondFromNow) {
  EXPECT_EQ(ice_refresh_at_ms({turn(kNowS + 1)}, kNowMs), kNowMs + kIceRefreshMinDelayMs);
  EXPECT_EQ(ice_refresh_at_ms({turn(kNowS + 2)}, kNowMs), kNowMs + 1000);
  EXPECT_EQ(ice_refresh_at_ms({turn(kNowS + 4)}, kNowMs), kNowMs + 2000);
}

TEST(IceRefresh, AnExpiredListIsAskedForAgainAfterAMinuteNotInALoop) {
  // Our clock runs ahead of the server's (or the list is old): asking at once would get the
  // same answer, again and again.
  EXPECT_EQ(ice_refresh_at_ms({turn(kNowS)}, kNowMs), kNowMs + kIceRefreshExpiredDelayMs);
  EXPECT_EQ(ice_refresh_at_ms({turn(kNowS - 3600)}, kNowMs), kNowMs + 60'000);
}

TEST(IceRefresh, AFreshListMovesTheNextRefreshLater) {
  // The server mints the renewal with its clock at the refresh: the schedule moves on.
  const auto first = ice_refresh_at_ms({turn(kNowS + 12 * 3600)}, kNowMs);
  ASSERT_TRUE(first);
  const std::int64_t refreshed_s = *first / 1000 + 12 * 3600;
  const auto second = ice_refresh_at_ms({turn(refreshed_s)}, *first);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second - *first, *first - kNowMs);
}

}  // namespace
}  // namespace shotcall::net
