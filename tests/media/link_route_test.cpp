// The route of a link from the ICE entries of webrtcbin's stats, as GStreamer 1.22 reports them.
#include "app/media/link_route.hpp"

#include <gtest/gtest.h>

namespace shotcall::media {
namespace {

// The shape a two-engine loopback call printed (ids shortened): one transport naming the
// selected pair, the pair naming its two candidates.
RouteStats loopback(const std::string& local_type, const std::string& remote_type) {
  RouteStats s;
  s.selected_pair_ids = {"ice-candidate-pair_webrtcnicetransport0"};
  s.pairs["ice-candidate-pair_webrtcnicetransport0"] = {"ice-candidate-local_1_127.0.0.1_49767",
                                                        "ice-candidate-remote_1_127.0.0.1_50789"};
  s.candidate_types["ice-candidate-local_1_127.0.0.1_49767"] = local_type;
  s.candidate_types["ice-candidate-remote_1_127.0.0.1_50789"] = remote_type;
  return s;
}

TEST(LinkRoute, HostToHostIsDirect) {
  const RouteInfo r = route_from_stats(loopback("host", "host"));
  EXPECT_EQ(r.route, LinkRoute::Direct);
  EXPECT_EQ(r.local_candidate_type, "host");
  EXPECT_EQ(r.remote_candidate_type, "host");
}

TEST(LinkRoute, ReflexiveCandidatesAreDirect) {
  EXPECT_EQ(route_from_stats(loopback("srflx", "prflx")).route, LinkRoute::Direct);
}

TEST(LinkRoute, EitherSideRelayedIsRelayed) {
  EXPECT_EQ(route_from_stats(loopback("relay", "srflx")).route, LinkRoute::Relayed);
  const RouteInfo r = route_from_stats(loopback("host", "relay"));
  EXPECT_EQ(r.route, LinkRoute::Relayed);
  EXPECT_EQ(r.remote_candidate_type, "relay");
}

TEST(LinkRoute, TheSelectedPairWinsOverOthers) {
  RouteStats s = loopback("relay", "relay");
  s.pairs["other"] = {"l2", "r2"};
  s.candidate_types["l2"] = "host";
  s.candidate_types["r2"] = "host";
  EXPECT_EQ(route_from_stats(s).route, LinkRoute::Relayed);
  s.selected_pair_ids = {"other"};
  EXPECT_EQ(route_from_stats(s).route, LinkRoute::Direct);
}

TEST(LinkRoute, UnknownWithoutASelectedPair) {
  EXPECT_EQ(route_from_stats({}).route, LinkRoute::Unknown);
  RouteStats two = loopback("host", "host");
  two.selected_pair_ids.clear();
  EXPECT_EQ(route_from_stats(two).route, LinkRoute::Direct);  // the one pair listed
  two.pairs["other"] = {"x", "y"};
  EXPECT_EQ(route_from_stats(two).route, LinkRoute::Unknown);  // two pairs, none selected
  RouteStats missing = loopback("host", "host");
  missing.candidate_types.erase("ice-candidate-remote_1_127.0.0.1_50789");
  const RouteInfo r = route_from_stats(missing);
  EXPECT_EQ(r.route, LinkRoute::Unknown);
  EXPECT_EQ(r.local_candidate_type, "");
}

TEST(LinkRoute, Names) {
  EXPECT_STREQ(route_name(LinkRoute::Direct), "direct");
  EXPECT_STREQ(route_name(LinkRoute::Relayed), "relayed");
  EXPECT_STREQ(route_name(LinkRoute::Unknown), "unknown");
}

}  // namespace
}  // namespace shotcall::media
