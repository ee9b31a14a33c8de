// Every rule of the protocol's pairing section, fed as typed messages into the pure core.
#include "pairing_harness.hpp"

#include <algorithm>

namespace shotcall::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using E = p::ErrorCode;

const std::vector<std::string> kBlue{"Ahri#EUW", "Garen#EUW", "Lux#EUW", "Jinx#EUW", "Thresh#EUW"};

class Pairing : public PairingHarness {};

TEST_F(Pairing, RegisterAnswersConnectedWithPeerIdIceServersAndRequestId) {
  pairing_.connect(1);
  const Outbox out = pairing_.handle(1, msg(p::RegisterUser{"Ahri#EUW", {}, {}}, "r1"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, 1u);
  EXPECT_EQ(out[0].message.id, "r1");
  const auto& connected = std::get<p::Connected>(out[0].message.body);
  EXPECT_EQ(connected.peer_id, "p1");
  EXPECT_EQ(connected.ice_servers.size(), 1u);
  EXPECT_EQ(connected.server.name, "shotcall-signal");
  EXPECT_EQ(pairing_.registered_count(), 1u);
}

TEST_F(Pairing, EveryConnectionGetsItsOwnPeerId) {
  const ConnId a = user("Ahri#EUW");
  const ConnId b = user("Garen#EUW");
  EXPECT_NE(peer(a), peer(b));
}

TEST_F(Pairing, SecondRegisterOnOneConnectionIsAlreadyRegistered) {
  const ConnId a = user("Ahri#EUW");
  const Outbox out = pairing_.handle(a, msg(p::RegisterUser{"Lux#EUW", {}, {}}, "again"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_to(out, a), E::AlreadyRegistered);
  EXPECT_EQ(out[0].message.id, "again");
  EXPECT_EQ(std::get<p::Error>(out[0].message.body).re, "register-user");
}

TEST_F(Pairing, RiotIdInUseIsRefusedCaseInsensitivelyAndTheHolderIsWarned) {
  const ConnId holder = user("Ahri#EUW");
  pairing_.connect(99);
  const Outbox out = pairing_.handle(99, msg(p::RegisterUser{"aHRI#euw", {}, {}}));
  EXPECT_EQ(error_to(out, 99), E::RiotIdInUse);
  const auto* notice = first<p::Notice>(out, holder);
  ASSERT_NE(notice, nullptr);
  EXPECT_EQ(notice->level, p::NoticeLevel::Warning);
  EXPECT_EQ(pairing_.registered_count(), 1u);
}

TEST_F(Pairing, UnicodeCaseFoldingNamesOnePlayer) {
  user("ÄRGER#ÖÖÖ");
  pairing_.connect(99);
  EXPECT_EQ(error_to(pairing_.handle(99, msg(p::RegisterUser{"ärger#ööö", {}, {}})), 99),
            E::RiotIdInUse);
}

TEST_F(Pairing, EveryRequestBeforeRegisteringIsNotRegistered) {
  pairing_.connect(1);
  const std::vector<p::ClientBody> bodies{team("g", "100", {"A#1"}), p::JoinChannel{"c"},
                                          p::LeaveChannel{"c"}, p::SignalTo{"p9", "{}"},
                                          p::ChatSend{"c", "hi"}};
  for (const auto& body : bodies) {
    const Outbox out = pairing_.handle(1, msg(body, "x"));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(error_to(out, 1), E::NotRegistered);
    EXPECT_EQ(std::get<p::Error>(out[0].message.body).re, std::string{p::type_name(body)});
    EXPECT_EQ(out[0].message.id, "x");
  }
}

TEST_F(Pairing, ClosedConnectionFreesItsRiotId) {
  const ConnId a = user("Ahri#EUW");
  pairing_.disconnect(a);
  EXPECT_EQ(pairing_.registered_count(), 0u);
  user("Ahri#EUW");  // asserts `connected`
}

TEST_F(Pairing, FindOrCreateMakesAChannelNamedByGameTeamAndTime) {
  const ConnId a = user("Ahri#EUW");
  const Outbox out = pairing_.handle(a, msg(team("EUW1_123", "100", kBlue), "f"));
  const auto* created = first<p::ChannelCreated>(out, a);
  ASSERT_NE(created, nullptr);
  EXPECT_EQ(created->channel.channel_id, "EUW1_123_100_1700000000000");
  EXPECT_EQ(created->channel.game_id, (p::IdValue{"EUW1_123", false}));
  EXPECT_EQ(created->channel.team_id, (p::IdValue{"100", true}));
  EXPECT_EQ(created->channel.roster, kBlue);
  EXPECT_EQ(out[0].message.id, "f");
  EXPECT_EQ(pairing_.channel_count(), 1u);
}

TEST_F(Pairing, SenderMustBeOnTheRoster) {
  const ConnId a = user("Ahri#EUW");
  const Outbox out = pairing_.handle(a, msg(team("g", "100", {"Garen#EUW", "Lux#EUW"})));
  EXPECT_EQ(error_to(out, a), E::NotOnRoster);
  EXPECT_EQ(pairing_.channel_count(), 0u);
}

TEST_F(Pairing, ChannelAvailableGoesToRegisteredTeammatesInNoChannelOnly) {
  const ConnId ahri = user("Ahri#EUW");
  const ConnId garen = user("garen#euw");  // registered, spelled differently: still a teammate
  const ConnId lux = user("Lux#EUW");
  const ConnId stranger = user("Teemo#NA1");
  // Lux is busy in another channel.
  join(lux, create(lux, team("other", "200", {"Lux#EUW", "Teemo#EUW"})));

  const Outbox out = pairing_.handle(ahri, msg(team("g", "100", kBlue)));
  EXPECT_THAT(recipients<p::ChannelAvailable>(out), ElementsAre(garen));
  EXPECT_EQ(first<p::ChannelAvailable>(out, stranger), nullptr);
  const auto* available = first<p::ChannelAvailable>(out, garen);
  ASSERT_NE(available, nullptr);
  EXPECT_FALSE(out[1].message.id.has_value());  // events carry no request id
  EXPECT_EQ(available->channel.channel_id, first<p::ChannelCreated>(out, ahri)->channel.channel_id);
}

TEST_F(Pairing, TeammateWhoRegistersLaterIsOfferedTheChannel) {
  const ConnId ahri = user("Ahri#EUW");
  const std::string id = create(ahri, team("g", "100", kBlue));
  const ConnId jinx = ++next_conn_;
  pairing_.connect(jinx);
  const Outbox out = pairing_.handle(jinx, msg(p::RegisterUser{"Jinx#EUW", {}, {}}));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<p::Connected>(out[0].message.body));
  EXPECT_EQ(std::get<p::ChannelAvailable>(out[1].message.body).channel.channel_id, id);
}

TEST_F(Pairing, EqualRosterAndTeamMeetWhateverGameIdAndSpelling) {
  const ConnId ahri = user("Ahri#EUW");
  const ConnId garen = user("Garen#EUW");
  const std::string first_id = create(ahri, team("EUW1_42", "100", kBlue));
  std::vector<std::string> shuffled{"THRESH#euw", "jinx#EUW", "lux#euw", "GAREN#EUW", "ahri#euw"};
  now_ms_ += 5;
  const std::string second_id = create(garen, team("lcd-0123456789abcdef", "100", shuffled));
  EXPECT_EQ(first_id, second_id);
  EXPECT_EQ(pairing_.channel_count(), 1u);
}

TEST_F(Pairing, OtherTeamIdOrRosterMakesAnotherChannel) {
  const ConnId ahri = user("Ahri#EUW");
  const std::string blue = create(ahri, team("g", "100", kBlue));
  now_ms_ += 1;
  const std::string red = create(ahri, team("g", "200", kBlue));
  auto four = kBlue;
  four.pop_back();
  const std::string smaller = create(ahri, team("g", "100", four));
  EXPECT_NE(blue, red);
  EXPECT_NE(blue, smaller);
  EXPECT_NE(red, smaller);
}

TEST_F(Pairing, SameMillisecondDifferentRostersGetDistinctIds) {
  const ConnId ahri = user("Ahri#EUW");
  const ConnId teemo = user("Teemo#EUW");
  const std::string a = create(ahri, team("g", "100", kBlue));
  const std::string b = create(teemo, team("g", "100", {"Teemo#EUW", "Nasus#EUW"}));
  EXPECT_NE(a, b);
  EXPECT_LE(b.size(), p::kMaxChannelIdBytes);
}

TEST_F(Pairing, JoinListsMembersAndAnnouncesTheJoiner) {
  const ConnId ahri = user("Ahri#EUW");
  const ConnId garen = user("Garen#EUW");
  const ConnId lux = user("Lux#EUW");
  const std::string id = create(ahri, team("g", "100", kBlue));

  Outbox out = join(ahri, id);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(std::get<p::JoinedChannel>(out[0].message.body).members.empty());

  join(garen, id);
  out = pairing_.handle(lux, msg(p::JoinChannel{id}, "j"));
  const auto* joined = first<p::JoinedChannel>(out, lux);
  ASSERT_NE(joined, nullptr);
  EXPECT_EQ(out[0].message.id, "j");
  EXPECT_THAT(joined->members, ElementsAre(p::Member{peer(ahri), "Ahri#EUW"},
                                           p::Member{peer(garen), "Garen#EUW"}));
  EXPECT_THAT(recipients<p::UserJoinedChannel>(out), UnorderedElementsAre(ahri, garen));
  EXPECT_EQ(first<p::UserJoinedChannel>(out, ahri)->member, (p::Member{peer(lux), "Lux#EUW"}));
}

TEST_F(Pairing, JoinUnknownChannelIsNoSuchChannel) {
  const ConnId ahri = user("Ahri#EUW");
  EXPECT_EQ(error_to(join(ahri, "nope_100_1"), ahri), E::NoSuchChannel);
}

TEST_F(Pairing, ARosterLongerThanTheSeatsIsABadMessage) {
  auto six = kBlue;
  // identity-1: a team lists at most as many players as a channel has seats, so with one live
  // connection per Riot ID a channel cannot overflow (channel-full stays for races between
  // instances).
  six.push_back("Sona#EUW");
  const ConnId ahri = user(six[0]);
  const Outbox out = pairing_.handle(ahri, msg(team("g", "100", six)));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_to(out, ahri), E::BadMessage);
}

TEST_F(Pairing, JoiningTheSameChannelAgainRepeatsTheMemberListOnly) {
  const ConnId ahri = user("Ahri#EUW");
  const ConnId garen = user("Garen#EUW");
  const std::string id = create(ahri, team("g", "100", kBlue));
  join(ahri, id);
  join(garen, id);
  const Outbox out = join(garen, id);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_THAT(std::get<p::JoinedChannel>(out[0].message.body).members,
              ElementsAre(p::Member{peer(ahri), "Ahri#EUW"}));
}

TEST_F(Pairing, JoiningAnotherChannelLeavesTheFirst) {
  const ConnId ahri = user("Ahri#EUW");
  const ConnId garen = user("Garen#EUW");
  const std::string old_id = create(ahri, team("old", "100", {"Ahri#EUW", "Garen#EUW"}));
  join(ahri, old_id);
  join(garen, old_id);
  now_ms_ += 1;
  const std::string new_id = create(ahri, team("new", "100", kBlue));
  const Outbox out = join(ahri, new_id);
  EXPECT_NE(first<p::JoinedChannel>(out, ahri), nullptr);
  const auto* left = first<p::UserLeftChannel>(out, garen);
  ASSERT_NE(left, nullptr);
  EXPECT_EQ(left->channel_id, old_id);
  EXPECT_EQ(left->peer_id, peer(ahri));
}

TEST_F(Pairing, LeaveAnswersTellsTheOthersAndDeletesTheEmptyChannel) {
  const ConnId ahri = user("Ahri#EUW");
  const ConnId garen = user("Garen#EUW");
  const std::string id = create(ahri, team("g", "100", kBlue));
  join(ahri, id);
  join(garen, id);

  Outbox out = pairing_.handle(ahri, msg(p::LeaveChannel{id}, "l"));
  ASSERT_NE(first<p::LeftChannel>(out, ahri), nullptr);
  EXPECT_EQ(out[0].message.id, "l");
  EXPECT_EQ(*first<p::UserLeftChannel>(out, garen), (p::UserLeftChannel{id, peer(ahri)}));
  EXPECT_EQ(pairing_.channel_count(), 1u);

  out = pairing_.handle(garen, msg(p::LeaveChannel{id}));
  EXPECT_THAT(recipients<p::UserLeftChannel>(out), ::testing::IsEmpty());
  EXPECT_EQ(pairing_.channel_count(), 0u);
  EXPECT_EQ(error_to(join(garen, id), garen), E::NoSuchChannel);
}

TEST_F(Pairing, LeaveErrors) {
  const ConnId ahri = user("Ahri#EUW");
  const ConnId garen = user("Garen#EUW");
  const std::string id = create(ahri, team("g", "100", kBlue));
  join(ahri, id);
  EXPECT_EQ(error_to(pairing_.handle(garen, msg(p::LeaveChannel{id})), garen), E::NotInChannel);
  EXPECT_EQ(error_to(pairing_.handle(garen, msg(p::LeaveChannel{"x_1_2"})), garen),
            E::NoSuchChannel);
}

TEST_F(Pairing, ClosedConnectionLeavesItsChannelAtOnce) {
  const ConnId ahri = user("Ahri#EUW");
  const ConnId garen = user("Garen#EUW");
  const std::string id = create(ahri, team("g", "100", kBlue));
  join(ahri, id);
  join(garen, id);
  const std::string gone = peer(ahri);
  const Outbox out = pairing_.disconnect(ahri);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, garen);
  EXPECT_EQ(std::get<p::UserLeftChannel>(out[0].message.body), (p::UserLeftChannel{id, gone}));
  pairing_.disconnect(garen);
  EXPECT_EQ(pairing_.channel_count(), 0u);
  EXPECT_EQ(pairing_.connection_count(), 0u);
}

TEST_F(Pairing, SignalIsRelayedWithFromBetweenChannelMembers) {
  const ConnId ahri = user("Ahri#EUW");
  const ConnId garen = user("Garen#EUW");
  const std::string id = create(ahri, team("g", "100", kBlue));
  join(ahri, id);
  join(garen, id);
  const std::string data = R"({"sdp":{"type":"offer","sdp":"v=0"}})";
  const Outbox out = pairing_.handle(garen, msg(p::SignalTo{peer(ahri), data}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, ahri);
  EXPECT_EQ(std::get<p::SignalFrom>(out[0].message.body), (p::SignalFrom{peer(garen), data}));
}

TEST_F(Pairing, SignalOutsideOneChannelIsRefused) {
  const ConnId ahri = user("Ahri#EUW");
  const ConnId garen = user("Garen#EUW");
  const ConnId teemo = user("Teemo#NA1");
  EXPECT_EQ(error_to(pairing_.handle(ahri, msg(p::SignalTo{peer(garen), "{}"})), ahri),
            E::NotInChannel);
  const std::string id = create(ahri, team("g", "100", kBlue));
  join(ahri, id);
  const std::string other = create(teemo, team("g", "200", {"Teemo#NA1"}));
  join(teemo, other);
  for (const std::string& to : {peer(garen), peer(teemo), peer(ahri), std::string{"p999"}}) {
    const Outbox out = pairing_.handle(ahri, msg(p::SignalTo{to, "{}"}));
    ASSERT_EQ(out.size(), 1u) << to;
    EXPECT_EQ(error_to(out, ahri), E::NoSuchPeer) << to;
  }
}

TEST_F(Pairing, ChatGoesToEveryMemberTheSenderIncluded) {
  const ConnId ahri = user("Ahri#EUW");
  const ConnId garen = user("Garen#EUW");
  const ConnId lux = user("Lux#EUW");
  const std::string id = create(ahri, team("g", "100", kBlue));
  join(ahri, id);
  join(garen, id);
  const Outbox out = pairing_.handle(garen, msg(p::ChatSend{id, "drag in 30 ✨"}));
  EXPECT_THAT(recipients<p::ChatMessage>(out), UnorderedElementsAre(ahri, garen));
  EXPECT_EQ(*first<p::ChatMessage>(out, ahri),
            (p::ChatMessage{id, peer(garen), "Garen#EUW", "drag in 30 ✨", now_ms_}));
  EXPECT_EQ(first<p::ChatMessage>(out, lux), nullptr);
}

TEST_F(Pairing, ChatErrors) {
  const ConnId ahri = user("Ahri#EUW");
  const ConnId garen = user("Garen#EUW");
  const std::string id = create(ahri, team("g", "100", kBlue));
  join(ahri, id);
  EXPECT_EQ(error_to(pairing_.handle(garen, msg(p::ChatSend{id, "hi"})), garen), E::NotInChannel);
  EXPECT_EQ(error_to(pairing_.handle(ahri, msg(p::ChatSend{"none", "hi"})), ahri),
            E::NoSuchChannel);
}

TEST_F(Pairing, UnjoinedChannelsAreSweptAfterTheirTtl) {
  const ConnId ahri = user("Ahri#EUW");
  const std::string id = create(ahri, team("g", "100", kBlue));
  EXPECT_EQ(pairing_.sweep(60'000), 0u);
  now_ms_ += 60'001;
  EXPECT_EQ(pairing_.sweep(60'000), 1u);
  EXPECT_EQ(error_to(join(ahri, id), ahri), E::NoSuchChannel);
}

TEST_F(Pairing, JoinedChannelsSurviveTheSweep) {
  const ConnId ahri = user("Ahri#EUW");
  join(ahri, create(ahri, team("g", "100", kBlue)));
  now_ms_ += 3'600'000;
  EXPECT_EQ(pairing_.sweep(60'000), 0u);
  EXPECT_EQ(pairing_.channel_count(), 1u);
}

TEST_F(Pairing, OneConnectionCannotPileUpUnjoinedChannels) {
  const ConnId ahri = user("Ahri#EUW");
  for (int i = 0; i < 100; ++i) {
    now_ms_ += 1;
    create(ahri, team("g", "100", {"Ahri#EUW", "Filler" + std::to_string(i) + "#X"}));
  }
  EXPECT_EQ(pairing_.channel_count(), 1u);
}

TEST_F(Pairing, BroadcastNoticeReachesEveryConnection) {
  const ConnId a = user("Ahri#EUW");
  pairing_.connect(50);  // not registered yet: still a client of this server
  const Outbox out = pairing_.broadcast_notice({p::NoticeLevel::Info, "maintenance at 3"});
  EXPECT_THAT(recipients<p::Notice>(out), UnorderedElementsAre(a, 50u));
}

}  // namespace
}  // namespace shotcall::core::testing
