// decode_client on malformed frames: the exact error code, `re`, `id` and a message that names
// the field. These are the server's error replies, so they are the protocol's error behaviour.
#include <glib.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "signaling/protocol/codec.hpp"
#include "test_support.hpp"

namespace shotcall::protocol {
namespace {

using testing::describe;
using testing::expect_error;
using testing::expect_ok;

struct BadFrame {
  std::string name;  // test name
  std::string frame;
  ErrorCode code;
  std::optional<std::string> re;
  std::optional<std::string> id;
  std::string mentions;  // the message must contain this (the field's name)
};

// Test names stay readable in CTest (no byte dump of the parameter).
void PrintTo(const BadFrame& c, std::ostream* os) { *os << c.name; }

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string quoted_list(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i ? ",\"p" : "\"p") + std::to_string(i) + "#t\"";
  return out;
}

const auto kBad = ErrorCode::BadMessage;
const auto kJson = ErrorCode::BadJson;
const std::nullopt_t kNone = std::nullopt;

std::vector<BadFrame> bad_frames() {
  const std::string fc = R"({"type":"find-or-create-channel","id":"f",)";
  const std::string teammates = R"("teammates":["a#b"])";
  return {
      // Not JSON at all.
      {"Empty", "", kJson, kNone, kNone, "empty"},
      {"OnlyWhitespace", " \n\t", kJson, kNone, kNone, "JSON"},
      {"Truncated", R"({"type":"chat","channelId":"c","text":"hi")", kJson, kNone, kNone, "JSON"},
      {"TruncatedInString", R"({"type":"ch)", kJson, kNone, kNone, "JSON"},
      {"TruncatedEscape", R"({"type":"chat\)", kJson, kNone, kNone, "JSON"},
      {"InvalidUtf8InString", "{\"type\":\"chat\",\"channelId\":\"c\",\"text\":\"\xff\"}", kJson,
       kNone, kNone, "UTF-8"},
      {"OverlongUtf8", "{\"type\":\"chat\",\"channelId\":\"c\",\"text\":\"\xc0\xaf\"}", kJson, kNone,
       kNone, "UTF-8"},
      {"EncodedSurrogate", "{\"type\":\"chat\",\"channelId\":\"c\",\"text\":\"\xed\xa0\x80\"}",
       kJson, kNone, kNone, "UTF-8"},
      {"NulByte", std::string(R"({"type":"join-channel","channelId":"c)") + '\0' + "\"}", kJson,
       kNone, kNone, "UTF-8"},
      {"LoneSurrogateEscape", R"({"type":"chat","channelId":"c","text":"\ud800"})", kJson, kNone,
       kNone, "surrogate"},
      {"LoneLowSurrogateEscape", R"({"type":"chat","channelId":"c","text":"\udc00x"})", kJson,
       kNone, kNone, "surrogate"},
      {"RawControlInString", "{\"type\":\"chat\",\"channelId\":\"c\",\"text\":\"a\tb\"}", kJson,
       kNone, kNone, "control"},
      {"BadEscape", R"({"type":"chat","channelId":"c","text":"\x"})", kJson, kNone, kNone, "escape"},
      {"SingleQuotes", "{'type':'join-channel','channelId':'c'}", kJson, kNone, kNone, "JSON"},
      {"TwoObjects", R"({"type":"join-channel","channelId":"c"}{})", kJson, kNone, kNone, "after"},
      {"Comment", R"({"type":"join-channel" /* x */,"channelId":"c"})", kJson, kNone, kNone, "JSON"},
      {"TrailingComma", R"({"type":"join-channel","channelId":"c",})", kJson, kNone, kNone, "JSON"},
      {"HexNumber", fc + R"("gameId":0x10,"teamId":100,)" + teammates + "}", kJson, kNone, kNone,
       "JSON"},
      {"LeadingZero", fc + R"("gameId":0123,"teamId":100,)" + teammates + "}", kJson, kNone, kNone,
       "JSON"},
      {"NestedTooDeep",
       R"({"type":"signal","to":"p","data":)" + repeat("{\"a\":", 100) + "1" + repeat("}", 101),
       kJson, kNone, kNone, "deep"},
      {"TooManyValues",
       R"({"type":"signal","to":"p","data":{"a":[)" + repeat("0,", 300) + "0]}}", kJson, kNone,
       kNone, "too many values"},
      // JSON, but not an object.
      {"Array", R"([{"type":"join-channel","channelId":"c"}])", kBad, kNone, kNone, "object"},
      {"String", R"("join-channel")", kBad, kNone, kNone, "object"},
      {"Number", "42", kBad, kNone, kNone, "object"},
      {"Null", "null", kBad, kNone, kNone, "object"},
      {"True", "true", kBad, kNone, kNone, "object"},
      // type and id.
      {"MissingType", R"({"id":"r1","channelId":"c"})", kBad, kNone, "r1", "type"},
      {"NullType", R"({"type":null,"id":"r1"})", kBad, kNone, "r1", "type"},
      {"NumericType", R"({"type":5,"id":"r1"})", kBad, kNone, "r1", "type"},
      {"ObjectType", R"({"type":{"x":1}})", kBad, kNone, kNone, "type"},
      {"UnknownType", R"({"type":"dance","id":"r1"})", ErrorCode::UnknownType, "dance", "r1", "type"},
      {"ServerOnlyType", R"({"type":"connected","peerId":"p"})", ErrorCode::UnknownType,
       "connected", kNone, "type"},
      {"TypeCaseMatters", R"({"type":"Join-Channel","channelId":"c"})", ErrorCode::UnknownType,
       "Join-Channel", kNone, "type"},
      {"IdTooLong", R"({"type":"join-channel","channelId":"c","id":")" + repeat("i", 65) + "\"}",
       kBad, "join-channel", kNone, "id"},
      {"IdNumber", R"({"type":"join-channel","channelId":"c","id":7})", kBad, "join-channel", kNone,
       "id"},
      {"IdObject", R"({"type":"join-channel","channelId":"c","id":{}})", kBad, "join-channel", kNone,
       "id"},
      // register-user
      {"RegisterMissingRiotId", R"({"type":"register-user","id":"r"})", kBad, "register-user", "r",
       "riotId"},
      {"RegisterNullRiotId", R"({"type":"register-user","riotId":null})", kBad, "register-user",
       kNone, "riotId"},
      {"RegisterNumericRiotId", R"({"type":"register-user","riotId":12})", kBad, "register-user",
       kNone, "riotId"},
      {"RegisterEmptyRiotId", R"({"type":"register-user","riotId":""})", kBad, "register-user",
       kNone, "riotId"},
      {"RegisterRiotIdWithoutTag", R"({"type":"register-user","riotId":"Faker"})", kBad,
       "register-user", kNone, "riotId"},
      {"RegisterRiotIdEmptyTag", R"({"type":"register-user","riotId":"Faker#"})", kBad,
       "register-user", kNone, "riotId"},
      {"RegisterRiotIdControl", R"({"type":"register-user","riotId":"Fa\nker#KR1"})", kBad,
       "register-user", kNone, "riotId"},
      {"RegisterRiotIdTooLong",
       R"({"type":"register-user","riotId":")" + repeat("a", 94) + "#KR\"}", kBad,
       "register-user", kNone, "riotId"},
      {"RegisterPuuidNumber", R"({"type":"register-user","riotId":"a#b","puuid":5})", kBad,
       "register-user", kNone, "puuid"},
      {"RegisterPuuidEmpty", R"({"type":"register-user","riotId":"a#b","puuid":""})", kBad,
       "register-user", kNone, "puuid"},
      {"RegisterPuuidTooLong",
       R"({"type":"register-user","riotId":"a#b","puuid":")" + repeat("p", 129) + "\"}", kBad,
       "register-user", kNone, "puuid"},
      {"RegisterTokenTooLong",
       R"({"type":"register-user","id":"t","riotId":"a#b","token":")" + repeat("t", 513) + "\"}",
       kBad, "register-user", "t", "token"},
      {"RegisterTokenArray", R"({"type":"register-user","riotId":"a#b","token":["x"]})", kBad,
       "register-user", kNone, "token"},
      // find-or-create-channel
      {"FindMissingGameId", fc + R"("teamId":100,)" + teammates + "}", kBad,
       "find-or-create-channel", "f", "gameId"},
      {"FindFloatGameId", fc + R"("gameId":1.5,"teamId":100,)" + teammates + "}", kBad,
       "find-or-create-channel", "f", "gameId"},
      {"FindIntegralFloatGameId", fc + R"("gameId":1e3,"teamId":100,)" + teammates + "}", kBad,
       "find-or-create-channel", "f", "gameId"},
      {"FindBoolGameId", fc + R"("gameId":true,"teamId":100,)" + teammates + "}", kBad,
       "find-or-create-channel", "f", "gameId"},
      {"FindObjectGameId", fc + R"("gameId":{},"teamId":100,)" + teammates + "}", kBad,
       "find-or-create-channel", "f", "gameId"},
      {"FindEmptyGameId", fc + R"("gameId":"","teamId":100,)" + teammates + "}", kBad,
       "find-or-create-channel", "f", "gameId"},
      {"FindGameIdTooLong",
       fc + R"("gameId":")" + repeat("g", 65) + R"(","teamId":100,)" + teammates + "}", kBad,
       "find-or-create-channel", "f", "gameId"},
      {"FindGameIdBeyondInt64",
       fc + R"("gameId":99999999999999999999,"teamId":100,)" + teammates + "}", kBad,
       "find-or-create-channel", "f", "range"},
      {"FindGameIdBeyondDouble", fc + R"("gameId":1e400,"teamId":100,)" + teammates + "}", kBad,
       "find-or-create-channel", "f", "range"},
      {"FindMissingTeamId", fc + R"("gameId":1,)" + teammates + "}", kBad,
       "find-or-create-channel", "f", "teamId"},
      {"FindTeamIdTooLong", fc + R"("gameId":1,"teamId":"12345678901234567",)" + teammates + "}",
       kBad, "find-or-create-channel", "f", "teamId"},
      {"FindNumericTeamIdTooLong",
       fc + R"("gameId":1,"teamId":-9223372036854775808,)" + teammates + "}", kBad,
       "find-or-create-channel", "f", "teamId"},
      {"FindTeamIdArray", fc + R"("gameId":1,"teamId":[100],)" + teammates + "}", kBad,
       "find-or-create-channel", "f", "teamId"},
      {"FindMissingTeammates", fc + R"("gameId":1,"teamId":100})", kBad, "find-or-create-channel",
       "f", "teammates"},
      {"FindTeammatesString", fc + R"("gameId":1,"teamId":100,"teammates":"a#b"})", kBad,
       "find-or-create-channel", "f", "teammates"},
      {"FindTeammatesEmpty", fc + R"("gameId":1,"teamId":100,"teammates":[]})", kBad,
       "find-or-create-channel", "f", "teammates"},
      {"FindElevenTeammates",
       fc + R"("gameId":1,"teamId":100,"teammates":[)" + quoted_list(11) + "]}", kBad,
       "find-or-create-channel", "f", "teammates"},
      {"FindTeammateInvalid", fc + R"("gameId":1,"teamId":100,"teammates":["a#b","nohash"]})",
       kBad, "find-or-create-channel", "f", "teammates[1]"},
      {"FindTeammateEmpty", fc + R"("gameId":1,"teamId":100,"teammates":[""]})", kBad,
       "find-or-create-channel", "f", "teammates[0]"},
      {"FindTeammateNumber", fc + R"("gameId":1,"teamId":100,"teammates":["a#b",7]})", kBad,
       "find-or-create-channel", "f", "teammates[1]"},
      {"FindTeammateNull", fc + R"("gameId":1,"teamId":100,"teammates":[null]})", kBad,
       "find-or-create-channel", "f", "teammates[0]"},
      // join-channel / leave-channel
      {"JoinMissingChannelId", R"({"type":"join-channel","id":"j"})", kBad, "join-channel", "j",
       "channelId"},
      {"JoinEmptyChannelId", R"({"type":"join-channel","channelId":""})", kBad, "join-channel",
       kNone, "channelId"},
      {"JoinNumericChannelId", R"({"type":"join-channel","channelId":12})", kBad, "join-channel",
       kNone, "channelId"},
      {"JoinChannelIdTooLong",
       R"({"type":"join-channel","channelId":")" + repeat("c", 129) + "\"}", kBad, "join-channel",
       kNone, "channelId"},
      {"LeaveMissingChannelId", R"({"type":"leave-channel"})", kBad, "leave-channel", kNone,
       "channelId"},
      {"LeaveEmptyChannelId", R"({"type":"leave-channel","channelId":""})", kBad, "leave-channel",
       kNone, "channelId"},
      {"LeaveChannelIdTooLong",
       R"({"type":"leave-channel","channelId":")" + repeat("c", 129) + "\"}", kBad, "leave-channel",
       kNone, "channelId"},
      // signal
      {"SignalMissingTo", R"({"type":"signal","data":{}})", kBad, "signal", kNone, "to"},
      {"SignalEmptyTo", R"({"type":"signal","to":"","data":{}})", kBad, "signal", kNone, "to"},
      {"SignalToTooLong", R"({"type":"signal","to":")" + repeat("p", 65) + R"(","data":{}})", kBad,
       "signal", kNone, "to"},
      {"SignalMissingData", R"({"type":"signal","id":"s","to":"p"})", kBad, "signal", "s", "data"},
      {"SignalNullData", R"({"type":"signal","to":"p","data":null})", kBad, "signal", kNone, "data"},
      {"SignalStringData", R"({"type":"signal","to":"p","data":"{}"})", kBad, "signal", kNone,
       "data"},
      {"SignalArrayData", R"({"type":"signal","to":"p","data":[{}]})", kBad, "signal", kNone,
       "data"},
      {"SignalNumberData", R"({"type":"signal","to":"p","data":1})", kBad, "signal", kNone, "data"},
      {"SignalDataWithNul", R"({"type":"signal","to":"p","data":{"s":"a\u0000b"}})", kBad, "signal",
       kNone, "U+0000"},
      // chat
      {"ChatMissingChannelId", R"({"type":"chat","text":"hi"})", kBad, "chat", kNone, "channelId"},
      {"ChatMissingText", R"({"type":"chat","channelId":"c"})", kBad, "chat", kNone, "text"},
      {"ChatEmptyText", R"({"type":"chat","id":"c","channelId":"c","text":""})", kBad, "chat", "c",
       "text"},
      {"Chat501Chars", R"({"type":"chat","channelId":"c","text":")" + repeat("x", 501) + "\"}",
       kBad, "chat", kNone, "text"},
      {"Chat501MultibyteChars",
       R"({"type":"chat","channelId":"c","text":")" + repeat("日", 501) + "\"}", kBad, "chat",
       kNone, "text"},
      {"ChatNumericText", R"({"type":"chat","channelId":"c","text":5})", kBad, "chat", kNone,
       "text"},
      {"ChatTextWithNul", R"({"type":"chat","channelId":"c","text":"a\u0000b"})", kBad, "chat",
       kNone, "U+0000"},
      // Chat refuses bidirectional controls and control characters other than \n (issue 18).
      {"ChatRightToLeftOverride", R"({"type":"chat","channelId":"c","text":"gg \u202Eez"})", kBad,
       "chat", kNone, "bidirectional"},
      {"ChatRawRightToLeftOverride",
       "{\"type\":\"chat\",\"channelId\":\"c\",\"text\":\"a\xe2\x80\xae"
       "b\"}",
       kBad, "chat", kNone, "bidirectional"},
      {"ChatIsolate", R"({"type":"chat","channelId":"c","text":"\u2067x\u2069"})", kBad, "chat",
       kNone, "bidirectional"},
      {"ChatLeftToRightMark", R"({"type":"chat","channelId":"c","text":"a\u200Eb"})", kBad, "chat",
       kNone, "bidirectional"},
      {"ChatCarriageReturn", R"({"type":"chat","channelId":"c","text":"a\rb"})", kBad, "chat",
       kNone, "control"},
      {"ChatEscapeCharacter", R"({"type":"chat","channelId":"c","text":"\u001b[2Jx"})", kBad,
       "chat", kNone, "control"},
      {"ChatC1Control", R"({"type":"chat","channelId":"c","text":"a\u0085b"})", kBad, "chat",
       kNone, "control"},
      // Duplicate member names are bad-json: parsers disagree which one wins (issue 18).
      {"DuplicateType", R"({"type":"chat","channelId":"c","text":"hi","type":"signal"})", kJson,
       kNone, kNone, "duplicate"},
      {"DuplicateEscapedName", R"({"type":"chat","channelId":"c","text":"hi","\u0074ext":"x"})",
       kJson, kNone, kNone, "duplicate"},
      {"DuplicateNestedName", R"({"type":"signal","to":"p","data":{"a":1,"b":{},"a":2}})", kJson,
       kNone, kNone, "duplicate"},
  };
}

class ClientBadFrame : public ::testing::TestWithParam<BadFrame> {};

TEST_P(ClientBadFrame, AnswersTheProtocolError) {
  const BadFrame& c = GetParam();
  const DecodeError e = expect_error(decode_client(c.frame));
  SCOPED_TRACE(describe(e));
  EXPECT_EQ(e.code, c.code);
  EXPECT_EQ(e.re, c.re);
  EXPECT_EQ(e.id, c.id);
  EXPECT_NE(e.message.find(c.mentions), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Frames, ClientBadFrame, ::testing::ValuesIn(bad_frames()),
                         [](const auto& info) { return info.param.name; });

TEST(ClientDecode, NullOptionalFieldsAreAbsent) {
  const auto m = expect_ok(decode_client(
      R"({"type":"register-user","id":null,"riotId":"a#b","puuid":null,"token":null})"));
  EXPECT_EQ(m, (ClientMessage{std::nullopt, RegisterUser{"a#b", std::nullopt, std::nullopt}}));
}

TEST(ClientDecode, UnknownFieldsAreIgnored) {
  const auto m = expect_ok(decode_client(
      R"({"version":2,"type":"join-channel","extra":{"deep":[1,2]},"channelId":"c","id":"x"})"));
  EXPECT_EQ(m, (ClientMessage{"x", JoinChannel{"c"}}));
}

TEST(ClientDecode, WhitespaceAroundTokensIsFine) {
  const auto m = expect_ok(decode_client(" {\r\n \"type\" : \"leave-channel\" ,\t\"channelId\":\"c\" } \n"));
  EXPECT_EQ(m, (ClientMessage{std::nullopt, LeaveChannel{"c"}}));
}

TEST(ClientDecode, IdsKeepTheirJsonType) {
  const auto m = expect_ok(decode_client(
      R"({"type":"find-or-create-channel","gameId":-42,"teamId":"200","teammates":["a#b"]})"));
  const auto& f = std::get<FindOrCreateChannel>(m.body);
  EXPECT_EQ(f.game_id, (IdValue{"-42", true}));
  EXPECT_EQ(f.team_id, (IdValue{"200", false}));
  const auto big = expect_ok(decode_client(
      R"({"type":"find-or-create-channel","gameId":9223372036854775807,"teamId":100,"teammates":["a#b"]})"));
  EXPECT_EQ(std::get<FindOrCreateChannel>(big.body).game_id,
            (IdValue{"9223372036854775807", true}));
}

TEST(ClientDecode, LimitsAreInclusive) {
  const std::string riot = std::string(92, 'a') + "#KR1";  // 96 bytes
  const std::string frame = R"({"type":"register-user","id":")" + std::string(64, 'i') +
                            R"(","riotId":")" + riot + R"(","puuid":")" + std::string(128, 'p') +
                            R"(","token":")" + std::string(512, 't') + "\"}";
  const auto m = expect_ok(decode_client(frame));
  EXPECT_EQ(std::get<RegisterUser>(m.body).riot_id, riot);
  EXPECT_EQ(expect_ok(decode_client(R"({"type":"join-channel","channelId":")" +
                                    std::string(128, 'c') + "\"}"))
                .body,
            ClientBody{JoinChannel{std::string(128, 'c')}});
  std::string ten;
  for (int i = 0; i < 10; ++i) ten += (i ? ",\"p" : "\"p") + std::to_string(i) + "#t\"";
  const auto f = expect_ok(decode_client(R"({"type":"find-or-create-channel","gameId":")" +
                                         std::string(64, 'g') + R"(","teamId":")" +
                                         std::string(16, 't') + R"(","teammates":[)" + ten + "]}"));
  EXPECT_EQ(std::get<FindOrCreateChannel>(f.body).teammates.size(), 10u);
}

TEST(ClientDecode, ChatCountsCharactersNotBytes) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += (i % 2 ? "日" : "😀");  // 3- and 4-byte characters
  const auto m = expect_ok(
      decode_client(R"({"type":"chat","channelId":"c","text":")" + text + "\"}"));
  EXPECT_EQ(std::get<ChatSend>(m.body).text, text);
  const auto one = expect_ok(decode_client(R"({"type":"chat","channelId":"c","text":"é"})"));
  EXPECT_EQ(std::get<ChatSend>(one.body).text, "é");
  // Escaped characters count once: 500 × \u00e9 is 500 characters.
  std::string escaped;
  for (int i = 0; i < 500; ++i) escaped += "\\u00e9";
  const auto e = expect_ok(
      decode_client(R"({"type":"chat","channelId":"c","text":")" + escaped + "\"}"));
  EXPECT_EQ(g_utf8_strlen(std::get<ChatSend>(e.body).text.c_str(), -1), 500);
}

TEST(ClientDecode, SignalDataIsStoredCompactly) {
  const auto m = expect_ok(decode_client(
      "{\"type\":\"signal\",\"to\":\"p\",\"data\": { \"sdp\" : {\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\\/\\u00e9\"} } }"));
  EXPECT_EQ(std::get<SignalTo>(m.body).data_json, "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n/é\"}}");
}

TEST(ClientDecode, EscapedAndSurrogatePairTextDecodes) {
  const auto m = expect_ok(
      decode_client(R"({"type":"chat","channelId":"c","text":"\ud83d\ude00 \"q\" \u00e4"})"));
  EXPECT_EQ(std::get<ChatSend>(m.body).text, "😀 \"q\" ä");
}

TEST(ClientDecode, IdIsKeptWhenAnotherFieldIsBad) {
  const DecodeError e = expect_error(decode_client(R"({"type":"chat","id":"abc","channelId":"c"})"));
  EXPECT_EQ(e.id, "abc");
  const ServerMessage reply = error_reply(e);
  EXPECT_EQ(reply.id, "abc");
  EXPECT_EQ(std::get<Error>(reply.body).re, "chat");
}

}  // namespace
}  // namespace shotcall::protocol

namespace shotcall::protocol {
namespace {

// A chat message may have several lines; the same name in two different objects is no duplicate.
TEST(ClientDecodeAbuse, ChatKeepsLineBreaksAndNamesRepeatAcrossObjects) {
  const auto chat = decode_client(R"({"type":"chat","channelId":"c","text":"gg\nwp"})");
  ASSERT_TRUE(std::holds_alternative<ClientMessage>(chat));
  EXPECT_EQ(std::get<ChatSend>(std::get<ClientMessage>(chat).body).text, "gg\nwp");
  const auto signal = decode_client(R"({"type":"signal","to":"p","data":{"to":{"to":1}}})");
  EXPECT_TRUE(std::holds_alternative<ClientMessage>(signal));
}

}  // namespace
}  // namespace shotcall::protocol
