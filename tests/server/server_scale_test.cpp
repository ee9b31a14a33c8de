// 200 clients forming 40 teams at once: every team complete, member lists right, nothing from one
// team reaching another.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "tests/server/server_test_helpers.hpp"
#include "tests/support/http_get.hpp"

namespace shotcall::test {
namespace {

constexpr int kTeams = 40;
constexpr int kTeamSize = 5;

TEST(ServerScale, TwoHundredClientsFormFortyTeamsConcurrently) {
  ServerProcess server({"--max-connections-per-ip", "0"});
  struct Client {
    std::unique_ptr<WsClient> ws;
    int team = 0;
    std::string riot_id;
    std::string peer_id;
    std::string channel_id;
  };
  std::vector<Client> clients;
  std::vector<std::vector<std::string>> rosters(kTeams);
  for (int t = 0; t < kTeams; ++t)
    for (int i = 0; i < kTeamSize; ++i) {
      // Two teams per game (100 and 200) with the same game id: only the roster separates them.
      const std::string riot_id = "P" + std::to_string(t) + "x" + std::to_string(i) + "#SCALE";
      rosters[t].push_back(riot_id);
      clients.push_back({WsClient::connect(server.url()), t, riot_id, "", ""});
    }

  auto all = [&](const std::function<bool(Client&)>& done) {
    return run_until(
        [&] {
          for (auto& c : clients)
            if (!done(c)) return false;
          return true;
        },
        120s);
  };
  auto take = [](Client& c, std::string_view type) {
    return c.ws->take([&](const Frame& f) { return f.type == type || f.type == "error"; });
  };

  for (auto& c : clients) c.ws->send(msg::register_user(c.riot_id));
  ASSERT_TRUE(all([&](Client& c) {
    if (!c.peer_id.empty()) return true;
    if (auto f = take(c, "connected")) {
      EXPECT_EQ(f->type, "connected") << f->text;
      if (const auto* ok = f->as<protocol::Connected>()) c.peer_id = ok->peer_id;
      else c.peer_id = "failed";
    }
    return !c.peer_id.empty();
  }));

  // Everyone asks for the team channel at once, each with the roster in its own order.
  for (auto& c : clients) {
    auto roster = rosters[c.team];
    std::rotate(roster.begin(), roster.begin() + (&c - clients.data()) % kTeamSize, roster.end());
    c.ws->send(msg::find_or_create("9000" + std::to_string(c.team / 2),
                                   c.team % 2 ? "200" : "100", roster));
  }
  ASSERT_TRUE(all([&](Client& c) {
    if (!c.channel_id.empty()) return true;
    if (auto f = take(c, "channel-created")) {
      EXPECT_EQ(f->type, "channel-created") << f->text;
      c.channel_id = f->as<protocol::ChannelCreated>() ? f->as<protocol::ChannelCreated>()->channel.channel_id : "failed";
    }
    return !c.channel_id.empty();
  }));
  std::map<int, std::string> channel_of_team;
  std::set<std::string> channels;
  for (auto& c : clients) {
    auto [it, fresh] = channel_of_team.emplace(c.team, c.channel_id);
    EXPECT_EQ(it->second, c.channel_id) << c.riot_id << " got another channel than its team";
    if (fresh) channels.insert(c.channel_id);
  }
  EXPECT_EQ(channels.size(), static_cast<std::size_t>(kTeams));

  // Everyone joins at once.
  std::map<std::string, int> team_of_peer;
  for (auto& c : clients) team_of_peer[c.peer_id] = c.team;
  for (auto& c : clients) c.ws->send(msg::join(c.channel_id));
  // Each member's view: joined-channel members plus later user-joined-channel announcements.
  std::vector<std::set<std::string>> view(clients.size());
  std::vector<bool> joined(clients.size(), false);
  ASSERT_TRUE(all([&](Client& c) {
    const std::size_t i = &c - clients.data();
    while (auto f = c.ws->take([](const Frame& f) {
             return f.type == "joined-channel" || f.type == "user-joined-channel" ||
                    f.type == "user-left-channel" || f.type == "error";
           })) {
      EXPECT_NE(f->type, "error") << c.riot_id << ": " << f->text;
      if (const auto* j = f->as<protocol::JoinedChannel>()) {
        joined[i] = true;
        EXPECT_EQ(j->channel_id, c.channel_id);
        for (const auto& m : j->members) view[i].insert(m.peer_id);
      } else if (const auto* u = f->as<protocol::UserJoinedChannel>()) {
        EXPECT_EQ(u->channel_id, c.channel_id);
        view[i].insert(u->member.peer_id);
      } else if (const auto* l = f->as<protocol::UserLeftChannel>()) {
        ADD_FAILURE() << c.riot_id << " saw " << l->peer_id << " leave";
      }
    }
    return joined[i] && view[i].size() == kTeamSize - 1;
  })) << "not every team formed completely";

  for (std::size_t i = 0; i < clients.size(); ++i) {
    for (const auto& peer : view[i]) {
      EXPECT_EQ(team_of_peer[peer], clients[i].team) << clients[i].riot_id << " saw a foreign peer";
      EXPECT_NE(peer, clients[i].peer_id);
    }
  }
  // No stray frames: after a barrier, nothing but channel offers may remain queued.
  for (auto& c : clients) {
    ASSERT_TRUE(c.ws->barrier());
    for (const auto& f : c.ws->queued()) {
      EXPECT_EQ(f.type, "channel-available") << c.riot_id << ": " << f.text;
      if (const auto* a = f.as<protocol::ChannelAvailable>()) {
        EXPECT_EQ(a->channel.channel_id, c.channel_id) << c.riot_id << " was offered a foreign channel";
      }
    }
  }

  auto metrics = http_get(server.http_url("/metrics"));
  EXPECT_EQ(sample(metrics.body, "shotcall_connections"), clients.size());
  EXPECT_EQ(sample(metrics.body, "shotcall_registered_users"), clients.size());
  EXPECT_EQ(sample(metrics.body, "shotcall_channels"), kTeams);
}

}  // namespace
}  // namespace shotcall::test
