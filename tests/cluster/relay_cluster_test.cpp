// Relays between instances go straight to Redis pub/sub (shared_pairing_relay.cpp): they never
// wait behind the sending instance's store transactions, the receiving instance alone decides
// whether the target is in the sender's channel (a forged target gets the sender `no-such-peer`
// and hears nothing), a teammate's dead instance gets an answer instead of silence, and the
// relay latency histogram counts relays in this mode too.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "signaling/protocol/riot_id.hpp"
#include "signaling/store/store_records.hpp"
#include "tests/cluster/redis_cluster.hpp"
#include "tests/server/server_test_helpers.hpp"
#include "tests/support/http_get.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

// Players of one team, each connected to the instance named (1..3), in one channel, each having
// seen the others join.
struct Spread {
  std::vector<Player> players;
  std::string channel_id;
};

Spread spread_team(RedisCluster& cluster, const std::string& prefix, const std::string& team_id,
                   const std::vector<int>& instances) {
  Spread t;
  std::vector<std::string> roster;
  for (std::size_t i = 0; i < instances.size(); ++i)
    roster.push_back(prefix + std::to_string(i) + "#T" + team_id);
  for (std::size_t i = 0; i < instances.size(); ++i) {
    t.players.push_back(registered_on(cluster, instances[i], roster[i]));
    EXPECT_EQ(instance_of(t.players.back().peer_id), instances[i]);
  }
  t.channel_id = find_or_create(t.players[0], "g" + team_id, team_id, roster);
  for (auto& p : t.players) join(p, t.channel_id);
  for (std::size_t i = 0; i < t.players.size(); ++i)
    for (std::size_t j = i + 1; j < t.players.size(); ++j) {
      const std::string want = t.players[j].peer_id;
      EXPECT_TRUE(t.players[i]->wait_for([&](const Frame& f) {
        const auto* u = f.as<protocol::UserJoinedChannel>();
        return u && u->member.peer_id == want;
      })) << roster[i]
          << " did not see " << roster[j] << " join";
    }
  return t;
}

bool got_signal(Player& to, const std::string& from, const std::string& data,
                std::chrono::milliseconds timeout = 10s) {
  return to
      ->wait_for(
          [&](const Frame& f) {
            const auto* s = f.as<protocol::SignalFrom>();
            return s && s->from == from && s->data_json == data;
          },
          timeout)
      .has_value();
}

double metric(RedisCluster& cluster, int instance, const std::string& series) {
  return sample(http_get(cluster.instance(instance).http_url("/metrics")).body, series);
}

// The id of a reply ("" for events and undecoded frames).
std::string id_of(const Frame& f) { return f.message && f.message->id ? *f.message->id : ""; }

constexpr const char* kRelayCount = "shotcall_relay_latency_seconds_count";

TEST(RelayCluster, ARelayToAnotherInstanceOvertakesTheSendersStoreQueue) {
  // A flood of store calls must not be cut short by the frame limits.
  RedisCluster cluster({"--rate", "100000", "--burst", "100000"});
  Spread t = spread_team(cluster, "Fast", "300", {1, 2});
  Spread busy = spread_team(cluster, "Busy", "301", {1, 1, 1, 1, 1});
  // Each join-channel reads its channel from Redis: one transaction each, in s1's one queue;
  // 100 a connection stay well inside a connection's bound of waiting calls (256 KiB). Redis is
  // stopped while s1 reads them all and then the relay, so the queue cannot drain meanwhile
  // (read at the pace of the calls, it would be nearly empty by the relay's turn). Each client's
  // barrier (answered at once, in order) shows s1 has read what that client sent before it.
  constexpr int kCallsEach = 100;
  const auto paused_at = std::chrono::steady_clock::now();
  cluster.redis().pause();
  for (int i = 0; i < kCallsEach; ++i)
    for (auto& p : busy.players) p->send(msg::join(busy.channel_id, "j" + std::to_string(i)));
  bool read = true;
  for (auto& p : busy.players) read = p->barrier() && read;
  const std::string data = R"({"sdp":{"type":"offer","sdp":"v=0 fast"}})";
  t.players[0]->send(msg::signal(t.players[1].peer_id, data));
  read = t.players[0]->barrier() && read;
  const double queued = metric(cluster, 1, "shotcall_store_queue_length");
  cluster.redis().resume();
  const auto paused_for = std::chrono::steady_clock::now() - paused_at;
  ASSERT_TRUE(read) << "s1 never read the joins and the relay";
  // Stopped for longer than an alive mark lives (2 s), the instances would take each other for
  // dead when it resumes.
  ASSERT_LT(paused_for, 1500ms) << "Redis was stopped too long for this test to mean anything";
  const double calls = kCallsEach * static_cast<double>(busy.players.size());
  ASSERT_GE(queued, calls) << "s1 refused some joins: the queue is shorter than the test needs";

  // Behind the queue, the relay would come out after every join's answer.
  const auto relayed = [&](const Frame& f) {
    const auto* s = f.as<protocol::SignalFrom>();
    return s && s->from == t.players[0].peer_id && s->data_json == data;
  };
  const std::string last = "j" + std::to_string(kCallsEach - 1);
  const auto last_answered = [&](const Frame& f) { return id_of(f) == last; };
  const auto all_answered = [&] {
    return std::all_of(busy.players.begin(), busy.players.end(),
                       [&](Player& p) { return p->has(last_answered); });
  };
  ASSERT_TRUE(run_until([&] { return t.players[1]->has(relayed) || all_answered(); }, 60s));
  EXPECT_TRUE(t.players[1]->has(relayed));
  EXPECT_FALSE(all_answered()) << "the relay waited for the store calls queued before it";
  // The queue drains, every call answered.
  for (auto& p : busy.players) EXPECT_TRUE(p->wait_for(last_answered, 60s));
  EXPECT_TRUE(got_signal(t.players[1], t.players[0].peer_id, data));
}

// A connection may have --burst calls waiting for the store, as many messages as it may send at
// once; one that sends more before Redis answers gets each further one answered rate-limited,
// by its id, at once. Queued, they would wait in the instance's one queue without end, and
// every other player's call behind them.
TEST(RelayCluster, AConnectionWithBurstCallsWaitingIsToldToWaitForTheirAnswers) {
  constexpr int kBurst = 20;
  RedisCluster cluster({"--rate", "100000", "--burst", std::to_string(kBurst)});
  Spread flood = spread_team(cluster, "Flood", "302", {1});
  Spread calm = spread_team(cluster, "Calm", "303", {1});
  Player& flooder = flood.players[0];
  const std::string joins_read = "shotcall_messages_received_total{type=\"join-channel\"}";
  const double read_before = metric(cluster, 1, joins_read);
  // Redis stopped: nothing s1 queues is answered until it resumes (briefly: a pause past
  // the instances' 2 s liveness marks would have them evict each other).
  cluster.redis().pause();
  constexpr int kCalls = 3 * kBurst;
  // A burst at a time, each read before the next: the frame limit refills (at 100 000 a
  // second) meanwhile, so only the queue's bound can refuse any.
  for (int i = 0; i < kCalls; ++i) {
    flooder->send(msg::join(flood.channel_id, "j" + std::to_string(i)));
    if ((i + 1) % kBurst == 0) {
      ASSERT_TRUE(
          run_until([&] { return metric(cluster, 1, joins_read) >= read_before + i + 1; }, 30s))
          << "s1 never read the joins";
    }
  }
  calm.players[0]->send(msg::join(calm.channel_id, "calm"));
  ASSERT_TRUE(
      run_until([&] { return metric(cluster, 1, joins_read) >= read_before + kCalls + 1; }, 30s));
  ASSERT_EQ(metric(cluster, 1, "shotcall_frames_rate_limited_total"), 0)
      << "the frame limit, not the queue, refused some";
  // The first kBurst wait (one of them sent to Redis), and the calm player's call after them.
  const double queued = metric(cluster, 1, "shotcall_store_queue_length");
  EXPECT_GE(queued, kBurst + 1);
  EXPECT_LE(queued, kBurst + 3) << "more than --burst of one connection's calls were queued";
  EXPECT_EQ(metric(cluster, 1, "shotcall_store_calls_refused_total"), kCalls - kBurst);
  cluster.redis().resume();

  // Every join answered once: the first kBurst in order, the rest refused by their ids.
  std::vector<int> answers(kCalls, 0);
  std::vector<int> answered_in_order;  // the queued ones, as their answers came
  int refused = 0;
  auto take_answers = [&] {
    while (auto f = flooder->take([](const Frame& f) { return id_of(f).rfind("j", 0) == 0; })) {
      const int n = std::stoi(id_of(*f).substr(1));
      ++answers.at(static_cast<std::size_t>(n));
      if (const auto* e = f->as<protocol::Error>();
          e && e->code == protocol::ErrorCode::RateLimited) {
        ++refused;
        EXPECT_GE(n, kBurst) << "a call within the first --burst was refused";
        EXPECT_EQ(e->re, "join-channel");
        EXPECT_NE(e->message.find("wait for the answers"), std::string::npos) << e->message;
      } else {
        EXPECT_LT(n, kBurst) << "a call past --burst was queued: " << f->text;
        answered_in_order.push_back(n);
      }
    }
    return std::all_of(answers.begin(), answers.end(), [](int a) { return a > 0; });
  };
  EXPECT_TRUE(run_until(take_answers, 60s)) << "not every join was answered";
  EXPECT_TRUE(std::all_of(answers.begin(), answers.end(), [](int a) { return a == 1; }));
  EXPECT_EQ(refused, kCalls - kBurst);
  EXPECT_TRUE(std::is_sorted(answered_in_order.begin(), answered_in_order.end()));
  EXPECT_TRUE(calm.players[0]->wait_for([](const Frame& f) { return id_of(f) == "calm"; }, 30s));
}

// ... and those calls may hold at most 256 KiB in all: a signal may carry up to --max-frame
// bytes (64 KiB), so --burst (100) waiting signals would hold 6.4 MB of one connection's sending,
// and a few connections of one address hundreds of megabytes while Redis is slow.
TEST(RelayCluster, AConnectionsWaitingSignalsAreBoundedInBytes) {
  RedisCluster cluster({"--rate", "100000"});
  Spread t = spread_team(cluster, "Bulk", "304", {1, 2});
  Player& sender = t.players[0];
  const std::string signals_read = "shotcall_messages_received_total{type=\"signal\"}";
  const double read_before = metric(cluster, 1, signals_read);
  cluster.redis().pause();  // briefly: see above
  // A store call first, unanswered while Redis is paused: the signals after it wait behind it.
  sender->send(msg::join(t.channel_id, "j0"));
  constexpr int kSignals = 10;  // far fewer than --burst, 600 KiB
  const auto data = [](int i) {
    return R"({"sdp":{"type":"offer","sdp":"v=0 )" + std::string(60 * 1024, 'a' + i) + R"("}})";
  };
  for (int i = 0; i < kSignals; ++i)
    sender->send(msg::signal(t.players[1].peer_id, data(i), "s" + std::to_string(i)));
  ASSERT_TRUE(
      run_until([&] { return metric(cluster, 1, signals_read) >= read_before + kSignals; }, 30s))
      << "s1 never read the signals";
  const double queued = metric(cluster, 1, "shotcall_store_queue_length");
  const double refused = metric(cluster, 1, "shotcall_store_calls_refused_total");
  cluster.redis().resume();
  // 256 KiB hold four such signals behind the join, or three.
  EXPECT_GE(refused, kSignals - 4) << "a connection's waiting calls held more than 256 KiB";
  EXPECT_LE(refused, kSignals - 3);
  EXPECT_LE(queued, 1 + kSignals - refused);

  // The join is answered, each refused signal by its id (at once), and each accepted one is
  // delivered to the teammate, never answered.
  ASSERT_TRUE(sender->wait_for([](const Frame& f) { return id_of(f) == "j0"; }, 30s));
  const int accepted = kSignals - static_cast<int>(refused);
  for (int i = accepted; i < kSignals; ++i) {
    const auto answer =
        sender->wait_for([&](const Frame& f) { return id_of(f) == "s" + std::to_string(i); });
    ASSERT_TRUE(answer) << "signal " << i << " was neither delivered nor refused";
    EXPECT_TRUE(answer->is_error("rate-limited")) << answer->text;
    EXPECT_NE(answer->text.find("256 KiB"), std::string::npos) << answer->text;
  }
  for (int i = 0; i < accepted; ++i)
    EXPECT_TRUE(got_signal(t.players[1], sender.peer_id, data(i))) << "signal " << i;
  EXPECT_FALSE(sender->take([](const Frame& f) { return id_of(f).rfind("s", 0) == 0; }))
      << "an accepted signal was answered";
}

TEST(RelayCluster, AForgedRelayToAnotherTeamIsRefusedAndNeverDelivered) {
  RedisCluster cluster;
  Spread t = spread_team(cluster, "Ally", "310", {1, 2});
  Spread enemy = spread_team(cluster, "Foe", "311", {2});
  Player& sender = t.players[0];
  Player& victim = enemy.players[0];

  const std::string forged = R"({"sdp":{"type":"offer","sdp":"v=0 forged"}})";
  sender->send(msg::signal(victim.peer_id, forged, "forged"));
  const auto refused = sender->wait_for_error("no-such-peer");
  ASSERT_TRUE(refused) << "the sender got no answer";
  EXPECT_EQ(id_of(*refused), "forged");
  // s2 refused before answering: anything it had sent the victim is queued after a barrier.
  ASSERT_TRUE(victim->barrier());
  EXPECT_FALSE(victim->has([](const Frame& f) { return f.as<protocol::SignalFrom>() != nullptr; }))
      << "an enemy got a relay from outside his channel";
  EXPECT_EQ(metric(cluster, 2, "shotcall_remote_relays_refused_total"), 1);

  // Peer ids of an instance that does not exist, or of none: the same answer.
  for (const std::string& to :
       std::vector<std::string>{"s9.0123456789abcdef", "0123456789abcdef", "s1.0123456789abcdef"}) {
    sender->send(msg::signal(to, forged, "to-" + to));
    const auto answer = sender->wait_for_error("no-such-peer");
    ASSERT_TRUE(answer) << to;
    EXPECT_EQ(id_of(*answer), "to-" + to);
  }

  // The teammate on the other instance still gets the sender's relays, timed where they arrive.
  EXPECT_EQ(metric(cluster, 2, kRelayCount), 0);
  const std::string data = R"({"sdp":{"type":"offer","sdp":"v=0 ally"}})";
  sender->send(msg::signal(t.players[1].peer_id, data));
  ASSERT_TRUE(got_signal(t.players[1], sender.peer_id, data));
  EXPECT_EQ(metric(cluster, 2, kRelayCount), 1);
  EXPECT_EQ(metric(cluster, 2, "shotcall_relay_latency_seconds_bucket{le=\"+Inf\"}"), 1);
}

TEST(RelayCluster, ARelayBetweenPlayersOfOneInstanceIsTimedToo) {
  RedisCluster cluster;
  Spread t = spread_team(cluster, "Near", "320", {3, 3});
  const std::string data = R"({"sdp":{"type":"offer","sdp":"v=0 near"}})";
  EXPECT_EQ(metric(cluster, 3, kRelayCount), 0);
  t.players[0]->send(msg::signal(t.players[1].peer_id, data));
  ASSERT_TRUE(got_signal(t.players[1], t.players[0].peer_id, data));
  EXPECT_EQ(metric(cluster, 3, kRelayCount), 1);
}

TEST(RelayCluster, ARelayToATeammateWhoseInstanceDiedIsAnswered) {
  RedisCluster cluster;
  Spread t = spread_team(cluster, "Gone", "330", {1, 2, 3});
  Player& sender = t.players[0];
  cluster.instance(2).terminate(10s, SIGKILL);  // no goodbye
  ASSERT_TRUE(t.players[1]->wait_closed(10s));

  // Redis notices the dead subscriber on its own time; until it does a relay may vanish, as any
  // message to a crashed machine does. Every later one is answered at once: no-such-peer.
  bool answered = false;
  for (int attempt = 0; attempt < 30 && !answered; ++attempt) {
    const std::string id = "to-dead-" + std::to_string(attempt);
    sender->send(msg::signal(t.players[1].peer_id, R"({"candidate":null})", id));
    const auto answer = sender->wait_for(
        [&](const Frame& f) { return id_of(f) == id && f.is_error("no-such-peer"); }, 1s);
    answered = answer.has_value();
  }
  EXPECT_TRUE(answered) << "relays to the dead instance's player were never answered";
  // The sender goes on talking with the teammate who is still there.
  const std::string data = R"({"sdp":{"type":"offer","sdp":"v=0 alive"}})";
  sender->send(msg::signal(t.players[2].peer_id, data));
  EXPECT_TRUE(got_signal(t.players[2], sender.peer_id, data));
}

TEST(RelayCluster, ARelayTheReceivingInstanceCannotVouchForIsDropped) {
  RedisCluster cluster;
  Spread t = spread_team(cluster, "Vouch", "340", {2, 2});
  Player& target = t.players[0];
  // What another instance's relay_direct publishes, written here by hand: the receiving
  // instance must check the sender's Riot ID against the channel's roster, not trust the claim.
  const auto relay = [&](const std::string& from, const std::string& sender_key) {
    const std::string payload = R"({"p":")" + target.peer_id + R"(","c":")" + t.channel_id +
                                R"(","f":")" + from + R"(","k":")" + sender_key +
                                R"(","d":"{\"x\":1}","e":""})";
    EXPECT_EQ(cluster.redis().command({"PUBLISH", store::inbox_channel("s2"), payload}), "1");
  };
  relay("s1.forged", protocol::fold_riot_id("Stranger#T999"));
  // One subscriber link, in order: once the next relay arrives the first was decided.
  relay("s1.teammate", protocol::fold_riot_id(t.players[1].riot_id));
  ASSERT_TRUE(got_signal(target, "s1.teammate", R"({"x":1})"));
  EXPECT_FALSE(target->has([](const Frame& f) {
    const auto* s = f.as<protocol::SignalFrom>();
    return s && s->from == "s1.forged";
  })) << "a relay from someone off the roster was delivered";
  EXPECT_EQ(metric(cluster, 2, "shotcall_remote_relays_unverified_total"), 1);
  EXPECT_EQ(metric(cluster, 2, "shotcall_remote_relays_delivered_total"), 1);
}

}  // namespace
}  // namespace shotcall::test
