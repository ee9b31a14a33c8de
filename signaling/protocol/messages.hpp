// Typed messages of the Shotcall signaling protocol, version 1 (shared/protocol-v1.md).
// Plain data: no JSON, no IO. codec.hpp turns these into text frames and back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "signaling/protocol/error_code.hpp"

namespace shotcall::protocol {

// Limits the protocol fixes (shared/protocol-v1.md) or that keep every field bounded.
inline constexpr std::size_t kMaxRequestIdBytes = 64;
inline constexpr std::size_t kMaxChannelIdBytes = 128;
inline constexpr std::size_t kMaxGameIdBytes = 64;
inline constexpr std::size_t kMaxTeamIdBytes = 16;
inline constexpr std::size_t kMaxPeerIdBytes = 64;
inline constexpr std::size_t kMaxPuuidBytes = 128;
inline constexpr std::size_t kMaxTokenBytes = 512;
inline constexpr std::size_t kMaxTeammates = 10;
inline constexpr std::size_t kMinChatChars = 1;
inline constexpr std::size_t kMaxChatChars = 500;
// identity-1: base64url of a 32-byte key is 43 characters, of a 64-byte signature 86; a host name
// is at most 253 bytes plus `:port`; a link code 8 characters (dashes and spaces allowed). The
// codec keeps at most these many characters of each (128 for keys and signatures, so that a
// padded one still reads as it came); a longer value reaches the core empty, and is answered
// with the request's own refusal like any malformed one (codec_client.cpp, judged_string).
inline constexpr std::size_t kMaxKeyChars = 128;
inline constexpr std::size_t kMaxProofChars = 128;
inline constexpr std::size_t kMaxHostBytes = 262;
inline constexpr std::size_t kMaxLinkCodeChars = 16;

// gameId and teamId arrive as JSON numbers (Riot's numeric ids, teamId 100/200) or strings
// ("lcd-…"). The text is what pairing and channel ids use; `number` remembers how the client
// sent it so the server answers in the same JSON type.
struct IdValue {
  std::string text;
  bool number = false;
  friend bool operator==(const IdValue&, const IdValue&) = default;
};

// ---- client → server -------------------------------------------------------------------------

// identity-1 (shared/protocol-identity.md): the three fields of a proof, which come together.
// `key` and `proof` are base64url text as sent; `host` the name the client dialed.
struct Proof {
  std::string key;
  std::string proof;
  std::string host;
  friend bool operator==(const Proof&, const Proof&) = default;
};

// The trust a connection's Riot ID holds (shared/protocol-identity.md, "What each policy
// guarantees"); wire names `none`, `key`, `riot`.
enum class IdentityLevel { None, Key, Riot };

struct RegisterUser {
  std::string riot_id;
  std::optional<std::string> puuid;
  std::optional<std::string> token;
  std::optional<Proof> proof;  // identity-1, purpose `register`
  friend bool operator==(const RegisterUser&, const RegisterUser&) = default;
};

struct FindOrCreateChannel {
  IdValue game_id;
  IdValue team_id;
  std::vector<std::string> teammates;  // Riot IDs as the client spells them, sender included
  friend bool operator==(const FindOrCreateChannel&, const FindOrCreateChannel&) = default;
};

struct JoinChannel {
  std::string channel_id;
  friend bool operator==(const JoinChannel&, const JoinChannel&) = default;
};

struct LeaveChannel {
  std::string channel_id;
  friend bool operator==(const LeaveChannel&, const LeaveChannel&) = default;
};

// `data` is the JSON object the client sent, serialised compactly; relayed untouched.
struct SignalTo {
  std::string to;
  std::string data_json;
  friend bool operator==(const SignalTo&, const SignalTo&) = default;
};

struct ChatSend {
  std::string channel_id;
  std::string text;
  friend bool operator==(const ChatSend&, const ChatSend&) = default;
};

// Extension (docs/protocol.md, "Extensions"): server-side game detection. No fields: the server
// watches the Riot ID the connection registered, never one the client names.
struct WatchGame {
  friend bool operator==(const WatchGame&, const WatchGame&) = default;
};

struct UnwatchGame {
  friend bool operator==(const UnwatchGame&, const UnwatchGame&) = default;
};

// Extension (docs/protocol.md, "Extensions"): fresh `iceServers` for a long-lived connection
// whose time-limited TURN credentials are about to expire. No fields; the reply is `ice-servers`.
struct RefreshIceServers {
  friend bool operator==(const RefreshIceServers&, const RefreshIceServers&) = default;
};

// ---- identity-1, client → server (shared/protocol-identity.md, "Messages") ----
// Asks for a challenge; the server answers `hello` (HelloReply).
struct Hello {
  friend bool operator==(const Hello&, const Hello&) = default;
};

struct VerifyRiot {
  std::string riot_id;
  Proof proof;  // purpose `verify-riot`
  friend bool operator==(const VerifyRiot&, const VerifyRiot&) = default;
};

struct VerifyRiotCheck {
  friend bool operator==(const VerifyRiotCheck&, const VerifyRiotCheck&) = default;
};

struct LinkRequest {
  std::string riot_id;
  Proof proof;  // purpose `link-request`
  friend bool operator==(const LinkRequest&, const LinkRequest&) = default;
};

struct LinkApprove {
  std::string code;
  friend bool operator==(const LinkApprove&, const LinkApprove&) = default;
};

struct ListDevices {
  friend bool operator==(const ListDevices&, const ListDevices&) = default;
};

struct UnlinkDevice {
  std::string key;
  friend bool operator==(const UnlinkDevice&, const UnlinkDevice&) = default;
};

using ClientBody = std::variant<RegisterUser, FindOrCreateChannel, JoinChannel, LeaveChannel,
                                SignalTo, ChatSend, WatchGame, UnwatchGame, Hello, VerifyRiot,
                                VerifyRiotCheck, LinkRequest, LinkApprove, ListDevices,
                                UnlinkDevice, RefreshIceServers>;

struct ClientMessage {
  std::optional<std::string> id;  // copied into the direct reply
  ClientBody body;
  friend bool operator==(const ClientMessage&, const ClientMessage&) = default;
};

// ---- server → client -------------------------------------------------------------------------

struct Member {
  std::string peer_id;
  std::string riot_id;  // display form, original case
  IdentityLevel identity = IdentityLevel::None;  // identity-1; always written
  friend bool operator==(const Member&, const Member&) = default;
};

// RTCIceServer as a browser takes it.
struct IceServer {
  std::vector<std::string> urls;
  std::optional<std::string> username;
  std::optional<std::string> credential;
  friend bool operator==(const IceServer&, const IceServer&) = default;
};

struct ServerInfo {
  std::string name;
  std::string version;
  friend bool operator==(const ServerInfo&, const ServerInfo&) = default;
};

struct Connected {
  std::string peer_id;
  std::vector<IceServer> ice_servers;
  ServerInfo server;
  IdentityLevel identity = IdentityLevel::None;  // identity-1; always written
  friend bool operator==(const Connected&, const Connected&) = default;
};

struct ChannelInfo {
  std::string channel_id;
  IdValue game_id;
  IdValue team_id;
  std::vector<std::string> roster;  // display forms
  friend bool operator==(const ChannelInfo&, const ChannelInfo&) = default;
};

struct ChannelCreated {
  ChannelInfo channel;
  friend bool operator==(const ChannelCreated&, const ChannelCreated&) = default;
};

// Where a channel's roster came from (identity-1, "Policy, offers and rosters"): `riot` when it
// equals a roster the server built from Riot's data, else `client`.
enum class ChannelOrigin { Client, Riot };

struct ChannelAvailable {
  ChannelInfo channel;
  ChannelOrigin origin = ChannelOrigin::Client;  // always written
  friend bool operator==(const ChannelAvailable&, const ChannelAvailable&) = default;
};

struct JoinedChannel {
  std::string channel_id;
  std::vector<Member> members;  // the joiner excluded
  friend bool operator==(const JoinedChannel&, const JoinedChannel&) = default;
};

struct UserJoinedChannel {
  std::string channel_id;
  Member member;
  friend bool operator==(const UserJoinedChannel&, const UserJoinedChannel&) = default;
};

struct UserLeftChannel {
  std::string channel_id;
  std::string peer_id;
  friend bool operator==(const UserLeftChannel&, const UserLeftChannel&) = default;
};

struct LeftChannel {
  std::string channel_id;
  friend bool operator==(const LeftChannel&, const LeftChannel&) = default;
};

struct SignalFrom {
  std::string from;
  std::string data_json;  // the sender's object, as it was relayed
  friend bool operator==(const SignalFrom&, const SignalFrom&) = default;
};

struct ChatMessage {
  std::string channel_id;
  std::string from;     // peerId
  std::string riot_id;  // display form
  std::string text;
  std::int64_t ts = 0;  // ms since the epoch
  friend bool operator==(const ChatMessage&, const ChatMessage&) = default;
};

enum class NoticeLevel { Info, Warning };

struct Notice {
  NoticeLevel level = NoticeLevel::Info;
  std::string text;
  friend bool operator==(const Notice&, const Notice&) = default;
};

struct Error {
  ErrorCode code = ErrorCode::BadMessage;
  std::string message;            // for a person
  std::optional<std::string> re;  // the type that failed, where known
  std::optional<std::int64_t> retry_after_ms;  // identity-1: with `verify-busy`
  friend bool operator==(const Error&, const Error&) = default;
};

// Extension replies and events (docs/protocol.md, "Extensions"); a client sees them only after
// sending watch-game.
struct Watching {
  std::string riot_id;  // the watched Riot ID, as registered
  friend bool operator==(const Watching&, const Watching&) = default;
};

struct Unwatched {
  friend bool operator==(const Unwatched&, const Unwatched&) = default;
};

// The game of a channel the server made from Riot's data is over (sent to the watching members,
// beside a `notice` for people): leave the channel, the next game gets a new one.
struct GameEnded {
  std::string channel_id;
  IdValue game_id;
  friend bool operator==(const GameEnded&, const GameEnded&) = default;
};

// The reply to refresh-ice-servers (wire type `ice-servers`): what `connected.iceServers` would
// hold now, TURN credentials minted afresh. Sent only to a client that asked.
struct IceServersReply {
  std::vector<IceServer> ice_servers;
  friend bool operator==(const IceServersReply&, const IceServersReply&) = default;
};

// ---- identity-1, server → client ----
// The reply to `hello` (wire type `hello`).
struct HelloReply {
  std::string challenge;              // base64url of >= 16 random bytes
  std::vector<std::string> features;  // `identity-1`, `riot-verify` when the server can ask Riot
  std::string policy;                 // `none`, `key` or `riot`
  friend bool operator==(const HelloReply&, const HelloReply&) = default;
};

struct VerifyRiotChallenge {
  std::string riot_id;
  std::string method = "profile-icon";
  int icon_id = 0;
  int round = 1;  // 1 or 2
  std::int64_t expires_at_ms = 0;
  friend bool operator==(const VerifyRiotChallenge&, const VerifyRiotChallenge&) = default;
};

struct Verified {
  std::string riot_id;
  IdentityLevel identity = IdentityLevel::Riot;
  friend bool operator==(const Verified&, const Verified&) = default;
};

// wire type `link-code`
struct LinkCodeIssued {
  std::string code;         // 8 Crockford base32 characters
  std::string fingerprint;  // of the new key
  std::int64_t expires_at_ms = 0;
  friend bool operator==(const LinkCodeIssued&, const LinkCodeIssued&) = default;
};

struct LinkApproved {
  std::string key;
  friend bool operator==(const LinkApproved&, const LinkApproved&) = default;
};

struct Device {
  std::string key;
  IdentityLevel identity = IdentityLevel::Key;
  std::int64_t bound_at_ms = 0;
  std::int64_t last_used_ms = 0;
  friend bool operator==(const Device&, const Device&) = default;
};

// wire type `devices`
struct DeviceList {
  std::vector<Device> devices;
  friend bool operator==(const DeviceList&, const DeviceList&) = default;
};

struct DeviceUnlinked {
  std::string key;
  friend bool operator==(const DeviceUnlinked&, const DeviceUnlinked&) = default;
};

struct UserIdentity {
  std::string channel_id;
  std::string peer_id;
  IdentityLevel identity = IdentityLevel::None;
  friend bool operator==(const UserIdentity&, const UserIdentity&) = default;
};

using ServerBody =
    std::variant<Connected, ChannelCreated, ChannelAvailable, JoinedChannel, UserJoinedChannel,
                 UserLeftChannel, LeftChannel, SignalFrom, ChatMessage, Notice, Error, Watching,
                 Unwatched, GameEnded, HelloReply, VerifyRiotChallenge, Verified, LinkCodeIssued,
                 LinkApproved, DeviceList, DeviceUnlinked, UserIdentity, IceServersReply>;

struct ServerMessage {
  std::optional<std::string> id;  // set only on direct replies
  ServerBody body;
  friend bool operator==(const ServerMessage&, const ServerMessage&) = default;
};

// The wire `type` of each message.
std::string_view type_name(const ClientBody& body);
std::string_view type_name(const ServerBody& body);

std::string_view to_wire(IdentityLevel level);
std::optional<IdentityLevel> identity_level_from_wire(std::string_view name);
std::string_view to_wire(ChannelOrigin origin);

}  // namespace shotcall::protocol
