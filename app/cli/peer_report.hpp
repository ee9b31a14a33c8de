// The JSON report shotcall-peer writes when it exits (--report).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shotcall::cli {

struct PeerReportEntry {
  std::string riot_id;
  std::string peer_id;
  std::string state;
  std::string identity = "none";  // identity-1: none, key (both "not verified") or riot
  std::optional<std::int64_t> first_audio_ms;
  std::optional<std::string> record_file;
  std::optional<double> rtt_ms;
  std::int64_t packets_lost = 0;
  double jitter_ms = 0;
  // The connected link's path: "direct", "relayed" or "unknown" (not connected, or no pair
  // selected yet), and the candidate types of its selected pair (host, srflx, prflx, relay).
  std::string route = "unknown";
  std::optional<std::string> local_candidate;
  std::optional<std::string> remote_candidate;
  // Why the link last failed, in words; absent when it did not fail or connected since.
  std::optional<std::string> failure;
};

struct PeerReport {
  std::string riot_id;
  std::string peer_id;
  std::string channel_id;
  // "ok", or "unavailable" when the device could not open or stopped (the call went on
  // receive-only / send-only).
  std::string microphone = "ok";
  std::string speakers = "ok";
  // The jitter-buffer depth of every link when the report was written (it follows the links
  // unless --jitter-ms fixed it).
  int jitter_buffer_ms = 0;
  std::vector<PeerReportEntry> peers;
};

std::string to_json(const PeerReport& report);

}  // namespace shotcall::cli
