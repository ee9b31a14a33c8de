#include "app/cli/peer_report.hpp"

#include <json-glib/json-glib.h>

namespace shotcall::cli {

std::string to_json(const PeerReport& report) {
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "riotId");
  json_builder_add_string_value(b, report.riot_id.c_str());
  json_builder_set_member_name(b, "peerId");
  json_builder_add_string_value(b, report.peer_id.c_str());
  json_builder_set_member_name(b, "channelId");
  json_builder_add_string_value(b, report.channel_id.c_str());
  json_builder_set_member_name(b, "microphone");
  json_builder_add_string_value(b, report.microphone.c_str());
  json_builder_set_member_name(b, "speakers");
  json_builder_add_string_value(b, report.speakers.c_str());
  json_builder_set_member_name(b, "jitterBufferMs");
  json_builder_add_int_value(b, report.jitter_buffer_ms);
  json_builder_set_member_name(b, "peers");
  json_builder_begin_array(b);
  for (const auto& p : report.peers) {
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "riotId");
    json_builder_add_string_value(b, p.riot_id.c_str());
    json_builder_set_member_name(b, "peerId");
    json_builder_add_string_value(b, p.peer_id.c_str());
    json_builder_set_member_name(b, "state");
    json_builder_add_string_value(b, p.state.c_str());
    json_builder_set_member_name(b, "identity");
    json_builder_add_string_value(b, p.identity.c_str());
    json_builder_set_member_name(b, "firstAudioMs");
    if (p.first_audio_ms) json_builder_add_int_value(b, *p.first_audio_ms);
    else json_builder_add_null_value(b);
    json_builder_set_member_name(b, "recordFile");
    if (p.record_file) json_builder_add_string_value(b, p.record_file->c_str());
    else json_builder_add_null_value(b);
    json_builder_set_member_name(b, "rttMs");
    if (p.rtt_ms) json_builder_add_double_value(b, *p.rtt_ms);
    else json_builder_add_null_value(b);
    json_builder_set_member_name(b, "packetsLost");
    json_builder_add_int_value(b, p.packets_lost);
    json_builder_set_member_name(b, "jitterMs");
    json_builder_add_double_value(b, p.jitter_ms);
    json_builder_set_member_name(b, "route");
    json_builder_add_string_value(b, p.route.c_str());
    json_builder_set_member_name(b, "localCandidate");
    if (p.local_candidate) json_builder_add_string_value(b, p.local_candidate->c_str());
    else json_builder_add_null_value(b);
    json_builder_set_member_name(b, "remoteCandidate");
    if (p.remote_candidate) json_builder_add_string_value(b, p.remote_candidate->c_str());
    else json_builder_add_null_value(b);
    if (p.failure) {
      json_builder_set_member_name(b, "failure");
      json_builder_add_string_value(b, p.failure->c_str());
    }
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);

  g_autoptr(JsonNode) root = json_builder_get_root(b);
  g_autoptr(JsonGenerator) gen = json_generator_new();
  json_generator_set_pretty(gen, TRUE);
  json_generator_set_root(gen, root);
  g_autofree gchar* text = json_generator_to_data(gen, nullptr);
  return std::string{text} + "\n";
}

}  // namespace shotcall::cli
