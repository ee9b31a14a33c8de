// The local PairingRunner without sockets: client messages in, and exactly the frames, watch
// requests and Riot lookups a shell would be handed out (one Outbox each time), through a
// recording RunnerSink.
#include "signaling/server/local_runner.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "signaling/core/pairing.hpp"
#include "signaling/protocol/codec.hpp"
#include "signaling/server/ops/prometheus_text.hpp"
#include "signaling/store/memory_store.hpp"

namespace shotcall::server {
namespace {

namespace p = shotcall::protocol;

p::ClientMessage msg(p::ClientBody body, std::optional<std::string> id = std::nullopt) {
  return p::ClientMessage{std::move(id), std::move(body)};
}

// One frame the shell was asked to send.
struct Frame {
  core::ConnId to = 0;
  p::ServerMessage message;
  std::int64_t relay_start_us = 0;
  friend bool operator==(const Frame&, const Frame&) = default;
};

// Failures show the frame as it would go on the wire.
void PrintTo(const Frame& f, std::ostream* os) {
  *os << "to " << f.to << " (relay start " << f.relay_start_us << "): " << p::encode(f.message);
}

class LocalRunnerTest : public ::testing::Test {
 protected:
  LocalRunnerTest() : pairing_(config(), store_, deps()), runner_(pairing_, sink()) {}

  static core::PairingConfig config() {
    core::PairingConfig c;
    c.server = {"shotcall-signal", "test"};
    c.watch_available = true;
    return c;
  }
  core::PairingDeps deps() {
    return core::PairingDeps{[this] { return now_ms_; },
                             [this] { return "p" + std::to_string(++ids_); }};
  }
  RunnerSink sink() {
    RunnerSink s;
    s.deliver = [this](const core::Outbox& out, std::int64_t relay_start_us) {
      for (const auto& o : out) frames_.push_back(Frame{o.to, o.message, relay_start_us});
      watch_.insert(watch_.end(), out.watch.begin(), out.watch.end());
      lookups_ += out.lookups.size();
    };
    s.send_text = [](core::ConnId, const std::string&) {
      ADD_FAILURE() << "a local runner has no encoded frames from other instances";
      return false;
    };
    return s;
  }
  // The frames handed out since the last call.
  std::vector<Frame> take() { return std::exchange(frames_, {}); }

  // Connects and registers `riot_id`; returns its connection, after checking `connected`.
  core::ConnId player(const std::string& riot_id) {
    const core::ConnId conn = ++next_conn_;
    runner_.connect(conn, "192.0.2.1");
    runner_.handle(conn, msg(p::RegisterUser{riot_id, {}, {}}), 0);
    const auto out = take();
    EXPECT_EQ(out.size(), 1u);
    EXPECT_TRUE(!out.empty() && out[0].to == conn &&
                std::holds_alternative<p::Connected>(out[0].message.body));
    return conn;
  }
  std::string peer(core::ConnId conn) const { return pairing_.peer_id_of(conn).value_or(""); }

  // Two players in one channel, with their frames taken; returns the channel id.
  std::string team_of_two(core::ConnId a, core::ConnId b) {
    runner_.handle(a, msg(p::FindOrCreateChannel{{"g1", false}, {"100", true}, {"A#EUW", "B#EUW"}}),
                   0);
    auto out = take();
    EXPECT_EQ(out.size(), 2u);  // channel-created to `a`, channel-available to `b`
    const auto* created =
        out.empty() ? nullptr : std::get_if<p::ChannelCreated>(&out[0].message.body);
    EXPECT_NE(created, nullptr);
    const std::string channel = created ? created->channel.channel_id : "";
    runner_.handle(a, msg(p::JoinChannel{channel}), 0);
    runner_.handle(b, msg(p::JoinChannel{channel}), 0);
    take();
    return channel;
  }

  std::int64_t now_ms_ = 1'700'000'000'000;
  int ids_ = 0;
  core::ConnId next_conn_ = 0;
  core::MemoryStore store_;
  core::Pairing pairing_;
  LocalRunner runner_;
  std::vector<Frame> frames_;
  std::vector<core::WatchRequest> watch_;
  std::size_t lookups_ = 0;
};

TEST_F(LocalRunnerTest, JoiningTellsTheJoinerItsTeammatesAndTheTeammateTheJoiner) {
  const core::ConnId a = player("A#EUW");
  const core::ConnId b = player("B#EUW");
  runner_.handle(a, msg(p::FindOrCreateChannel{{"g1", false}, {"100", true}, {"A#EUW", "B#EUW"}}),
                 0);
  const auto created = take();
  // The creator hears its channel made; its registered teammate is offered it.
  ASSERT_EQ(created.size(), 2u);
  EXPECT_EQ(created[0].to, a);
  const std::string channel =
      std::get<p::ChannelCreated>(created[0].message.body).channel.channel_id;
  EXPECT_EQ(created[1].to, b);
  EXPECT_EQ(std::get<p::ChannelAvailable>(created[1].message.body).channel.channel_id, channel);
  runner_.handle(a, msg(p::JoinChannel{channel}, "j1"), 0);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, a);
  EXPECT_EQ(out[0].message.id, std::optional<std::string>{"j1"});
  EXPECT_EQ(std::get<p::JoinedChannel>(out[0].message.body).members.size(), 0u);

  runner_.handle(b, msg(p::JoinChannel{channel}), 0);
  out = take();
  ASSERT_EQ(out.size(), 2u);
  std::size_t to_a = 0, to_b = 0;
  for (const Frame& f : out) {
    EXPECT_EQ(f.relay_start_us, 0) << "only relayed signals are timed";
    if (f.to == a) {
      ++to_a;
      EXPECT_EQ(std::get<p::UserJoinedChannel>(f.message.body).member.peer_id, peer(b));
    } else if (f.to == b) {
      ++to_b;
      const auto& joined = std::get<p::JoinedChannel>(f.message.body);
      ASSERT_EQ(joined.members.size(), 1u);
      EXPECT_EQ(joined.members[0].peer_id, peer(a));
    }
  }
  EXPECT_EQ(to_a, 1u);
  EXPECT_EQ(to_b, 1u);
  EXPECT_EQ(pairing_.channel_count(), runner_.channel_count());
  EXPECT_EQ(runner_.channel_count(), 1u);
}

TEST_F(LocalRunnerTest, ASignalReachesExactlyItsPeerTimedFromItsArrival) {
  const core::ConnId a = player("A#EUW");
  const core::ConnId b = player("B#EUW");
  team_of_two(a, b);
  runner_.handle(a, msg(p::SignalTo{peer(b), R"({"sdp":"x"})"}), 12345);
  const std::vector<Frame> expected{
      Frame{b, p::ServerMessage{std::nullopt, p::SignalFrom{peer(a), R"({"sdp":"x"})"}}, 12345}};
  EXPECT_EQ(take(), expected);
}

TEST_F(LocalRunnerTest, ADisconnectTellsTheTeammateOnlyAndUnwatchesTheRiotId) {
  const core::ConnId a = player("A#EUW");
  const core::ConnId b = player("B#EUW");
  const std::string channel = team_of_two(a, b);
  runner_.handle(a, msg(p::WatchGame{}, "w"), 0);
  ASSERT_EQ(take().size(), 1u);  // watching
  ASSERT_EQ(watch_.size(), 1u);
  EXPECT_EQ(watch_[0], (core::WatchRequest{core::WatchRequest::Kind::Watch, "A#EUW"}));

  const std::string gone = peer(a);
  runner_.disconnect(a);
  const std::vector<Frame> expected{
      Frame{b, p::ServerMessage{std::nullopt, p::UserLeftChannel{channel, gone}}, 0}};
  EXPECT_EQ(take(), expected);
  ASSERT_EQ(watch_.size(), 2u);
  EXPECT_EQ(watch_[1], (core::WatchRequest{core::WatchRequest::Kind::Unwatch, "A#EUW"}));
  EXPECT_EQ(lookups_, 0u);
}

TEST_F(LocalRunnerTest, TheWatcherOpensAChannelForTheRosterAndClosesItWithTheGame) {
  const core::ConnId a = player("A#EUW");
  runner_.open_server_channel({"g7", false}, {"200", true}, {"A#EUW", "C#EUW"});
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, a);
  const auto& offer = std::get<p::ChannelAvailable>(out[0].message.body);
  EXPECT_EQ(offer.origin, p::ChannelOrigin::Riot);
  EXPECT_EQ(runner_.channel_count(), 1u);

  runner_.handle(a, msg(p::JoinChannel{offer.channel.channel_id}), 0);
  take();
  runner_.close_server_game("g7");
  out = take();
  ASSERT_FALSE(out.empty());
  for (const Frame& f : out) EXPECT_EQ(f.to, a);
}

TEST_F(LocalRunnerTest, AChannelNobodyJoinedGoesAtTheSweepAfterTenMinutes) {
  const core::ConnId a = player("A#EUW");
  runner_.handle(a, msg(p::FindOrCreateChannel{{"g1", false}, {"100", true}, {"A#EUW"}}), 0);
  take();
  now_ms_ += 9 * 60 * 1000;
  runner_.sweep();
  EXPECT_EQ(runner_.channel_count(), 1u);
  now_ms_ += 2 * 60 * 1000;
  runner_.sweep();
  EXPECT_EQ(runner_.channel_count(), 0u);
}

TEST_F(LocalRunnerTest, AloneTheRunnerIsNeverDegradedAndHasNoMetricsOfItsOwn) {
  EXPECT_FALSE(runner_.health().degraded);
  PrometheusText out;
  runner_.render_metrics(out);
  EXPECT_EQ(out.text(), "");
}

}  // namespace
}  // namespace shotcall::server
