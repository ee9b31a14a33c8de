// "Test connection" for a Shotcall server address, as the first-run page and Preferences offer
// it: what was found (can the address be reached, does it answer as a Shotcall server, which
// identity policy and features it announces in `hello`, what /healthz says), said in sentences a
// player can act on.
//
// Two parts: describe_probe() is pure (findings in, words out; unit-tested with exact outputs);
// probe_server() is the thin libsoup 3 shell that gathers the findings: GET /healthz, then a
// WebSocket to the address, one `hello`, its answer, and a normal close.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "signaling/protocol/messages.hpp"

namespace shotcall::net {

// How far the probe got.
enum class ProbeReach {
  BadAddress,   // not a ws:// or wss:// URL with a host
  Unreachable,  // nothing answered: refused, no route, unknown host, no answer in time
  TlsRefused,   // wss:// whose certificate this computer does not trust
  NotShotcall,  // something answers there, but not Shotcall's WebSocket (HTTP status, or frames
                // that are not Shotcall's)
  ShotcallV1,   // a Shotcall server without identity-1 (`hello` answered with `unknown-type`)
  Shotcall,     // a Shotcall server that answered `hello`
};

struct ProbeFindings {
  std::string url;  // the address tested, as given
  ProbeReach reach = ProbeReach::Unreachable;
  std::string detail;       // the transport's words for a failure, e.g. "Connection refused"
  int http_status = 0;      // the status of a refused WebSocket upgrade (0: none)
  int health_status = 0;    // GET /healthz status (0: not asked or no answer)
  std::string health_body;  // its first line, e.g. "ok", "degraded: …", "shutting down"
  std::optional<protocol::HelloReply> hello;  // set when reach == Shotcall
};

struct ProbeReport {
  bool usable = false;  // a call can be made through this server
  // One sentence each: what was found, then what it offers, then what to do (when anything).
  std::vector<std::string> lines;
  std::string text() const;  // lines joined with "\n"
};

// Pure. Words for the findings (see server_probe_test.cpp for every case).
ProbeReport describe_probe(const ProbeFindings& findings);

// The /healthz address of a ws(s):// server URL: http(s)://host[:port]/healthz. Empty when the
// URL is not ws:// or wss://.
std::string health_url_of(const std::string& server_url);

// Gathers the findings for `server_url` and calls `done` once, on the default main context
// (the app's and the tests' own), within about `timeout`. Returns a function that abandons the
// probe (no `done` afterwards); calling it after `done` is harmless.
using ProbeDone = std::function<void(const ProbeFindings&)>;
std::function<void()> probe_server(const std::string& server_url, ProbeDone done,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(8));

}  // namespace shotcall::net
