#include "samples.hpp"

namespace shotcall::protocol::testing {

namespace {
const std::string kOffer =
    R"({"sdp":{"type":"offer","sdp":"v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n"}})";
const std::string kCandidate =
    R"({"ice":{"candidate":"candidate:1 1 UDP 2013266431 127.0.0.1 50000 typ host","sdpMLineIndex":0}})";
// Every JSON kind, escapes, non-ASCII, fractions, nesting; in the compact form decode produces.
const std::string kRichData =
    R"({"a":[1,-2,0.5,1e-07,true,false,null,{}],"s":"q\"b\\s/\n\u0001\u001f ä 日本 😀","n":{"m":{"k":[]}}})";
}  // namespace

std::vector<ClientMessage> client_samples() {
  return {
      {std::nullopt, RegisterUser{"Faker#KR1", std::nullopt, std::nullopt}},
      {"r-1", RegisterUser{"Hide on bush#KR1", "puuid-0123456789abcdef", "s3cret-token"}},
      {"r-2", RegisterUser{"Ärger Über#ÄÖÜ", "p", std::nullopt}},
      {std::nullopt, RegisterUser{"日本語の名前#JP1", std::nullopt, ""}},
      {"f", FindOrCreateChannel{{"6789012345", true},
                                {"100", true},
                                {"Faker#KR1", "Zeus#KR1", "Oner#KR1", "Gumayusi#KR1", "Keria#KR1"}}},
      {std::nullopt, FindOrCreateChannel{{"lcd-0123456789abcdef", false},
                                         {"200", false},
                                         {"Σίσυφος#GR1"}}},
      {std::nullopt, FindOrCreateChannel{{"-1", true}, {"blue", false}, {"a#b", "한국어#KR"}}},
      {"j", JoinChannel{"6789012345_100_1700000000000"}},
      {std::nullopt, JoinChannel{"lcd-0123456789abcdef_200_1700000000001"}},
      {"l", LeaveChannel{"6789012345_100_1700000000000"}},
      {std::nullopt, LeaveChannel{"c"}},
      {std::nullopt, SignalTo{"peer-a1b2c3d4e5f60718", kOffer}},
      {"s", SignalTo{"peer-2", kCandidate}},
      {std::nullopt, SignalTo{"peer-3", "{}"}},
      {std::nullopt, SignalTo{"peer-4", kRichData}},
      {std::nullopt, ChatSend{"c1", "gg wp"}},
      {"c", ChatSend{"c1", "Größe ÄÖÜ — 日本語 한국어 🎮 \"quoted\" \\ back\nslash\ttab"}},
      {std::nullopt, ChatSend{"c1", std::string(500, 'x')}},
      {"w", WatchGame{}},
      {std::nullopt, WatchGame{}},
      {"u", UnwatchGame{}},
  };
}

std::vector<ServerMessage> server_samples() {
  const ChannelInfo numeric{"6789012345_100_1700000000000",
                            {"6789012345", true},
                            {"100", true},
                            {"Faker#KR1", "Zeus#KR1"}};
  const ChannelInfo text{"lcd-0123456789abcdef_200_1700000000001",
                         {"lcd-0123456789abcdef", false},
                         {"200", false},
                         {"Ärger#ÄÖÜ", "日本語#JP1", "한국어#KR"}};
  return {
      {"r-1",
       Connected{"peer-a1b2c3d4e5f60718",
                 {IceServer{{"stun:127.0.0.1:3478"}, std::nullopt, std::nullopt},
                  IceServer{{"turn:127.0.0.1:3478?transport=udp", "turns:127.0.0.1:5349"},
                            "user",
                            "pässword"}},
                 ServerInfo{"shotcall-signal", "0.1.0"}}},
      {std::nullopt, Connected{"p", {}, ServerInfo{"", ""}}},
      {"f", ChannelCreated{numeric}},
      {std::nullopt, ChannelCreated{text}},
      {std::nullopt, ChannelAvailable{numeric}},
      {std::nullopt, ChannelAvailable{text}},
      {"j", JoinedChannel{numeric.channel_id, {}}},
      {std::nullopt, JoinedChannel{text.channel_id,
                                   {Member{"peer-1", "Ärger#ÄÖÜ"}, Member{"peer-2", "日本語#JP1"}}}},
      {std::nullopt, UserJoinedChannel{numeric.channel_id, Member{"peer-3", "한국어#KR"}}},
      {std::nullopt, UserLeftChannel{numeric.channel_id, "peer-3"}},
      {"l", LeftChannel{numeric.channel_id}},
      {std::nullopt, LeftChannel{text.channel_id}},
      {std::nullopt,
       SignalFrom{"peer-1",
                  R"({"sdp":{"type":"answer","sdp":"v=0\r\na=rtpmap:111 opus/48000/2\r\n"}})"}},
      {std::nullopt, SignalFrom{"peer-2", R"({"ice":{"candidate":"","sdpMLineIndex":0}})"}},
      {std::nullopt, SignalFrom{"peer-3", "{}"}},
      {std::nullopt, ChatMessage{numeric.channel_id, "peer-1", "Faker#KR1", "gg", 1700000000123}},
      {std::nullopt, ChatMessage{text.channel_id, "peer-2", "日本語#JP1",
                                 "こんにちは 👋 \"x\"\n", 0}},
      {std::nullopt, Notice{NoticeLevel::Info, "server restarting in 5 minutes"}},
      {std::nullopt, Notice{NoticeLevel::Warning, "Someone tried to use your Riot ID — Größe"}},
      {"e", Error{ErrorCode::BadMessage, "riotId is required", "register-user"}},
      {std::nullopt, Error{ErrorCode::RateLimited, "slow down", std::nullopt}},
      {std::nullopt, Error{ErrorCode::Unauthorized, "", "register-user"}},
      {std::nullopt, Error{ErrorCode::BadJson, "invalid JSON at byte 3: expected ':'", std::nullopt}},
      {"w", Watching{"Hide on bush#KR1"}},
      {std::nullopt, Watching{"Ärger Über#ÄÖÜ"}},
      {"u", Unwatched{}},
      {std::nullopt, GameEnded{"EUW1_6912345678_100_1700000000000", {"EUW1_6912345678", false}}},
      {std::nullopt, GameEnded{numeric.channel_id, {"6789012345", true}}},
      {"w", Error{ErrorCode::WatchUnavailable, "no Riot API key", "watch-game"}},
      {"u", Error{ErrorCode::NotWatching, "not watching", "unwatch-game"}},
  };
}

}  // namespace shotcall::protocol::testing
