#include "tests/peer/report_file.hpp"

#include <json-glib/json-glib.h>

namespace shotcall::test {
namespace {

// A string member; nullopt when missing, null or not a string.
std::optional<std::string> string_member(JsonObject* o, const char* name) {
  if (!json_object_has_member(o, name)) return std::nullopt;
  JsonNode* n = json_object_get_member(o, name);
  if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
    return std::nullopt;
  return std::string{json_node_get_string(n)};
}

std::string text_member(JsonObject* o, const char* name) {
  return string_member(o, name).value_or("");
}

std::optional<std::int64_t> int_member(JsonObject* o, const char* name) {
  if (!json_object_has_member(o, name)) return std::nullopt;
  JsonNode* n = json_object_get_member(o, name);
  if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64) return std::nullopt;
  return json_node_get_int(n);
}

}  // namespace

const ReportedTeammate* PeerReportFile::teammate(const std::string& id) const {
  for (const auto& p : peers)
    if (p.riot_id == id) return &p;
  return nullptr;
}

PeerReportFile read_peer_report(const std::string& path) {
  PeerReportFile r;
  g_autoptr(JsonParser) parser = json_parser_new();
  GError* error = nullptr;
  if (!json_parser_load_from_file(parser, path.c_str(), &error)) {
    r.why = path + ": " + (error ? error->message : "unreadable");
    g_clear_error(&error);
    return r;
  }
  JsonNode* root = json_parser_get_root(parser);
  JsonObject* top = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : nullptr;
  if (!top) {
    r.why = path + ": not a JSON object";
    return r;
  }
  r.read = true;
  r.riot_id = text_member(top, "riotId");
  r.channel_id = text_member(top, "channelId");
  r.microphone = text_member(top, "microphone");
  r.speakers = text_member(top, "speakers");
  JsonArray* peers =
      json_object_has_member(top, "peers") ? json_object_get_array_member(top, "peers") : nullptr;
  for (guint i = 0; peers && i < json_array_get_length(peers); ++i) {
    JsonObject* p = json_array_get_object_element(peers, i);
    if (!p) continue;
    ReportedTeammate t;
    t.riot_id = text_member(p, "riotId");
    t.peer_id = text_member(p, "peerId");
    t.state = text_member(p, "state");
    t.identity = text_member(p, "identity");
    t.route = text_member(p, "route");
    t.local_candidate = string_member(p, "localCandidate");
    t.remote_candidate = string_member(p, "remoteCandidate");
    t.failure = string_member(p, "failure");
    t.record_file = string_member(p, "recordFile");
    t.first_audio_ms = int_member(p, "firstAudioMs");
    r.peers.push_back(std::move(t));
  }
  return r;
}

}  // namespace shotcall::test
