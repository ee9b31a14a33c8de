// An enemy who knows all ten Riot IDs of a game tries every way into the other team's channel.
#include "pairing_harness.hpp"

namespace shotcall::core::testing {
namespace {

using E = p::ErrorCode;

const std::vector<std::string> kBlue{"Ahri#EUW", "Garen#EUW", "Lux#EUW", "Jinx#EUW", "Thresh#EUW"};
const std::vector<std::string> kRed{"Zed#EUW", "Darius#EUW", "Morgana#EUW", "Vayne#EUW",
                                    "Leona#EUW"};

class Enemy : public PairingHarness {
 protected:
  void SetUp() override {
    ahri_ = user("Ahri#EUW");
    garen_ = user("Garen#EUW");
    channel_ = create(ahri_, team("EUW1_9", "100", kBlue));
    join(ahri_, channel_);
    join(garen_, channel_);
    zed_ = user("Zed#EUW");
  }
  // Nothing reached the team: no relay, no chat, no announcement.
  void expect_team_untouched(const Outbox& out) const {
    for (const auto& o : out) {
      EXPECT_NE(o.to, ahri_);
      EXPECT_NE(o.to, garen_);
    }
  }
  ConnId ahri_ = 0, garen_ = 0, zed_ = 0;
  std::string channel_;
};

TEST_F(Enemy, CannotCreateOrFindTheTeamChannelWithTheirRoster) {
  const Outbox out = pairing_.handle(zed_, msg(team("EUW1_9", "100", kBlue)));
  EXPECT_EQ(error_to(out, zed_), E::NotOnRoster);
  expect_team_untouched(out);
}

TEST_F(Enemy, AddingThemselvesToAFullRosterIsRefused) {
  auto roster = kBlue;
  roster.push_back("Zed#EUW");  // six players: more than a channel has seats
  const Outbox out = pairing_.handle(zed_, msg(team("EUW1_9", "100", roster)));
  EXPECT_EQ(error_to(out, zed_), E::BadMessage);
  expect_team_untouched(out);
}

TEST_F(Enemy, SwappingThemselvesIntoTheRosterMakesAnotherChannel) {
  auto roster = kBlue;
  roster.back() = "Zed#EUW";
  const Outbox out = pairing_.handle(zed_, msg(team("EUW1_9", "100", roster)));
  const auto* created = first<p::ChannelCreated>(out, zed_);
  ASSERT_NE(created, nullptr);
  EXPECT_NE(created->channel.channel_id, channel_);
  expect_team_untouched(out);  // Ahri and Garen are in a channel: no channel-available either
}

TEST_F(Enemy, CannotJoinByChannelId) {
  const Outbox out = join(zed_, channel_);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_to(out, zed_), E::NotOnRoster);
}

TEST_F(Enemy, CannotClaimAConnectedTeammatesRiotId) {
  pairing_.connect(77);
  const Outbox out = pairing_.handle(77, msg(p::RegisterUser{"GAREN#euw", {}, {}}));
  EXPECT_EQ(error_to(out, 77), E::RiotIdInUse);
  EXPECT_EQ(first<p::Notice>(out, garen_)->level, p::NoticeLevel::Warning);
  EXPECT_EQ(error_to(join(77, channel_), 77), E::NotRegistered);
}

TEST_F(Enemy, CannotSignalIntoTheChannel) {
  join(zed_, create(zed_, team("EUW1_9", "200", kRed)));
  const Outbox out = pairing_.handle(zed_, msg(p::SignalTo{peer(ahri_), R"({"sdp":{}})"}));
  EXPECT_EQ(error_to(out, zed_), E::NoSuchPeer);
  expect_team_untouched(out);
}

TEST_F(Enemy, CannotChatIntoTheChannel) {
  const Outbox out = pairing_.handle(zed_, msg(p::ChatSend{channel_, "gg ez"}));
  EXPECT_EQ(error_to(out, zed_), E::NotInChannel);
  expect_team_untouched(out);
}

TEST_F(Enemy, CannotLeaveSomeoneElseOut) {
  const Outbox out = pairing_.handle(zed_, msg(p::LeaveChannel{channel_}));
  EXPECT_EQ(error_to(out, zed_), E::NotInChannel);
  expect_team_untouched(out);
}

TEST_F(Enemy, AnOfflineTeammatesIdCanBeClaimedButOnlyThatSeatIsReached) {
  // The protocol's stated limit: with Jinx offline, her Riot ID is claimable. The seat is hers
  // alone; when the real Jinx connects she is refused and the impostor is warned.
  pairing_.connect(66);
  pairing_.handle(66, msg(p::RegisterUser{"Jinx#EUW", {}, {}}));
  EXPECT_FALSE(error_to(join(66, channel_), 66));
  pairing_.connect(67);
  const Outbox out = pairing_.handle(67, msg(p::RegisterUser{"Jinx#EUW", {}, {}}));
  EXPECT_EQ(error_to(out, 67), E::RiotIdInUse);
  EXPECT_NE(first<p::Notice>(out, 66), nullptr);
}

}  // namespace
}  // namespace shotcall::core::testing
