// The words for a teammate we cannot reach: each case names what was tried and what to do.
#include "app/mesh/unreachable_reason.hpp"

#include <gtest/gtest.h>

namespace shotcall::mesh {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

ReachAttempt attempt(bool turn, std::set<std::string> local, std::set<std::string> remote,
                     bool relay_only = false) {
  return ReachAttempt{"Ana#EUW", turn, relay_only, std::move(local), std::move(remote)};
}

TEST(UnreachableReason, NoRelayConfiguredAsksForOne) {
  const std::string s = unreachable_reason(attempt(false, {"host", "srflx"}, {"host", "srflx"}));
  EXPECT_EQ(s,
            "Can't reach Ana#EUW: no direct path between your networks, and this server offers no "
            "relay (TURN). Ask the server's admin to add one. Tried your local and public "
            "addresses (host, srflx) and Ana#EUW's local and public addresses (host, srflx).");
}

TEST(UnreachableReason, RelayThatGaveNoAddressIsNamed) {
  const std::string s = unreachable_reason(attempt(true, {"host", "srflx"}, {"host"}));
  EXPECT_TRUE(contains(s,
                       "Can't reach Ana#EUW: no direct path between your networks, and the "
                       "relay server (TURN) gave us no relay address."))
      << s;
  EXPECT_TRUE(contains(s, "check the relay")) << s;
  EXPECT_TRUE(contains(s, "Ana#EUW's local address (host).")) << s;
}

TEST(UnreachableReason, FailedEvenThroughTheRelay) {
  const std::string s = unreachable_reason(attempt(true, {"host", "relay"}, {"host", "prflx"}));
  EXPECT_TRUE(contains(s, "Can't reach Ana#EUW, even through the relay server (TURN)")) << s;
  EXPECT_TRUE(contains(s, "port range")) << s;
  EXPECT_TRUE(contains(s,
                       "Tried your local and relay addresses (host, relay) and Ana#EUW's "
                       "local and public addresses (host, prflx)."))
      << s;
}

TEST(UnreachableReason, RelayOnlyWithoutRelay) {
  const std::string s = unreachable_reason(attempt(false, {}, {"relay"}, true));
  EXPECT_TRUE(contains(s, "relay-only mode is on, but this server offers no relay (TURN)")) << s;
  EXPECT_TRUE(contains(s, "allow direct connections")) << s;
  EXPECT_TRUE(contains(s,
                       "You had no address to offer; Ana#EUW offered their relay address "
                       "(relay)."))
      << s;
}

TEST(UnreachableReason, RelayOnlyWhoseRelayGaveNothing) {
  const std::string s = unreachable_reason(attempt(true, {}, {"relay"}, true));
  EXPECT_TRUE(contains(s,
                       "relay-only mode is on, and the relay server (TURN) gave us no relay "
                       "address"))
      << s;
}

TEST(UnreachableReason, RemoteThatOfferedNothing) {
  const std::string s = unreachable_reason(attempt(true, {"host", "relay"}, {}));
  EXPECT_TRUE(contains(s, "Can't reach Ana#EUW: their side offered no address")) << s;
  EXPECT_TRUE(contains(s,
                       "Ana#EUW offered no address; you offered your local and relay "
                       "addresses (host, relay)."))
      << s;
  EXPECT_TRUE(
      contains(unreachable_reason(attempt(false, {}, {})), "Neither side had an address to try."));
}

TEST(CandidateType, ReadsTheTypeAfterTyp) {
  EXPECT_EQ(candidate_type("candidate:1 1 UDP 2015363327 127.0.0.1 39545 typ host"), "host");
  EXPECT_EQ(candidate_type("a=candidate:2 1 UDP 1 203.0.113.9 3478 typ relay raddr 10.0.0.2 "
                           "rport 5000"),
            "relay");
  EXPECT_EQ(candidate_type("candidate:3 1 TCP 1 10.0.0.2 9 typ srflx tcptype active"), "srflx");
  EXPECT_EQ(candidate_type("candidate:1 1 UDP 1 10.0.0.2 9"), std::nullopt);
  EXPECT_EQ(candidate_type("candidate:1 1 UDP 1 10.0.0.2 9 typ"), std::nullopt);
  EXPECT_EQ(candidate_type(""), std::nullopt);
}

TEST(CandidateType, CollectsTheTypesOfAnSdp) {
  const std::string sdp =
      "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
      "a=candidate:1 1 UDP 2015363327 10.0.0.2 39545 typ host\r\n"
      "a=candidate:2 1 UDP 1 203.0.113.9 3478 typ relay raddr 10.0.0.2 rport 5000\r\n"
      "a=candidate:3 1 UDP 1 10.0.0.3 39546 typ host\r\n"
      "a=mid:audio0\r\n";
  EXPECT_EQ(sdp_candidate_types(sdp), (std::set<std::string>{"host", "relay"}));
  EXPECT_TRUE(sdp_candidate_types("v=0\r\n").empty());
}

}  // namespace
}  // namespace shotcall::mesh
