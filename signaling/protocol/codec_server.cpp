// Server → client frames: encoding (the server's output, including the relay hot path) and
// decoding for clients. Decoding checks shapes and presence but not the byte limits meant to
// protect the server, and ignores unknown fields, so clients keep working with newer servers.
#include <array>

#include "signaling/protocol/codec.hpp"
#include "signaling/protocol/codec_common.hpp"
#include "signaling/protocol/json_reader.hpp"
#include "signaling/protocol/json_writer.hpp"

namespace shotcall::protocol {
namespace {

using json::FieldReader;
using json::TextRule;

constexpr TextRule kId{};                                                      // non-empty
constexpr TextRule kText{std::numeric_limits<std::size_t>::max(), true};  // anything

std::vector<std::string> read_string_array(FieldReader& r, const char* name, TextRule rule) {
  std::vector<std::string> values;
  if (JsonArray* array = r.array(name, 0, std::numeric_limits<std::size_t>::max())) {
    const guint n = json_array_get_length(array);
    for (guint i = 0; i < n && r.ok(); ++i) {
      values.push_back(r.node_string(json_array_get_element(array, i),
                                     r.path(std::string{name} + "[" + std::to_string(i) + "]"),
                                     rule));
    }
  }
  return values;
}

// identity-1 levels. `required` false: absent (a v1 server) reads as `none`.
IdentityLevel read_identity(FieldReader& r, const char* name, bool required) {
  if (!required && r.find(name) == nullptr) return IdentityLevel::None;
  const std::string text = r.string(name, kId);
  if (!r.ok()) return IdentityLevel::None;
  if (const auto level = identity_level_from_wire(text)) return *level;
  r.fail(r.path(name) + " must be \"none\", \"key\" or \"riot\"");
  return IdentityLevel::None;
}

// An integer the message keeps in an `int` (icon ids, rounds); larger ones are refused rather
// than silently cut.
int small_integer(FieldReader& r, const char* name) {
  const std::int64_t value = r.integer(name);
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
    r.fail(r.path(name) + " is out of range");
    return 0;
  }
  return static_cast<int>(value);
}

// The objects of an array member, each handed to `read` with its own path ("members[2]").
template <typename Read>
void for_each_object(FieldReader& r, const char* name, Read read) {
  JsonArray* array = r.array(name, 0, std::numeric_limits<std::size_t>::max());
  if (array == nullptr) return;
  const guint n = json_array_get_length(array);
  for (guint i = 0; i < n && r.ok(); ++i) {
    const std::string where = r.path(std::string{name} + "[" + std::to_string(i) + "]");
    JsonNode* node = json_array_get_element(array, i);
    if (!JSON_NODE_HOLDS_OBJECT(node)) {
      r.fail(where + " must be an object");
      return;
    }
    read(json_node_get_object(node), where);
  }
}

Member read_member_object(FieldReader& r, JsonObject* object, const std::string& where) {
  FieldReader member = r.nested(object, where);
  Member m{member.string("peerId", kId), member.string("riotId", kId)};
  m.identity = read_identity(member, "identity", /*required=*/false);
  r.adopt(member);
  return m;
}

// `iceServers` of `connected` and `ice-servers`.
std::vector<IceServer> read_ice_servers(FieldReader& r) {
  std::vector<IceServer> list;
  if (JsonArray* servers = r.array("iceServers", 0, std::numeric_limits<std::size_t>::max())) {
    const guint n = json_array_get_length(servers);
    for (guint i = 0; i < n && r.ok(); ++i) {
      const std::string where = r.path("iceServers[" + std::to_string(i) + "]");
      JsonNode* node = json_array_get_element(servers, i);
      if (!JSON_NODE_HOLDS_OBJECT(node)) {
        r.fail(where + " must be an object");
        break;
      }
      FieldReader server = r.nested(json_node_get_object(node), where);
      IceServer ice;
      // RTCIceServer allows `urls` to be one string or an array of them.
      JsonNode* urls = server.find("urls");
      if (urls != nullptr && JSON_NODE_HOLDS_VALUE(urls)) {
        ice.urls.push_back(server.node_string(urls, server.path("urls"), kId));
      } else {
        ice.urls = read_string_array(server, "urls", kId);
      }
      ice.username = server.optional_string("username", kText);
      ice.credential = server.optional_string("credential", kText);
      r.adopt(server);
      list.push_back(std::move(ice));
    }
  }
  return list;
}

ServerBody read_connected(FieldReader& r) {
  Connected m;
  m.peer_id = r.string("peerId", kId);
  m.ice_servers = read_ice_servers(r);
  if (JsonObject* info = r.object("server")) {
    FieldReader server = r.nested(info, r.path("server"));
    m.server = ServerInfo{server.string("name", kText), server.string("version", kText)};
    r.adopt(server);
  }
  m.identity = read_identity(r, "identity", /*required=*/false);
  return m;
}

ChannelInfo read_channel_info(FieldReader& r) {
  ChannelInfo c;
  c.channel_id = r.string("channelId", kId);
  c.game_id = r.id_value("gameId", std::numeric_limits<std::size_t>::max());
  c.team_id = r.id_value("teamId", std::numeric_limits<std::size_t>::max());
  c.roster = read_string_array(r, "roster", kId);
  return c;
}

ServerBody read_channel_created(FieldReader& r) { return ChannelCreated{read_channel_info(r)}; }

// `origin` is identity-1's; a v1 server sends none, and its channels are the clients' own.
ServerBody read_channel_available(FieldReader& r) {
  ChannelAvailable m{read_channel_info(r)};
  if (r.find("origin") != nullptr) {
    const std::string origin = r.string("origin", kId);
    if (origin == "riot") {
      m.origin = ChannelOrigin::Riot;
    } else if (origin != "client" && r.ok()) {
      r.fail(r.path("origin") + " must be \"riot\" or \"client\"");
    }
  }
  return m;
}

ServerBody read_joined(FieldReader& r) {
  JoinedChannel m;
  m.channel_id = r.string("channelId", kId);
  for_each_object(r, "members", [&](JsonObject* object, const std::string& where) {
    m.members.push_back(read_member_object(r, object, where));
  });
  return m;
}

ServerBody read_user_joined(FieldReader& r) {
  UserJoinedChannel m;
  m.channel_id = r.string("channelId", kId);
  if (JsonObject* member = r.object("member"))
    m.member = read_member_object(r, member, r.path("member"));
  return m;
}

ServerBody read_user_left(FieldReader& r) {
  return UserLeftChannel{r.string("channelId", kId), r.string("peerId", kId)};
}

ServerBody read_left(FieldReader& r) { return LeftChannel{r.string("channelId", kId)}; }

ServerBody read_signal(FieldReader& r) {
  SignalFrom m;
  m.from = r.string("from", kId);
  m.data_json = r.object_json("data");
  return m;
}

ServerBody read_chat(FieldReader& r) {
  ChatMessage m;
  m.channel_id = r.string("channelId", kId);
  m.from = r.string("from", kId);
  m.riot_id = r.string("riotId", kId);
  m.text = r.string("text", kText);
  m.ts = r.integer("ts");
  return m;
}

ServerBody read_notice(FieldReader& r) {
  Notice m;
  const std::string level = r.string("level", kId);
  if (level == "info") {
    m.level = NoticeLevel::Info;
  } else if (level == "warning") {
    m.level = NoticeLevel::Warning;
  } else if (r.ok()) {
    r.fail("level must be \"info\" or \"warning\"");
  }
  m.text = r.string("text", kText);
  return m;
}

ServerBody read_error(FieldReader& r) {
  Error m;
  const std::string code = r.string("code", kId);
  if (const auto known = error_code_from_wire(code)) {
    m.code = *known;
  } else if (r.ok()) {
    r.fail("code is not a known error code");
  }
  m.message = r.string("message", kText);
  m.re = r.optional_string("re", kText);
  if (r.find("retryAfterMs") != nullptr) m.retry_after_ms = r.integer("retryAfterMs");
  return m;
}

ServerBody read_watching(FieldReader& r) { return Watching{r.string("riotId", kId)}; }

ServerBody read_unwatched(FieldReader&) { return Unwatched{}; }

ServerBody read_game_ended(FieldReader& r) {
  GameEnded m;
  m.channel_id = r.string("channelId", kId);
  m.game_id = r.id_value("gameId", std::numeric_limits<std::size_t>::max());
  return m;
}

// ---- identity-1 (shared/protocol-identity.md, "Messages") ----

// `policy` and the features stay strings: a newer server may name ones this client does not know.
ServerBody read_hello(FieldReader& r) {
  HelloReply m;
  m.challenge = r.string("challenge", kId);
  m.features = read_string_array(r, "features", kId);
  m.policy = r.string("policy", kId);
  return m;
}

ServerBody read_verify_riot_challenge(FieldReader& r) {
  VerifyRiotChallenge m;
  m.riot_id = r.string("riotId", kId);
  m.method = r.string("method", kId);
  m.icon_id = small_integer(r, "iconId");
  m.round = small_integer(r, "round");
  m.expires_at_ms = r.integer("expiresAtMs");
  return m;
}

ServerBody read_verified(FieldReader& r) {
  Verified m;
  m.riot_id = r.string("riotId", kId);
  m.identity = read_identity(r, "identity", /*required=*/true);
  return m;
}

ServerBody read_link_code(FieldReader& r) {
  LinkCodeIssued m;
  m.code = r.string("code", kId);
  m.fingerprint = r.string("fingerprint", kId);
  m.expires_at_ms = r.integer("expiresAtMs");
  return m;
}

ServerBody read_link_approved(FieldReader& r) { return LinkApproved{r.string("key", kId)}; }

ServerBody read_devices(FieldReader& r) {
  DeviceList m;
  for_each_object(r, "devices", [&](JsonObject* object, const std::string& where) {
    FieldReader device = r.nested(object, where);
    Device d;
    d.key = device.string("key", kId);
    d.identity = read_identity(device, "identity", /*required=*/true);
    d.bound_at_ms = device.integer("boundAtMs");
    d.last_used_ms = device.integer("lastUsedMs");
    r.adopt(device);
    m.devices.push_back(std::move(d));
  });
  return m;
}

ServerBody read_device_unlinked(FieldReader& r) { return DeviceUnlinked{r.string("key", kId)}; }

ServerBody read_ice_servers_reply(FieldReader& r) { return IceServersReply{read_ice_servers(r)}; }

ServerBody read_user_identity(FieldReader& r) {
  UserIdentity m;
  m.channel_id = r.string("channelId", kId);
  m.peer_id = r.string("peerId", kId);
  m.identity = read_identity(r, "identity", /*required=*/true);
  return m;
}

struct ServerType {
  std::string_view name;
  ServerBody (*read)(FieldReader&);
};

constexpr std::array<ServerType, 23> kServerTypes{{
    {"connected", read_connected},
    {"channel-created", read_channel_created},
    {"channel-available", read_channel_available},
    {"joined-channel", read_joined},
    {"user-joined-channel", read_user_joined},
    {"user-left-channel", read_user_left},
    {"left-channel", read_left},
    {"signal", read_signal},
    {"chat", read_chat},
    {"notice", read_notice},
    {"error", read_error},
    {"watching", read_watching},
    {"unwatched", read_unwatched},
    {"game-ended", read_game_ended},
    {"hello", read_hello},
    {"verify-riot-challenge", read_verify_riot_challenge},
    {"verified", read_verified},
    {"link-code", read_link_code},
    {"link-approved", read_link_approved},
    {"devices", read_devices},
    {"device-unlinked", read_device_unlinked},
    {"user-identity", read_user_identity},
    {"ice-servers", read_ice_servers_reply},
}};

void write_member(json::Writer& w, const Member& m) {
  w.begin_object();
  w.string_member("peerId", m.peer_id);
  w.string_member("riotId", m.riot_id);
  w.string_member("identity", to_wire(m.identity));
  w.end_object();
}

void write_channel_info(json::Writer& w, const ChannelInfo& c) {
  w.string_member("channelId", c.channel_id);
  wire::write_id_value(w, "gameId", c.game_id);
  wire::write_id_value(w, "teamId", c.team_id);
  w.key("roster");
  wire::write_string_array(w, c.roster);
}

void write_ice_servers(json::Writer& w, const std::vector<IceServer>& servers) {
  w.key("iceServers");
  w.begin_array();
  for (const IceServer& ice : servers) {
    w.begin_object();
    w.key("urls");
    wire::write_string_array(w, ice.urls);
    if (ice.username) w.string_member("username", *ice.username);
    if (ice.credential) w.string_member("credential", *ice.credential);
    w.end_object();
  }
  w.end_array();
}

void write_body(json::Writer& w, const Connected& m) {
  w.string_member("peerId", m.peer_id);
  write_ice_servers(w, m.ice_servers);
  w.key("server");
  w.begin_object();
  w.string_member("name", m.server.name);
  w.string_member("version", m.server.version);
  w.end_object();
  w.string_member("identity", to_wire(m.identity));
}

void write_body(json::Writer& w, const ChannelCreated& m) { write_channel_info(w, m.channel); }
void write_body(json::Writer& w, const ChannelAvailable& m) {
  write_channel_info(w, m.channel);
  w.string_member("origin", to_wire(m.origin));
}

void write_body(json::Writer& w, const JoinedChannel& m) {
  w.string_member("channelId", m.channel_id);
  w.key("members");
  w.begin_array();
  for (const Member& member : m.members) write_member(w, member);
  w.end_array();
}

void write_body(json::Writer& w, const UserJoinedChannel& m) {
  w.string_member("channelId", m.channel_id);
  w.key("member");
  write_member(w, m.member);
}

void write_body(json::Writer& w, const UserLeftChannel& m) {
  w.string_member("channelId", m.channel_id);
  w.string_member("peerId", m.peer_id);
}

void write_body(json::Writer& w, const LeftChannel& m) { w.string_member("channelId", m.channel_id); }

void write_body(json::Writer& w, const SignalFrom& m) {
  w.string_member("from", m.from);
  w.key("data");
  wire::write_data(w, m.data_json);
}

void write_body(json::Writer& w, const ChatMessage& m) {
  w.string_member("channelId", m.channel_id);
  w.string_member("from", m.from);
  w.string_member("riotId", m.riot_id);
  w.string_member("text", m.text);
  w.integer_member("ts", m.ts);
}

void write_body(json::Writer& w, const Notice& m) {
  w.string_member("level", m.level == NoticeLevel::Warning ? "warning" : "info");
  w.string_member("text", m.text);
}

void write_body(json::Writer& w, const Error& m) {
  w.string_member("code", to_wire(m.code));
  w.string_member("message", m.message);
  if (m.re) w.string_member("re", *m.re);
  if (m.retry_after_ms) w.integer_member("retryAfterMs", *m.retry_after_ms);
}

void write_body(json::Writer& w, const Watching& m) { w.string_member("riotId", m.riot_id); }

void write_body(json::Writer&, const Unwatched&) {}

void write_body(json::Writer& w, const GameEnded& m) {
  w.string_member("channelId", m.channel_id);
  wire::write_id_value(w, "gameId", m.game_id);
}

void write_body(json::Writer& w, const HelloReply& m) {
  w.string_member("challenge", m.challenge);
  w.key("features");
  wire::write_string_array(w, m.features);
  w.string_member("policy", m.policy);
}

void write_body(json::Writer& w, const VerifyRiotChallenge& m) {
  w.string_member("riotId", m.riot_id);
  w.string_member("method", m.method);
  w.integer_member("iconId", m.icon_id);
  w.integer_member("round", m.round);
  w.integer_member("expiresAtMs", m.expires_at_ms);
}

void write_body(json::Writer& w, const Verified& m) {
  w.string_member("riotId", m.riot_id);
  w.string_member("identity", to_wire(m.identity));
}

void write_body(json::Writer& w, const LinkCodeIssued& m) {
  w.string_member("code", m.code);
  w.string_member("fingerprint", m.fingerprint);
  w.integer_member("expiresAtMs", m.expires_at_ms);
}

void write_body(json::Writer& w, const LinkApproved& m) { w.string_member("key", m.key); }

void write_body(json::Writer& w, const DeviceList& m) {
  w.key("devices");
  w.begin_array();
  for (const Device& d : m.devices) {
    w.begin_object();
    w.string_member("key", d.key);
    w.string_member("identity", to_wire(d.identity));
    w.integer_member("boundAtMs", d.bound_at_ms);
    w.integer_member("lastUsedMs", d.last_used_ms);
    w.end_object();
  }
  w.end_array();
}

void write_body(json::Writer& w, const DeviceUnlinked& m) { w.string_member("key", m.key); }

void write_body(json::Writer& w, const IceServersReply& m) { write_ice_servers(w, m.ice_servers); }

void write_body(json::Writer& w, const UserIdentity& m) {
  w.string_member("channelId", m.channel_id);
  w.string_member("peerId", m.peer_id);
  w.string_member("identity", to_wire(m.identity));
}

}  // namespace

Decoded<ServerMessage> decode_server(std::string_view text) {
  auto parsed = json::parse_frame(text);
  if (auto* error = std::get_if<DecodeError>(&parsed)) return std::move(*error);
  const json::Frame& frame = std::get<json::Frame>(parsed);
  for (const ServerType& type : kServerTypes) {
    if (type.name != frame.type) continue;
    if (!frame.unfaithful.empty())
      return frame.error(ErrorCode::BadMessage, std::string{frame.unfaithful});
    FieldReader reader{frame.object};
    ServerBody body = type.read(reader);
    if (!reader.ok()) return frame.error(ErrorCode::BadMessage, reader.error());
    return ServerMessage{frame.id, std::move(body)};
  }
  return frame.error(ErrorCode::UnknownType, "unknown message type");
}

std::string encode(const ServerMessage& message) {
  json::Writer w{wire::reserve_for(message.body)};
  w.begin_object();
  w.string_member("type", type_name(message.body));
  if (message.id) w.string_member("id", *message.id);
  std::visit([&w](const auto& body) { write_body(w, body); }, message.body);
  w.end_object();
  return w.take();
}

ServerMessage error_reply(const DecodeError& error) {
  return ServerMessage{error.id, Error{error.code, error.message, error.re}};
}

}  // namespace shotcall::protocol
