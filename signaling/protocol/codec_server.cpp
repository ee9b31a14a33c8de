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

Member read_member_object(FieldReader& r, JsonObject* object, const std::string& where) {
  FieldReader member = r.nested(object, where);
  Member m{member.string("peerId", kId), member.string("riotId", kId)};
  r.adopt(member);
  return m;
}

ServerBody read_connected(FieldReader& r) {
  Connected m;
  m.peer_id = r.string("peerId", kId);
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
      m.ice_servers.push_back(std::move(ice));
    }
  }
  if (JsonObject* info = r.object("server")) {
    FieldReader server = r.nested(info, r.path("server"));
    m.server = ServerInfo{server.string("name", kText), server.string("version", kText)};
    r.adopt(server);
  }
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

ServerBody read_channel_available(FieldReader& r) {
  return ChannelAvailable{read_channel_info(r)};
}

ServerBody read_joined(FieldReader& r) {
  JoinedChannel m;
  m.channel_id = r.string("channelId", kId);
  if (JsonArray* members = r.array("members", 0, std::numeric_limits<std::size_t>::max())) {
    const guint n = json_array_get_length(members);
    for (guint i = 0; i < n && r.ok(); ++i) {
      const std::string where = r.path("members[" + std::to_string(i) + "]");
      JsonNode* node = json_array_get_element(members, i);
      if (!JSON_NODE_HOLDS_OBJECT(node)) {
        r.fail(where + " must be an object");
        break;
      }
      m.members.push_back(read_member_object(r, json_node_get_object(node), where));
    }
  }
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

struct ServerType {
  std::string_view name;
  ServerBody (*read)(FieldReader&);
};

constexpr std::array<ServerType, 14> kServerTypes{{
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
}};

void write_member(json::Writer& w, const Member& m) {
  w.begin_object();
  w.string_member("peerId", m.peer_id);
  w.string_member("riotId", m.riot_id);
  w.end_object();
}

void write_channel_info(json::Writer& w, const ChannelInfo& c) {
  w.string_member("channelId", c.channel_id);
  wire::write_id_value(w, "gameId", c.game_id);
  wire::write_id_value(w, "teamId", c.team_id);
  w.key("roster");
  wire::write_string_array(w, c.roster);
}

void write_body(json::Writer& w, const Connected& m) {
  w.string_member("peerId", m.peer_id);
  w.key("iceServers");
  w.begin_array();
  for (const IceServer& ice : m.ice_servers) {
    w.begin_object();
    w.key("urls");
    wire::write_string_array(w, ice.urls);
    if (ice.username) w.string_member("username", *ice.username);
    if (ice.credential) w.string_member("credential", *ice.credential);
    w.end_object();
  }
  w.end_array();
  w.key("server");
  w.begin_object();
  w.string_member("name", m.server.name);
  w.string_member("version", m.server.version);
  w.end_object();
}

void write_body(json::Writer& w, const ChannelCreated& m) { write_channel_info(w, m.channel); }
void write_body(json::Writer& w, const ChannelAvailable& m) { write_channel_info(w, m.channel); }

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
}

void write_body(json::Writer& w, const Watching& m) { w.string_member("riotId", m.riot_id); }

void write_body(json::Writer&, const Unwatched&) {}

void write_body(json::Writer& w, const GameEnded& m) {
  w.string_member("channelId", m.channel_id);
  wire::write_id_value(w, "gameId", m.game_id);
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
