// The watch scheduler with a hand-driven clock and canned Riot answers: what it asks next, how
// one answer covers every watched player in a game, how games are re-checked and ended.
#include <gtest/gtest.h>

#include <algorithm>

#include "signaling/riot/watch_scheduler.hpp"

namespace shotcall::riot {
namespace {

const char* kBlue[] = {"Blue One#EUW", "Blue Two#EUW", "Blue Three#EUW", "Blue Four#EUW", "Blue Five#EUW"};
const char* kRed[] = {"Red One#EUW", "Red Two#EUW", "Red Three#EUW", "Red Four#EUW", "Red Five#EUW"};

std::string puuid_of(const std::string& riot_id) { return "puuid-" + riot_id.substr(0, riot_id.find('#')); }

ActiveGame game(std::int64_t id, bool with_bot = false) {
  ActiveGame g;
  g.game_id = id;
  g.platform_id = "EUW1";
  g.game_mode = "CLASSIC";
  g.map_id = 11;
  for (const char* r : kBlue) g.participants.push_back({puuid_of(r), r, 100, 1, false});
  for (const char* r : kRed) g.participants.push_back({puuid_of(r), r, 200, 2, false});
  if (with_bot) g.participants[4] = Participant{"", "", 100, 3, true};
  return g;
}

WatchSchedulerOptions options() {
  WatchSchedulerOptions o;
  o.min_poll_interval_ms = 1000;
  o.game_check_interval_ms = 5000;
  o.end_confirmations = 2;
  o.sustainable_rate_per_s = 1000;  // interval stays at the minimum unless a test says otherwise
  o.budget_fraction = 1.0;
  o.account_not_found_retry_ms = 60000;
  return o;
}

template <typename T>
std::vector<T> events_of(WatchScheduler& s) {
  std::vector<T> out;
  for (auto& e : s.take_events()) {
    if (auto* x = std::get_if<T>(&e)) out.push_back(*x);
  }
  return out;
}

std::vector<std::string> roster(const char* const (&team)[5]) { return {team, team + 5}; }

TEST(WatchScheduler, ResolvesUnknownPuuidsFirstThenPolls) {
  WatchScheduler s(options());
  EXPECT_EQ(s.watch("Blue One#EUW", "", 0), WatchScheduler::WatchResult::Added);
  EXPECT_EQ(s.watch("blue one#euw", "", 0), WatchScheduler::WatchResult::AlreadyWatched);
  EXPECT_EQ(s.watch("no tag", "", 0), WatchScheduler::WatchResult::InvalidRiotId);
  s.watch("Blue Two#EUW", "", 0);
  s.watch("Blue Three#EUW", puuid_of("Blue Three#EUW"), 0);

  auto a1 = s.next_call(CallKind::Account, 0);
  auto a2 = s.next_call(CallKind::Account, 0);
  ASSERT_TRUE(a1 && a2);
  EXPECT_EQ(a1->game_name, "Blue One");  // in watch order
  EXPECT_EQ(a1->tag_line, "EUW");
  EXPECT_EQ(a2->game_name, "Blue Two");
  EXPECT_FALSE(s.next_call(CallKind::Account, 0));  // both in flight: never handed out twice
  EXPECT_FALSE(s.has_due(CallKind::Account, 0));

  auto sp = s.next_call(CallKind::Spectator, 0);  // the one with a known puuid
  ASSERT_TRUE(sp);
  EXPECT_EQ(sp->puuid, puuid_of("Blue Three#EUW"));
  EXPECT_FALSE(s.next_call(CallKind::Spectator, 0));

  s.on_account(*a1, Account{"puuid-Blue One", "Blue One", "EUW"}, 10);
  auto sp2 = s.next_call(CallKind::Spectator, 10);  // resolved: polled at once
  ASSERT_TRUE(sp2);
  EXPECT_EQ(sp2->puuid, "puuid-Blue One");
  EXPECT_EQ(s.unresolved_count(), 1u);
}

TEST(WatchScheduler, PollsIdlePlayersRoundRobin) {
  WatchScheduler s(options());
  for (const char* r : kBlue) s.watch(r, puuid_of(r), 0);
  // The limiter lets one call through every 300 ms; answers are 404 (not in a game).
  std::vector<std::string> order;
  for (std::int64_t t = 0; t <= 3000; t += 300) {
    auto call = s.next_call(CallKind::Spectator, t);
    if (!call) continue;
    order.push_back(call->player_key);
    s.on_not_in_game(*call, t);
  }
  ASSERT_GE(order.size(), 10u);
  for (std::size_t i = 5; i < order.size(); ++i) EXPECT_EQ(order[i], order[i - 5]) << i;
  std::vector<std::string> first(order.begin(), order.begin() + 5);
  std::sort(first.begin(), first.end());
  EXPECT_EQ(std::unique(first.begin(), first.end()), first.end());  // five different players
}

TEST(WatchScheduler, OneAnswerPlacesEveryWatchedPlayerInTheGame) {
  WatchScheduler s(options());
  for (const char* r : kBlue) s.watch(r, puuid_of(r), 0);  // puuids known
  for (const char* r : kRed) s.watch(r, "", 0);           // puuids unknown: matched by Riot ID
  auto call = s.next_call(CallKind::Spectator, 0);
  ASSERT_TRUE(call);
  s.on_active_game(*call, game(6912345678), 100);

  auto started = events_of<GameStarted>(s);
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].game_id, "EUW1_6912345678");
  EXPECT_TRUE(started[0].first_report);
  ASSERT_EQ(started[0].players.size(), 10u);
  for (const WatchedTeam& t : started[0].players) {
    const bool blue = t.riot_id.rfind("Blue", 0) == 0;
    EXPECT_EQ(t.team_id, blue ? 100 : 200) << t.riot_id;
    EXPECT_EQ(t.roster, blue ? roster(kBlue) : roster(kRed)) << t.riot_id;
    EXPECT_EQ(t.puuid, puuid_of(t.riot_id));  // learned from the answer for the red side
  }
  EXPECT_EQ(s.in_game_count(), 10u);
  EXPECT_EQ(s.unresolved_count(), 0u);
  EXPECT_EQ(s.game_count(), 1u);
  // Nobody is polled any more, nobody needs account-v1: only the game check, 5 s later.
  EXPECT_FALSE(s.next_due_ms(CallKind::Account));
  EXPECT_EQ(s.next_due_ms(CallKind::Spectator), 100 + 5000);
  EXPECT_FALSE(s.next_call(CallKind::Spectator, 5099));
  EXPECT_EQ(s.player("red three#euw")->state, PlayerState::InGame);
  EXPECT_EQ(s.player("Red Three#EUW")->game_id, "EUW1_6912345678");
}

TEST(WatchScheduler, BotsAreLeftOffRosters) {
  WatchScheduler s(options());
  s.watch("Blue One#EUW", puuid_of("Blue One#EUW"), 0);
  auto call = s.next_call(CallKind::Spectator, 0);
  s.on_active_game(*call, game(1, /*with_bot=*/true), 0);
  auto started = events_of<GameStarted>(s);
  ASSERT_EQ(started.size(), 1u);
  ASSERT_EQ(started[0].players.size(), 1u);
  EXPECT_EQ(started[0].players[0].roster,
            (std::vector<std::string>{"Blue One#EUW", "Blue Two#EUW", "Blue Three#EUW", "Blue Four#EUW"}));
}

TEST(WatchScheduler, AGameIsRecheckedThroughOnePlayerAtTheSlowerCadence) {
  WatchScheduler s(options());
  s.watch("Blue One#EUW", puuid_of("Blue One#EUW"), 0);
  s.watch("Blue Two#EUW", puuid_of("Blue Two#EUW"), 0);
  auto call = s.next_call(CallKind::Spectator, 0);
  s.on_active_game(*call, game(7), 0);
  s.take_events();
  std::vector<std::string> probes;
  std::int64_t t = 0;
  for (int i = 0; i < 4; ++i) {
    t = *s.next_due_ms(CallKind::Spectator);
    EXPECT_EQ(t, 5000 * (i + 1));
    auto check = s.next_call(CallKind::Spectator, t);
    ASSERT_TRUE(check);
    EXPECT_EQ(check->game_id, "EUW1_7");
    EXPECT_FALSE(s.next_call(CallKind::Spectator, t));  // one call per check, not one per player
    probes.push_back(check->puuid);
    s.on_active_game(*check, game(7), t);
    EXPECT_TRUE(s.take_events().empty());
  }
  // The probe rotates between the watched players.
  EXPECT_NE(probes[0], probes[1]);
  EXPECT_EQ(probes[0], probes[2]);
}

TEST(WatchScheduler, A404EndsTheGameOnlyWhenConfirmed) {
  WatchScheduler s(options());
  for (const char* r : kBlue) s.watch(r, puuid_of(r), 0);
  auto call = s.next_call(CallKind::Spectator, 0);
  s.on_active_game(*call, game(7), 0);
  s.take_events();

  auto check = s.next_call(CallKind::Spectator, 5000);
  s.on_not_in_game(*check, 5000);  // one 404: maybe a queue that hides running games
  EXPECT_TRUE(s.take_events().empty());
  EXPECT_EQ(s.game_count(), 1u);
  EXPECT_EQ(s.next_due_ms(CallKind::Spectator), 6000);  // confirmation one poll interval later

  check = s.next_call(CallKind::Spectator, 6000);
  s.on_active_game(*check, game(7), 6000);  // seen again: the streak is broken
  check = s.next_call(CallKind::Spectator, 11000);
  s.on_not_in_game(*check, 11000);
  EXPECT_TRUE(s.take_events().empty());
  check = s.next_call(CallKind::Spectator, 12000);
  s.on_not_in_game(*check, 12000);

  auto ended = events_of<GameEnded>(s);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].game_id, "EUW1_7");
  EXPECT_EQ(ended[0].reason, GameEndReason::NotSeen);
  EXPECT_EQ(ended[0].riot_ids.size(), 5u);
  EXPECT_EQ(s.game_count(), 0u);
  EXPECT_EQ(s.player("Blue One#EUW")->state, PlayerState::Idle);
  // Back to normal polling, one interval after the end.
  EXPECT_EQ(s.next_due_ms(CallKind::Spectator), 13000);
}

TEST(WatchScheduler, ConfirmationCountIsConfigurable) {
  auto o = options();
  o.end_confirmations = 3;
  WatchScheduler s(o);
  s.watch("Blue One#EUW", puuid_of("Blue One#EUW"), 0);
  auto call = s.next_call(CallKind::Spectator, 0);
  s.on_active_game(*call, game(7), 0);
  s.take_events();
  std::int64_t t = 5000;
  for (int i = 0; i < 2; ++i) {
    auto check = s.next_call(CallKind::Spectator, t);
    ASSERT_TRUE(check);
    s.on_not_in_game(*check, t);
    EXPECT_TRUE(s.take_events().empty()) << i;
    t += 1000;
  }
  auto check = s.next_call(CallKind::Spectator, t);
  s.on_not_in_game(*check, t);
  EXPECT_EQ(events_of<GameEnded>(s).size(), 1u);
}

TEST(WatchScheduler, FailuresAreNotNotSeen) {
  WatchScheduler s(options());
  s.watch("Blue One#EUW", puuid_of("Blue One#EUW"), 0);
  auto call = s.next_call(CallKind::Spectator, 0);
  s.on_active_game(*call, game(7), 0);
  s.take_events();
  std::int64_t t = 5000;
  for (int i = 0; i < 5; ++i) {  // 429s, 5xx, timeouts: no news about the game
    auto check = s.next_call(CallKind::Spectator, t);
    ASSERT_TRUE(check);
    s.on_failure(*check, t);
    t += 1000;
  }
  EXPECT_TRUE(s.take_events().empty());
  EXPECT_EQ(s.game_count(), 1u);
}

TEST(WatchScheduler, APlayerSeenInAnotherGameEndsTheOldOne) {
  WatchScheduler s(options());
  s.watch("Blue One#EUW", puuid_of("Blue One#EUW"), 0);
  auto call = s.next_call(CallKind::Spectator, 0);
  s.on_active_game(*call, game(7), 0);
  s.take_events();
  auto check = s.next_call(CallKind::Spectator, 5000);
  s.on_active_game(*check, game(8), 5000);
  auto events = s.take_events();
  ASSERT_EQ(events.size(), 2u);
  ASSERT_TRUE(std::holds_alternative<GameEnded>(events[0]));
  EXPECT_EQ(std::get<GameEnded>(events[0]).game_id, "EUW1_7");
  EXPECT_EQ(std::get<GameEnded>(events[0]).reason, GameEndReason::NewGame);
  ASSERT_TRUE(std::holds_alternative<GameStarted>(events[1]));
  EXPECT_EQ(std::get<GameStarted>(events[1]).game_id, "EUW1_8");
  EXPECT_EQ(s.player("Blue One#EUW")->game_id, "EUW1_8");
}

TEST(WatchScheduler, LateWatchersJoinAKnownGameWithoutACall) {
  WatchScheduler s(options());
  s.watch("Blue One#EUW", puuid_of("Blue One#EUW"), 0);
  auto call = s.next_call(CallKind::Spectator, 0);
  s.on_active_game(*call, game(7), 0);
  s.take_events();
  s.watch("RED TWO#euw", "", 1000);
  auto started = events_of<GameStarted>(s);
  ASSERT_EQ(started.size(), 1u);
  EXPECT_FALSE(started[0].first_report);
  ASSERT_EQ(started[0].players.size(), 1u);
  EXPECT_EQ(started[0].players[0].riot_id, "RED TWO#euw");
  EXPECT_EQ(started[0].players[0].team_id, 200);
  EXPECT_EQ(started[0].players[0].roster, roster(kRed));
  EXPECT_FALSE(s.next_due_ms(CallKind::Account));  // puuid learned from the known game
}

TEST(WatchScheduler, AnAccountAnswerAfterARiotIdMatchChangesNothing) {
  WatchScheduler s(options());
  s.watch("Blue One#EUW", puuid_of("Blue One#EUW"), 0);
  s.watch("Blue Two#EUW", "", 0);
  auto account = s.next_call(CallKind::Account, 0);
  auto spect = s.next_call(CallKind::Spectator, 0);
  s.on_active_game(*spect, game(7), 50);
  EXPECT_EQ(events_of<GameStarted>(s)[0].players.size(), 2u);
  s.on_account(*account, Account{"puuid-Blue Two", "Blue Two", "EUW"}, 60);
  EXPECT_EQ(s.player("Blue Two#EUW")->state, PlayerState::InGame);
  EXPECT_TRUE(s.take_events().empty());
  EXPECT_FALSE(s.next_call(CallKind::Spectator, 60));
}

TEST(WatchScheduler, AResolvedPlayerJoinsAGameWeAlreadyTrack) {
  WatchScheduler s(options());
  s.watch("Blue One#EUW", puuid_of("Blue One#EUW"), 0);
  s.watch("Renamed#NEW", "", 0);  // not matched by Riot ID (the game shows an older name)
  auto account = s.next_call(CallKind::Account, 0);
  auto spect = s.next_call(CallKind::Spectator, 0);
  s.on_active_game(*spect, game(7), 10);
  s.take_events();
  s.on_account(*account, Account{puuid_of("Red Five#EUW"), "Renamed", "NEW"}, 20);
  auto started = events_of<GameStarted>(s);
  ASSERT_EQ(started.size(), 1u);
  EXPECT_FALSE(started[0].first_report);
  EXPECT_EQ(started[0].players[0].team_id, 200);
}

TEST(WatchScheduler, UnknownAccountsAreReportedOnceAndRetriedSlowly) {
  WatchScheduler s(options());
  s.watch("Nobody#000", "", 0);
  auto call = s.next_call(CallKind::Account, 0);
  s.on_account_not_found(*call, 0);
  auto nf = events_of<AccountNotFound>(s);
  ASSERT_EQ(nf.size(), 1u);
  EXPECT_EQ(nf[0].riot_id, "Nobody#000");
  EXPECT_EQ(s.player("Nobody#000")->state, PlayerState::NotFound);
  EXPECT_EQ(s.next_due_ms(CallKind::Account), 60000);
  call = s.next_call(CallKind::Account, 60000);
  ASSERT_TRUE(call);
  s.on_account_not_found(*call, 60000);
  EXPECT_TRUE(s.take_events().empty());
}

// Made-up Riot IDs, once Riot says it knows none of them, are asked about every ten minutes, not
// every interval: they must not stretch the interval of the real players (before, each one
// counted as a polled player: a hundred from one client added a hundred seconds to everyone's).
TEST(WatchScheduler, UnknownAccountsDoNotSlowThePollingOfKnownOnes) {
  auto o = options();
  o.min_poll_interval_ms = 2000;
  o.sustainable_rate_per_s = 2.0;
  o.budget_fraction = 0.5;  // 1 call per second planned
  o.account_not_found_retry_ms = 600000;
  WatchScheduler s(o);
  s.watch("Real#EUW", "p-real", 0);
  for (int i = 0; i < 100; ++i) s.watch("Nobody" + std::to_string(i) + "#000", "", 0);
  EXPECT_EQ(s.poll_interval_ms(), 101000);  // unresolved: they may be real
  for (int i = 0; i < 100; ++i) {
    auto call = s.next_call(CallKind::Account, 0);
    ASSERT_TRUE(call) << i;
    s.on_account_not_found(*call, 0);
  }
  EXPECT_EQ(s.unresolved_count(), 100u);
  // Their retries are account calls, on a limiter of their own: the one real player is polled
  // at the minimum, however many names nobody has.
  EXPECT_EQ(s.poll_interval_ms(), 2000);
  for (int i = 100; i < 2000; ++i) s.watch("Nobody" + std::to_string(i) + "#000", "", 0);
  for (int i = 100; i < 2000; ++i) {
    auto call = s.next_call(CallKind::Account, 0);
    ASSERT_TRUE(call) << i;
    s.on_account_not_found(*call, 0);
  }
  EXPECT_EQ(s.poll_interval_ms(), 2000);
  // Ten real players: the budget is theirs (1 call per second).
  for (int i = 0; i < 9; ++i)
    s.watch("Real" + std::to_string(i) + "#EUW", "p" + std::to_string(i), 0);
  EXPECT_EQ(s.poll_interval_ms(), 10000);
}

TEST(WatchScheduler, UnwatchingTheLastPlayerEndsTrackingAndStaleAnswersAreIgnored) {
  WatchScheduler s(options());
  s.watch("Blue One#EUW", puuid_of("Blue One#EUW"), 0);
  s.watch("Blue Two#EUW", puuid_of("Blue Two#EUW"), 0);
  auto call = s.next_call(CallKind::Spectator, 0);
  s.on_active_game(*call, game(7), 0);
  s.take_events();
  EXPECT_TRUE(s.unwatch("blue one#EUW", 100));
  EXPECT_TRUE(s.take_events().empty());  // Blue Two still in it
  auto check = s.next_call(CallKind::Spectator, 5000);
  ASSERT_TRUE(check);
  EXPECT_EQ(check->puuid, puuid_of("Blue Two#EUW"));
  EXPECT_TRUE(s.unwatch("Blue Two#EUW", 5001));
  auto ended = events_of<GameEnded>(s);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].reason, GameEndReason::Unwatched);
  EXPECT_EQ(s.game_count(), 0u);
  EXPECT_FALSE(s.unwatch("Blue Two#EUW", 5002));

  // Watched again while the old check is still out: its answer must not touch the new state.
  s.watch("Blue Two#EUW", puuid_of("Blue Two#EUW"), 5003);
  s.on_not_in_game(*check, 5004);
  s.on_active_game(*check, game(7), 5004);  // the game check's answer still names the game...
  // ...which is information about the watched player, so it is used: they are in game 7.
  EXPECT_EQ(s.player("Blue Two#EUW")->state, PlayerState::InGame);
  auto fresh = s.next_call(CallKind::Spectator, 5004);
  EXPECT_FALSE(fresh);  // in a game now: no idle poll
}

TEST(WatchScheduler, PollIntervalGrowsWithWatchersToFitTheRate) {
  auto o = options();
  o.min_poll_interval_ms = 2000;
  o.sustainable_rate_per_s = 2.0;
  o.budget_fraction = 0.5;  // 1 call per second planned
  WatchScheduler s(o);
  EXPECT_EQ(s.poll_interval_ms(), 2000);
  s.watch("A#1", "pa", 0);
  EXPECT_EQ(s.poll_interval_ms(), 2000);  // 1 s would do; the minimum holds
  for (int i = 0; i < 9; ++i) s.watch("P" + std::to_string(i) + "#1", "p" + std::to_string(i), 0);
  EXPECT_EQ(s.watcher_count(), 10u);
  EXPECT_EQ(s.poll_interval_ms(), 10000);  // 10 players, 1 per second
  EXPECT_EQ(s.game_check_interval_ms(), 10000);  // never below the poll interval
  s.set_sustainable_rate(20.0);
  EXPECT_EQ(s.poll_interval_ms(), 2000);
  s.set_sustainable_rate(-1);  // nonsense is ignored
  EXPECT_EQ(s.poll_interval_ms(), 2000);

  // With one call per 1000 ms allowed, every player is polled once per interval: the planned
  // load matches the budget.
  s.set_sustainable_rate(2.0);
  int calls = 0;
  for (std::int64_t t = 0; t < 100000; t += 1000) {
    if (auto c = s.next_call(CallKind::Spectator, t)) {
      ++calls;
      s.on_not_in_game(*c, t);
    }
  }
  EXPECT_GE(calls, 95);
  EXPECT_LE(calls, 100);
}

}  // namespace
}  // namespace shotcall::riot
