#include "tests/server/server_test_helpers.hpp"

#include <sstream>

namespace shotcall::test {

Player registered(const ServerProcess& server, const std::string& riot_id) {
  return registered_at(server.url(), riot_id);
}

#ifdef SHOTCALL_TESTS_THROUGH_CLUSTER
Player registered_on(RedisCluster& cluster, int n, const std::string& riot_id) {
  return registered_at(cluster.instance(n).url(), riot_id);
}
#endif

Player registered_at(const std::string& url, const std::string& riot_id) {
  Player p{WsClient::connect(url), riot_id, ""};
  p->send(msg::register_user(riot_id));
  auto f = p->wait_for_type("connected");
  EXPECT_TRUE(f) << riot_id << " got no connected";
  if (f) p.peer_id = f->as<protocol::Connected>()->peer_id;
  return p;
}

std::string find_or_create(Player& p, const std::string& game_id, const std::string& team_id,
                           const std::vector<std::string>& roster) {
  p->send(msg::find_or_create(game_id, team_id, roster));
  auto f =
      p->wait_for([](const Frame& f) { return f.type == "channel-created" || f.type == "error"; });
  EXPECT_TRUE(f && f->type == "channel-created")
      << p.riot_id << ": " << (f ? f->text : std::string{"nothing"});
  if (!f || f->type != "channel-created") return "";
  return f->as<protocol::ChannelCreated>()->channel.channel_id;
}

std::vector<std::string> join(Player& p, const std::string& channel_id) {
  p->send(msg::join(channel_id));
  auto f =
      p->wait_for([](const Frame& f) { return f.type == "joined-channel" || f.type == "error"; });
  EXPECT_TRUE(f && f->type == "joined-channel")
      << p.riot_id << ": " << (f ? f->text : std::string{"nothing"});
  std::vector<std::string> members;
  if (f && f->type == "joined-channel")
    for (const auto& m : f->as<protocol::JoinedChannel>()->members) members.push_back(m.peer_id);
  return members;
}

Team form_team(const ServerProcess& server, const std::string& prefix, const std::string& game_id,
               const std::string& team_id, std::size_t size) {
  Team t;
  for (std::size_t i = 0; i < size; ++i)
    t.roster.push_back(prefix + std::to_string(i) + "#T" + team_id);
  for (const auto& r : t.roster) t.players.push_back(registered(server, r));
  t.channel_id = find_or_create(t.players[0], game_id, team_id, t.roster);
  for (auto& p : t.players) join(p, t.channel_id);
  // Everyone hears about everyone who joined after them.
  for (std::size_t i = 0; i < size; ++i)
    for (std::size_t j = i + 1; j < size; ++j) {
      const std::string want = t.players[j].peer_id;
      EXPECT_TRUE(t.players[i]->wait_for([&](const Frame& f) {
        const auto* u = f.as<protocol::UserJoinedChannel>();
        return u && u->member.peer_id == want;
      })) << t.roster[i]
          << " did not see " << t.roster[j] << " join";
    }
  return t;
}

double sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ')
      return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

}  // namespace shotcall::test
