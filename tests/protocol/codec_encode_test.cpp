// The exact text of a few encodings: compact, `type` first, then `id`, then the fields.
#include <gtest/gtest.h>

#include "signaling/protocol/codec.hpp"
#include "test_support.hpp"

namespace shotcall::protocol {
namespace {

TEST(CodecEncode, RegisterUserWithEverything) {
  EXPECT_EQ(encode(ClientMessage{"r1", RegisterUser{"Faker#KR1", "pu", "tok"}}),
            R"({"type":"register-user","id":"r1","riotId":"Faker#KR1","puuid":"pu","token":"tok"})");
}

TEST(CodecEncode, FindOrCreateKeepsTheJsonTypeOfIds) {
  EXPECT_EQ(encode(ClientMessage{std::nullopt,
                                 FindOrCreateChannel{{"123", true}, {"100", true}, {"a#b", "c#d"}}}),
            R"({"type":"find-or-create-channel","gameId":123,"teamId":100,"teammates":["a#b","c#d"]})");
  EXPECT_EQ(encode(ClientMessage{std::nullopt,
                                 FindOrCreateChannel{{"lcd-ab", false}, {"100", false}, {"a#b"}}}),
            R"({"type":"find-or-create-channel","gameId":"lcd-ab","teamId":"100","teammates":["a#b"]})");
}

TEST(CodecEncode, NumericIdWhoseTextIsNotCanonicalStaysText) {
  // Never alter the text: "007" or "12x" cannot be a JSON integer without changing.
  EXPECT_EQ(encode(ServerMessage{std::nullopt,
                                 ChannelCreated{{"c", {"007", true}, {"12x", true}, {}}}}),
            R"({"type":"channel-created","channelId":"c","gameId":"007","teamId":"12x","roster":[]})");
}

TEST(CodecEncode, Connected) {
  const Connected c{"p1",
                    {IceServer{{"stun:127.0.0.1:3478"}, std::nullopt, std::nullopt},
                     IceServer{{"turn:127.0.0.1:3478"}, "u", "c"}},
                    {"shotcall-signal", "0.1.0"}};
  EXPECT_EQ(encode(ServerMessage{"r1", c}),
            R"({"type":"connected","id":"r1","peerId":"p1","iceServers":[{"urls":["stun:127.0.0.1:3478"]},)"
            R"({"urls":["turn:127.0.0.1:3478"],"username":"u","credential":"c"}],)"
            R"("server":{"name":"shotcall-signal","version":"0.1.0"},"identity":"none"})");
}

TEST(CodecEncode, JoinedAndUserJoined) {
  EXPECT_EQ(encode(ServerMessage{"j", JoinedChannel{"c", {{"p1", "A#1"}, {"p2", "B#2"}}}}),
            R"({"type":"joined-channel","id":"j","channelId":"c","members":[{"peerId":"p1","riotId":"A#1","identity":"none"},{"peerId":"p2","riotId":"B#2","identity":"none"}]})");
  EXPECT_EQ(encode(ServerMessage{std::nullopt, UserJoinedChannel{"c", {"p3", "C#3"}}}),
            R"({"type":"user-joined-channel","channelId":"c","member":{"peerId":"p3","riotId":"C#3","identity":"none"}})");
}

TEST(CodecEncode, SignalSplicesData) {
  EXPECT_EQ(encode(ServerMessage{std::nullopt, SignalFrom{"p1", R"({"ice":{"candidate":"c","sdpMLineIndex":0}})"}}),
            R"({"type":"signal","from":"p1","data":{"ice":{"candidate":"c","sdpMLineIndex":0}}})");
  EXPECT_EQ(encode(ClientMessage{std::nullopt, SignalTo{"p2", R"({"x":1})"}}),
            R"({"type":"signal","to":"p2","data":{"x":1}})");
}

TEST(CodecEncode, DataThatIsNotAFaithfulObjectBecomesEmptyObject) {
  for (const std::string bad : {"", "[]", "\"s\"", "{", "{}{}", "{\"a\":1}x", "{'a':1}",
                                "{\"a\":\"\xff\"}", "{\"a\":\"\\u0000\"}",
                                "{\"a\":99999999999999999999}", "{\"a\":1e999}"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(encode(ServerMessage{std::nullopt, SignalFrom{"p", bad}}),
              R"({"type":"signal","from":"p","data":{}})");
  }
}

TEST(CodecEncode, ChatEscapesAndKeepsUnicode) {
  EXPECT_EQ(encode(ServerMessage{std::nullopt,
                                 ChatMessage{"c", "p", "日本#JP", "a\"b\\c\nd\x1f\x7f é 😀", 1700000000123}}),
            "{\"type\":\"chat\",\"channelId\":\"c\",\"from\":\"p\",\"riotId\":\"日本#JP\","
            "\"text\":\"a\\\"b\\\\c\\nd\\u001f\x7f é 😀\",\"ts\":1700000000123}");
}

TEST(CodecEncode, NoticeAndErrors) {
  EXPECT_EQ(encode(ServerMessage{std::nullopt, Notice{NoticeLevel::Warning, "w"}}),
            R"({"type":"notice","level":"warning","text":"w"})");
  EXPECT_EQ(encode(ServerMessage{std::nullopt, Notice{NoticeLevel::Info, "i"}}),
            R"({"type":"notice","level":"info","text":"i"})");
  EXPECT_EQ(encode(ServerMessage{"r", Error{ErrorCode::NotOnRoster, "m", "join-channel"}}),
            R"({"type":"error","id":"r","code":"not-on-roster","message":"m","re":"join-channel"})");
  EXPECT_EQ(encode(ServerMessage{std::nullopt, Error{ErrorCode::RateLimited, "m", std::nullopt}}),
            R"({"type":"error","code":"rate-limited","message":"m"})");
}

TEST(CodecEncode, ErrorReplyForUnknownType) {
  const auto error = testing::expect_error(decode_client(R"({"type":"dance","id":"q"})"));
  EXPECT_EQ(encode(error_reply(error)),
            R"j({"type":"error","id":"q","code":"unknown-type","message":"unknown message type","re":"dance"})j");
}

TEST(CodecEncode, InvalidUtf8FromACallerBecomesReplacementCharacters) {
  const std::string frame = encode(ServerMessage{std::nullopt, Notice{NoticeLevel::Info, "a\xff" "b"}});
  EXPECT_EQ(frame, "{\"type\":\"notice\",\"level\":\"info\",\"text\":\"a\xEF\xBF\xBD" "b\"}");
}

TEST(CodecEncode, LeftAndUserLeft) {
  EXPECT_EQ(encode(ServerMessage{"l", LeftChannel{"c"}}),
            R"({"type":"left-channel","id":"l","channelId":"c"})");
  EXPECT_EQ(encode(ServerMessage{std::nullopt, UserLeftChannel{"c", "p"}}),
            R"({"type":"user-left-channel","channelId":"c","peerId":"p"})");
}

}  // namespace
}  // namespace shotcall::protocol
