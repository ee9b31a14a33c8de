// The extension messages (docs/protocol.md, "Extensions"): server-side game detection's
// watch-game / unwatch-game and their answers, in their exact wire form, and the frames a
// decoder must refuse.
#include <gtest/gtest.h>

#include "signaling/protocol/codec.hpp"
#include "test_support.hpp"

namespace shotcall::protocol {
namespace {

using testing::describe;
using testing::expect_error;
using testing::expect_ok;

TEST(CodecExtensions, ClientRequestsHaveNoFields) {
  EXPECT_EQ(encode(ClientMessage{"w1", WatchGame{}}), R"({"type":"watch-game","id":"w1"})");
  EXPECT_EQ(encode(ClientMessage{std::nullopt, UnwatchGame{}}), R"({"type":"unwatch-game"})");
}

TEST(CodecExtensions, ClientRequestsIgnoreUnknownFields) {
  // A client cannot name whom to watch: a riotId it sends is not read (the registered one counts).
  const auto m = expect_ok(decode_client(R"({"type":"watch-game","id":"x","riotId":"Other#EUW"})"));
  EXPECT_EQ(m, (ClientMessage{"x", WatchGame{}}));
  EXPECT_EQ(expect_ok(decode_client(R"({"type":"unwatch-game","extra":[1,2]})")),
            (ClientMessage{std::nullopt, UnwatchGame{}}));
}

TEST(CodecExtensions, ClientRequestWithBadIdIsRefusedWithItsType) {
  const DecodeError e = expect_error(decode_client(R"({"type":"watch-game","id":7})"));
  EXPECT_EQ(e.code, ErrorCode::BadMessage) << describe(e);
  EXPECT_EQ(e.re, "watch-game");
}

TEST(CodecExtensions, ServerAnswersInTheirExactForm) {
  EXPECT_EQ(encode(ServerMessage{"w1", Watching{"Faker#KR1"}}),
            R"({"type":"watching","id":"w1","riotId":"Faker#KR1"})");
  EXPECT_EQ(encode(ServerMessage{"u1", Unwatched{}}), R"({"type":"unwatched","id":"u1"})");
  EXPECT_EQ(encode(ServerMessage{std::nullopt, GameEnded{"EUW1_1_100_5", {"EUW1_1", false}}}),
            R"({"type":"game-ended","channelId":"EUW1_1_100_5","gameId":"EUW1_1"})");
  EXPECT_EQ(encode(ServerMessage{std::nullopt, GameEnded{"c", {"42", true}}}),
            R"({"type":"game-ended","channelId":"c","gameId":42})");
  EXPECT_EQ(encode(ServerMessage{"w", Error{ErrorCode::WatchUnavailable, "m", "watch-game"}}),
            R"({"type":"error","id":"w","code":"watch-unavailable","message":"m","re":"watch-game"})");
  EXPECT_EQ(encode(ServerMessage{std::nullopt, Error{ErrorCode::NotWatching, "m", "unwatch-game"}}),
            R"({"type":"error","code":"not-watching","message":"m","re":"unwatch-game"})");
}

TEST(CodecExtensions, ErrorCodesHaveWireNames) {
  EXPECT_EQ(error_code_from_wire("watch-unavailable"), ErrorCode::WatchUnavailable);
  EXPECT_EQ(error_code_from_wire("not-watching"), ErrorCode::NotWatching);
  EXPECT_EQ(to_wire(ErrorCode::WatchUnavailable), "watch-unavailable");
  EXPECT_EQ(to_wire(ErrorCode::NotWatching), "not-watching");
}

TEST(CodecExtensions, ServerOnlyTypesAreUnknownToTheServer) {
  for (const char* frame : {R"({"type":"watching","riotId":"a#b"})", R"({"type":"unwatched"})",
                            R"({"type":"game-ended","channelId":"c","gameId":1})"}) {
    EXPECT_EQ(expect_error(decode_client(frame)).code, ErrorCode::UnknownType) << frame;
  }
  EXPECT_EQ(expect_error(decode_server(R"({"type":"watch-game"})")).code, ErrorCode::UnknownType);
}

// refresh-ice-servers / ice-servers: fresh TURN credentials for a long-lived connection.
TEST(CodecExtensions, RefreshIceServersInItsExactForm) {
  EXPECT_EQ(encode(ClientMessage{"i1", RefreshIceServers{}}),
            R"({"type":"refresh-ice-servers","id":"i1"})");
  EXPECT_EQ(expect_ok(decode_client(R"({"type":"refresh-ice-servers","urls":["x"]})")),
            (ClientMessage{std::nullopt, RefreshIceServers{}}));
  const ServerMessage reply{
      "i1", IceServersReply{{IceServer{{"stun:s:3478"}, std::nullopt, std::nullopt},
                             IceServer{{"turn:t:3478"}, "1700043200:p1", "c2VjcmV0"}}}};
  const std::string frame =
      R"({"type":"ice-servers","id":"i1","iceServers":[{"urls":["stun:s:3478"]},)"
      R"({"urls":["turn:t:3478"],"username":"1700043200:p1","credential":"c2VjcmV0"}]})";
  EXPECT_EQ(encode(reply), frame);
  EXPECT_EQ(expect_ok(decode_server(frame)), reply);
}

TEST(CodecExtensions, IceServersReadsUrlsAsOneStringLikeConnected) {
  const auto m = expect_ok(
      decode_server(R"({"type":"ice-servers","iceServers":[{"urls":"turn:t","username":"1:p"}]})"));
  EXPECT_EQ(std::get<IceServersReply>(m.body).ice_servers,
            (std::vector<IceServer>{IceServer{{"turn:t"}, "1:p", std::nullopt}}));
}

TEST(CodecExtensions, RefreshTypesBelongToOneDirection) {
  EXPECT_EQ(expect_error(decode_client(R"({"type":"ice-servers","iceServers":[]})")).code,
            ErrorCode::UnknownType);
  EXPECT_EQ(expect_error(decode_server(R"({"type":"refresh-ice-servers"})")).code,
            ErrorCode::UnknownType);
}

struct BadExtensionFrame {
  std::string name;
  std::string frame;
  std::string mentions;
};

void PrintTo(const BadExtensionFrame& c, std::ostream* os) { *os << c.name; }

class ExtensionBadFrame : public ::testing::TestWithParam<BadExtensionFrame> {};

TEST_P(ExtensionBadFrame, IsRefusedAsBadMessage) {
  const auto& c = GetParam();
  const DecodeError e = expect_error(decode_server(c.frame));
  SCOPED_TRACE(describe(e));
  EXPECT_EQ(e.code, ErrorCode::BadMessage);
  EXPECT_NE(e.message.find(c.mentions), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Frames, ExtensionBadFrame,
    ::testing::Values(
        BadExtensionFrame{"WatchingWithoutRiotId", R"({"type":"watching","id":"w"})", "riotId"},
        BadExtensionFrame{"WatchingNumericRiotId", R"({"type":"watching","riotId":5})", "riotId"},
        BadExtensionFrame{"WatchingEmptyRiotId", R"({"type":"watching","riotId":""})", "riotId"},
        BadExtensionFrame{"GameEndedWithoutChannel", R"({"type":"game-ended","gameId":1})",
                          "channelId"},
        BadExtensionFrame{"GameEndedWithoutGame", R"({"type":"game-ended","channelId":"c"})",
                          "gameId"},
        BadExtensionFrame{"GameEndedFractionGame",
                          R"({"type":"game-ended","channelId":"c","gameId":1.5})", "gameId"},
        BadExtensionFrame{"GameEndedObjectGame",
                          R"({"type":"game-ended","channelId":"c","gameId":{}})", "gameId"},
        BadExtensionFrame{"IceServersWithoutList", R"({"type":"ice-servers","id":"i"})",
                          "iceServers"},
        BadExtensionFrame{"IceServersEntryNotObject",
                          R"({"type":"ice-servers","iceServers":["stun:s"]})", "iceServers[0]"},
        BadExtensionFrame{"ErrorUnknownCode",
                          R"({"type":"error","code":"watch-broken","message":"m"})", "code"}),
    [](const ::testing::TestParamInfo<BadExtensionFrame>& info) { return info.param.name; });

}  // namespace
}  // namespace shotcall::protocol
