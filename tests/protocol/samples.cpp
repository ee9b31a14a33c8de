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
// identity-1 proofs at their full lengths (43 and 86 base64url characters), and one the codec
// passes on although the core will refuse it (short, not base64url).
const Proof kProof{"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
                   "5vDUAKjFdBSwFk1UZy8nRTpYW1zpRUmJ2J-3WXbSjHTqRjYNFMh2DO4u-rAsNKixyDK3K8K45ZaEbCgz"
                   "h7BIAg",
                   "voice.example.org"};
const Proof kOddProof{"k", "not base64url!", "[::1]:7800"};
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
      {"rp", RegisterUser{"Faker#KR1", std::nullopt, std::nullopt, kProof}},
      {std::nullopt, RegisterUser{"Ärger Über#ÄÖÜ", "p", "t", kOddProof}},
      {"h", Hello{}},
      {std::nullopt, Hello{}},
      {"v", VerifyRiot{"Hide on bush#KR1", kProof}},
      {std::nullopt, VerifyRiot{"日本語の名前#JP1", kOddProof}},
      {"vc", VerifyRiotCheck{}},
      {"lr", LinkRequest{"Faker#KR1", kProof}},
      {"la", LinkApprove{"7K3M-9QXZ"}},
      {std::nullopt, LinkApprove{"7k3m9qxz"}},
      {"ld", ListDevices{}},
      {"ud", UnlinkDevice{kProof.key}},
      {"ice", RefreshIceServers{}},
      {std::nullopt, RefreshIceServers{}},
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
      {"ice",
       IceServersReply{{IceServer{{"stun:127.0.0.1:3478"}, std::nullopt, std::nullopt},
                        IceServer{{"turn:127.0.0.1:3478?transport=udp", "turns:127.0.0.1:5349"},
                                  "1700043200:peer-a1b2c3d4e5f60718",
                                  "4nu1JHnU1TzwPe68P1ItsR/ObMQ="}}}},
      {std::nullopt, IceServersReply{}},
      {"ice", Error{ErrorCode::NotRegistered, "send register-user first", "refresh-ice-servers"}},
      // identity-1: levels on connected and members, origin on offers, retryAfterMs on errors.
      {"r-2", Connected{"peer-k", {}, ServerInfo{"shotcall-signal", "0.2.0"}, IdentityLevel::Key}},
      {"r-3", Connected{"peer-r", {}, ServerInfo{"shotcall-signal", "0.2.0"}, IdentityLevel::Riot}},
      {std::nullopt, ChannelAvailable{numeric, ChannelOrigin::Riot}},
      {std::nullopt, JoinedChannel{text.channel_id,
                                   {Member{"peer-1", "Ärger#ÄÖÜ", IdentityLevel::None},
                                    Member{"peer-2", "日本語#JP1", IdentityLevel::Key},
                                    Member{"peer-3", "한국어#KR", IdentityLevel::Riot}}}},
      {std::nullopt, UserJoinedChannel{numeric.channel_id,
                                       Member{"peer-4", "Faker#KR1", IdentityLevel::Riot}}},
      {"v", Error{ErrorCode::VerifyBusy, "too many verifications", "verify-riot", 61000}},
      {"r", Error{ErrorCode::RiotIdBound, "Faker#KR1 is bound to a key", "register-user"}},
      {"r", Error{ErrorCode::BadProof, "signature does not verify", "register-user"}},
      {"r", Error{ErrorCode::ProofRequired, "this server asks for a proof", "register-user"}},
      {"r", Error{ErrorCode::Unavailable, "retry later", "register-user"}},
      {"v", Error{ErrorCode::VerifyUnavailable, "no Riot API key", "verify-riot"}},
      {"v", Error{ErrorCode::VerifyFailed, "time ran out", "verify-riot-check"}},
      {"a", Error{ErrorCode::BadLinkCode, "unknown code", "link-approve"}},
      {"u", Error{ErrorCode::NoSuchKey, "not bound here", "unlink-device"}},
      {"h", HelloReply{"q8bLrY3f0x2Qm1aZ7uVb9A", {"identity-1", "riot-verify"}, "key"}},
      {std::nullopt, HelloReply{"AAAAAAAAAAAAAAAAAAAAAA", {"identity-1"}, "none"}},
      {"v", VerifyRiotChallenge{"Hide on bush#KR1", "profile-icon", 7, 1, 1700000600000}},
      {"vc", VerifyRiotChallenge{"Ärger Über#ÄÖÜ", "profile-icon", 28, 2, 1700000600000}},
      {"vc", Verified{"Hide on bush#KR1", IdentityLevel::Riot}},
      {"lr", LinkCodeIssued{"7K3M9QXZ", "A1B2C3D4", 1700000600000}},
      {"la", LinkApproved{kProof.key}},
      {"ld", DeviceList{{Device{kProof.key, IdentityLevel::Riot, 1700000000000, 1700000500000},
                         Device{"zz", IdentityLevel::Key, 0, 0}}}},
      {std::nullopt, DeviceList{}},
      {"ud", DeviceUnlinked{kProof.key}},
      {std::nullopt, UserIdentity{numeric.channel_id, "peer-1", IdentityLevel::Riot}},
      {std::nullopt, UserIdentity{text.channel_id, "peer-2", IdentityLevel::None}},
  };
}

}  // namespace shotcall::protocol::testing
