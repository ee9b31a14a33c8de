#include <gtest/gtest.h>

#include "app/history/game_record.hpp"

namespace shotcall::history {
namespace {

using session::DetectedGame;
using session::LinkInfo;

DetectedGame game(const std::string& id, const std::string& team = "100") {
  DetectedGame g;
  g.player_riot_id = "Me#EUW";
  g.target.game_id = {id, true};
  g.target.team_id = {team, true};
  g.target.teammates = {"Me#EUW", "Ñandú#ÁÉ", "Lux#NA1"};
  g.game_mode = "ARAM";
  g.map_name = "Howling Abyss";
  g.teammates = {{"Me#EUW", "Ahri", ""}, {"Ñandú#ÁÉ", "Garen", ""}, {"Lux#NA1", "Lux", ""}};
  return g;
}

LinkInfo link(const std::string& riot_id, media::PeerPhase phase, double rtt, std::int64_t lost,
              std::uint64_t received,
              media::PeerStats::LinkRoute route = media::PeerStats::LinkRoute::Direct) {
  LinkInfo l;
  l.riot_id = riot_id;
  l.peer_id = "p-" + riot_id;
  l.phase = phase;
  l.stats.rtt_ms = rtt;
  l.stats.packets_lost = lost;
  l.stats.packets_received = received;
  l.stats.jitter_ms = 4.5;
  l.stats.route = route;
  return l;
}

const std::string kNandu = riot_key("Ñandú#ÁÉ");

TEST(GameRecorder, FinishWithoutAGameIsNothing) {
  GameRecorder r;
  EXPECT_FALSE(r.finish(1000).has_value());
  EXPECT_FALSE(r.active());
}

TEST(GameRecorder, RecordsTheGameItsTeamAndTheirLinks) {
  GameRecorder r;
  EXPECT_FALSE(r.begin(game("42"), 1'700'000'000'000).has_value());
  EXPECT_TRUE(r.active());
  EXPECT_EQ(r.game_id(), "42");
  r.observe({{kNandu, link("Ñandú#ÁÉ", media::PeerPhase::Connected, 38, 4, 996)}});
  const auto rec = r.finish(1'700'000'000'000 + 1'925'400);
  ASSERT_TRUE(rec.has_value());
  GameRecord want;
  want.started_at_ms = 1'700'000'000'000;
  want.duration_s = 1925;
  want.game_id = "42";
  want.map = "Howling Abyss";
  want.mode = "ARAM";
  want.side = "Blue";
  want.my_riot_id = "Me#EUW";
  want.my_champion = "Ahri";
  want.teammates = {
      {"Ñandú#ÁÉ", "Garen", true, {LinkRoute::Direct, 38, 4, 996, 4.5}},
      {"Lux#NA1", "Lux", false, {}},
  };
  EXPECT_EQ(*rec, want);
  EXPECT_FALSE(r.active());
  EXPECT_FALSE(r.finish(1'700'000'999'999).has_value());
}

TEST(GameRecorder, SideIsRedForTeam200AndTheTextOtherwise) {
  GameRecorder r;
  r.begin(game("1", "200"), 0);
  EXPECT_EQ(r.finish(0)->side, "Red");
  r.begin(game("2", "blue-team"), 0);
  EXPECT_EQ(r.finish(0)->side, "blue-team");
}

TEST(GameRecorder, ObservingBeforeAGameKeepsNothing) {
  GameRecorder r;
  r.observe({{kNandu, link("Ñandú#ÁÉ", media::PeerPhase::Connected, 38, 0, 100)}});
  r.begin(game("42"), 0);
  const auto rec = r.finish(5000);
  ASSERT_TRUE(rec);
  EXPECT_FALSE(rec->teammates[0].in_voice);
  EXPECT_EQ(rec->teammates[0].link, LinkQuality{});
}

TEST(GameRecorder, TheSameGameAgainFillsInChampionsAndKeepsItsStart) {
  GameRecorder r;
  DetectedGame early = game("42");
  early.teammates.clear();  // champions not known yet: the Riot IDs only
  early.map_name.clear();
  r.begin(early, 1000);
  r.observe({{kNandu, link("Ñandú#ÁÉ", media::PeerPhase::Connected, 50, 0, 10)}});
  EXPECT_FALSE(r.begin(game("42"), 60'000).has_value());
  const auto rec = r.finish(121'000);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->started_at_ms, 1000);
  EXPECT_EQ(rec->duration_s, 120);
  EXPECT_EQ(rec->map, "Howling Abyss");
  EXPECT_EQ(rec->my_champion, "Ahri");
  ASSERT_EQ(rec->teammates.size(), 2u);
  EXPECT_EQ(rec->teammates[0].champion, "Garen");
  EXPECT_TRUE(rec->teammates[0].in_voice);
  EXPECT_EQ(rec->teammates[1].champion, "Lux");
}

TEST(GameRecorder, ANewGameEndsTheOneInProgressAndReturnsIt) {
  GameRecorder r;
  r.begin(game("1"), 0);
  const auto ended = r.begin(game("2"), 30'000);
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->game_id, "1");
  EXPECT_EQ(ended->duration_s, 30);
  EXPECT_EQ(r.game_id(), "2");
  EXPECT_EQ(r.finish(40'000)->duration_s, 10);
}

TEST(GameRecorder, KeepsTheBestKnownQualityAndThatTheyWereInVoice) {
  GameRecorder r;
  r.begin(game("42"), 0);
  r.observe({{kNandu, link("Ñandú#ÁÉ", media::PeerPhase::Connecting, -1, 0, 0,
                           media::PeerStats::LinkRoute::Unknown)}});
  r.observe({{kNandu, link("Ñandú#ÁÉ", media::PeerPhase::Connected, 40, 1, 500,
                           media::PeerStats::LinkRoute::Relayed)}});
  r.observe({{kNandu, link("Ñandú#ÁÉ", media::PeerPhase::Connected, 42, 3, 1500,
                           media::PeerStats::LinkRoute::Relayed)}});
  // The link failed and was rebuilt: fewer packets counted so far, the route not known yet.
  r.observe({{kNandu, link("Ñandú#ÁÉ", media::PeerPhase::Failed, -1, 0, 0,
                           media::PeerStats::LinkRoute::Unknown)}});
  r.observe({{kNandu, link("Ñandú#ÁÉ", media::PeerPhase::Connected, 90, 0, 20,
                           media::PeerStats::LinkRoute::Unknown)}});
  const auto rec = r.finish(1000);
  ASSERT_TRUE(rec);
  EXPECT_TRUE(rec->teammates[0].in_voice);
  EXPECT_EQ(rec->teammates[0].link, (LinkQuality{LinkRoute::Relayed, 42, 3, 1500, 4.5}));
}

TEST(GameRecorder, HeardCountsAsInVoiceAndConnectingDoesNot) {
  GameRecorder r;
  r.begin(game("42"), 0);
  LinkInfo heard =
      link("Ñandú#ÁÉ", media::PeerPhase::Closed, -1, 0, 0, media::PeerStats::LinkRoute::Unknown);
  heard.first_audio_ms = 350;
  r.observe({{kNandu, heard},
             {riot_key("Lux#NA1"), link("Lux#NA1", media::PeerPhase::Connecting, -1, 0, 0,
                                        media::PeerStats::LinkRoute::Unknown)}});
  const auto rec = r.finish(1000);
  ASSERT_TRUE(rec);
  EXPECT_TRUE(rec->teammates[0].in_voice);
  EXPECT_FALSE(rec->teammates[1].in_voice);
  EXPECT_EQ(rec->teammates[1].link, LinkQuality{});
}

TEST(GameRecorder, SomeoneLinkedOffTheRosterIsRecordedAndThePlayerIsNot) {
  GameRecorder r;
  r.begin(game("42"), 0);
  r.observe({{riot_key("Me#EUW"), link("Me#EUW", media::PeerPhase::Connected, 1, 0, 9)},
             {riot_key("Extra#KR"), link("Extra#KR", media::PeerPhase::Connected, 60, 0, 99)}});
  const auto rec = r.finish(1000);
  ASSERT_TRUE(rec);
  ASSERT_EQ(rec->teammates.size(), 3u);
  EXPECT_EQ(rec->teammates[2],
            (TeammateRecord{"Extra#KR", "", true, {LinkRoute::Direct, 60, 0, 99, 4.5}}));
}

TEST(GameRecorder, AHandTypedGameUsesTheTargetsRiotIds) {
  GameRecorder r;
  DetectedGame g = game("7");
  g.teammates.clear();
  g.map_name.clear();
  g.game_mode.clear();
  r.begin(g, 0);
  const auto rec = r.finish(0);
  ASSERT_TRUE(rec);
  ASSERT_EQ(rec->teammates.size(), 2u);
  EXPECT_EQ(rec->teammates[0].riot_id, "Ñandú#ÁÉ");
  EXPECT_EQ(rec->teammates[1].riot_id, "Lux#NA1");
  EXPECT_EQ(rec->my_champion, "");
  EXPECT_EQ(rec->map, "");
}

TEST(GameRecord, RouteWordsRoundTrip) {
  for (LinkRoute r : {LinkRoute::Unknown, LinkRoute::Direct, LinkRoute::Relayed})
    EXPECT_EQ(route_from_string(to_string(r)), r);
  EXPECT_EQ(route_from_string("sideways"), LinkRoute::Unknown);
}

TEST(MergeRecord, KeepsTheEarliestStartCoversBothPartsAndMergesTheTeam) {
  GameRecord first;
  first.started_at_ms = 100'000;
  first.duration_s = 300;  // ends at 400'000
  first.game_id = "G";
  first.my_riot_id = "Me#EUW";
  first.map = "Summoner's Rift";
  first.teammates = {{"Ñandú#ÁÉ", "Garen", true, {LinkRoute::Direct, 30, 2, 5000, 1}},
                     {"Lux#NA1", "", false, {}}};
  GameRecord second = first;
  second.started_at_ms = 420'000;
  second.duration_s = 600;  // ends at 1'020'000
  second.map = "";
  second.my_champion = "Ahri";
  // After the restart: a fresh link (fewer packets), Lux came into voice, someone new linked.
  second.teammates = {{"ñandú#áé", "", false, {LinkRoute::Relayed, 80, 9, 700, 3}},
                      {"Lux#NA1", "Lux", true, {LinkRoute::Direct, 25, 0, 9000, 2}},
                      {"Ezreal#EUW", "", true, {}}};

  merge_record(first, second);
  EXPECT_EQ(first.started_at_ms, 100'000);
  EXPECT_EQ(first.duration_s, 920);
  EXPECT_EQ(first.map, "Summoner's Rift");
  EXPECT_EQ(first.my_champion, "Ahri");
  ASSERT_EQ(first.teammates.size(), 3u);
  // More packets measured before: those stats stay; the route is the last known one.
  EXPECT_EQ(first.teammates[0],
            (TeammateRecord{"Ñandú#ÁÉ", "Garen", true, {LinkRoute::Relayed, 30, 2, 5000, 1}}));
  EXPECT_EQ(first.teammates[1],
            (TeammateRecord{"Lux#NA1", "Lux", true, {LinkRoute::Direct, 25, 0, 9000, 2}}));
  EXPECT_EQ(first.teammates[2], (TeammateRecord{"Ezreal#EUW", "", true, {}}));
}

TEST(MergeRecord, AnEarlierPartMergedInMovesTheStartBack) {
  GameRecord later;
  later.started_at_ms = 500'000;
  later.duration_s = 100;
  GameRecord earlier;
  earlier.started_at_ms = 200'000;
  earlier.duration_s = 60;
  merge_record(later, earlier);
  EXPECT_EQ(later.started_at_ms, 200'000);
  EXPECT_EQ(later.duration_s, 400);
}

}  // namespace
}  // namespace shotcall::history
