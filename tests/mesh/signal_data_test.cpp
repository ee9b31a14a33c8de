// The signal payload codec against the browser's RTCSessionDescription / RTCIceCandidate shapes.
#include "app/mesh/signal_data.hpp"

#include <gtest/gtest.h>

using namespace shotcall::mesh;

TEST(SignalData, EncodesOfferInBrowserShape) {
  std::string json = encode_signal(SessionDescription{SdpType::Offer, "v=0\r\no=- 1 2 IN IP4 0\r\n"});
  EXPECT_EQ(json, R"({"sdp":{"type":"offer","sdp":"v=0\r\no=- 1 2 IN IP4 0\r\n"}})");
}

TEST(SignalData, EncodesCandidateInBrowserShape) {
  std::string json = encode_signal(IceCandidate{"candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host", 0});
  EXPECT_EQ(json,
            R"({"ice":{"candidate":"candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host","sdpMLineIndex":0}})");
}

TEST(SignalData, RoundTripsBothKinds) {
  SignalData answer = SessionDescription{SdpType::Answer, "v=0\r\ns=\"quoted\" \\ back\r\n"};
  SignalData cand = IceCandidate{"candidate:x", 3};
  EXPECT_EQ(decode_signal(encode_signal(answer)), answer);
  EXPECT_EQ(decode_signal(encode_signal(cand)), cand);
}

TEST(SignalData, AcceptsBrowserExtrasAndEndOfCandidates) {
  auto a = decode_signal(
      R"({"ice":{"candidate":"candidate:9","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"ab"}})");
  ASSERT_TRUE(a);
  EXPECT_EQ(std::get<IceCandidate>(*a).candidate, "candidate:9");
  auto end = decode_signal(R"({"ice":{"candidate":"","sdpMid":"0"}})");
  ASSERT_TRUE(end);
  EXPECT_EQ(std::get<IceCandidate>(*end), (IceCandidate{"", 0}));
  auto null_cand = decode_signal(R"({"ice":{"candidate":null,"sdpMLineIndex":null}})");
  ASSERT_TRUE(null_cand);
  EXPECT_TRUE(std::get<IceCandidate>(*null_cand).candidate.empty());
}

TEST(SignalData, RejectsMalformedPayloadsWithAReason) {
  const char* bad[] = {
      "",
      "not json",
      "[]",
      "{}",
      R"({"sdp":"v=0"})",
      R"({"sdp":{"type":"pranswer","sdp":"v=0"}})",
      R"({"sdp":{"type":"offer"}})",
      R"({"sdp":{"type":"offer","sdp":""}})",
      R"({"sdp":{"type":1,"sdp":"v=0"}})",
      R"({"ice":{"sdpMLineIndex":0}})",
      R"({"ice":{"candidate":"c","sdpMLineIndex":-1}})",
      R"({"ice":{"candidate":"c","sdpMLineIndex":"0"}})",
      R"({"ice":{"candidate":"c","sdpMLineIndex":1.5}})",
      R"({"ice":{"candidate":"c","sdpMLineIndex":99999999999}})",
      R"({"ice":[]})",
      R"({"sdp":{"type":"offer","sdp":"v=0"},"ice":{"candidate":"c"}})",
  };
  for (const char* text : bad) {
    std::string why;
    EXPECT_FALSE(decode_signal(text, &why)) << text;
    EXPECT_FALSE(why.empty()) << text;
  }
}

TEST(SignalData, RejectsOversizedPayload) {
  std::string huge = R"({"sdp":{"type":"offer","sdp":")" + std::string(70 * 1024, 'a') + "\"}}";
  std::string why;
  EXPECT_FALSE(decode_signal(huge, &why));
  EXPECT_NE(why.find("too large"), std::string::npos);
}

// Found by fuzz/signal_data (its crash input, less the fuzzer's mode byte): json-glib turns a
// lone surrogate escape into bytes that are not UTF-8, so the payload decoded but its re-encoding
// no longer did. Text that is not UTF-8 once unescaped is refused, raw or escaped.
TEST(SignalData, RefusesTextThatIsNotUtf8OnceUnescaped) {
  const char* bad[] = {
      R"({"ice":{"candidate":"candid\ud800a552 typhost","sdpMLineIndex":1,"sdpMid":"0"}})",
      R"({"sdp":{"type":"offer","sdp":"v=0\udc00"}})",
      "{\"ice\":{\"candidate\":\"candidate:\xff\"}}",
      "{\"sdp\":{\"type\":\"answer\",\"sdp\":\"v=0\xc3\"}}",
  };
  for (const char* text : bad) {
    std::string why;
    const auto decoded = decode_signal(text, &why);
    EXPECT_FALSE(decoded) << text << " → " << encode_signal(*decoded);
    EXPECT_FALSE(why.empty()) << text;
  }
  // A surrogate pair is one character and stays welcome.
  const auto pair = decode_signal(R"({"ice":{"candidate":"c\ud83d\ude00"}})");
  ASSERT_TRUE(pair);
  EXPECT_EQ(std::get<IceCandidate>(*pair).candidate, "c\xf0\x9f\x98\x80");
}
