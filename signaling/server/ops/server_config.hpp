// The server's settings, from command-line flags and SHOTCALL_* environment variables. Pure: no
// IO, so every rule (defaults, precedence, validation) is unit-tested without a process.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signaling/core/turn_credentials.hpp"
#include "signaling/server/transport/client_address.hpp"

namespace shotcall::server {

enum class LogFormat { Text, Json };

// Server-side game detection through Riot's web API (docs/self-hosting.md, "Riot API key").
struct RiotSettings {
  std::string key_env;   // the name of the variable that holds the key (safe to show)
  std::string api_key;   // its value: never logged, printed or echoed
  std::string platform;  // lower case: "euw1"; account-v1 goes to its regional cluster
  std::string api_base;  // empty: Riot's own hosts; tests point it at a stand-in
  std::string rate_limits = "20:1,100:120";  // Riot's syntax, until Riot's headers say otherwise
  // Scheduling; the defaults suit Riot. Smaller values are for tests and small deployments:
  // the rate limiter still keeps every call within the limits.
  std::int64_t min_poll_interval_ms = 10000;
  std::int64_t game_check_interval_ms = 60000;
  int end_confirmations = 2;
  // identity-1's Riot verification: its share of the key's limits, in percent (the watcher keeps
  // the rest); 0 turns verification off.
  int verify_share_percent = 20;
};

// Time-limited TURN credentials in coturn's REST scheme (`use-auth-secret`): every registration
// gets its own username and credential, derived from a secret the server shares with coturn.
struct TurnSecretSettings {
  std::string env;     // the name of the variable that holds the secret (safe to show)
  std::string secret;  // its value: never logged, printed or echoed
  std::int64_t ttl_s = core::kDefaultTurnTtlS;
};

struct ServerConfig {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 7800;  // 0: the kernel picks a free port
  std::size_t max_frame = 65536;  // bytes per incoming message; larger closes with 1009
  // Bytes waiting in memory for one client that reads too slowly; more closes it with 4008.
  // Default 4 MiB, or 4 frames when --max-frame is above 1 MiB; never less than one frame.
  std::size_t max_queued_bytes = 4 * 1024 * 1024;
  // Browser page origins (`scheme://host[:port]`, lower case) allowed to open /ws besides the
  // server's own pages (an Origin whose host:port is the request's Host); "*" allows any.
  // Clients that send no Origin (native clients) are always allowed.
  std::vector<std::string> allowed_origins;
  double rate = 50;               // frames per second per connection, sustained
  std::size_t burst = 100;        // frames a connection may send at once
  std::size_t max_connections_per_ip = 50;  // 0: no limit (behind a proxy every peer is one IP)
  std::size_t max_connections = 20000;
  // The threads WebSockets are spread over (transport/io_threads.hpp): at most `io_threads` (0:
  // every connection on the main loop), another started once each holds `io_thread_connections`.
  unsigned io_threads = 256;
  unsigned io_thread_connections = 100;
  // --trusted-proxy: peers whose PROXY header or X-Forwarded-For names the client
  // (client_address.hpp). Empty: every connection is its peer's address.
  TrustedProxies trusted_proxies;
  std::size_t max_members = 5;
  LogFormat log_format = LogFormat::Text;
  unsigned keepalive_s = 20;  // ping interval; 0 turns pings and dead-peer detection off
  // An HTTP request (a WebSocket handshake included) must arrive within this many seconds of the
  // connection or of the previous request, so idle sockets cannot pile up.
  unsigned handshake_timeout_s = 30;
  std::optional<std::string> access_token;
  std::vector<std::string> stun_urls;
  std::vector<std::string> turn_urls;
  std::optional<std::string> turn_username;
  std::optional<std::string> turn_credential;
  std::optional<TurnSecretSettings> turn_secret;  // instead of turn_username/turn_credential
  std::optional<std::string> tls_cert;
  std::optional<std::string> tls_key;
  std::optional<RiotSettings> riot;  // set: the server watches games for watch-game
  // Set: channels, Riot IDs and messages are shared with other instances through Redis.
  std::optional<std::string> redis_url;
  std::string instance_id;  // with redis_url; empty: a random one at start
  // SO_REUSEPORT: several instances (sharing Redis) listen on one port; the kernel spreads the
  // connections over them, no load balancer needed on one machine.
  bool reuse_port = false;
  // Serve the browser client (web/) at / and /app/; --no-web leaves only /ws, /healthz, /metrics.
  bool web = true;
  // identity-1 (docs/protocol.md, "Identity"): the policy, the host names proofs may name
  // besides the listening address, and the bindings database: `sqlite:PATH` (default
  // sqlite:<state_dir>/identity.sqlite) or `postgresql://…` (required with redis_url).
  std::string identity_policy = "none";
  std::vector<std::string> public_hosts;
  std::string database;
  std::string state_dir;  // --state-dir, else $STATE_DIRECTORY (systemd), else ./shotcall-state

  bool tls() const { return tls_cert.has_value(); }
};

// What the process should do after parsing: run with `config`, or print and exit.
struct ConfigOutcome {
  std::optional<ServerConfig> config;  // set: run the server
  int exit_code = 0;                   // otherwise: exit with this
  std::string out;                     // text for stdout (--help, --version)
  std::string err;                     // text for stderr (what was wrong, with a hint)
};

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// `args` excludes argv[0]. Flags take `--name value` or `--name=value`. Each flag also reads
// SHOTCALL_<NAME> (upper case, dashes → underscores); a flag on the command line wins over its
// variable. --stun and --turn may repeat; their variables take comma-separated lists.
ConfigOutcome parse_config(const std::vector<std::string>& args, const EnvLookup& env);

// The usage text --help prints.
std::string usage_text();

}  // namespace shotcall::server
