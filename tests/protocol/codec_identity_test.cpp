// The identity-1 extension (shared/protocol-identity.md, docs/protocol.md "Identity"): the exact
// wire form of every new message and field, the client frames the server's decoder must refuse
// (bad-message) or pass on to the core (which answers bad-proof), and v1 server frames that must
// still decode.
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

// At the codec's limits (128 each): longer than a real key (43) or signature (86), so that
// malformed ones of a plausible size reach the core (bad-proof) rather than bad-message.
const std::string kKey(kMaxKeyChars, 'K');
const std::string kSig(kMaxProofChars, 'S');
const std::string kHost(kMaxHostBytes, 'h');  // 262
const std::string kProofFields =
    R"("key":")" + kKey + R"(","proof":")" + kSig + R"(","host":"voice.example.org")";

// ---- exact encodings, client → server ----

TEST(IdentityEncode, RegisterUserCarriesTheProofAfterTheV1Fields) {
  EXPECT_EQ(encode(ClientMessage{"r1", RegisterUser{"Faker#KR1", std::nullopt, "tok",
                                                    Proof{"K", "P", "localhost:7800"}}}),
            R"({"type":"register-user","id":"r1","riotId":"Faker#KR1","token":"tok",)"
            R"("key":"K","proof":"P","host":"localhost:7800"})");
  // Without a proof the frame is v1's, byte for byte.
  EXPECT_EQ(encode(ClientMessage{"r2", RegisterUser{"Faker#KR1", std::nullopt, std::nullopt}}),
            R"({"type":"register-user","id":"r2","riotId":"Faker#KR1"})");
}

TEST(IdentityEncode, ClientRequests) {
  EXPECT_EQ(encode(ClientMessage{"h", Hello{}}), R"({"type":"hello","id":"h"})");
  EXPECT_EQ(
      encode(ClientMessage{"v", VerifyRiot{"a#b", Proof{"K", "P", "[::1]:7800"}}}),
      R"({"type":"verify-riot","id":"v","riotId":"a#b","key":"K","proof":"P","host":"[::1]:7800"})");
  EXPECT_EQ(encode(ClientMessage{"c", VerifyRiotCheck{}}),
            R"({"type":"verify-riot-check","id":"c"})");
  EXPECT_EQ(
      encode(ClientMessage{"l", LinkRequest{"a#b", Proof{"K", "P", "h.example"}}}),
      R"({"type":"link-request","id":"l","riotId":"a#b","key":"K","proof":"P","host":"h.example"})");
  EXPECT_EQ(encode(ClientMessage{"a", LinkApprove{"7K3M9QXZ"}}),
            R"({"type":"link-approve","id":"a","code":"7K3M9QXZ"})");
  EXPECT_EQ(encode(ClientMessage{"d", ListDevices{}}), R"({"type":"list-devices","id":"d"})");
  EXPECT_EQ(encode(ClientMessage{"u", UnlinkDevice{"K"}}),
            R"({"type":"unlink-device","id":"u","key":"K"})");
}

// ---- exact encodings, server → client ----

TEST(IdentityEncode, ConnectedAlwaysCarriesTheLevel) {
  EXPECT_EQ(encode(ServerMessage{"r", Connected{"p", {}, {"s", "1"}, IdentityLevel::Riot}}),
            R"({"type":"connected","id":"r","peerId":"p","iceServers":[],)"
            R"("server":{"name":"s","version":"1"},"identity":"riot"})");
  EXPECT_EQ(encode(ServerMessage{"r", Connected{"p", {}, {"s", "1"}, IdentityLevel::Key}}),
            R"({"type":"connected","id":"r","peerId":"p","iceServers":[],)"
            R"("server":{"name":"s","version":"1"},"identity":"key"})");
  EXPECT_EQ(encode(ServerMessage{"r", Connected{"p", {}, {"s", "1"}}}),
            R"({"type":"connected","id":"r","peerId":"p","iceServers":[],)"
            R"("server":{"name":"s","version":"1"},"identity":"none"})");
}

TEST(IdentityEncode, MembersCarryTheirLevel) {
  EXPECT_EQ(encode(ServerMessage{"j", JoinedChannel{"c",
                                                    {{"p1", "A#1", IdentityLevel::Key},
                                                     {"p2", "B#2", IdentityLevel::Riot}}}}),
            R"({"type":"joined-channel","id":"j","channelId":"c","members":[)"
            R"({"peerId":"p1","riotId":"A#1","identity":"key"},)"
            R"({"peerId":"p2","riotId":"B#2","identity":"riot"}]})");
  EXPECT_EQ(
      encode(
          ServerMessage{std::nullopt, UserJoinedChannel{"c", {"p3", "C#3", IdentityLevel::Riot}}}),
      R"({"type":"user-joined-channel","channelId":"c","member":{"peerId":"p3","riotId":"C#3","identity":"riot"}})");
}

TEST(IdentityEncode, ChannelAvailableAlwaysCarriesItsOrigin) {
  const ChannelInfo info{"c", {"1", true}, {"100", true}, {"a#b"}};
  EXPECT_EQ(
      encode(ServerMessage{std::nullopt, ChannelAvailable{info, ChannelOrigin::Riot}}),
      R"({"type":"channel-available","channelId":"c","gameId":1,"teamId":100,"roster":["a#b"],"origin":"riot"})");
  EXPECT_EQ(
      encode(ServerMessage{std::nullopt, ChannelAvailable{info}}),
      R"({"type":"channel-available","channelId":"c","gameId":1,"teamId":100,"roster":["a#b"],"origin":"client"})");
  // channel-created is v1's, unchanged.
  EXPECT_EQ(
      encode(ServerMessage{"f", ChannelCreated{info}}),
      R"({"type":"channel-created","id":"f","channelId":"c","gameId":1,"teamId":100,"roster":["a#b"]})");
}

TEST(IdentityEncode, ErrorsWithAndWithoutRetryAfter) {
  EXPECT_EQ(
      encode(ServerMessage{"v", Error{ErrorCode::VerifyBusy, "m", "verify-riot", 61000}}),
      R"({"type":"error","id":"v","code":"verify-busy","message":"m","re":"verify-riot","retryAfterMs":61000})");
  EXPECT_EQ(encode(ServerMessage{std::nullopt, Error{ErrorCode::VerifyBusy, "m", std::nullopt, 5}}),
            R"({"type":"error","code":"verify-busy","message":"m","retryAfterMs":5})");
  EXPECT_EQ(encode(ServerMessage{"r", Error{ErrorCode::BadProof, "m", "register-user"}}),
            R"({"type":"error","id":"r","code":"bad-proof","message":"m","re":"register-user"})");
}

TEST(IdentityEncode, ErrorCodesHaveTheSpecsWireNames) {
  const std::vector<std::pair<ErrorCode, std::string>> names{
      {ErrorCode::RiotIdBound, "riot-id-bound"},
      {ErrorCode::BadProof, "bad-proof"},
      {ErrorCode::ProofRequired, "proof-required"},
      {ErrorCode::Unavailable, "unavailable"},
      {ErrorCode::VerifyUnavailable, "verify-unavailable"},
      {ErrorCode::VerifyBusy, "verify-busy"},
      {ErrorCode::VerifyFailed, "verify-failed"},
      {ErrorCode::BadLinkCode, "bad-link-code"},
      {ErrorCode::NoSuchKey, "no-such-key"}};
  for (const auto& [code, name] : names) {
    EXPECT_EQ(to_wire(code), name);
    EXPECT_EQ(error_code_from_wire(name), code);
  }
}

TEST(IdentityEncode, Replies) {
  EXPECT_EQ(encode(ServerMessage{
                "h", HelloReply{"q8bLrY3f0x2Qm1aZ7uVb9A", {"identity-1", "riot-verify"}, "riot"}}),
            R"({"type":"hello","id":"h","challenge":"q8bLrY3f0x2Qm1aZ7uVb9A",)"
            R"("features":["identity-1","riot-verify"],"policy":"riot"})");
  EXPECT_EQ(
      encode(ServerMessage{"v", VerifyRiotChallenge{"a#b", "profile-icon", 7, 2, 1700000600000}}),
      R"({"type":"verify-riot-challenge","id":"v","riotId":"a#b","method":"profile-icon",)"
      R"("iconId":7,"round":2,"expiresAtMs":1700000600000})");
  EXPECT_EQ(encode(ServerMessage{"c", Verified{"a#b"}}),
            R"({"type":"verified","id":"c","riotId":"a#b","identity":"riot"})");
  EXPECT_EQ(encode(ServerMessage{"l", LinkCodeIssued{"7K3M9QXZ", "A1B2C3D4", 1700000600000}}),
            R"({"type":"link-code","id":"l","code":"7K3M9QXZ","fingerprint":"A1B2C3D4",)"
            R"("expiresAtMs":1700000600000})");
  EXPECT_EQ(encode(ServerMessage{"a", LinkApproved{"K"}}),
            R"({"type":"link-approved","id":"a","key":"K"})");
  EXPECT_EQ(encode(ServerMessage{"d", DeviceList{{Device{"K1", IdentityLevel::Riot, 1, 2},
                                                  Device{"K2", IdentityLevel::Key, 3, 4}}}}),
            R"({"type":"devices","id":"d","devices":[)"
            R"({"key":"K1","identity":"riot","boundAtMs":1,"lastUsedMs":2},)"
            R"({"key":"K2","identity":"key","boundAtMs":3,"lastUsedMs":4}]})");
  EXPECT_EQ(encode(ServerMessage{"d", DeviceList{}}),
            R"({"type":"devices","id":"d","devices":[]})");
  EXPECT_EQ(encode(ServerMessage{"u", DeviceUnlinked{"K"}}),
            R"({"type":"device-unlinked","id":"u","key":"K"})");
  EXPECT_EQ(encode(ServerMessage{std::nullopt, UserIdentity{"c", "p", IdentityLevel::Riot}}),
            R"({"type":"user-identity","channelId":"c","peerId":"p","identity":"riot"})");
}

// ---- decode_client: what the server accepts ----

TEST(IdentityClientDecode, RegisterUserWithAndWithoutAProof) {
  const auto m = expect_ok(decode_client(
      R"({"type":"register-user","id":"r","riotId":"Faker#KR1",)" + kProofFields + "}"));
  EXPECT_EQ(m, (ClientMessage{"r", RegisterUser{"Faker#KR1", std::nullopt, std::nullopt,
                                                Proof{kKey, kSig, "voice.example.org"}}}));
  const auto v1 = expect_ok(decode_client(R"({"type":"register-user","riotId":"Faker#KR1"})"));
  EXPECT_FALSE(std::get<RegisterUser>(v1.body).proof.has_value());
  // null is absent, as everywhere: three nulls are no proof.
  const auto nulls = expect_ok(decode_client(
      R"({"type":"register-user","riotId":"a#b","key":null,"proof":null,"host":null})"));
  EXPECT_FALSE(std::get<RegisterUser>(nulls.body).proof.has_value());
}

TEST(IdentityClientDecode, EveryRequestInItsSpecForm) {
  const Proof proof{kKey, kSig, "voice.example.org"};
  EXPECT_EQ(expect_ok(decode_client(R"({"type":"hello","id":"h"})")),
            (ClientMessage{"h", Hello{}}));
  EXPECT_EQ(expect_ok(decode_client(R"({"type":"verify-riot","id":"v","riotId":"a#b",)" +
                                    kProofFields + "}")),
            (ClientMessage{"v", VerifyRiot{"a#b", proof}}));
  EXPECT_EQ(expect_ok(decode_client(R"({"type":"verify-riot-check"})")),
            (ClientMessage{std::nullopt, VerifyRiotCheck{}}));
  EXPECT_EQ(expect_ok(decode_client(R"({"type":"link-request","id":"l","riotId":"a#b",)" +
                                    kProofFields + "}")),
            (ClientMessage{"l", LinkRequest{"a#b", proof}}));
  EXPECT_EQ(expect_ok(decode_client(R"({"type":"link-approve","code":"7k3m-9qxz"})")),
            (ClientMessage{std::nullopt, LinkApprove{"7k3m-9qxz"}}));
  EXPECT_EQ(expect_ok(decode_client(R"({"type":"list-devices","id":"d"})")),
            (ClientMessage{"d", ListDevices{}}));
  EXPECT_EQ(expect_ok(decode_client(R"({"type":"unlink-device","key":")" + kKey + "\"}")),
            (ClientMessage{std::nullopt, UnlinkDevice{kKey}}));
}

TEST(IdentityClientDecode, RequestsWithoutFieldsIgnoreUnknownOnes) {
  // A client cannot hand the server a challenge of its own choosing.
  EXPECT_EQ(expect_ok(decode_client(R"({"type":"hello","challenge":"mine","policy":"none"})")),
            (ClientMessage{std::nullopt, Hello{}}));
  EXPECT_EQ(expect_ok(decode_client(R"({"type":"list-devices","riotId":"Other#EUW"})")),
            (ClientMessage{std::nullopt, ListDevices{}}));
}

TEST(IdentityClientDecode, LimitsAreInclusive) {
  const auto m =
      expect_ok(decode_client(R"({"type":"verify-riot","riotId":"a#b","key":")" + kKey +
                              R"(","proof":")" + kSig + R"(","host":")" + kHost + "\"}"));
  EXPECT_EQ(std::get<VerifyRiot>(m.body).proof, (Proof{kKey, kSig, kHost}));
  const std::string code(kMaxLinkCodeChars, 'C');
  EXPECT_EQ(std::get<LinkApprove>(
                expect_ok(decode_client(R"({"type":"link-approve","code":")" + code + "\"}")).body)
                .code,
            code);
}

// Within the limits the codec checks shape only: a key or proof of the wrong length, not
// base64url, or with padding decodes unchanged, so that the core answers it bad-proof.
TEST(IdentityClientDecode, MalformedProofsWithinTheLimitsArePassedOnForTheCore) {
  std::string accented;
  for (std::size_t i = 0; i < kMaxKeyChars; ++i) accented += "é";  // 128 characters, 256 bytes
  for (const Proof& odd : {Proof{"abc", "x", "h"}, Proof{"AAAA====", "!!", "NOT LOWER CASE:99"},
                           Proof{accented, "sig with spaces", "[::1]"}}) {
    const std::string frame =
        encode(ClientMessage{"r", RegisterUser{"a#b", std::nullopt, std::nullopt, odd}});
    SCOPED_TRACE(frame);
    EXPECT_EQ(std::get<RegisterUser>(expect_ok(decode_client(frame)).body).proof, odd);
  }
}

// The spec's examples of bad-proof, not bad-message: a key or signature with base64 padding, or
// one character too many, still decodes (the limits leave room well beyond the real sizes).
TEST(IdentityClientDecode, PaddedOrOverlongKeysAndSignaturesAreLeftToTheCore) {
  EXPECT_EQ(kMaxKeyChars, 128u);
  EXPECT_EQ(kMaxProofChars, 128u);
  const std::string key43(43, 'A');
  const std::string sig86(86, 'B');
  for (const Proof& odd : {Proof{key43 + "=", sig86 + "==", "h"},
                           Proof{key43 + "A", sig86 + "B", "h"},
                           Proof{key43 + " ", sig86 + "\n", "h"},
                           Proof{std::string(kMaxKeyChars, '='), std::string(kMaxProofChars, '='),
                                 "h"}}) {
    const std::string frame =
        encode(ClientMessage{"r", RegisterUser{"a#b", std::nullopt, std::nullopt, odd}});
    SCOPED_TRACE(frame);
    EXPECT_EQ(std::get<RegisterUser>(expect_ok(decode_client(frame)).body).proof, odd);
    const std::string link = encode(ClientMessage{"l", LinkRequest{"a#b", odd}});
    EXPECT_EQ(std::get<LinkRequest>(expect_ok(decode_client(link)).body).proof, odd);
  }
}

// bad-message is for a missing or mistyped field (protocol-v1.md). An empty or over-long value is
// neither: it reaches the core, which refuses it with the request's own code (bad-proof,
// bad-link-code, no-such-key). Over-long values arrive empty, so none is kept past its limit.
TEST(IdentityClientDecode, EmptyOrOverlongValuesAreLeftToTheCoreAndNotKept) {
  std::string accented_key;
  for (std::size_t i = 0; i <= kMaxKeyChars; ++i) accented_key += "é";  // 129 characters
  const std::string reg = R"({"type":"register-user","id":"q","riotId":"a#b",)";
  const auto field = [](const char* name, const std::string& value) {
    return std::string{"\""} + name + "\":\"" + value + "\"";
  };
  struct Case {
    Proof sent;
    Proof decoded;
  };
  for (const Case& c :
       {Case{{kKey + "K", kSig, kHost}, {"", kSig, kHost}},
        Case{{accented_key, kSig, kHost}, {"", kSig, kHost}},
        Case{{kKey, kSig + "S", kHost}, {kKey, "", kHost}},
        Case{{kKey, kSig, kHost + "h"}, {kKey, kSig, ""}}, Case{{"", "", ""}, {"", "", ""}}}) {
    const std::string fields = field("key", c.sent.key) + "," + field("proof", c.sent.proof) + "," +
                               field("host", c.sent.host);
    SCOPED_TRACE(fields.substr(0, 80));
    const auto reg_body = expect_ok(decode_client(reg + fields + "}")).body;
    EXPECT_EQ(std::get<RegisterUser>(reg_body).proof, c.decoded);
    for (const std::string type : {"verify-riot", "link-request"}) {
      const auto body = expect_ok(decode_client(R"({"type":")" + type +
                                                R"(","id":"q","riotId":"a#b",)" + fields + "}"))
                            .body;
      EXPECT_EQ(type == "verify-riot" ? std::get<VerifyRiot>(body).proof
                                      : std::get<LinkRequest>(body).proof,
                c.decoded);
    }
  }
  const std::string long_code(kMaxLinkCodeChars + 1, 'C');
  for (const auto& [sent, decoded] : std::vector<std::pair<std::string, std::string>>{
           {"", ""}, {long_code, ""}, {long_code.substr(1), long_code.substr(1)}}) {
    EXPECT_EQ(std::get<LinkApprove>(expect_ok(decode_client(R"({"type":"link-approve","id":"q",)" +
                                                            field("code", sent) + "}"))
                                        .body)
                  .code,
              decoded);
  }
  for (const auto& [sent, decoded] :
       std::vector<std::pair<std::string, std::string>>{{"", ""}, {kKey + "K", ""}, {kKey, kKey}}) {
    EXPECT_EQ(
        std::get<UnlinkDevice>(expect_ok(decode_client(R"({"type":"unlink-device","id":"q",)" +
                                                       field("key", sent) + "}"))
                                   .body)
            .key,
        decoded);
  }
}

struct BadIdentityFrame {
  std::string name;
  std::string frame;
  std::string re;
  std::string mentions;  // the message says this of the field
};

void PrintTo(const BadIdentityFrame& c, std::ostream* os) { *os << c.name; }

std::vector<BadIdentityFrame> bad_identity_frames() {
  const std::string reg = R"({"type":"register-user","id":"q","riotId":"a#b",)";
  const std::string key = R"("key":")" + kKey + "\"";
  const std::string proof = R"("proof":")" + kSig + "\"";
  const std::string host = R"("host":"h")";
  const std::string required = " is required";
  const std::string not_string = " must be a string";

  std::vector<BadIdentityFrame> frames{
      // register-user: key, proof and host come together.
      {"RegisterKeyOnly", reg + key + "}", "register-user", "proof" + required},
      {"RegisterProofOnly", reg + proof + "}", "register-user", "key" + required},
      {"RegisterHostOnly", reg + host + "}", "register-user", "key" + required},
      {"RegisterMissingKey", reg + proof + "," + host + "}", "register-user", "key" + required},
      {"RegisterMissingProof", reg + key + "," + host + "}", "register-user", "proof" + required},
      {"RegisterMissingHost", reg + key + "," + proof + "}", "register-user", "host" + required},
      {"RegisterNullHost", reg + key + "," + proof + R"(,"host":null})", "register-user",
       "host" + required},
      // register-user: types.
      {"RegisterNumericKey", reg + R"("key":43,)" + proof + "," + host + "}", "register-user",
       "key" + not_string},
      {"RegisterArrayProof", reg + key + R"(,"proof":["x"],)" + host + "}", "register-user",
       "proof" + not_string},
      {"RegisterObjectHost", reg + key + "," + proof + R"(,"host":{"name":"h"}})", "register-user",
       "host" + not_string},
      {"RegisterBoolKey", reg + R"("key":true,)" + proof + "," + host + "}", "register-user",
       "key" + not_string},
      // hello has no fields but keeps the frame rules.
      {"HelloBadId", R"({"type":"hello","id":7})", "hello", "id must be a string"},
  };
  // verify-riot and link-request: riotId and all three proof fields required.
  for (const std::string type : {"verify-riot", "link-request"}) {
    const std::string head = R"({"type":")" + type + R"(","id":"q",)";
    const std::string riot = R"("riotId":"a#b",)";
    const std::string prefix = type == "verify-riot" ? "Verify" : "Link";
    const std::vector<BadIdentityFrame> per_type{
        {prefix + "MissingRiotId", head + key + "," + proof + "," + host + "}", type,
         "riotId" + required},
        {prefix + "InvalidRiotId",
         head + R"("riotId":"nohash",)" + key + "," + proof + "," + host + "}", type,
         "riotId must be a Riot ID"},
        {prefix + "NumericRiotId", head + R"("riotId":5,)" + key + "," + proof + "," + host + "}",
         type, "riotId" + not_string},
        {prefix + "WithoutProofFields", head + R"("riotId":"a#b"})", type, "key" + required},
        {prefix + "MissingKey", head + riot + proof + "," + host + "}", type, "key" + required},
        {prefix + "MissingProof", head + riot + key + "," + host + "}", type, "proof" + required},
        {prefix + "MissingHost", head + riot + key + "," + proof + "}", type, "host" + required},
        {prefix + "NumericProof", head + riot + key + R"(,"proof":1,)" + host + "}", type,
         "proof" + not_string},
        {prefix + "ArrayHost", head + riot + key + "," + proof + R"(,"host":["h"]})", type,
         "host" + not_string},
    };
    frames.insert(frames.end(), per_type.begin(), per_type.end());
  }
  const std::vector<BadIdentityFrame> rest{
      {"LinkApproveMissingCode", R"({"type":"link-approve","id":"q"})", "link-approve",
       "code" + required},
      {"LinkApproveNumericCode", R"({"type":"link-approve","id":"q","code":12345678})",
       "link-approve", "code" + not_string},
      {"UnlinkMissingKey", R"({"type":"unlink-device","id":"q"})", "unlink-device",
       "key" + required},
      {"UnlinkObjectKey", R"({"type":"unlink-device","id":"q","key":{}})", "unlink-device",
       "key" + not_string},
  };
  frames.insert(frames.end(), rest.begin(), rest.end());
  return frames;
}

class IdentityClientBadFrame : public ::testing::TestWithParam<BadIdentityFrame> {};

TEST_P(IdentityClientBadFrame, IsABadMessageNamingTheField) {
  const BadIdentityFrame& c = GetParam();
  const DecodeError e = expect_error(decode_client(c.frame));
  SCOPED_TRACE(describe(e));
  EXPECT_EQ(e.code, ErrorCode::BadMessage);
  EXPECT_EQ(e.re, c.re);
  if (c.name != "HelloBadId") {
    EXPECT_EQ(e.id, "q");  // the reply carries the request's id
  }
  EXPECT_NE(e.message.find(c.mentions), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Frames, IdentityClientBadFrame, ::testing::ValuesIn(bad_identity_frames()),
                         [](const auto& info) { return info.param.name; });

TEST(IdentityClientDecode, ServerOnlyTypesAreUnknownToTheServer) {
  for (const char* frame :
       {R"({"type":"verify-riot-challenge","riotId":"a#b"})", R"({"type":"verified"})",
        R"({"type":"link-code","code":"x"})", R"({"type":"link-approved","key":"k"})",
        R"({"type":"devices","devices":[]})", R"({"type":"device-unlinked","key":"k"})",
        R"({"type":"user-identity","channelId":"c"})"}) {
    EXPECT_EQ(expect_error(decode_client(frame)).code, ErrorCode::UnknownType) << frame;
  }
}

// ---- decode_server: what clients accept ----

TEST(IdentityServerDecode, V1ConnectedWithoutIdentityIsLevelNone) {
  const auto m = expect_ok(decode_server(
      R"({"type":"connected","id":"r","peerId":"p","iceServers":[],"server":{"name":"n","version":"v"}})"));
  EXPECT_EQ(m, (ServerMessage{"r", Connected{"p", {}, {"n", "v"}, IdentityLevel::None}}));
  const auto riot = expect_ok(decode_server(
      R"({"type":"connected","peerId":"p","iceServers":[],"server":{"name":"n","version":"v"},"identity":"riot"})"));
  EXPECT_EQ(std::get<Connected>(riot.body).identity, IdentityLevel::Riot);
}

TEST(IdentityServerDecode, V1MembersOffersAndErrorsDecodeWithDefaults) {
  const auto joined = expect_ok(decode_server(
      R"({"type":"joined-channel","channelId":"c","members":[{"peerId":"p","riotId":"a#b"},)"
      R"({"peerId":"q","riotId":"c#d","identity":"key"}]})"));
  EXPECT_EQ(
      std::get<JoinedChannel>(joined.body).members,
      (std::vector<Member>{{"p", "a#b", IdentityLevel::None}, {"q", "c#d", IdentityLevel::Key}}));
  const auto offer = expect_ok(decode_server(
      R"({"type":"channel-available","channelId":"c","gameId":1,"teamId":100,"roster":[]})"));
  EXPECT_EQ(std::get<ChannelAvailable>(offer.body).origin, ChannelOrigin::Client);
  const auto riot_offer = expect_ok(decode_server(
      R"({"type":"channel-available","channelId":"c","gameId":1,"teamId":100,"roster":[],"origin":"riot"})"));
  EXPECT_EQ(std::get<ChannelAvailable>(riot_offer.body).origin, ChannelOrigin::Riot);
  const auto error =
      expect_ok(decode_server(R"({"type":"error","code":"verify-busy","message":"m"})"));
  EXPECT_EQ(std::get<Error>(error.body).retry_after_ms, std::nullopt);
  const auto busy = expect_ok(
      decode_server(R"({"type":"error","code":"verify-busy","message":"m","retryAfterMs":1500})"));
  EXPECT_EQ(std::get<Error>(busy.body).retry_after_ms, 1500);
}

TEST(IdentityServerDecode, NewerFeaturesAndPoliciesAreKeptAsText) {
  const auto m = expect_ok(decode_server(
      R"({"type":"hello","id":"h","challenge":"c","features":["identity-1","later"],"policy":"strict"})"));
  EXPECT_EQ(m, (ServerMessage{"h", HelloReply{"c", {"identity-1", "later"}, "strict"}}));
}

struct BadIdentityServerFrame {
  std::string name;
  std::string frame;
  std::string mentions;
};

void PrintTo(const BadIdentityServerFrame& c, std::ostream* os) { *os << c.name; }

class IdentityServerBadFrame : public ::testing::TestWithParam<BadIdentityServerFrame> {};

TEST_P(IdentityServerBadFrame, IsRefusedAsBadMessage) {
  const auto& c = GetParam();
  const DecodeError e = expect_error(decode_server(c.frame));
  SCOPED_TRACE(describe(e));
  EXPECT_EQ(e.code, ErrorCode::BadMessage);
  EXPECT_NE(e.message.find(c.mentions), std::string::npos);
}

const std::string kConnectedHead =
    R"({"type":"connected","peerId":"p","iceServers":[],"server":{"name":"n","version":"v"},)";

INSTANTIATE_TEST_SUITE_P(
    Frames, IdentityServerBadFrame,
    ::testing::Values(
        BadIdentityServerFrame{"ConnectedUnknownLevel", kConnectedHead + R"("identity":"gold"})",
                               "identity"},
        BadIdentityServerFrame{"ConnectedNumericLevel", kConnectedHead + R"("identity":2})",
                               "identity"},
        BadIdentityServerFrame{
            "MemberUnknownLevel",
            R"({"type":"joined-channel","channelId":"c","members":[{"peerId":"p","riotId":"a#b","identity":"x"}]})",
            "members[0].identity"},
        BadIdentityServerFrame{
            "UserJoinedMemberUnknownLevel",
            R"({"type":"user-joined-channel","channelId":"c","member":{"peerId":"p","riotId":"a#b","identity":""}})",
            "member.identity"},
        BadIdentityServerFrame{
            "OfferUnknownOrigin",
            R"({"type":"channel-available","channelId":"c","gameId":1,"teamId":100,"roster":[],"origin":"server"})",
            "origin"},
        BadIdentityServerFrame{
            "ErrorRetryAfterString",
            R"({"type":"error","code":"verify-busy","message":"m","retryAfterMs":"5"})",
            "retryAfterMs"},
        BadIdentityServerFrame{
            "ErrorRetryAfterFraction",
            R"({"type":"error","code":"verify-busy","message":"m","retryAfterMs":1.5})",
            "retryAfterMs"},
        BadIdentityServerFrame{"HelloMissingChallenge",
                               R"({"type":"hello","features":[],"policy":"none"})", "challenge"},
        BadIdentityServerFrame{
            "HelloFeaturesNotArray",
            R"({"type":"hello","challenge":"c","features":"identity-1","policy":"none"})",
            "features"},
        BadIdentityServerFrame{"HelloFeatureNumber",
                               R"({"type":"hello","challenge":"c","features":[1],"policy":"none"})",
                               "features[0]"},
        BadIdentityServerFrame{"HelloMissingPolicy",
                               R"({"type":"hello","challenge":"c","features":[]})", "policy"},
        BadIdentityServerFrame{
            "ChallengeMissingIcon",
            R"({"type":"verify-riot-challenge","riotId":"a#b","method":"profile-icon","round":1,"expiresAtMs":1})",
            "iconId"},
        BadIdentityServerFrame{
            "ChallengeIconOutOfRange",
            R"({"type":"verify-riot-challenge","riotId":"a#b","method":"profile-icon","iconId":4294967296,"round":1,"expiresAtMs":1})",
            "iconId"},
        BadIdentityServerFrame{
            "ChallengeRoundString",
            R"({"type":"verify-riot-challenge","riotId":"a#b","method":"profile-icon","iconId":1,"round":"1","expiresAtMs":1})",
            "round"},
        BadIdentityServerFrame{
            "ChallengeMissingExpiry",
            R"({"type":"verify-riot-challenge","riotId":"a#b","method":"profile-icon","iconId":1,"round":1})",
            "expiresAtMs"},
        BadIdentityServerFrame{"VerifiedMissingIdentity", R"({"type":"verified","riotId":"a#b"})",
                               "identity"},
        BadIdentityServerFrame{"LinkCodeMissingFingerprint",
                               R"({"type":"link-code","code":"7K3M9QXZ","expiresAtMs":1})",
                               "fingerprint"},
        BadIdentityServerFrame{"LinkApprovedMissingKey", R"({"type":"link-approved"})", "key"},
        BadIdentityServerFrame{"DevicesNotArray", R"({"type":"devices","devices":{}})", "devices"},
        BadIdentityServerFrame{"DeviceNotObject", R"({"type":"devices","devices":["k"]})",
                               "devices[0]"},
        BadIdentityServerFrame{
            "DeviceMissingIdentity",
            R"({"type":"devices","devices":[{"key":"k","boundAtMs":1,"lastUsedMs":2}]})",
            "devices[0].identity"},
        BadIdentityServerFrame{
            "DeviceLastUsedFraction",
            R"({"type":"devices","devices":[{"key":"k","identity":"key","boundAtMs":1,"lastUsedMs":2.5}]})",
            "devices[0].lastUsedMs"},
        BadIdentityServerFrame{"DeviceUnlinkedEmptyKey", R"({"type":"device-unlinked","key":""})",
                               "key"},
        BadIdentityServerFrame{"UserIdentityMissingPeer",
                               R"({"type":"user-identity","channelId":"c","identity":"riot"})",
                               "peerId"},
        BadIdentityServerFrame{
            "UserIdentityUnknownLevel",
            R"({"type":"user-identity","channelId":"c","peerId":"p","identity":"verified"})",
            "identity"}),
    [](const ::testing::TestParamInfo<BadIdentityServerFrame>& info) { return info.param.name; });

}  // namespace
}  // namespace shotcall::protocol
