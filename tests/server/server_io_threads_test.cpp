// The WebSockets spread over several threads (signaling/server/transport/io_threads.hpp): the
// races that spreading makes possible, each between connections polled by different threads.
// The server's state is touched by all of them under one lock; CI also runs these under
// ThreadSanitizer (label server), which reports any access that skips it.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "tests/server/server_test_helpers.hpp"

namespace shotcall::test {
namespace {

using protocol::SignalFrom;

// The io threads the server opened WebSockets on, from its ws-open log lines.
std::set<int> io_threads_used(const ServerProcess& server) {
  std::set<int> used;
  std::istringstream log{server.stderr_text()};
  for (std::string line; std::getline(log, line);) {
    const auto at = line.find(" ws-open ");
    const auto field = line.find("io_thread=");
    if (at != std::string::npos && field != std::string::npos)
      used.insert(std::stoi(line.substr(field + 10)));
  }
  return used;
}

// A thread starts once each running one holds its share (2 here), up to the most allowed (4).
TEST(ServerIoThreads, ThreadsStartAsConnectionsArriveAndShareThem) {
  ServerProcess server({"--io-threads", "4", "--io-thread-connections", "2"});
  std::vector<Player> players;
  for (int i = 0; i < 2; ++i)
    players.push_back(registered(server, "Spread" + std::to_string(i) + "#IO"));
  EXPECT_EQ(io_threads_used(server), (std::set<int>{0}));
  players.push_back(registered(server, "Spread2#IO"));
  EXPECT_EQ(io_threads_used(server), (std::set<int>{0, 1}));
  for (int i = 3; i < 12; ++i)
    players.push_back(registered(server, "Spread" + std::to_string(i) + "#IO"));
  EXPECT_EQ(io_threads_used(server), (std::set<int>{0, 1, 2, 3}));
  // A connection that goes leaves room on its thread: the next one takes it there.
  players[0]->close();
  ASSERT_TRUE(players[0]->wait_closed());
  ASSERT_TRUE(server.wait_for_stderr("ws-close conn=1 "));
  const auto before = server.stderr_text().size();
  players.push_back(registered(server, "Spread12#IO"));
  EXPECT_NE(server.stderr_text().find("io_thread=0", before), std::string::npos)
      << server.stderr_text().substr(before);
  for (auto& p : players)
    if (!p->closed()) {
      EXPECT_TRUE(p->barrier());
    }
}

// Two connections on two threads register one Riot ID in the same instant, twenty times over:
// each time exactly one takes the seat and the other hears riot-id-in-use.
TEST(ServerIoThreads, OneRiotIdRegisteredOnTwoThreadsAtOnceGetsOneSeat) {
  ServerProcess server(
      {"--io-threads", "2", "--io-thread-connections", "1", "--max-connections-per-ip", "0"});
  std::vector<std::unique_ptr<WsClient>> keep;  // the seats stay taken for the whole test
  for (int round = 0; round < 20; ++round) {
    auto a = WsClient::connect(server.url());  // least loaded first: a and b on different threads
    auto b = WsClient::connect(server.url());
    const std::string riot_id = "Twice" + std::to_string(round) + "#RACE";
    a->send(msg::register_user(riot_id, "a"));
    b->send(msg::register_user(riot_id, "b"));
    auto answer = [](WsClient& ws) {
      return ws.wait_for([](const Frame& f) { return f.type == "connected" || f.type == "error"; });
    };
    const auto from_a = answer(*a);
    const auto from_b = answer(*b);
    ASSERT_TRUE(from_a && from_b) << "round " << round;
    const int seats = (from_a->type == "connected") + (from_b->type == "connected");
    EXPECT_EQ(seats, 1) << "round " << round << ": " << from_a->text << " / " << from_b->text;
    const auto& loser = from_a->type == "connected" ? from_b : from_a;
    EXPECT_TRUE(loser->is_error("riot-id-in-use")) << loser->text;
    keep.push_back(std::move(a));
    keep.push_back(std::move(b));
  }
  EXPECT_EQ(io_threads_used(server), (std::set<int>{0, 1}));
}

// A team of five on five threads: every member relays to every other, and each relay arrives
// once, from the right sender, with its data untouched.
TEST(ServerIoThreads, ATeamSpreadOverFiveThreadsHearsEveryRelay) {
  ServerProcess server({"--io-threads", "5", "--io-thread-connections", "1"});
  auto team = form_team(server, "Spread", "77", "100");
  ASSERT_EQ(io_threads_used(server), (std::set<int>{0, 1, 2, 3, 4}));
  auto data = [](std::size_t from, std::size_t to, int n) {
    return R"({"n":")" + std::to_string(from) + ">" + std::to_string(to) + "#" + std::to_string(n) +
           R"("})";
  };
  constexpr int kRounds = 10;
  for (int n = 0; n < kRounds; ++n)
    for (std::size_t i = 0; i < team.players.size(); ++i)
      for (std::size_t j = 0; j < team.players.size(); ++j)
        if (i != j) team.players[i]->send(msg::signal(team.players[j].peer_id, data(i, j, n)));
  auto index_of = [&](const std::string& peer_id) {
    for (std::size_t i = 0; i < team.players.size(); ++i)
      if (team.players[i].peer_id == peer_id) return std::to_string(i);
    return "unknown sender " + peer_id;
  };
  for (std::size_t j = 0; j < team.players.size(); ++j) {
    std::multiset<std::string> got, expected;  // "sender: data"
    for (int n = 0; n < kRounds; ++n)
      for (std::size_t i = 0; i < team.players.size(); ++i)
        if (i != j) expected.insert(std::to_string(i) + ": " + data(i, j, n));
    EXPECT_TRUE(run_until(
        [&] {
          while (auto f = team.players[j]->take([](const Frame& f) { return f.type == "signal"; }))
            got.insert(index_of(f->as<SignalFrom>()->from) + ": " + f->as<SignalFrom>()->data_json);
          return got.size() >= expected.size();
        },
        10s));
    EXPECT_EQ(got, expected) << "player " << j;
  }
}

// The members on one thread go (one closing, one dropping its socket) while their teammates on
// the other thread keep relaying to them: the teammates hear both leave, relays to the gone
// are answered or dropped, never delivered to someone else, and the server carries on.
TEST(ServerIoThreads, MembersOfOneThreadLeaveWhileTeammatesRelayToThem) {
  for (int round = 0; round < 5; ++round) {
    ServerProcess server({"--io-threads", "2", "--io-thread-connections", "1"});
    // Least loaded first: players 0 and 2 on one thread, 1 and 3 on the other.
    auto team = form_team(server, "Gone" + std::to_string(round) + "x", "88", "100", 4);
    ASSERT_EQ(io_threads_used(server), (std::set<int>{0, 1}));
    auto& stay_a = team.players[0];
    auto& stay_b = team.players[2];
    auto relay_burst = [&] {
      for (int n = 0; n < 20; ++n)
        for (auto* from : {&stay_a, &stay_b})
          for (std::size_t to : {1u, 3u})
            (*from)->send(
                msg::signal(team.players[to].peer_id, R"({"n":)" + std::to_string(n) + "}"));
    };
    relay_burst();
    team.players[1]->close();
    g_io_stream_close(soup_websocket_connection_get_io_stream(team.players[3]->connection()),
                      nullptr, nullptr);
    relay_burst();
    for (auto* stay : {&stay_a, &stay_b})
      for (std::size_t gone : {1u, 3u}) {
        const std::string want = team.players[gone].peer_id;
        EXPECT_TRUE((*stay)->wait_for([&](const Frame& f) {
          const auto* u = f.as<protocol::UserLeftChannel>();
          return u && u->peer_id == want;
        })) << "round "
            << round << ": player " << gone << "'s leaving not heard";
      }
    // Nothing relayed to the ones who left reached the ones who stayed.
    for (auto* stay : {&stay_a, &stay_b}) {
      EXPECT_FALSE((*stay)->has([](const Frame& f) { return f.type == "signal"; }));
      EXPECT_TRUE((*stay)->barrier());
    }
  }
}

}  // namespace
}  // namespace shotcall::test
