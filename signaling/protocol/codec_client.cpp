// Client → server frames: decoding with the protocol's validation (the server's first line of
// defence, so every limit of messages.hpp is enforced here) and encoding (for clients).
#include <glib.h>

#include <array>
#include <limits>

#include "signaling/protocol/codec.hpp"
#include "signaling/protocol/codec_common.hpp"
#include "signaling/protocol/json_reader.hpp"
#include "signaling/protocol/json_scan.hpp"
#include "signaling/protocol/json_writer.hpp"
#include "signaling/protocol/riot_id.hpp"

namespace shotcall::protocol {
namespace {

using json::FieldReader;
using json::TextRule;

constexpr TextRule kChannelId{kMaxChannelIdBytes};
constexpr TextRule kPeerId{kMaxPeerIdBytes};

// An identity field whose value only the core can judge: a key, a signature, a host, a link
// code. It must be a string (bad-message when it is missing or of another type, as v1 says of
// any field). Its value, empty or malformed, is the core's to refuse with the request's own code:
// `bad-proof` for a proof's fields (a present but invalid proof is bad-proof), `bad-link-code`,
// `no-such-key`. A value of more than `max_chars` characters (a valid one is ASCII, so far
// shorter) is passed on as "", which no check accepts: the server keeps at most that many
// characters of it.
std::string judged_string(FieldReader& r, const char* name, std::size_t max_chars) {
  std::string value = r.string(name, TextRule{std::numeric_limits<std::size_t>::max(), true});
  if (value.size() > max_chars && g_utf8_strlen(value.data(), static_cast<gssize>(value.size())) >
                                      static_cast<glong>(max_chars)) {
    return {};
  }
  return value;
}

// identity-1 `key`, `proof`, `host`: strings, judged by the core (judged_string).
Proof read_proof(FieldReader& r) {
  Proof p;
  p.key = judged_string(r, "key", kMaxKeyChars);
  p.proof = judged_string(r, "proof", kMaxProofChars);
  p.host = judged_string(r, "host", kMaxHostBytes);
  return p;
}

// On register-user the three fields are optional but come together: one or two of them is a
// bad-message (shared/protocol-identity.md, "Keys and proofs").
std::optional<Proof> read_optional_proof(FieldReader& r) {
  constexpr std::array<const char*, 3> kFields{"key", "proof", "host"};
  std::size_t present = 0;
  const char* missing = nullptr;
  for (const char* name : kFields) {
    if (r.find(name) != nullptr) {
      ++present;
    } else if (missing == nullptr) {
      missing = name;
    }
  }
  if (present == 0) return std::nullopt;
  if (missing != nullptr) {
    r.fail(r.path(missing) + " is required: key, proof and host come together");
    return std::nullopt;
  }
  Proof p = read_proof(r);
  if (!r.ok()) return std::nullopt;
  return p;
}

ClientBody read_register_user(FieldReader& r) {
  RegisterUser m;
  m.riot_id = r.riot_id("riotId");
  m.puuid = r.optional_string("puuid", TextRule{kMaxPuuidBytes});
  m.token = r.optional_string("token", TextRule{kMaxTokenBytes, /*allow_empty=*/true});
  m.proof = read_optional_proof(r);
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

// Chat text is shown to every member: bidirectional controls could make it read as something
// else (or reorder the sender's name next to it), and control characters (\r, ESC, C1...) could
// forge lines or drive a terminal. A line break (\n) and a tab are allowed: messages may have
// several lines and line things up. Returns what is wrong, or "".
std::string chat_text_problem(std::string_view text) {
  for (const char* p = text.data(); p < text.data() + text.size(); p = g_utf8_next_char(p)) {
    const gunichar c = g_utf8_get_char(p);
    if (c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
        (c >= 0x2066 && c <= 0x2069))
      return "text must not hold bidirectional control characters";
    if (c != '\n' && c != '\t' && g_unichar_type(c) == G_UNICODE_CONTROL)
      return "text must not hold control characters other than \\n and \\t";
  }
  return {};
}

ClientBody read_chat(FieldReader& r) {
  ChatSend m;
  m.channel_id = r.string("channelId", kChannelId);
  m.text = r.string("text", TextRule{std::numeric_limits<std::size_t>::max(), true});
  if (r.ok() && !wire::is_chat_length_ok(m.text)) {
    r.fail("text must be " + std::to_string(kMinChatChars) + " to " +
           std::to_string(kMaxChatChars) + " characters");
  }
  if (r.ok()) {
    if (const std::string problem = chat_text_problem(m.text); !problem.empty()) r.fail(problem);
  }
  return m;
}

// Extensions: no fields (unknown ones are ignored, as everywhere).
ClientBody read_watch(FieldReader&) { return WatchGame{}; }
ClientBody read_unwatch(FieldReader&) { return UnwatchGame{}; }
ClientBody read_refresh_ice_servers(FieldReader&) { return RefreshIceServers{}; }

// identity-1 (shared/protocol-identity.md, "Messages").
ClientBody read_hello(FieldReader&) { return Hello{}; }

ClientBody read_verify_riot(FieldReader& r) {
  VerifyRiot m;
  m.riot_id = r.riot_id("riotId");
  m.proof = read_proof(r);
  return m;
}

ClientBody read_verify_riot_check(FieldReader&) { return VerifyRiotCheck{}; }

ClientBody read_link_request(FieldReader& r) {
  LinkRequest m;
  m.riot_id = r.riot_id("riotId");
  m.proof = read_proof(r);
  return m;
}

// The code is read case-insensitively and may carry dashes or spaces: the core normalises it.
ClientBody read_link_approve(FieldReader& r) {
  return LinkApprove{judged_string(r, "code", kMaxLinkCodeChars)};
}

ClientBody read_list_devices(FieldReader&) { return ListDevices{}; }

// Like a proof's key: a key that is not bound, malformed or too long, is the core's no-such-key.
ClientBody read_unlink_device(FieldReader& r) {
  return UnlinkDevice{judged_string(r, "key", kMaxKeyChars)};
}

struct ClientType {
  std::string_view name;
  ClientBody (*read)(FieldReader&);
};

constexpr std::array<ClientType, 16> kClientTypes{{
    {"register-user", read_register_user},
    {"find-or-create-channel", read_find_or_create},
    {"join-channel", read_join},
    {"leave-channel", read_leave},
    {"signal", read_signal},
    {"chat", read_chat},
    {"watch-game", read_watch},
    {"unwatch-game", read_unwatch},
    {"hello", read_hello},
    {"verify-riot", read_verify_riot},
    {"verify-riot-check", read_verify_riot_check},
    {"link-request", read_link_request},
    {"link-approve", read_link_approve},
    {"list-devices", read_list_devices},
    {"unlink-device", read_unlink_device},
    {"refresh-ice-servers", read_refresh_ice_servers},
}};

void write_proof(json::Writer& w, const Proof& p) {
  w.string_member("key", p.key);
  w.string_member("proof", p.proof);
  w.string_member("host", p.host);
}

void write_body(json::Writer& w, const RegisterUser& m) {
  w.string_member("riotId", m.riot_id);
  if (m.puuid) w.string_member("puuid", *m.puuid);
  if (m.token) w.string_member("token", *m.token);
  if (m.proof) write_proof(w, *m.proof);
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
void write_body(json::Writer&, const Hello&) {}

void write_body(json::Writer& w, const VerifyRiot& m) {
  w.string_member("riotId", m.riot_id);
  write_proof(w, m.proof);
}

void write_body(json::Writer&, const VerifyRiotCheck&) {}

void write_body(json::Writer& w, const LinkRequest& m) {
  w.string_member("riotId", m.riot_id);
  write_proof(w, m.proof);
}

void write_body(json::Writer& w, const LinkApprove& m) { w.string_member("code", m.code); }
void write_body(json::Writer&, const ListDevices&) {}
void write_body(json::Writer& w, const UnlinkDevice& m) { w.string_member("key", m.key); }
void write_body(json::Writer&, const RefreshIceServers&) {}

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
