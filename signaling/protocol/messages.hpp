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

// gameId and teamId arrive as JSON numbers (Riot's numeric ids, teamId 100/200) or strings
// ("lcd-…"). The text is what pairing and channel ids use; `number` remembers how the client
// sent it so the server answers in the same JSON type.
struct IdValue {
  std::string text;
  bool number = false;
  friend bool operator==(const IdValue&, const IdValue&) = default;
};

// ---- client → server -------------------------------------------------------------------------

struct RegisterUser {
  std::string riot_id;
  std::optional<std::string> puuid;
  std::optional<std::string> token;
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

using ClientBody = std::variant<RegisterUser, FindOrCreateChannel, JoinChannel, LeaveChannel,
                                SignalTo, ChatSend, WatchGame, UnwatchGame>;

struct ClientMessage {
  std::optional<std::string> id;  // copied into the direct reply
  ClientBody body;
  friend bool operator==(const ClientMessage&, const ClientMessage&) = default;
};

// ---- server → client -------------------------------------------------------------------------

struct Member {
  std::string peer_id;
  std::string riot_id;  // display form, original case
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

struct ChannelAvailable {
  ChannelInfo channel;
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

using ServerBody =
    std::variant<Connected, ChannelCreated, ChannelAvailable, JoinedChannel, UserJoinedChannel,
                 UserLeftChannel, LeftChannel, SignalFrom, ChatMessage, Notice, Error, Watching,
                 Unwatched, GameEnded>;

struct ServerMessage {
  std::optional<std::string> id;  // set only on direct replies
  ServerBody body;
  friend bool operator==(const ServerMessage&, const ServerMessage&) = default;
};

// The wire `type` of each message.
std::string_view type_name(const ClientBody& body);
std::string_view type_name(const ServerBody& body);

}  // namespace shotcall::protocol
