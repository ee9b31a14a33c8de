#include "app/session/event_lines.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace shotcall::session {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

LinkSnapshot link(const std::string& phase) {
  LinkSnapshot s;
  s.riot_id = "Bob#EUW";
  s.phase = phase;
  s.route = "unknown";
  return s;
}

LinkSnapshot routed(const std::string& route, const std::string& local, const std::string& remote) {
  LinkSnapshot s = link("connected");
  s.route = route;
  s.route_known = true;
  s.local_candidate = local;
  s.remote_candidate = remote;
  return s;
}

TEST(EventLines, EachPhaseChangeIsOneLineWithItsReason) {
  EventLines lines;
  EXPECT_THAT(lines.on_link("bob#euw", link("new")), ElementsAre("peer Bob#EUW new"));
  EXPECT_THAT(lines.on_link("bob#euw", link("new")), IsEmpty());
  EXPECT_THAT(lines.on_link("bob#euw", link("connecting")), ElementsAre("peer Bob#EUW connecting"));
  LinkSnapshot failed = link("failed");
  failed.reason = "ice failed";
  EXPECT_THAT(lines.on_link("bob#euw", failed), ElementsAre("peer Bob#EUW failed ice failed"));
}

TEST(EventLines, RouteOnceKnownAndOnEachChangeNeverUnknownFirst) {
  EventLines lines;
  EXPECT_THAT(lines.on_link("bob#euw", link("connected")), ElementsAre("peer Bob#EUW connected"));
  EXPECT_THAT(lines.on_link("bob#euw", routed("direct", "host", "srflx")),
              ElementsAre("route Bob#EUW direct host srflx"));
  EXPECT_THAT(lines.on_link("bob#euw", routed("direct", "host", "srflx")), IsEmpty());
  EXPECT_THAT(lines.on_link("bob#euw", routed("relayed", "relay", "host")),
              ElementsAre("route Bob#EUW relayed relay host"));
  EXPECT_THAT(lines.on_link("bob#euw", link("connected")), ElementsAre("route Bob#EUW unknown"));
}

TEST(EventLines, RoutesAreLeftOutWhenNotAsked) {
  EventLines lines({.routes = false, .identities = true});
  EXPECT_THAT(lines.on_link("bob#euw", routed("direct", "host", "host")),
              ElementsAre("peer Bob#EUW connected"));
}

TEST(EventLines, FirstAudioOncePerSessionAfterThePhase) {
  EventLines lines;
  LinkSnapshot s = link("connected");
  s.first_audio_ms = 840;
  EXPECT_THAT(lines.on_link("bob#euw", s),
              ElementsAre("peer Bob#EUW connected", "first-audio Bob#EUW 840"));
  s.first_audio_ms = 900;
  EXPECT_THAT(lines.on_link("bob#euw", s), IsEmpty());
  lines.reset();
  EXPECT_THAT(lines.on_link("bob#euw", s),
              ElementsAre("peer Bob#EUW connected", "first-audio Bob#EUW 900"));
}

TEST(EventLines, IdentityOfTeammatesInTheChannelOnEachChange) {
  EventLines lines;
  EXPECT_THAT(lines.on_teammate("bob#euw", {"Bob#EUW", false, "none"}), IsEmpty());
  EXPECT_THAT(lines.on_teammate("bob#euw", {"Bob#EUW", true, "none"}),
              ElementsAre("identity Bob#EUW none"));
  EXPECT_THAT(lines.on_teammate("bob#euw", {"Bob#EUW", true, "none"}), IsEmpty());
  EXPECT_THAT(lines.on_teammate("bob#euw", {"Bob#EUW", true, "verified"}),
              ElementsAre("identity Bob#EUW verified"));
  // Identity and phase are remembered apart for the same teammate.
  EXPECT_THAT(lines.on_link("bob#euw", link("new")), ElementsAre("peer Bob#EUW new"));
  EXPECT_THAT(lines.on_teammate("bob#euw", {"Bob#EUW", true, "verified"}), IsEmpty());
}

TEST(EventLines, IdentitiesAreLeftOutWhenNotAsked) {
  EventLines lines({.routes = true, .identities = false});
  EXPECT_THAT(lines.on_teammate("bob#euw", {"Bob#EUW", true, "verified"}), IsEmpty());
}

TEST(EventLines, TeammatesAreTrackedApart) {
  EventLines lines;
  LinkSnapshot cid = link("new");
  cid.riot_id = "Cid#EUW";
  EXPECT_THAT(lines.on_link("bob#euw", link("new")), ElementsAre("peer Bob#EUW new"));
  EXPECT_THAT(lines.on_link("cid#euw", cid), ElementsAre("peer Cid#EUW new"));
}

TEST(EventLines, OneLineEvents) {
  EXPECT_EQ(detector_line("waiting", ""), "detector waiting");
  EXPECT_EQ(detector_line("problem", "bad certificate"), "detector problem bad certificate");
  EXPECT_EQ(phase_line("in-channel", ""), "phase in-channel");
  EXPECT_EQ(phase_line("idle", "server gone"), "phase idle server gone");
  EXPECT_EQ(game_line("7", "100"), "game 7 100");
  EXPECT_EQ(device_line("microphone", true, "ignored"), "microphone ok");
  EXPECT_EQ(device_line("speakers", false, "No speakers."), "speakers unavailable No speakers.");
}

}  // namespace
}  // namespace shotcall::session
