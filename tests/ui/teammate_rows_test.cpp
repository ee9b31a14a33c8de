// Teammate rows from the detected roster and the session's links.
#include <gtest/gtest.h>

#include "signaling/protocol/riot_id.hpp"
#include "ui/teammate_rows.hpp"

namespace shotcall::ui {
namespace {

std::string key(const std::string& id) { return protocol::fold_riot_id(id); }

std::vector<RosterEntry> roster() {
  return {{"Shotcaller#EUW", "Annie", "MIDDLE"},
          {"Ñandú#ÁÉ", "Garen", "TOP"},
          {"Саша#RU1", "Lee Sin", "JUNGLE"},
          {"Lane Bully#NA1", "Leona", "UTILITY"}};
}

PeerLinkView connected(const std::string& id, double rtt, std::int64_t lost, std::uint64_t recv) {
  PeerLinkView v;
  v.key = key(id);
  v.riot_id = id;
  v.in_channel = true;
  v.has_link = true;
  v.phase = mesh::PeerPhase::Connected;
  v.rtt_ms = rtt;
  v.packets_lost = lost;
  v.packets_received = recv;
  v.heard = true;
  return v;
}

TEST(TeammateRows, RosterOrderWithoutThePlayer) {
  const auto rows = build_rows(roster(), {}, key("SHOTCALLER#euw"), PeerMemory{});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].riot_id, "Ñandú#ÁÉ");
  EXPECT_EQ(rows[0].champion, "Garen");
  EXPECT_EQ(rows[1].riot_id, "Саша#RU1");
  EXPECT_EQ(rows[2].riot_id, "Lane Bully#NA1");
  for (const auto& r : rows) {
    EXPECT_FALSE(r.has_shotcall);
    EXPECT_EQ(r.state_text, "Not running Shotcall");
    EXPECT_FALSE(r.controls_enabled);
    EXPECT_TRUE(r.quality_text.empty());
  }
}

TEST(TeammateRows, LinksAreMatchedCaseInsensitively) {
  auto link = connected("саша#ru1", 42.4, 1, 999);
  link.speaking = true;
  const auto rows = build_rows(roster(), {link}, key("Shotcaller#EUW"), PeerMemory{});
  ASSERT_EQ(rows.size(), 3u);
  const TeammateRow& sasha = rows[1];
  EXPECT_EQ(sasha.riot_id, "Саша#RU1") << "the roster's display form wins";
  EXPECT_TRUE(sasha.has_shotcall);
  EXPECT_EQ(sasha.state_text, "Connected");
  EXPECT_EQ(sasha.quality, Quality::Good);
  EXPECT_EQ(sasha.quality_text, "42 ms · 0.1% loss");
  EXPECT_TRUE(sasha.speaking);
  EXPECT_TRUE(sasha.controls_enabled);
  EXPECT_NE(sasha.accessible_summary.find("Lee Sin"), std::string::npos);
  EXPECT_NE(sasha.accessible_summary.find("speaking"), std::string::npos);
}

TEST(TeammateRows, StatesInWords) {
  PeerLinkView joining;
  joining.key = key("Ñandú#ÁÉ");
  joining.riot_id = "Ñandú#ÁÉ";
  joining.in_channel = true;
  PeerLinkView connecting = connected("Саша#RU1", -1, 0, 0);
  connecting.phase = mesh::PeerPhase::Connecting;
  PeerLinkView failed = connected("Lane Bully#NA1", 30, 0, 10);
  failed.phase = mesh::PeerPhase::Failed;
  failed.reason = "ICE failed";
  const auto rows = build_rows(roster(), {joining, connecting, failed}, key("Shotcaller#EUW"), {});
  EXPECT_EQ(rows[0].state_text, "In the channel, no voice link yet");
  EXPECT_TRUE(rows[0].has_shotcall);
  EXPECT_FALSE(rows[0].controls_enabled);
  EXPECT_EQ(rows[1].state_text, "Connecting…");
  EXPECT_TRUE(rows[1].quality_text.empty());
  EXPECT_EQ(rows[2].state_text, "Connection lost: ICE failed");
  EXPECT_FALSE(rows[2].speaking);
}

TEST(TeammateRows, ConnectedLinksSayDirectOrRelayed) {
  auto direct = connected("Ñandú#ÁÉ", 20, 0, 100);
  direct.path = LinkPath::Direct;
  direct.local_candidate = "host";
  direct.remote_candidate = "srflx";
  auto relayed = connected("Саша#RU1", 60, 0, 100);
  relayed.path = LinkPath::Relayed;
  relayed.local_candidate = "relay";
  relayed.remote_candidate = "srflx";
  auto measuring = connected("Lane Bully#NA1", 30, 0, 100);  // no selected pair known yet
  const auto rows =
      build_rows(roster(), {direct, relayed, measuring}, key("Shotcaller#EUW"), PeerMemory{});
  EXPECT_EQ(rows[0].route_text, "Direct");
  EXPECT_NE(rows[0].route_description.find("(host to srflx)"), std::string::npos)
      << rows[0].route_description;
  EXPECT_NE(rows[0].accessible_summary.find("direct connection"), std::string::npos);
  EXPECT_EQ(rows[1].route_text, "Relayed");
  EXPECT_NE(rows[1].route_description.find("relay (TURN)"), std::string::npos);
  EXPECT_NE(rows[1].accessible_summary.find("relayed connection"), std::string::npos);
  EXPECT_TRUE(rows[2].route_text.empty());
  EXPECT_TRUE(rows[2].route_description.empty());
  for (const auto& r : rows) EXPECT_TRUE(r.failure_text.empty());
}

TEST(TeammateRows, AnUnreachableTeammateIsExplainedInWords) {
  const std::string words =
      "Can't reach Саша#RU1: no direct path between your networks, and this server offers no "
      "relay (TURN). Ask the server's admin to add one.";
  PeerLinkView failed = connected("Саша#RU1", -1, 0, 0);
  failed.phase = mesh::PeerPhase::Failed;
  failed.reason = words;
  failed.failure = words;
  failed.path = LinkPath::Direct;  // stale: a link that is not connected has no route shown
  PeerLinkView retrying = connected("Lane Bully#NA1", -1, 0, 0);
  retrying.phase = mesh::PeerPhase::Connecting;  // rebuilding after the failure
  retrying.failure = "Can't reach Lane Bully#NA1, even through the relay server (TURN).";
  const auto rows = build_rows(roster(), {failed, retrying}, key("Shotcaller#EUW"), PeerMemory{});
  EXPECT_EQ(rows[1].state_text, "Can't connect");
  EXPECT_EQ(rows[1].failure_text, words);
  EXPECT_TRUE(rows[1].route_text.empty());
  EXPECT_NE(rows[1].accessible_summary.find(words), std::string::npos);
  EXPECT_EQ(rows[2].state_text, "Connecting…");
  EXPECT_EQ(rows[2].failure_text, retrying.failure) << "the words stay while it retries";
  // Connected again: the words go (the session clears LinkInfo::failure on connecting).
  retrying.phase = mesh::PeerPhase::Connected;
  retrying.failure.clear();
  EXPECT_TRUE(build_rows(roster(), {retrying}, key("Shotcaller#EUW"), {})[2].failure_text.empty());
}

TEST(TeammateRows, ConnectedButSilentSaysSo) {
  auto link = connected("Ñandú#ÁÉ", 20, 0, 0);
  link.heard = false;
  const auto rows = build_rows(roster(), {link}, key("Shotcaller#EUW"), {});
  EXPECT_EQ(rows[0].state_text, "Connected, no sound yet");
}

TEST(TeammateRows, SomeoneLinkedButNotOnTheRosterIsListedLast) {
  const auto rows =
      build_rows(roster(), {connected("Stranger#XX1", 10, 0, 10)}, key("Shotcaller#EUW"), {});
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3].riot_id, "Stranger#XX1");
}

TEST(TeammateRows, RememberedVolumeAndMuteShow) {
  PeerMemory memory;
  memory.set_volume(key("Ñandú#ÁÉ"), 1.5);
  memory.set_muted(key("Саша#RU1"), true);
  const auto rows = build_rows(roster(), {}, key("Shotcaller#EUW"), memory);
  EXPECT_DOUBLE_EQ(rows[0].volume, 1.5);
  EXPECT_FALSE(rows[0].muted);
  EXPECT_DOUBLE_EQ(rows[1].volume, kDefaultPeerVolume);
  EXPECT_TRUE(rows[1].muted);
}

TEST(TeammateRows, QualityBands) {
  EXPECT_EQ(rate_quality(-1, 0, 0), Quality::Unknown);
  EXPECT_EQ(rate_quality(80, 1, 100), Quality::Good);    // 0.99 %
  EXPECT_EQ(rate_quality(80, 5, 95), Quality::Fair);     // 5 %
  EXPECT_EQ(rate_quality(250, 0, 100), Quality::Fair);
  EXPECT_EQ(rate_quality(400, 0, 100), Quality::Poor);
  EXPECT_EQ(rate_quality(50, 20, 80), Quality::Poor);    // 20 %
  EXPECT_EQ(quality_text(-1, 0, 0), "measuring…");
  EXPECT_EQ(quality_text(12.6, 0, 0), "13 ms · 0.0% loss");
  EXPECT_EQ(quality_text(100, 25, 75), "100 ms · 25.0% loss");
  EXPECT_EQ(quality_text(100, -3, 75), "100 ms · 0.0% loss") << "RTCP may report negative loss";
}

TEST(TeammateRows, IdentityBadgeForTeammatesWhoRunShotcall) {
  auto verified = connected("Ñandú#ÁÉ", 20, 0, 100);
  verified.identity = protocol::IdentityLevel::Riot;
  auto keyed = connected("Саша#RU1", 20, 0, 100);
  keyed.identity = protocol::IdentityLevel::Key;
  const auto rows = build_rows(roster(), {verified, keyed}, key("Shotcaller#EUW"), PeerMemory{});
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_TRUE(rows[0].badge);
  EXPECT_EQ(rows[0].badge->label, "verified");
  EXPECT_TRUE(rows[0].badge->verified);
  ASSERT_TRUE(rows[1].badge);
  EXPECT_EQ(rows[1].badge->label, "not verified");
  EXPECT_NE(rows[0].accessible_summary.find(", verified,"), std::string::npos)
      << rows[0].accessible_summary;
  EXPECT_NE(rows[1].accessible_summary.find("not verified"), std::string::npos);
  // Nobody vouches for a teammate who does not run Shotcall: no badge.
  EXPECT_FALSE(rows[2].badge);
  EXPECT_EQ(rows[2].accessible_summary.find("verified"), std::string::npos);
}

// Issue 16: a teammate's state is the channel's. Four teammates in the channel whose links our
// side has not built (or lost) never read "Not running Shotcall"; only one missing from the
// channel we are in does, and outside a channel nobody can tell.
TEST(TeammateRows, TeammatesInTheChannelReadTheirChannelStateWhateverOurPipeline) {
  PeerLinkView waiting;  // in the channel, our side built no link (yet)
  waiting.key = key("Ñandú#ÁÉ");
  waiting.riot_id = "Ñandú#ÁÉ";
  waiting.in_channel = true;
  PeerLinkView lost = waiting;  // in the channel, our link to them failed
  lost.key = key("Саша#RU1");
  lost.riot_id = "Саша#RU1";
  lost.has_link = true;
  lost.phase = mesh::PeerPhase::Failed;
  PeerLinkView rebuilding = lost;  // in the channel, our link closed and is being rebuilt
  rebuilding.key = key("Lane Bully#NA1");
  rebuilding.riot_id = "Lane Bully#NA1";
  rebuilding.phase = mesh::PeerPhase::Closed;
  const auto rows =
      build_rows(roster(), {waiting, lost, rebuilding}, key("Shotcaller#EUW"), PeerMemory{});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].state_text, "In the channel, no voice link yet");
  EXPECT_EQ(rows[1].state_text, "Connection lost, retrying");
  EXPECT_EQ(rows[2].state_text, "Reconnecting…");
  for (const auto& r : rows) {
    EXPECT_TRUE(r.has_shotcall) << r.riot_id;
    EXPECT_NE(r.state_text, "Not running Shotcall") << r.riot_id;
  }
}

TEST(TeammateRows, NotRunningShotcallOnlyWhenMissingFromTheChannelWeAreIn) {
  PeerLinkView here = connected("Ñandú#ÁÉ", 20, 0, 100);
  const auto in_call = build_rows(roster(), {here}, key("Shotcaller#EUW"), PeerMemory{}, true);
  ASSERT_EQ(in_call.size(), 3u);
  EXPECT_EQ(in_call[0].state_text, "Connected");
  EXPECT_EQ(in_call[1].state_text, "Not running Shotcall");
  EXPECT_FALSE(in_call[1].has_shotcall);
  // We are not in the channel (joining, no server, our voice would not start): unknown.
  const auto outside = build_rows(roster(), {}, key("Shotcaller#EUW"), PeerMemory{}, false);
  ASSERT_EQ(outside.size(), 3u);
  for (const auto& r : outside) {
    EXPECT_EQ(r.state_text, "Not in the call yet") << r.riot_id;
    EXPECT_NE(r.accessible_summary.find("Not in the call yet"), std::string::npos);
  }
}

TEST(TeammateRows, PositionLabels) {
  EXPECT_EQ(position_label("UTILITY"), "Support");
  EXPECT_EQ(position_label("MIDDLE"), "Mid");
  EXPECT_EQ(position_label(""), "");
  EXPECT_EQ(position_label("NONE"), "");
}

}  // namespace
}  // namespace shotcall::ui
