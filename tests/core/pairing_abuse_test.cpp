// The core's defences against hostile clients (issue 18): abandoned channels, warnings a stranger
// can trigger, and relayed frames that would exceed the clients' limit.
#include "pairing_harness.hpp"
#include "signaling/protocol/codec.hpp"

namespace shotcall::core::testing {
namespace {

using E = p::ErrorCode;

class PairingAbuse : public PairingHarness {
 protected:
  static constexpr std::size_t kMaxFrame = 2048;
  static PairingConfig config_with_frame_limit() {
    PairingConfig c = make_config();
    c.max_frame = kMaxFrame;
    return c;
  }
  PairingAbuse() : PairingHarness(config_with_frame_limit()) {}

  // A registered connection from `address`.
  ConnId user_at(const std::string& riot_id, const std::string& address) {
    const ConnId conn = ++next_conn_;
    pairing_.connect(conn, address);
    const Outbox out = pairing_.handle(conn, msg(p::RegisterUser{riot_id, {}, {}}));
    EXPECT_NE(first<p::Connected>(out, conn), nullptr) << riot_id;
    return conn;
  }
  // The warning notices `to` got in `out`.
  static std::vector<std::string> warnings(const Outbox& out, ConnId to) {
    std::vector<std::string> texts;
    for (const auto& o : out)
      if (const auto* n = std::get_if<p::Notice>(&o.message.body); n && o.to == to)
        texts.push_back(n->text);
    return texts;
  }
  Outbox claim(const std::string& riot_id) {
    const ConnId thief = ++next_conn_;
    pairing_.connect(thief, "203.0.113.9");
    Outbox out = pairing_.handle(thief, msg(p::RegisterUser{riot_id, {}, {}}));
    EXPECT_EQ(error_to(out, thief), E::RiotIdInUse);
    pairing_.disconnect(thief);
    return out;
  }
};

TEST_F(PairingAbuse, AChannelItsCreatorAbandonsGoesWhenTheCreatorDisconnects) {
  for (int i = 0; i < 50; ++i) {
    const ConnId creator = user_at("Ahri#EUW", "198.51.100.7");
    create(creator, team("g" + std::to_string(i), "100", {"Ahri#EUW", "Lux#EUW"}));
    ASSERT_EQ(pairing_.channel_count(), 1u);
    pairing_.disconnect(creator);
    EXPECT_EQ(pairing_.channel_count(), 0u) << "round " << i;
  }
}

TEST_F(PairingAbuse, AChannelSomeoneJoinedStaysWhenItsCreatorDisconnects) {
  const ConnId ahri = user_at("Ahri#EUW", "198.51.100.7");
  const ConnId lux = user_at("Lux#EUW", "198.51.100.8");
  const std::string id = create(ahri, team("g", "100", {"Ahri#EUW", "Lux#EUW"}));
  ASSERT_NE(first<p::JoinedChannel>(join(lux, id), lux), nullptr);
  pairing_.disconnect(ahri);
  EXPECT_EQ(pairing_.channel_count(), 1u);
}

TEST_F(PairingAbuse, OneAddressHoldsOnlyAFewUnjoinedChannels) {
  const std::size_t cap = PairingConfig{}.max_unjoined_per_address;
  std::vector<ConnId> conns;
  for (std::size_t i = 0; i <= cap; ++i)
    conns.push_back(user_at("Bot" + std::to_string(i) + "#EUW", "198.51.100.7"));
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < cap; ++i)
    ids.push_back(create(
        conns[i], team("g", "10" + std::to_string(i), {"Bot" + std::to_string(i) + "#EUW"})));
  EXPECT_EQ(pairing_.channel_count(), cap);

  const ConnId last = conns.back();
  const Outbox refused =
      pairing_.handle(last, msg(team("g", "999", {"Bot" + std::to_string(cap) + "#EUW"})));
  EXPECT_EQ(error_to(refused, last), E::RateLimited);
  EXPECT_EQ(pairing_.channel_count(), cap) << "the refused channel must not be left behind";

  // Replacing one's own unjoined channel is no new one; another address is not affected.
  create(conns[0], team("g2", "100", {"Bot0#EUW"}));
  EXPECT_EQ(pairing_.channel_count(), cap);
  create(user_at("Else#EUW", "198.51.100.99"), team("g", "100", {"Else#EUW"}));
  EXPECT_EQ(pairing_.channel_count(), cap + 1);
  // Joining one frees the address's place.
  ASSERT_NE(first<p::JoinedChannel>(join(conns[1], ids[1]), conns[1]), nullptr);
  EXPECT_NE(
      first<p::ChannelCreated>(
          pairing_.handle(last, msg(team("g", "999", {"Bot" + std::to_string(cap) + "#EUW"}))),
          last),
      nullptr);
}

TEST_F(PairingAbuse, RefusedClaimsWarnTheHolderAtMostOncePerMinuteWithTheCount) {
  const ConnId holder = user_at("Faker#KR1", "198.51.100.7");
  EXPECT_EQ(warnings(claim("Faker#KR1"), holder).size(), 1u);
  std::size_t warned = 0;
  for (int i = 0; i < 150; ++i) {
    now_ms_ += 100;
    warned += warnings(claim("faker#kr1"), holder).size();
  }
  EXPECT_EQ(warned, 0u);

  now_ms_ += 60'000;
  const auto next = warnings(claim("Faker#KR1"), holder);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_NE(next[0].find("150 more attempts"), std::string::npos) << next[0];
  // The count starts again after each warning.
  now_ms_ += 60'000;
  const auto after = warnings(claim("Faker#KR1"), holder);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].find("more attempt"), std::string::npos) << after[0];
}

TEST_F(PairingAbuse, ASignalIsRelayedOnlyWhenTheRelayedFrameFitsTheFrameLimit) {
  const ConnId ahri = user_at("Ahri#EUW", "198.51.100.7");
  const ConnId lux = user_at("Lux#EUW", "198.51.100.8");
  const std::string id = create(ahri, team("g", "100", {"Ahri#EUW", "Lux#EUW"}));
  join(ahri, id);
  join(lux, id);
  // The largest data whose relayed frame fits, found by growing it a byte at a time.
  std::string data = R"({"s":""})";
  const auto relayed_size = [&](const std::string& d) {
    return p::encode(p::ServerMessage{std::nullopt, p::SignalFrom{peer(ahri), d}}).size();
  };
  while (relayed_size(data) < kMaxFrame) data.insert(6, "x");
  ASSERT_EQ(relayed_size(data), kMaxFrame);

  const Outbox fits = pairing_.handle(ahri, msg(p::SignalTo{peer(lux), data}));
  ASSERT_NE(first<p::SignalFrom>(fits, lux), nullptr);
  EXPECT_LE(p::encode(fits[0].message).size(), kMaxFrame);

  data.insert(6, "x");  // one byte more: the request itself is still within the limit
  ASSERT_LE(p::encode(p::ClientMessage{std::nullopt, p::SignalTo{peer(lux), data}}).size(),
            kMaxFrame);
  const Outbox refused = pairing_.handle(ahri, msg(p::SignalTo{peer(lux), data}, "s1"));
  EXPECT_EQ(error_to(refused, ahri), E::BadMessage);
  EXPECT_EQ(first<p::SignalFrom>(refused, lux), nullptr);
}

}  // namespace
}  // namespace shotcall::core::testing
