// Server-side game detection in the pairing core: the watching state of connections, and the
// channels the server opens from the Riot watcher's reports and closes when the game ends.
#include "pairing_harness.hpp"

namespace shotcall::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using E = p::ErrorCode;
using Kind = WatchRequest::Kind;

const std::vector<std::string> kBlue{"Ahri#EUW", "Garen#EUW", "Lux#EUW", "Jinx#EUW", "Thresh#EUW"};
const std::vector<std::string> kRed{"Zed#EUW", "Darius#EUW", "Morgana#EUW", "Vayne#EUW", "Leona#EUW"};
const p::IdValue kGame{"EUW1_6912345678", false};
const p::IdValue kBlueTeam{"100", true};
const p::IdValue kRedTeam{"200", true};

PairingConfig watch_config() {
  PairingConfig c;
  c.server = {"shotcall-signal", "test"};
  c.watch_available = true;
  return c;
}

class PairingWatch : public PairingHarness {
 protected:
  PairingWatch() : PairingHarness(watch_config()) {}

  // Registers and sends watch-game; asserts `watching`.
  ConnId watcher(const std::string& riot_id) {
    const ConnId conn = user(riot_id);
    const Outbox out = pairing_.handle(conn, msg(p::WatchGame{}));
    EXPECT_NE(first<p::Watching>(out, conn), nullptr) << riot_id << " is not watching";
    return conn;
  }
  // The channel id offered to `conn` in `out` ("" when none).
  static std::string offered(const Outbox& out, ConnId conn) {
    const auto* a = first<p::ChannelAvailable>(out, conn);
    return a ? a->channel.channel_id : "";
  }
};

class PairingWithoutWatcher : public PairingHarness {};

TEST_F(PairingWithoutWatcher, WatchGameIsUnavailableWithTheRequestId) {
  const ConnId a = user("Ahri#EUW");
  const Outbox out = pairing_.handle(a, msg(p::WatchGame{}, "w1"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_to(out, a), E::WatchUnavailable);
  EXPECT_EQ(out[0].message.id, "w1");
  EXPECT_EQ(std::get<p::Error>(out[0].message.body).re, "watch-game");
  EXPECT_THAT(out.watch, IsEmpty());
}

TEST_F(PairingWatch, WatchGameBeforeRegisteringIsNotRegistered) {
  pairing_.connect(7);
  const Outbox out = pairing_.handle(7, msg(p::WatchGame{}, "w"));
  EXPECT_EQ(error_to(out, 7), E::NotRegistered);
  EXPECT_EQ(std::get<p::Error>(out[0].message.body).re, "watch-game");
  EXPECT_THAT(out.watch, IsEmpty());
}

TEST_F(PairingWatch, WatchGameWatchesTheRegisteredRiotIdAndAnswersWatching) {
  const ConnId a = user("Ahri#EUW");
  const Outbox out = pairing_.handle(a, msg(p::WatchGame{}, "w1"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, a);
  EXPECT_EQ(out[0].message.id, "w1");
  EXPECT_EQ(std::get<p::Watching>(out[0].message.body).riot_id, "Ahri#EUW");
  EXPECT_THAT(out.watch, ElementsAre(WatchRequest{Kind::Watch, "Ahri#EUW"}));
  EXPECT_THAT(out.lookups, IsEmpty());
  EXPECT_EQ(pairing_.watching_count(), 1u);

  // Asking again answers again but does not watch twice.
  const Outbox again = pairing_.handle(a, msg(p::WatchGame{}, "w2"));
  EXPECT_EQ(again[0].message.id, "w2");
  EXPECT_NE(first<p::Watching>(again, a), nullptr);
  EXPECT_THAT(again.watch, IsEmpty());
}

TEST_F(PairingWatch, UnwatchWithoutWatchIsNotWatching) {
  const ConnId a = user("Ahri#EUW");
  const Outbox out = pairing_.handle(a, msg(p::UnwatchGame{}, "u"));
  EXPECT_EQ(error_to(out, a), E::NotWatching);
  EXPECT_EQ(out[0].message.id, "u");
  EXPECT_EQ(std::get<p::Error>(out[0].message.body).re, "unwatch-game");
  EXPECT_THAT(out.watch, IsEmpty());
}

TEST_F(PairingWatch, UnwatchStopsWatchingAndAnswersUnwatched) {
  const ConnId a = watcher("Ahri#EUW");
  const Outbox out = pairing_.handle(a, msg(p::UnwatchGame{}, "u"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<p::Unwatched>(out[0].message.body));
  EXPECT_EQ(out[0].message.id, "u");
  EXPECT_THAT(out.watch, ElementsAre(WatchRequest{Kind::Unwatch, "Ahri#EUW"}));
  EXPECT_EQ(pairing_.watching_count(), 0u);
  EXPECT_EQ(error_to(pairing_.handle(a, msg(p::UnwatchGame{})), a), E::NotWatching);
}

TEST_F(PairingWatch, ClosedConnectionStopsWatching) {
  const ConnId a = watcher("Ahri#EUW");
  const ConnId b = user("Garen#EUW");
  EXPECT_THAT(pairing_.disconnect(b).watch, IsEmpty());  // never watched: nothing to stop
  EXPECT_THAT(pairing_.disconnect(a).watch, ElementsAre(WatchRequest{Kind::Unwatch, "Ahri#EUW"}));
  EXPECT_EQ(pairing_.watching_count(), 0u);
}

TEST_F(PairingWatch, ServerChannelIsOfferedToRegisteredTeammatesInNoChannel) {
  const ConnId ahri = watcher("Ahri#EUW");
  const ConnId garen = user("garen#euw");  // registered, not watching: offered too
  const ConnId lux = user("Lux#EUW");      // busy in another channel: not disturbed
  const std::string other = create(lux, team("g0", "100", {"Lux#EUW", "Someone#EUW"}));
  join(lux, other);
  const ConnId zed = watcher("Zed#EUW");  // the enemy team

  const Outbox out = pairing_.open_server_channel(kGame, kBlueTeam, kBlue);
  EXPECT_THAT(recipients<p::ChannelAvailable>(out), UnorderedElementsAre(ahri, garen));
  const auto* offer = first<p::ChannelAvailable>(out, ahri);
  ASSERT_NE(offer, nullptr);
  EXPECT_EQ(offer->channel.game_id, kGame);
  EXPECT_EQ(offer->channel.team_id, kBlueTeam);
  EXPECT_EQ(offer->channel.roster, kBlue);
  EXPECT_EQ(offer->channel.channel_id, "EUW1_6912345678_100_" + std::to_string(now_ms_));
  EXPECT_EQ(pairing_.server_game_count(), 1u);

  // The server knows the roster: teammates join, the enemy cannot.
  EXPECT_NE(first<p::JoinedChannel>(join(ahri, offer->channel.channel_id), ahri), nullptr);
  EXPECT_EQ(error_to(join(zed, offer->channel.channel_id), zed), E::NotOnRoster);
}

TEST_F(PairingWatch, BothTeamsOfOneGameGetTheirOwnChannel) {
  const ConnId ahri = watcher("Ahri#EUW");
  const ConnId zed = watcher("Zed#EUW");
  const std::string blue = offered(pairing_.open_server_channel(kGame, kBlueTeam, kBlue), ahri);
  const std::string red = offered(pairing_.open_server_channel(kGame, kRedTeam, kRed), zed);
  ASSERT_FALSE(blue.empty());
  ASSERT_FALSE(red.empty());
  EXPECT_NE(blue, red);  // same game, same millisecond
  EXPECT_EQ(pairing_.channel_count(), 2u);
  EXPECT_EQ(pairing_.server_game_count(), 1u);
}

TEST_F(PairingWatch, ServerChannelMeetsTeammatesWhoDetectedTheGameLocally) {
  // One teammate found the game in the local game data first (a derived game id).
  const ConnId lux = user("Lux#EUW");
  const ConnId ahri = watcher("Ahri#EUW");
  const std::string local = create(lux, team("lcd-0123456789abcdef", "100", kBlue));
  join(lux, local);
  const Outbox out = pairing_.open_server_channel(kGame, kBlueTeam, kBlue);
  EXPECT_EQ(offered(out, ahri), local);  // pairing is by roster, whatever the game id
  EXPECT_EQ(offered(out, lux), "");      // already in it
  EXPECT_EQ(pairing_.channel_count(), 1u);

  // And the other way round: a client's find-or-create after the server's channel meets it.
  pairing_.open_server_channel({"EUW1_1", false}, kRedTeam, kRed);
  const ConnId zed = user("Zed#EUW");
  const std::string found = create(zed, team("lcd-ffff", "200", kRed));
  EXPECT_EQ(found.rfind("EUW1_1_200_", 0), 0u) << found;
  EXPECT_EQ(pairing_.channel_count(), 2u);
}

TEST_F(PairingWatch, OpeningAgainOffersOnlyToThoseNotInTheChannelYet) {
  const ConnId ahri = watcher("Ahri#EUW");
  const ConnId garen = watcher("Garen#EUW");
  const std::string id = offered(pairing_.open_server_channel(kGame, kBlueTeam, kBlue), ahri);
  join(ahri, id);
  // The watcher found Garen in the same game a little later.
  const Outbox out = pairing_.open_server_channel(kGame, kBlueTeam, kBlue);
  EXPECT_THAT(recipients<p::ChannelAvailable>(out), ElementsAre(garen));
  EXPECT_EQ(offered(out, garen), id);
  EXPECT_EQ(pairing_.channel_count(), 1u);
}

TEST_F(PairingWatch, PlayerWhoRegistersLaterIsOfferedTheServerChannel) {
  const ConnId ahri = watcher("Ahri#EUW");
  const std::string id = offered(pairing_.open_server_channel(kGame, kBlueTeam, kBlue), ahri);
  pairing_.connect(50);
  const Outbox out = pairing_.handle(50, msg(p::RegisterUser{"Thresh#EUW", {}, {}}));
  EXPECT_EQ(offered(out, 50), id);
}

TEST_F(PairingWatch, GameEndTellsMembersAndTheChannelClosesOnceEmpty) {
  const ConnId ahri = watcher("Ahri#EUW");
  const ConnId garen = user("Garen#EUW");  // met the channel without watching
  const ConnId lux = watcher("Lux#EUW");   // offered, never joined
  const std::string id = offered(pairing_.open_server_channel(kGame, kBlueTeam, kBlue), ahri);
  join(ahri, id);
  join(garen, id);

  const Outbox out = pairing_.close_server_game(kGame.text);
  EXPECT_THAT(recipients<p::Notice>(out), UnorderedElementsAre(ahri, garen));
  EXPECT_EQ(first<p::Notice>(out, ahri)->level, p::NoticeLevel::Info);
  // Only watching members asked for the machine-readable event.
  EXPECT_THAT(recipients<p::GameEnded>(out), ElementsAre(ahri));
  EXPECT_EQ(first<p::GameEnded>(out, ahri)->channel_id, id);
  EXPECT_EQ(first<p::GameEnded>(out, ahri)->game_id, kGame);
  EXPECT_EQ(first<p::Notice>(out, lux), nullptr);
  EXPECT_EQ(pairing_.server_game_count(), 0u);

  // Members stay until they leave; the channel goes with the last.
  EXPECT_EQ(pairing_.channel_count(), 1u);
  pairing_.handle(ahri, msg(p::LeaveChannel{id}));
  EXPECT_EQ(pairing_.channel_count(), 1u);
  pairing_.disconnect(garen);
  EXPECT_EQ(pairing_.channel_count(), 0u);
  EXPECT_THAT(pairing_.close_server_game(kGame.text), IsEmpty());  // once
}

TEST_F(PairingWatch, EndedEmptyChannelGoesAtOnce) {
  const ConnId ahri = watcher("Ahri#EUW");
  offered(pairing_.open_server_channel(kGame, kBlueTeam, kBlue), ahri);
  EXPECT_THAT(pairing_.close_server_game(kGame.text), IsEmpty());
  EXPECT_EQ(pairing_.channel_count(), 0u);
}

TEST_F(PairingWatch, EndedChannelIsNotOfferedAndTheNextGameGetsANewOne) {
  const ConnId ahri = watcher("Ahri#EUW");
  const ConnId garen = watcher("Garen#EUW");
  const std::string first_game = offered(pairing_.open_server_channel(kGame, kBlueTeam, kBlue), ahri);
  join(ahri, first_game);
  join(garen, first_game);
  pairing_.close_server_game(kGame.text);

  // Nobody registering now is offered the finished game's channel.
  pairing_.connect(60);
  EXPECT_EQ(offered(pairing_.handle(60, msg(p::RegisterUser{"Lux#EUW", {}, {}})), 60), "");

  // The same five queue again before everyone left the old channel: a new channel, offered to
  // those still sitting in the old one.
  now_ms_ += 1000;
  const Outbox next = pairing_.open_server_channel({"EUW1_6912349999", false}, kBlueTeam, kBlue);
  const std::string second_game = offered(next, ahri);
  EXPECT_NE(second_game, "");
  EXPECT_NE(second_game, first_game);
  EXPECT_THAT(recipients<p::ChannelAvailable>(next), UnorderedElementsAre(ahri, garen, 60u));
  EXPECT_NE(first<p::JoinedChannel>(join(ahri, second_game), ahri), nullptr);
  EXPECT_EQ(pairing_.channel_count(), 2u);
  pairing_.handle(garen, msg(p::LeaveChannel{first_game}));
  EXPECT_EQ(pairing_.channel_count(), 1u);
}

TEST_F(PairingWatch, ForgottenGameLeavesItsChannelAlone) {
  const ConnId ahri = watcher("Ahri#EUW");
  const std::string id = offered(pairing_.open_server_channel(kGame, kBlueTeam, kBlue), ahri);
  join(ahri, id);
  pairing_.forget_server_game(kGame.text);
  EXPECT_EQ(pairing_.server_game_count(), 0u);
  EXPECT_THAT(pairing_.close_server_game(kGame.text), IsEmpty());
  EXPECT_EQ(pairing_.channel_count(), 1u);
  // Still an ordinary channel: found by its roster.
  const ConnId lux = user("Lux#EUW");
  EXPECT_EQ(create(lux, team("lcd-1", "100", kBlue)), id);
}

TEST_F(PairingWatch, UnknownAccountWarnsTheWatchingPlayer) {
  const ConnId ahri = watcher("Ahri#EUW");
  const ConnId garen = user("Garen#EUW");
  const Outbox out = pairing_.account_not_found("ahri#euw");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, ahri);
  EXPECT_EQ(std::get<p::Notice>(out[0].message.body).level, p::NoticeLevel::Warning);
  EXPECT_THAT(pairing_.account_not_found("Garen#EUW"), IsEmpty());  // not watching
  EXPECT_THAT(pairing_.account_not_found("Nobody#EUW"), IsEmpty());
  (void)garen;
}

TEST_F(PairingWatch, UnusableRostersOpenNothing) {
  const ConnId ahri = watcher("Ahri#EUW");
  EXPECT_THAT(pairing_.open_server_channel(kGame, kBlueTeam, {}), IsEmpty());
  EXPECT_THAT(pairing_.open_server_channel(kGame, kBlueTeam, {"no tag", "#EUW", ""}), IsEmpty());
  EXPECT_THAT(pairing_.open_server_channel({std::string(65, 'g'), false}, kBlueTeam, kBlue),
              IsEmpty());
  EXPECT_THAT(pairing_.open_server_channel(kGame, {std::string(17, '1'), true}, kBlue), IsEmpty());
  EXPECT_EQ(pairing_.channel_count(), 0u);
  // Bad entries are dropped, the rest still make the channel.
  const Outbox out = pairing_.open_server_channel(kGame, kBlueTeam, {"Ahri#EUW", "bad"});
  const auto* offer = first<p::ChannelAvailable>(out, ahri);
  ASSERT_NE(offer, nullptr);
  EXPECT_THAT(offer->channel.roster, ElementsAre("Ahri#EUW"));
}

TEST_F(PairingWatch, SweepForgetsServerChannelsThatWent) {
  const ConnId ahri = watcher("Ahri#EUW");
  offered(pairing_.open_server_channel(kGame, kBlueTeam, kBlue), ahri);
  now_ms_ += 20 * 60 * 1000;
  EXPECT_EQ(pairing_.sweep(10 * 60 * 1000), 1u);
  EXPECT_EQ(pairing_.server_game_count(), 0u);
  // The watcher reports the game again (a late watcher): the channel comes back.
  EXPECT_NE(offered(pairing_.open_server_channel(kGame, kBlueTeam, kBlue), ahri), "");
}

}  // namespace
}  // namespace shotcall::core::testing
