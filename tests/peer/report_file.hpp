// shotcall-peer's --report file, read back by the tests that run peers as processes: one reader
// instead of a JSON walk in each test.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shotcall::test {

struct ReportedTeammate {
  std::string riot_id;
  std::string peer_id;
  std::string state;                           // "connected", "failed", "closed", ...
  std::string identity;                        // "none", "key", "riot"
  std::string route;                           // "direct", "relayed" or "unknown"
  std::optional<std::string> local_candidate;  // null in the file while the route is unknown
  std::optional<std::string> remote_candidate;
  std::optional<std::string> failure;  // absent unless the link failed
  std::optional<std::string> record_file;
  std::optional<std::int64_t> first_audio_ms;
};

struct PeerReportFile {
  bool read = false;  // the file exists and holds a report
  std::string why;    // when not read: the path and what went wrong
  std::string riot_id;
  std::string channel_id;
  std::string microphone;  // "ok" or "unavailable"
  std::string speakers;
  std::vector<ReportedTeammate> peers;

  // The teammate with this Riot ID, or nullptr.
  const ReportedTeammate* teammate(const std::string& riot_id) const;
};

PeerReportFile read_peer_report(const std::string& path);

}  // namespace shotcall::test
