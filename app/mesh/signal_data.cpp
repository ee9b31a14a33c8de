#include "app/mesh/signal_data.hpp"

#include <json-glib/json-glib.h>

#include "common/glib_ptr.hpp"

namespace shotcall::mesh {
namespace {

// Upper bound on an SDP or candidate we accept; the server's frame limit is 64 KiB anyway.
constexpr std::size_t kMaxPayloadBytes = 64 * 1024;
constexpr gint64 kMaxMLineIndex = 1024;

std::optional<SignalData> fail(std::string* error, std::string why) {
  if (error) *error = std::move(why);
  return std::nullopt;
}

// The string member `name` of `obj`, or nullopt if absent or not a string.
std::optional<std::string> string_member(JsonObject* obj, const char* name) {
  JsonNode* node = json_object_get_member(obj, name);
  if (!node || !JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_STRING) {
    return std::nullopt;
  }
  return std::string(json_node_get_string(node));
}

// json-glib turns an unpaired surrogate escape (backslash-u d800) into bytes that are not UTF-8:
// such a string would be re-encoded as JSON nobody can parse (found by fuzz/signal_data). SDPs
// and candidates are ASCII in practice; anything that is not UTF-8 once unescaped is refused.
bool is_utf8(const std::string& text) {
  return g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr);
}

std::optional<SignalData> decode_sdp(JsonObject* sdp_obj, std::string* error) {
  auto type = string_member(sdp_obj, "type");
  auto sdp = string_member(sdp_obj, "sdp");
  if (!type || !sdp) return fail(error, "sdp needs string fields type and sdp");
  SessionDescription desc;
  if (*type == "offer") {
    desc.type = SdpType::Offer;
  } else if (*type == "answer") {
    desc.type = SdpType::Answer;
  } else {
    return fail(error, "sdp type must be offer or answer, got '" + *type + "'");
  }
  if (sdp->empty()) return fail(error, "empty sdp");
  if (!is_utf8(*sdp)) return fail(error, "sdp is not valid UTF-8");
  desc.sdp = std::move(*sdp);
  return desc;
}

std::optional<SignalData> decode_ice(JsonObject* ice_obj, std::string* error) {
  IceCandidate cand;
  JsonNode* c = json_object_get_member(ice_obj, "candidate");
  // A browser signals end-of-candidates with "" (or null); keep it as an empty candidate.
  if (c && JSON_NODE_HOLDS_NULL(c)) {
    cand.candidate.clear();
  } else if (auto text = string_member(ice_obj, "candidate")) {
    if (!is_utf8(*text)) return fail(error, "candidate is not valid UTF-8");
    cand.candidate = std::move(*text);
  } else {
    return fail(error, "ice needs a string field candidate");
  }
  JsonNode* idx = json_object_get_member(ice_obj, "sdpMLineIndex");
  if (idx && !JSON_NODE_HOLDS_NULL(idx)) {
    if (!JSON_NODE_HOLDS_VALUE(idx) || json_node_get_value_type(idx) != G_TYPE_INT64) {
      return fail(error, "sdpMLineIndex must be an integer");
    }
    gint64 v = json_node_get_int(idx);
    if (v < 0 || v > kMaxMLineIndex) return fail(error, "sdpMLineIndex out of range");
    cand.mline_index = static_cast<unsigned>(v);
  }
  return cand;
}

}  // namespace

std::string_view sdp_type_name(SdpType type) {
  return type == SdpType::Offer ? "offer" : "answer";
}

std::string encode_signal(const SignalData& data) {
  GPtr<JsonBuilder> b(json_builder_new());
  json_builder_begin_object(b.get());
  if (auto* desc = std::get_if<SessionDescription>(&data)) {
    json_builder_set_member_name(b.get(), "sdp");
    json_builder_begin_object(b.get());
    json_builder_set_member_name(b.get(), "type");
    json_builder_add_string_value(b.get(), std::string(sdp_type_name(desc->type)).c_str());
    json_builder_set_member_name(b.get(), "sdp");
    json_builder_add_string_value(b.get(), desc->sdp.c_str());
    json_builder_end_object(b.get());
  } else {
    const auto& cand = std::get<IceCandidate>(data);
    json_builder_set_member_name(b.get(), "ice");
    json_builder_begin_object(b.get());
    json_builder_set_member_name(b.get(), "candidate");
    json_builder_add_string_value(b.get(), cand.candidate.c_str());
    json_builder_set_member_name(b.get(), "sdpMLineIndex");
    json_builder_add_int_value(b.get(), cand.mline_index);
    json_builder_end_object(b.get());
  }
  json_builder_end_object(b.get());
  JsonNode* root = json_builder_get_root(b.get());
  GPtr<JsonGenerator> gen(json_generator_new());
  json_generator_set_root(gen.get(), root);
  gchar* text = json_generator_to_data(gen.get(), nullptr);
  std::string out(text);
  g_free(text);
  json_node_unref(root);
  return out;
}

std::optional<SignalData> decode_signal(std::string_view json, std::string* error) {
  if (json.size() > kMaxPayloadBytes) return fail(error, "signal payload too large");
  GPtr<JsonParser> parser(json_parser_new());
  GError* gerr = nullptr;
  if (!json_parser_load_from_data(parser.get(), json.data(), static_cast<gssize>(json.size()),
                                  &gerr)) {
    std::string why = std::string("bad json: ") + (gerr ? gerr->message : "unknown");
    g_clear_error(&gerr);
    return fail(error, why);
  }
  JsonNode* root = json_parser_get_root(parser.get());
  if (!root || !JSON_NODE_HOLDS_OBJECT(root)) return fail(error, "signal data must be an object");
  JsonObject* obj = json_node_get_object(root);
  JsonNode* sdp = json_object_get_member(obj, "sdp");
  JsonNode* ice = json_object_get_member(obj, "ice");
  if (sdp && ice) return fail(error, "signal data has both sdp and ice");
  if (sdp) {
    if (!JSON_NODE_HOLDS_OBJECT(sdp)) return fail(error, "sdp must be an object");
    return decode_sdp(json_node_get_object(sdp), error);
  }
  if (ice) {
    if (!JSON_NODE_HOLDS_OBJECT(ice)) return fail(error, "ice must be an object");
    return decode_ice(json_node_get_object(ice), error);
  }
  return fail(error, "signal data needs sdp or ice");
}

}  // namespace shotcall::mesh
