#include "signaling/server/transport/frame_guard.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "tests/support/raw_ws_client.hpp"

namespace shotcall::server {
namespace {

using shotcall::test::RawWsClient;

// A masked client frame with any opcode and FIN bit.
std::string frame(unsigned opcode, bool fin, const std::string& payload) {
  return RawWsClient::encode_frame(opcode, fin, payload);
}

std::string feed_all(FrameGuard& g, const std::string& bytes, bool* tripped = nullptr) {
  std::string out;
  const bool t = g.feed(bytes, out);
  if (tripped) *tripped = t;
  return out;
}

TEST(FrameGuard, PassesFramesWithinTheLimitUnchanged) {
  FrameGuard g(200);
  const std::string bytes = frame(1, true, std::string(125, 'a')) + frame(1, true, std::string(200, 'b')) +
                            frame(2, true, "") + frame(9, true, "ping");
  EXPECT_EQ(feed_all(g, bytes), bytes);
  EXPECT_FALSE(g.tripped());
}

TEST(FrameGuard, SixtyFourBitLengthsAreRead) {
  FrameGuard g(100000);
  const std::string big = frame(1, true, std::string(70000, 'z'));
  EXPECT_EQ(static_cast<unsigned char>(big[1]) & 0x7f, 127);
  EXPECT_EQ(feed_all(g, big), big);
}

TEST(FrameGuard, AFrameOverTheLimitIsDroppedWholeAndTrips) {
  FrameGuard g(100);
  const std::string ok = frame(1, true, "fine");
  const std::string too_big = frame(1, true, std::string(101, 'x'));
  const std::string close = frame(8, true, std::string("\x03\xe9", 2));
  bool tripped = false;
  EXPECT_EQ(feed_all(g, ok + too_big + ok + close, &tripped), ok + close);
  EXPECT_TRUE(tripped);
  EXPECT_TRUE(g.tripped());
  // It reports the trip once; afterwards data frames stay dropped, control frames pass.
  const std::string pong = frame(10, true, "p");
  EXPECT_EQ(feed_all(g, ok + pong, &tripped), pong);
  EXPECT_FALSE(tripped);
}

TEST(FrameGuard, FragmentsCountTowardsOneMessage) {
  FrameGuard g(100);
  const std::string a = frame(1, false, std::string(60, 'a'));
  const std::string b = frame(0, false, std::string(30, 'b'));
  const std::string c = frame(0, true, std::string(30, 'c'));  // 120 in all
  bool tripped = false;
  EXPECT_EQ(feed_all(g, a + b + c, &tripped), a + b);
  EXPECT_TRUE(tripped);
}

TEST(FrameGuard, TheCountRestartsWithEachMessage) {
  FrameGuard g(100);
  std::string all;
  for (int i = 0; i < 50; ++i) all += frame(1, false, std::string(50, 'a')) + frame(0, true, std::string(50, 'b'));
  EXPECT_EQ(feed_all(g, all), all);
  EXPECT_FALSE(g.tripped());
}

TEST(FrameGuard, AnEndlessStreamOfFragmentsTrips) {
  FrameGuard g(65536);
  std::string out;
  bool tripped = false;
  g.feed(frame(1, false, std::string(1000, 'a')), out);
  for (int i = 0; i < 100 && !tripped; ++i) tripped = g.feed(frame(0, false, std::string(1000, 'a')), out);
  EXPECT_TRUE(tripped);
  EXPECT_LE(out.size(), 65536u + 100 * 8);
}

TEST(FrameGuard, ByteByByteFeedingGivesTheSameResult) {
  const std::string bytes = frame(1, true, "hello") + frame(1, true, std::string(300, 'q')) +
                            frame(9, true, "x") + frame(1, true, std::string(70000, 'y')) +
                            frame(8, true, "");
  FrameGuard whole(1000), bytewise(1000);
  const std::string expected = feed_all(whole, bytes);
  std::string out;
  int trips = 0;
  for (char c : bytes) trips += bytewise.feed(std::string_view(&c, 1), out);
  EXPECT_EQ(out, expected);
  EXPECT_EQ(trips, 1);
  EXPECT_EQ(expected, frame(1, true, "hello") + frame(1, true, std::string(300, 'q')) +
                          frame(9, true, "x") + frame(8, true, ""));
}

TEST(FrameGuard, OversizedControlFramesTripToo) {
  FrameGuard g(1000);
  bool tripped = false;
  EXPECT_EQ(feed_all(g, frame(9, true, std::string(126, 'p')), &tripped), "");
  EXPECT_TRUE(tripped);
  // A protocol error (1002), not an oversized message (1009).
  EXPECT_EQ(g.fault(), GuardFault::ProtocolError);
  // The stream cannot be trusted after it: nothing more passes, not even a close frame.
  EXPECT_EQ(feed_all(g, frame(8, true, std::string("\x03\xe8", 2)), &tripped), "");
  EXPECT_FALSE(tripped);
}

TEST(FrameGuard, ALengthWithItsTopBitSetIsAProtocolError) {
  FrameGuard g(1000);
  std::string f{"\x81\xff\x80", 3};
  f += std::string(7, '\0') + std::string(4, '\0');
  bool tripped = false;
  EXPECT_EQ(feed_all(g, f + frame(1, true, "after"), &tripped), "");
  EXPECT_TRUE(tripped);
  EXPECT_EQ(g.fault(), GuardFault::ProtocolError);
}

TEST(FrameGuard, CloseFramesWithForbiddenCodesAreProtocolErrors) {
  for (unsigned code : {0u, 999u, 1004u, 1005u, 1006u, 1015u, 1016u, 2999u, 5000u, 65535u}) {
    FrameGuard g(1000);
    const std::string body{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
    bool tripped = false;
    EXPECT_EQ(feed_all(g, frame(8, true, body + "why"), &tripped), "") << code;
    EXPECT_TRUE(tripped) << code;
    EXPECT_EQ(g.fault(), GuardFault::ProtocolError) << code;
  }
  FrameGuard one(1000);
  EXPECT_EQ(feed_all(one, frame(8, true, "x")), "");  // a body of one byte holds no code
  EXPECT_EQ(one.fault(), GuardFault::ProtocolError);
}

TEST(FrameGuard, CloseFramesWithAllowedCodesPassWholeEvenByteByByte) {
  for (unsigned code : {1000u, 1001u, 1002u, 1003u, 1007u, 1011u, 1014u, 3000u, 4999u}) {
    FrameGuard g(1000);
    const std::string f =
        frame(8, true, std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)} + "bye");
    std::string out;
    for (char c : f) g.feed(std::string_view(&c, 1), out);
    EXPECT_EQ(out, f) << code;
    EXPECT_FALSE(g.tripped()) << code;
  }
  FrameGuard empty(1000);
  EXPECT_EQ(feed_all(empty, frame(8, true, "")), frame(8, true, ""));
}

TEST(FrameGuard, PingsAndPongsSpendTheControlBudget) {
  int offered = 0;
  std::vector<std::pair<bool, std::uint64_t>> seen;  // (ping, payload bytes) of each offered
  FrameGuard g(1000, [&](bool ping, std::uint64_t payload) {
    seen.emplace_back(ping, payload);
    return ++offered <= 2;
  });
  const std::string ping = frame(9, true, "p");
  const std::string pong = frame(10, true, "q");
  const std::string text = frame(1, true, "data");
  const std::string long_ping = frame(9, true, std::string(125, 'x'));
  // Two pass; the rest are dropped whole; data frames are not the guard's to count.
  EXPECT_EQ(feed_all(g, ping + pong + ping + text + pong + long_ping), ping + pong + text);
  EXPECT_EQ(offered, 5);
  // Each with its kind and size: an admitted ping owes a pong of its size (owe_pong).
  const std::vector<std::pair<bool, std::uint64_t>> expected{
      {true, 1}, {false, 1}, {true, 1}, {false, 1}, {true, 125}};
  EXPECT_EQ(seen, expected);
  EXPECT_FALSE(g.tripped());
}

TEST(FrameGuard, HugeDeclaredLengthsDoNotOverflow) {
  FrameGuard g(1000);
  std::string f;
  f += static_cast<char>(0x01);  // text, not FIN
  f += static_cast<char>(0x80 | 127);
  for (int i = 0; i < 8; ++i) f += static_cast<char>(0xff);
  f += std::string(4, '\0');  // mask
  bool tripped = false;
  EXPECT_EQ(feed_all(g, f + "some payload bytes", &tripped), "");
  EXPECT_TRUE(tripped);
}

}  // namespace
}  // namespace shotcall::server
