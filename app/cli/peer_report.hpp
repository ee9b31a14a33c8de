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
};

struct PeerReport {
  std::string riot_id;
  std::string peer_id;
  std::string channel_id;
  std::vector<PeerReportEntry> peers;
};

std::string to_json(const PeerReport& report);

}  // namespace shotcall::cli
