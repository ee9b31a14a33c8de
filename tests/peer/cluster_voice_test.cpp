// Five shotcall-peer processes through HAProxy to three signaling instances sharing Redis
// (issue 7): spread over the instances they form a working voice mesh; when the instance some of
// them use is SIGKILLed, those reconnect through the load balancer to the others and rejoin the
// same channel, their teammates see them leave and come back, and voice between the others never
// stops.
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <memory>
#include <set>

#include "tests/cluster/redis_cluster.hpp"
#include "tests/peer/mesh_processes.hpp"
#include "tests/support/main_loop.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

// The peer id in a peer's latest "registered <peerId>" line.
std::string peer_id_of(const PeerProcess& p) {
  std::string id;
  for (const auto& line : p.lines())
    if (line.rfind("registered ", 0) == 0) id = line.substr(11);
  return id;
}

// The player's app is started again while its previous session, frozen, still holds the Riot ID
// on another instance (the old process hangs, the balancer sends the new one elsewhere): the new
// one proves the same device key, is told the Riot ID is in use while the other instance closes
// the stale session, asks again and gets the seat, without waiting for the old connection's
// keepalive to give up.
TEST(ClusterVoice, AnAppStartedAgainTakesTheSeatOfItsStaleSessionElsewhere) {
  RedisCluster cluster;
  ToneTeam team("RS", {300, 450});
  const std::string key = team.members()[0].dir + "/device.key";
  const auto args = [&](int n) {
    auto a = team.peer_args(0, cluster.instance(n).url());
    a.insert(a.end(), {"--key", key});
    return a;
  };
  PeerProcess old_session(args(2));
  ASSERT_TRUE(old_session.wait_for_lines("registered ", 1, 60s)) << old_session.transcript();
  ASSERT_EQ(instance_of(peer_id_of(old_session)), 2);
  old_session.send_signal(SIGSTOP);  // its connection stays open and silent

  PeerProcess again(args(1));
  const bool registered = again.wait_for_lines("registered ", 1, 60s);
  old_session.send_signal(SIGCONT);
  ASSERT_TRUE(registered) << again.transcript();
  EXPECT_EQ(instance_of(peer_id_of(again)), 1);
  EXPECT_TRUE(again.running()) << again.transcript();
}

TEST(ClusterVoice, AMeshOverThreeInstancesSurvivesLosingOne) {
  RedisCluster cluster;
  ToneTeam team("LB", {300, 450, 650, 850, 1100});
  std::vector<std::unique_ptr<PeerProcess>> peers;
  for (std::size_t i = 0; i < 5; ++i)
    peers.push_back(std::make_unique<PeerProcess>(team.peer_args(i, cluster.url())));
  for (auto& p : peers)
    ASSERT_TRUE(p->wait_for_lines("first-audio ", 4, 120s)) << p->transcript();

  std::map<int, std::vector<std::size_t>> on;  // instance → peers
  for (std::size_t i = 0; i < 5; ++i) on[instance_of(peer_id_of(*peers[i]))].push_back(i);
  EXPECT_EQ(on.size(), 3u) << "HAProxy did not spread the peers over the three instances";
  ASSERT_EQ(on.count(0), 0u);
  const int victim = instance_of(peer_id_of(*peers[0]));
  const std::vector<std::size_t> moving = on[victim];
  std::vector<std::size_t> staying;
  for (std::size_t i = 0; i < 5; ++i)
    if (instance_of(peer_id_of(*peers[i])) != victim) staying.push_back(i);
  std::map<std::size_t, std::string> channel_before;
  for (std::size_t i = 0; i < 5; ++i)
    for (const auto& line : peers[i]->lines())
      if (line.rfind("joined ", 0) == 0) channel_before[i] = line.substr(7);

  const auto size_of = [&](std::size_t i, std::size_t j) { return team.recorded_bytes(i, j); };
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> at_kill;
  for (std::size_t i = 0; i < 5; ++i)
    for (std::size_t j = 0; j < 5; ++j)
      if (i != j) at_kill[{i, j}] = size_of(i, j);

  cluster.instance(victim).terminate(10s, 9);  // SIGKILL: no goodbye

  // The moved peers register again through the LB and rejoin their team's channel.
  for (std::size_t i : moving) {
    ASSERT_TRUE(peers[i]->wait_for_lines("registered ", 2, 30s)) << peers[i]->transcript();
    ASSERT_TRUE(peers[i]->wait_for_lines("joined ", 2, 30s)) << peers[i]->transcript();
    EXPECT_NE(instance_of(peer_id_of(*peers[i])), victim);
    std::string channel_after;
    for (const auto& line : peers[i]->lines())
      if (line.rfind("joined ", 0) == 0) channel_after = line.substr(7);
    EXPECT_EQ(channel_after, channel_before[i]) << "the team's channel was lost";
  }

  // Voice between those who stayed never stopped, and after the move every link carries audio
  // again: two more seconds of each teammate in every recording (a rebuilt link records into a
  // file of its own, counted with the first).
  const auto grown = [&](std::size_t i, std::size_t j) {
    return size_of(i, j) >= at_kill[{i, j}] + wav_bytes(2);
  };
  const bool flowing = run_until(
      [&] {
        bool all = true;
        for (std::size_t i = 0; i < 5; ++i)
          for (std::size_t j = 0; j < 5; ++j)
            if (i != j) all = grown(i, j) && all;
        return all;
      },
      90s);
  if (!flowing) {
    for (std::size_t i = 0; i < 5; ++i)
      for (std::size_t j = 0; j < 5; ++j)
        if (i != j && !grown(i, j))
          ADD_FAILURE() << team.members()[i].riot_id << " stopped hearing "
                        << team.members()[j].riot_id << "\n" << peers[i]->transcript();
  }
  for (std::size_t i : staying) {
    // No link between two who stayed was torn down.
    for (const auto& line : peers[i]->lines()) {
      if (line.rfind("peer ", 0) != 0) continue;
      bool to_stayer = false;
      for (std::size_t j : staying)
        to_stayer |= line.rfind("peer " + team.members()[j].riot_id + " ", 0) == 0;
      if (!to_stayer) continue;
      EXPECT_EQ(line.find(" closed"), std::string::npos) << peers[i]->transcript();
      EXPECT_EQ(line.find(" failed"), std::string::npos) << peers[i]->transcript();
    }
  }
  for (auto& p : peers) {
    const ProcessExit e = p->terminate();
    EXPECT_TRUE(e.exited && e.status == 0) << p->transcript();
  }
  // Every recording, the first and any rebuilt link's, holds the right teammate.
  for (std::size_t i = 0; i < 5; ++i)
    for (std::size_t j = 0; j < 5; ++j) {
      if (i == j) continue;
      for (const auto& path : team.recordings(i, j)) {
        const ToneVerdict v = judge_recording(path, team.tones());
        ASSERT_TRUE(v.ok) << path << ": " << v.why;
        if (v.seconds < 1) continue;  // a link rebuilt just before the end holds too little
        EXPECT_EQ(v.freq, team.members()[j].tone_hz) << path;
        EXPECT_GT(v.ratio, kToneRatio) << path;
      }
    }
}

}  // namespace
}  // namespace shotcall::test
