// The client's session logic, fed typed server messages: exactly which requests and mesh changes
// come out. Pure: no sockets, no GStreamer.
#include "app/session/session_core.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace shotcall::session {
namespace {

namespace p = shotcall::protocol;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::vector<std::string> kTeam{"Ahri#EUW", "Garen#EUW", "Lux#EUW"};

GameTarget game(std::string id = "EUW1_1") {
  return GameTarget{{std::move(id), false}, {"100", true}, kTeam};
}
p::ServerMessage ev(p::ServerBody body) { return {std::nullopt, std::move(body)}; }
p::ChannelInfo channel(std::string id = "EUW1_1_100_5", std::vector<std::string> roster = kTeam) {
  return {std::move(id), {"EUW1_1", false}, {"100", true}, std::move(roster)};
}
Action send(p::ClientBody body) { return SendMessage{{std::nullopt, std::move(body)}}; }

// Drives a session into the channel with Garen already there; returns it.
SessionCore in_channel_with_garen() {
  SessionCore s{"Ahri#EUW", false};
  s.set_target(game());
  s.on_registered("me1");
  s.on_message(ev(p::ChannelCreated{channel()}));
  s.on_message(ev(p::JoinedChannel{"EUW1_1_100_5", {{"g1", "Garen#EUW"}}}));
  return s;
}

TEST(SessionCore, RegisteringWithAGameFindsJoinsAndOffersToEachMember) {
  SessionCore s{"Ahri#EUW", false};
  EXPECT_THAT(s.set_target(game()), IsEmpty());  // offline: nothing to send yet
  EXPECT_THAT(s.on_registered("me1"),
              ElementsAre(send(p::FindOrCreateChannel{{"EUW1_1", false}, {"100", true}, kTeam})));
  EXPECT_EQ(s.phase(), Phase::Finding);
  EXPECT_THAT(s.on_message(ev(p::ChannelCreated{channel()})),
              ElementsAre(send(p::JoinChannel{"EUW1_1_100_5"})));
  EXPECT_THAT(
      s.on_message(ev(p::JoinedChannel{"EUW1_1_100_5", {{"g1", "Garen#EUW"}, {"l1", "Lux#EUW"}}})),
      ElementsAre(AddPeer{"garen#euw", "Garen#EUW", true}, AddPeer{"lux#euw", "Lux#EUW", true}));
  EXPECT_EQ(s.phase(), Phase::InChannel);
  EXPECT_EQ(s.channel_id(), "EUW1_1_100_5");
}

TEST(SessionCore, ALaterJoinerOffersToUs) {
  SessionCore s = in_channel_with_garen();
  EXPECT_THAT(s.on_message(ev(p::UserJoinedChannel{"EUW1_1_100_5", {"l1", "Lux#EUW"}})),
              ElementsAre(AddPeer{"lux#euw", "Lux#EUW", false}));
}

TEST(SessionCore, SignalsAreRoutedByRiotIdBothWays) {
  SessionCore s = in_channel_with_garen();
  EXPECT_THAT(s.on_message(ev(p::SignalFrom{"g1", R"({"ice":{}})"})),
              ElementsAre(DeliverSignal{"garen#euw", R"({"ice":{}})"}));
  EXPECT_THAT(s.on_engine_signal("garen#euw", R"({"sdp":{}})"),
              ElementsAre(send(p::SignalTo{"g1", R"({"sdp":{}})"})));
  EXPECT_THAT(s.on_message(ev(p::SignalFrom{"stranger", "{}"})), IsEmpty());
  EXPECT_THAT(s.on_engine_signal("nobody#x", "{}"), IsEmpty());
}

TEST(SessionCore, ATeammateWhoLeavesLosesTheirLink) {
  SessionCore s = in_channel_with_garen();
  EXPECT_THAT(s.on_message(ev(p::UserLeftChannel{"EUW1_1_100_5", "g1"})),
              ElementsAre(RemovePeer{"garen#euw"}));
  EXPECT_THAT(s.on_engine_signal("garen#euw", "{}"), IsEmpty());
}

TEST(SessionCore, AServerRestartKeepsLinksAndRemapsPeerIds) {
  SessionCore s = in_channel_with_garen();
  s.on_engine_link_state("garen#euw", true);
  EXPECT_THAT(s.on_link_lost(), IsEmpty());  // no RemovePeer: the voice keeps flowing
  EXPECT_EQ(s.phase(), Phase::Offline);
  EXPECT_THAT(s.on_engine_signal("garen#euw", "{}"), IsEmpty());  // nowhere to send it
  EXPECT_THAT(s.on_registered("me2"),
              ElementsAre(send(p::FindOrCreateChannel{{"EUW1_1", false}, {"100", true}, kTeam})));
  s.on_message(ev(p::ChannelCreated{channel("EUW1_1_100_9")}));
  // Garen came back first with a new peerId: no second link, signals go to the new id.
  EXPECT_THAT(s.on_message(ev(p::JoinedChannel{"EUW1_1_100_9", {{"g2", "GAREN#euw"}}})), IsEmpty());
  EXPECT_THAT(s.on_engine_signal("garen#euw", "{}"), ElementsAre(send(p::SignalTo{"g2", "{}"})));
}

// The link to Garen was not connected when the server restarted (it failed while the server was
// away): it is built again with the roles of the new membership (Garen's side, which saw it
// fail too, does the same with the event it gets). Kept, our side
// waited for an offer from Garen, whose side gave up meanwhile and, back first, answers now.
TEST(SessionCore, AServerRestartRebuildsALinkThatWasNotConnectedWithTheNewRoles) {
  SessionCore s = in_channel_with_garen();                                    // we offered
  s.on_message(ev(p::UserJoinedChannel{"EUW1_1_100_5", {"l1", "Lux#EUW"}}));  // Lux offered
  s.on_engine_link_state("garen#euw", true);
  s.on_engine_link_state("lux#euw", true);
  s.on_engine_link_state("garen#euw", false);
  s.on_engine_link_state("lux#euw", false);
  s.on_link_lost();
  s.on_registered("me2");
  s.on_message(ev(p::ChannelCreated{channel()}));
  // Lux came back before us: now we offer to him. Garen comes after us: he offers.
  EXPECT_THAT(s.on_message(ev(p::JoinedChannel{"EUW1_1_100_5", {{"l2", "Lux#EUW"}}})),
              ElementsAre(RemovePeer{"lux#euw"}, AddPeer{"lux#euw", "Lux#EUW", true}));
  EXPECT_THAT(s.on_message(ev(p::UserJoinedChannel{"EUW1_1_100_5", {"g2", "Garen#EUW"}})),
              ElementsAre(RemovePeer{"garen#euw"}, AddPeer{"garen#euw", "Garen#EUW", false}));
  // The new links are not connected yet; the same membership said again changes nothing.
  EXPECT_THAT(s.on_message(ev(p::JoinedChannel{"EUW1_1_100_5", {{"l2", "Lux#EUW"}}})), IsEmpty());
  EXPECT_THAT(s.on_engine_signal("garen#euw", "{}"), ElementsAre(send(p::SignalTo{"g2", "{}"})));
}

// The engine gave up on Garen's link while he stayed in the channel: his row stays, failed. When
// he comes back with a new peerId (a server restart), he gets a new link.
TEST(SessionCore, ALinkGivenUpWhileTheTeammateStayedIsBuiltAgainWhenTheyComeBack) {
  SessionCore s = in_channel_with_garen();
  s.on_engine_link_state("garen#euw", false);
  EXPECT_THAT(s.on_engine_peer_failed("garen#euw"), IsEmpty());
  s.on_link_lost();
  s.on_registered("me2");
  s.on_message(ev(p::ChannelCreated{channel()}));
  EXPECT_THAT(s.on_message(ev(p::JoinedChannel{"EUW1_1_100_5", {{"g2", "Garen#EUW"}}})),
              ElementsAre(RemovePeer{"garen#euw"}, AddPeer{"garen#euw", "Garen#EUW", true}));
}

// Our link to Garen was up through the server restart and stayed, with us offering as before;
// Garen joined after us this time, so by this membership he offers. When the link fails later,
// both sides rebuild with this membership's roles: whichever saw the failure first has already
// done so (it was not connected when the other came back) and waits or offers accordingly.
TEST(SessionCore, ALinkKeptAcrossARestartIsBuiltWithTheNewRolesWhenItFails) {
  SessionCore s = in_channel_with_garen();  // we offered
  s.on_engine_link_state("garen#euw", true);
  EXPECT_THAT(s.on_engine_link_down("garen#euw"), IsEmpty());  // its own rules rebuild it
  s.on_link_lost();
  s.on_registered("me2");
  s.on_message(ev(p::ChannelCreated{channel()}));
  s.on_message(ev(p::JoinedChannel{"EUW1_1_100_5", {}}));
  EXPECT_THAT(s.on_message(ev(p::UserJoinedChannel{"EUW1_1_100_5", {"g2", "Garen#EUW"}})),
              IsEmpty());  // up: kept
  s.on_engine_link_state("garen#euw", false);
  EXPECT_THAT(s.on_engine_link_down("garen#euw"),
              ElementsAre(RemovePeer{"garen#euw"}, AddPeer{"garen#euw", "Garen#EUW", false}));
  EXPECT_THAT(s.on_engine_link_down("garen#euw"), IsEmpty());
}

// A member list that names Lux's peerId again does not make us his offerer: he joined after
// us on these connections and offered.
TEST(SessionCore, AMemberListRepeatedDoesNotChangeWhoOffers) {
  SessionCore s = in_channel_with_garen();
  s.on_message(ev(p::UserJoinedChannel{"EUW1_1_100_5", {"l1", "Lux#EUW"}}));
  EXPECT_THAT(
      s.on_message(ev(p::JoinedChannel{"EUW1_1_100_5", {{"g1", "Garen#EUW"}, {"l1", "Lux#EUW"}}})),
      IsEmpty());
  EXPECT_THAT(s.on_engine_link_down("lux#euw"), IsEmpty());
}

TEST(SessionCore, RejoiningWhileATeammateStayedConnectedRebuildsThatLinkWithUsOffering) {
  SessionCore s = in_channel_with_garen();
  s.on_message(ev(p::UserJoinedChannel{"EUW1_1_100_5", {"l1", "Lux#EUW"}}));
  s.on_engine_link_state("garen#euw", true);
  s.on_engine_link_state("lux#euw", true);
  // Our server instance died; another one took us. Garen kept his connection (same peerId) and
  // saw us leave; Lux registered again too (new peerId), so his side of the link lives on.
  s.on_link_lost();
  s.on_registered("me2");
  s.on_message(ev(p::ChannelCreated{channel()}));
  EXPECT_THAT(
      s.on_message(ev(p::JoinedChannel{"EUW1_1_100_5", {{"g1", "Garen#EUW"}, {"l2", "Lux#EUW"}}})),
      ElementsAre(RemovePeer{"garen#euw"}, AddPeer{"garen#euw", "Garen#EUW", true}));
  EXPECT_THAT(s.on_engine_signal("lux#euw", "{}"), ElementsAre(send(p::SignalTo{"l2", "{}"})));
  // Joining again on the same connection repeats the member list: nothing is rebuilt.
  EXPECT_THAT(
      s.on_message(ev(p::JoinedChannel{"EUW1_1_100_5", {{"g1", "Garen#EUW"}, {"l2", "Lux#EUW"}}})),
      IsEmpty());
}

TEST(SessionCore, GameOverLeavesAndDropsEveryLink) {
  SessionCore s = in_channel_with_garen();
  EXPECT_THAT(s.set_target(std::nullopt),
              ElementsAre(send(p::LeaveChannel{"EUW1_1_100_5"}), RemovePeer{"garen#euw"}));
  EXPECT_EQ(s.phase(), Phase::NoGame);
  EXPECT_THAT(s.teammates(), IsEmpty());
}

TEST(SessionCore, ANewGameLeavesTheOldChannelAndFindsTheNewOne) {
  SessionCore s = in_channel_with_garen();
  GameTarget next{{"EUW1_2", false}, {"200", true}, {"Ahri#EUW", "Zed#EUW"}};
  EXPECT_THAT(
      s.set_target(next),
      ElementsAre(send(p::LeaveChannel{"EUW1_1_100_5"}), RemovePeer{"garen#euw"},
                  send(p::FindOrCreateChannel{next.game_id, next.team_id, next.teammates})));
}

TEST(SessionCore, OffersAreFollowedOnlyForOurRosterUnlessFollowing) {
  SessionCore own{"Ahri#EUW", false};
  own.set_target(game());
  own.on_registered("me");
  EXPECT_THAT(own.on_message(ev(p::ChannelAvailable{channel("x", {"Ahri#EUW", "Zed#EUW"})})),
              IsEmpty());
  EXPECT_THAT(own.on_message(ev(p::ChannelAvailable{channel("mine")})),
              ElementsAre(send(p::JoinChannel{"mine"})));

  SessionCore watcher{"Ahri#EUW", true};
  watcher.on_registered("me");
  EXPECT_EQ(watcher.phase(), Phase::NoGame);
  // identity-1: anyone can put our Riot ID on a roster they make, so without a game of our own
  // only a roster the server built from Riot's data is followed.
  EXPECT_THAT(watcher.on_message(ev(p::ChannelAvailable{channel("made-up")})), IsEmpty());
  EXPECT_THAT(
      watcher.on_message(ev(p::ChannelAvailable{channel("offered"), p::ChannelOrigin::Riot})),
      ElementsAre(send(p::JoinChannel{"offered"})));
}

TEST(SessionCore, AVanishedChannelIsLookedForAgain) {
  SessionCore s{"Ahri#EUW", false};
  s.set_target(game());
  s.on_registered("me");
  s.on_message(ev(p::ChannelCreated{channel()}));
  const auto out = s.on_message(
      ev(p::Error{p::ErrorCode::NoSuchChannel, "no such channel", std::string{"join-channel"}}));
  EXPECT_THAT(out,
              ElementsAre(send(p::FindOrCreateChannel{{"EUW1_1", false}, {"100", true}, kTeam})));
}

TEST(SessionCore, AFullChannelLeavesUsWaitingWithTheProblem) {
  SessionCore s{"Ahri#EUW", false};
  s.set_target(game());
  s.on_registered("me");
  s.on_message(ev(p::ChannelCreated{channel()}));
  EXPECT_THAT(s.on_message(ev(p::Error{p::ErrorCode::ChannelFull, "the channel is full",
                                       std::string{"join-channel"}})),
              IsEmpty());
  EXPECT_EQ(s.phase(), Phase::NoGame);
  EXPECT_EQ(s.last_problem(), "the channel is full");
}

TEST(SessionCore, AFailedLinkToSomeoneGoneIsRemovedButKeptWhileTheyAreThere) {
  SessionCore s = in_channel_with_garen();
  EXPECT_THAT(s.on_engine_peer_failed("garen#euw"), IsEmpty());
  s.on_link_lost();
  EXPECT_THAT(s.on_engine_peer_failed("garen#euw"), ElementsAre(RemovePeer{"garen#euw"}));
}

// identity-1 under policy riot: a channel or a watch refused with proof-required is asked for
// again once the player verifies on this connection, not at the next game or reconnect.
TEST(SessionCore, AVerificationAsksAgainForWhatPolicyRiotRefused) {
  const auto proof_required = [](const char* re) {
    return ev(p::Error{p::ErrorCode::ProofRequired, "verify your Riot ID first", std::string{re}});
  };
  const auto verified = ev(p::Verified{"Ahri#EUW", p::IdentityLevel::Riot});
  SessionCore own{"Ahri#EUW", false};
  own.set_target(game());
  own.on_registered("me");
  EXPECT_THAT(own.on_message(proof_required("find-or-create-channel")), IsEmpty());
  EXPECT_EQ(own.phase(), Phase::NoGame);
  EXPECT_THAT(own.on_message(verified),
              ElementsAre(send(p::FindOrCreateChannel{{"EUW1_1", false}, {"100", true}, kTeam})));
  EXPECT_EQ(own.phase(), Phase::Finding);
  EXPECT_THAT(own.on_message(verified), IsEmpty());  // once

  SessionCore watcher{"Ahri#EUW", true};
  watcher.on_registered("me");
  EXPECT_THAT(watcher.on_message(proof_required("watch-game")), IsEmpty());
  EXPECT_THAT(watcher.on_message(verified), ElementsAre(send(p::WatchGame{})));

  // Verified with nothing refused (policy key, verified in the call): nothing to ask again.
  SessionCore in_call = in_channel_with_garen();
  EXPECT_THAT(in_call.on_message(verified), IsEmpty());
}

TEST(SessionCore, LeaveSaysGoodbye) {
  SessionCore s = in_channel_with_garen();
  EXPECT_THAT(s.leave(),
              ElementsAre(send(p::LeaveChannel{"EUW1_1_100_5"}), RemovePeer{"garen#euw"}));
}

TEST(SessionCore, FollowingOffersAsksTheServerToWatchAfterEveryRegistration) {
  SessionCore s{"Ahri#EUW", true};
  EXPECT_THAT(s.on_registered("me1"), ElementsAre(send(p::WatchGame{})));
  EXPECT_FALSE(s.watching());
  EXPECT_THAT(s.on_message(ev(p::Watching{"Ahri#EUW"})), IsEmpty());
  EXPECT_TRUE(s.watching());
  // A new connection watches nothing until asked again.
  s.on_link_lost();
  EXPECT_FALSE(s.watching());
  EXPECT_THAT(s.on_registered("me2"), ElementsAre(send(p::WatchGame{})));

  // Only server-side detection asks.
  SessionCore own{"Ahri#EUW", false};
  own.set_target(game());
  EXPECT_THAT(own.on_registered("me"),
              ElementsAre(send(p::FindOrCreateChannel{{"EUW1_1", false}, {"100", true}, kTeam})));
}

TEST(SessionCore, AWatchRefusalIsShownAndChangesNothingElse) {
  SessionCore s{"Ahri#EUW", true};
  s.on_registered("me");
  EXPECT_THAT(s.on_message(ev(p::Error{p::ErrorCode::WatchUnavailable, "no Riot API key",
                                       std::string{"watch-game"}})),
              IsEmpty());
  EXPECT_EQ(s.phase(), Phase::NoGame);
  EXPECT_EQ(s.last_problem(), "no Riot API key");
  EXPECT_FALSE(s.watching());
  // Offers of rosters the server built are still followed; a roster a client made is not
  // (identity-1: "follows only origin: riot").
  EXPECT_THAT(s.on_message(ev(p::ChannelAvailable{channel("c")})), IsEmpty());
  EXPECT_THAT(s.on_message(ev(p::ChannelAvailable{channel("c"), p::ChannelOrigin::Riot})),
              ElementsAre(send(p::JoinChannel{"c"})));
}

TEST(SessionCore, FollowingOffersGoesIntoVoiceAndLeavesWhenTheGameEnds) {
  SessionCore s{"Ahri#EUW", true};
  s.on_registered("me");
  s.on_message(ev(p::Watching{"Ahri#EUW"}));
  EXPECT_THAT(s.on_message(ev(p::ChannelAvailable{channel(), p::ChannelOrigin::Riot})),
              ElementsAre(send(p::JoinChannel{"EUW1_1_100_5"})));
  EXPECT_THAT(s.on_message(ev(p::JoinedChannel{"EUW1_1_100_5", {{"g1", "Garen#EUW"}}})),
              ElementsAre(AddPeer{"garen#euw", "Garen#EUW", true}));
  EXPECT_EQ(s.phase(), Phase::InChannel);
  // The offer followed is kept, for the game history: its game, team and roster.
  ASSERT_TRUE(s.followed_offer());
  EXPECT_EQ(*s.followed_offer(), channel());
  // Another channel's game ending is none of our business.
  EXPECT_THAT(s.on_message(ev(p::GameEnded{"other", {"EUW1_9", false}})), IsEmpty());
  EXPECT_TRUE(s.followed_offer());
  EXPECT_THAT(s.on_message(ev(p::GameEnded{"EUW1_1_100_5", {"EUW1_1", false}})),
              ElementsAre(send(p::LeaveChannel{"EUW1_1_100_5"}), RemovePeer{"garen#euw"}));
  EXPECT_EQ(s.phase(), Phase::NoGame);
  EXPECT_FALSE(s.channel_id());
  EXPECT_FALSE(s.followed_offer());
  // The next game's channel is followed again.
  EXPECT_THAT(
      s.on_message(ev(p::ChannelAvailable{channel("EUW1_2_100_9"), p::ChannelOrigin::Riot})),
      ElementsAre(send(p::JoinChannel{"EUW1_2_100_9"})));
  EXPECT_EQ(s.followed_offer()->channel_id, "EUW1_2_100_9");
  // An offer that could not be joined is not followed; leaving forgets the one followed.
  s.on_message(ev(p::Error{p::ErrorCode::ChannelFull, "full", std::string{"join-channel"}}));
  EXPECT_FALSE(s.followed_offer());
  s.on_message(ev(p::ChannelAvailable{channel("EUW1_3_100_9"), p::ChannelOrigin::Riot}));
  s.on_message(ev(p::JoinedChannel{"EUW1_3_100_9", {}}));
  ASSERT_TRUE(s.followed_offer());
  s.leave();
  EXPECT_FALSE(s.followed_offer());
}

TEST(SessionCore, OwnGameDetectionIgnoresTheServersGameEnd) {
  SessionCore s = in_channel_with_garen();
  EXPECT_THAT(s.on_message(ev(p::GameEnded{"EUW1_1_100_5", {"EUW1_1", false}})), IsEmpty());
  EXPECT_EQ(s.phase(), Phase::InChannel);
}

}  // namespace
}  // namespace shotcall::session
