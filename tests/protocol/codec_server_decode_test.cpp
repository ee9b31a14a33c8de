// decode_server: what clients accept from a server. Tolerant of unknown fields and of the
// browser's single-string `urls`; strict about shapes.
#include <gtest/gtest.h>

#include "signaling/protocol/codec.hpp"
#include "test_support.hpp"

namespace shotcall::protocol {
namespace {

using testing::describe;
using testing::expect_error;
using testing::expect_ok;

TEST(ServerDecode, IceServerUrlsMayBeOneString) {
  const auto m = expect_ok(decode_server(
      R"({"type":"connected","peerId":"p","iceServers":[{"urls":"stun:127.0.0.1:3478"},)"
      R"({"urls":["turn:127.0.0.1"],"username":"u","credential":"c","credentialType":"password"}],)"
      R"("server":{"name":"n","version":"v","build":"x"}})"));
  const auto& c = std::get<Connected>(m.body);
  ASSERT_EQ(c.ice_servers.size(), 2u);
  EXPECT_EQ(c.ice_servers[0], (IceServer{{"stun:127.0.0.1:3478"}, std::nullopt, std::nullopt}));
  EXPECT_EQ(c.ice_servers[1], (IceServer{{"turn:127.0.0.1"}, "u", "c"}));
  EXPECT_EQ(c.server, (ServerInfo{"n", "v"}));
}

TEST(ServerDecode, UnknownFieldsAnywhereAreIgnored) {
  const auto m = expect_ok(decode_server(
      R"({"type":"joined-channel","v":2,"channelId":"c","members":[{"peerId":"p","riotId":"a#b","muted":true}],"extra":[]})"));
  EXPECT_EQ(m, (ServerMessage{std::nullopt, JoinedChannel{"c", {{"p", "a#b"}}}}));
}

TEST(ServerDecode, ChannelIdsInEitherJsonType) {
  const auto m = expect_ok(decode_server(
      R"({"type":"channel-available","channelId":"c","gameId":"lcd-1","teamId":100,"roster":["a#b"]})"));
  const auto& info = std::get<ChannelAvailable>(m.body).channel;
  EXPECT_EQ(info.game_id, (IdValue{"lcd-1", false}));
  EXPECT_EQ(info.team_id, (IdValue{"100", true}));
}

TEST(ServerDecode, NullReIsAbsent) {
  const auto m = expect_ok(
      decode_server(R"({"type":"error","code":"channel-full","message":"full","re":null})"));
  EXPECT_EQ(std::get<Error>(m.body), (Error{ErrorCode::ChannelFull, "full", std::nullopt}));
}

TEST(ServerDecode, EveryErrorCodeDecodes) {
  for (ErrorCode code : {ErrorCode::BadJson, ErrorCode::BadMessage, ErrorCode::UnknownType,
                         ErrorCode::NotRegistered, ErrorCode::AlreadyRegistered,
                         ErrorCode::RiotIdInUse, ErrorCode::NotOnRoster, ErrorCode::NoSuchChannel,
                         ErrorCode::ChannelFull, ErrorCode::NotInChannel, ErrorCode::NoSuchPeer,
                         ErrorCode::RateLimited, ErrorCode::Unauthorized,
                         ErrorCode::WatchUnavailable, ErrorCode::NotWatching,
                         ErrorCode::RiotIdBound, ErrorCode::BadProof, ErrorCode::ProofRequired,
                         ErrorCode::Unavailable, ErrorCode::VerifyUnavailable,
                         ErrorCode::VerifyBusy, ErrorCode::VerifyFailed, ErrorCode::BadLinkCode,
                         ErrorCode::NoSuchKey}) {
    const std::string frame = R"({"type":"error","code":")" + std::string{to_wire(code)} +
                              R"(","message":"m"})";
    EXPECT_EQ(std::get<Error>(expect_ok(decode_server(frame)).body).code, code) << frame;
  }
}

struct BadServerFrame {
  std::string name;
  std::string frame;
  ErrorCode code;
  std::string mentions;
};

void PrintTo(const BadServerFrame& c, std::ostream* os) { *os << c.name; }

class ServerBadFrame : public ::testing::TestWithParam<BadServerFrame> {};

TEST_P(ServerBadFrame, IsRefused) {
  const auto& c = GetParam();
  const DecodeError e = expect_error(decode_server(c.frame));
  SCOPED_TRACE(describe(e));
  EXPECT_EQ(e.code, c.code);
  EXPECT_NE(e.message.find(c.mentions), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Frames, ServerBadFrame,
    ::testing::Values(
        BadServerFrame{"ClientOnlyType", R"({"type":"register-user","riotId":"a#b"})",
                       ErrorCode::UnknownType, "type"},
        BadServerFrame{"Truncated", R"({"type":"notice")", ErrorCode::BadJson, "JSON"},
        BadServerFrame{"NotAnObject", R"(["notice"])", ErrorCode::BadMessage, "object"},
        BadServerFrame{"ConnectedWithoutPeerId",
                       R"({"type":"connected","iceServers":[],"server":{"name":"n","version":"v"}})",
                       ErrorCode::BadMessage, "peerId"},
        BadServerFrame{"ConnectedServerNotObject",
                       R"({"type":"connected","peerId":"p","iceServers":[],"server":"n"})",
                       ErrorCode::BadMessage, "server"},
        BadServerFrame{"ConnectedServerMissingVersion",
                       R"({"type":"connected","peerId":"p","iceServers":[],"server":{"name":"n"}})",
                       ErrorCode::BadMessage, "server.version"},
        BadServerFrame{"IceServerNotObject",
                       R"({"type":"connected","peerId":"p","iceServers":["stun:x"],"server":{"name":"n","version":"v"}})",
                       ErrorCode::BadMessage, "iceServers[0]"},
        BadServerFrame{"IceServerUrlsNumber",
                       R"({"type":"connected","peerId":"p","iceServers":[{"urls":5}],"server":{"name":"n","version":"v"}})",
                       ErrorCode::BadMessage, "iceServers[0].urls"},
        BadServerFrame{"IceServerUrlsMissing",
                       R"({"type":"connected","peerId":"p","iceServers":[{}],"server":{"name":"n","version":"v"}})",
                       ErrorCode::BadMessage, "iceServers[0].urls"},
        BadServerFrame{"RosterNotArray",
                       R"({"type":"channel-created","channelId":"c","gameId":1,"teamId":100,"roster":"a#b"})",
                       ErrorCode::BadMessage, "roster"},
        BadServerFrame{"GameIdFloat",
                       R"({"type":"channel-created","channelId":"c","gameId":1.5,"teamId":100,"roster":[]})",
                       ErrorCode::BadMessage, "gameId"},
        BadServerFrame{"MemberMissingRiotId",
                       R"({"type":"joined-channel","channelId":"c","members":[{"peerId":"p"}]})",
                       ErrorCode::BadMessage, "members[0].riotId"},
        BadServerFrame{"UserJoinedMemberNotObject",
                       R"({"type":"user-joined-channel","channelId":"c","member":"p"})",
                       ErrorCode::BadMessage, "member"},
        BadServerFrame{"SignalDataArray", R"({"type":"signal","from":"p","data":[]})",
                       ErrorCode::BadMessage, "data"},
        BadServerFrame{"ChatTsFloat",
                       R"({"type":"chat","channelId":"c","from":"p","riotId":"a#b","text":"t","ts":1.5})",
                       ErrorCode::BadMessage, "ts"},
        BadServerFrame{"ChatTsString",
                       R"({"type":"chat","channelId":"c","from":"p","riotId":"a#b","text":"t","ts":"1"})",
                       ErrorCode::BadMessage, "ts"},
        BadServerFrame{"NoticeUnknownLevel", R"({"type":"notice","level":"debug","text":"t"})",
                       ErrorCode::BadMessage, "level"},
        BadServerFrame{"ErrorUnknownCode", R"({"type":"error","code":"teapot","message":"m"})",
                       ErrorCode::BadMessage, "code"},
        BadServerFrame{"ErrorMissingMessage", R"({"type":"error","code":"bad-json"})",
                       ErrorCode::BadMessage, "message"},
        BadServerFrame{"LeftMissingChannel", R"({"type":"left-channel"})", ErrorCode::BadMessage,
                       "channelId"},
        BadServerFrame{"UserLeftMissingPeer", R"({"type":"user-left-channel","channelId":"c"})",
                       ErrorCode::BadMessage, "peerId"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace shotcall::protocol
