// An enemy who knows every Riot ID of the game tries each way into a team's channel; every one is
// refused and the team hears nothing of it (except the warning when its Riot ID is claimed).
#include <gtest/gtest.h>

#include "tests/server/server_test_helpers.hpp"

namespace shotcall::test {
namespace {

class EnemyAtTheGate : public ::testing::Test {
 protected:
  void SetUp() override {
    team = form_team(server, "Blue", "31337", "100", 5);
    enemies = form_team(server, "Red", "31337", "200", 2);
    for (auto& p : team.players) p->clear();
  }
  // Proves every teammate has received whatever the enemy's attempt caused, then checks that it
  // was nothing (or only the claimed-ID warning).
  void expect_team_untouched() {
    for (auto& p : team.players) {
      ASSERT_TRUE(p->barrier());
      for (const auto& f : p->queued())
        EXPECT_TRUE(f.type == "notice") << p.riot_id << " received " << f.text;
    }
  }
  ServerProcess server;
  Team team;
  Team enemies;
};

TEST_F(EnemyAtTheGate, FindOrCreateWithTheTeamsRosterIsNotOnRoster) {
  auto& enemy = enemies.players[0];
  enemy->send(msg::find_or_create("31337", "100", team.roster, "e-1"));
  ASSERT_TRUE(enemy->wait_for_error("not-on-roster"));
  expect_team_untouched();
}

TEST_F(EnemyAtTheGate, JoinByChannelIdIsNotOnRoster) {
  auto& enemy = enemies.players[0];
  enemy->send(msg::join(team.channel_id, "e-2"));
  auto f = enemy->wait_for_error("not-on-roster");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->message->id, "e-2");
  // Still in its own channel: a failed join costs nothing.
  enemy->send(msg::chat(enemies.channel_id, "still here"));
  EXPECT_TRUE(enemy->wait_for_type("chat"));
  expect_team_untouched();
}

TEST_F(EnemyAtTheGate, ClaimingAConnectedTeammatesRiotIdIsRefusedAndTheTeammateWarned) {
  auto outsider = WsClient::connect(server.url());
  outsider->send(msg::register_user("blue2#T100", "e-3"));
  ASSERT_TRUE(outsider->wait_for_error("riot-id-in-use"));
  auto warned = team.players[2]->wait_for_type("notice");
  ASSERT_TRUE(warned);
  EXPECT_EQ(warned->as<protocol::Notice>()->level, protocol::NoticeLevel::Warning);
  // And with no registration, nothing else works.
  outsider->send(msg::join(team.channel_id, "e-4"));
  ASSERT_TRUE(outsider->wait_for_error("not-registered"));
  expect_team_untouched();
}

TEST_F(EnemyAtTheGate, SignalToATeammatesPeerIdFromOutsideIsRefused) {
  auto& enemy = enemies.players[0];
  // From the enemy's own channel: the teammate is not in it.
  enemy->send(msg::signal(team.players[0].peer_id, R"({"sdp":{"type":"offer","sdp":"evil"}})", "e-5"));
  ASSERT_TRUE(enemy->wait_for_error("no-such-peer"));
  // From no channel at all.
  enemy->send(msg::leave(enemies.channel_id));
  ASSERT_TRUE(enemy->wait_for_type("left-channel"));
  enemy->send(msg::signal(team.players[0].peer_id, R"({"sdp":{"type":"offer","sdp":"evil"}})", "e-6"));
  auto f = enemy->wait_for([](const Frame& f) { return f.type == "error"; });
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->is_error("not-in-channel") || f->is_error("no-such-peer")) << f->text;
  expect_team_untouched();
}

TEST_F(EnemyAtTheGate, ChatIntoTheTeamsChannelIsRefused) {
  auto& enemy = enemies.players[0];
  enemy->send(msg::chat(team.channel_id, "we hear you", "e-7"));
  ASSERT_TRUE(enemy->wait_for_error("not-in-channel"));
  expect_team_untouched();
}

TEST_F(EnemyAtTheGate, AnEnemyWhoRegistersAnOfflineTeammatesIdIsOnlyOfferedThatTeamsChannel) {
  // The documented limit of policy `none` (docs/self-hosting.md, "Identity"): a Riot ID that was
  // never bound to a device key and is not connected can be claimed. The team sees the newcomer
  // join, marked "not verified" (level none). A bound Riot ID cannot be claimed at all:
  // ServerIdentity.AnEnemyClaimingABoundAbsentTeammateIsRefusedAndHearsNothing.
  auto team2 = form_team(server, "Green", "777", "100", 2);
  team2.players[1]->close();
  ASSERT_TRUE(team2.players[0]->wait_for_type("user-left-channel"));
  auto claimer = registered(server, "Green1#T100");
  auto offer = claimer->wait_for_type("channel-available");
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->as<protocol::ChannelAvailable>()->channel.channel_id, team2.channel_id);
  join(claimer, team2.channel_id);
  auto seen = team2.players[0]->wait_for_type("user-joined-channel");
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->as<protocol::UserJoinedChannel>()->member.riot_id, "Green1#T100");
  EXPECT_EQ(seen->as<protocol::UserJoinedChannel>()->member.identity, protocol::IdentityLevel::None);
  expect_team_untouched();
}

}  // namespace
}  // namespace shotcall::test
