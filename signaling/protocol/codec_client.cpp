// Client → server frames: decoding with the protocol's validation (the server's first line of
// defence, so every limit of messages.hpp is enforced here) and encoding (for clients).
#include <array>

#include "signaling/protocol/codec.hpp"
#include "signaling/protocol/json_reader.hpp"
#include "signaling/protocol/json_scan.hpp"
#include "signaling/protocol/json_writer.hpp"
#include "signaling/protocol/riot_id.hpp"
#include "signaling/protocol/codec_common.hpp"

namespace shotcall::protocol {
namespace {

using json::FieldReader;
using json::TextRule;

constexpr TextRule kChannelId{kMaxChannelIdBytes};
constexpr TextRule kPeerId{kMaxPeerIdBytes};

ClientBody read_register_user(FieldReader& r) {
  RegisterUser m;
  m.riot_id = r.riot_id("riotId");
  m.puuid = r.optional_string("puuid", TextRule{kMaxPuuidBytes});
  m.token = r.optional_string("token", TextRule{kMaxTokenBytes, /*allow_empty=*/true});
  return m;
}

ClientBody read_find_or_create(FieldReader& r) {
  FindOrCreateChannel m;
  m.game_id = r.id_value("gameId", kMaxGameIdBytes);
  m.team_id = r.id_value("teamId", kMaxTeamIdBytes);
  if (JsonArray* teammates = r.array("teammates", 1, kMaxTeammates)) {
    const guint n = json_array_get_length(teammates);
    for (guint i = 0; i < n && r.ok(); ++i) {
      m.teammates.push_back(r.node_riot_id(json_array_get_element(teammates, i),
                                           r.path("teammates[" + std::to_string(i) + "]")));
    }
  }
  return m;
}

ClientBody read_join(FieldReader& r) { return JoinChannel{r.string("channelId", kChannelId)}; }

ClientBody read_leave(FieldReader& r) { return LeaveChannel{r.string("channelId", kChannelId)}; }

ClientBody read_signal(FieldReader& r) {
  SignalTo m;
  m.to = r.string("to", kPeerId);
  m.data_json = r.object_json("data");
  return m;
}

ClientBody read_chat(FieldReader& r) {
  ChatSend m;
  m.channel_id = r.string("channelId", kChannelId);
  m.text = r.string("text", TextRule{std::numeric_limits<std::size_t>::max(), true});
  if (r.ok() && !wire::is_chat_length_ok(m.text)) {
    r.fail("text must be " + std::to_string(kMinChatChars) + " to " +
           std::to_string(kMaxChatChars) + " characters");
  }
  return m;
}

// Extensions: no fields (unknown ones are ignored, as everywhere).
ClientBody read_watch(FieldReader&) { return WatchGame{}; }
ClientBody read_unwatch(FieldReader&) { return UnwatchGame{}; }

struct ClientType {
  std::string_view name;
  ClientBody (*read)(FieldReader&);
};

constexpr std::array<ClientType, 8> kClientTypes{{
    {"register-user", read_register_user},
    {"find-or-create-channel", read_find_or_create},
    {"join-channel", read_join},
    {"leave-channel", read_leave},
    {"signal", read_signal},
    {"chat", read_chat},
    {"watch-game", read_watch},
    {"unwatch-game", read_unwatch},
}};

void write_body(json::Writer& w, const RegisterUser& m) {
  w.string_member("riotId", m.riot_id);
  if (m.puuid) w.string_member("puuid", *m.puuid);
  if (m.token) w.string_member("token", *m.token);
}

void write_body(json::Writer& w, const FindOrCreateChannel& m) {
  wire::write_id_value(w, "gameId", m.game_id);
  wire::write_id_value(w, "teamId", m.team_id);
  w.key("teammates");
  wire::write_string_array(w, m.teammates);
}

void write_body(json::Writer& w, const JoinChannel& m) { w.string_member("channelId", m.channel_id); }

void write_body(json::Writer& w, const LeaveChannel& m) {
  w.string_member("channelId", m.channel_id);
}

void write_body(json::Writer& w, const SignalTo& m) {
  w.string_member("to", m.to);
  w.key("data");
  wire::write_data(w, m.data_json);
}

void write_body(json::Writer& w, const ChatSend& m) {
  w.string_member("channelId", m.channel_id);
  w.string_member("text", m.text);
}

void write_body(json::Writer&, const WatchGame&) {}
void write_body(json::Writer&, const UnwatchGame&) {}

}  // namespace

Decoded<ClientMessage> decode_client(std::string_view text) {
  auto parsed = json::parse_frame(text);
  if (auto* error = std::get_if<DecodeError>(&parsed)) return std::move(*error);
  const json::Frame& frame = std::get<json::Frame>(parsed);
  for (const ClientType& type : kClientTypes) {
    if (type.name != frame.type) continue;
    if (!frame.unfaithful.empty())
      return frame.error(ErrorCode::BadMessage, std::string{frame.unfaithful});
    FieldReader reader{frame.object};
    ClientBody body = type.read(reader);
    if (!reader.ok()) return frame.error(ErrorCode::BadMessage, reader.error());
    return ClientMessage{frame.id, std::move(body)};
  }
  return frame.error(ErrorCode::UnknownType, "unknown message type");
}

std::string encode(const ClientMessage& message) {
  json::Writer w{wire::reserve_for(message.body)};
  w.begin_object();
  w.string_member("type", type_name(message.body));
  if (message.id) w.string_member("id", *message.id);
  std::visit([&w](const auto& body) { write_body(w, body); }, message.body);
  w.end_object();
  return w.take();
}

}  // namespace shotcall::protocol
