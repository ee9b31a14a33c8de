#include "signaling/server/ops/server_config.hpp"

#include <glib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

#include "signaling/protocol/messages.hpp"
#include "signaling/riot/riot_rate_limiter.hpp"
#include "signaling/riot/routing.hpp"
#include "signaling/store/store_records.hpp"

namespace shotcall::server {
namespace {

struct OptionSpec {
  std::string_view name;
  std::string_view value_name;  // empty: a switch without a value
  bool repeatable = false;
  std::string_view help;
};

constexpr OptionSpec kOptions[] = {
    {"bind", "ADDR", false, "IP address to listen on (default 127.0.0.1; 0.0.0.0 or :: for all)"},
    {"port", "N", false, "TCP port (default 7800; 0 picks a free one)"},
    {"max-frame", "BYTES", false,
     "largest incoming message; bigger closes with 1009 (default 65536)"},
    {"max-queued-bytes", "BYTES", false,
     "outgoing bytes held for a client that does not read; more closes it with 4008 (default "
     "4194304)"},
    {"allowed-origin", "ORIGIN", true,
     "browser origin (https://host[:port]) allowed to connect besides this server's own pages, '*' "
     "for any; may repeat"},
    {"rate", "N", false, "frames per second per connection, sustained (default 50)"},
    {"burst", "N", false, "frames a connection may send at once (default 100)"},
    {"max-connections-per-ip", "N", false,
     "connections per client address, 0 = no limit (default 50)"},
    {"max-connections", "N", false, "connections in all (default 20000)"},
    {"io-threads", "N", false,
     "most threads the WebSockets are spread over, 0-1024; 0: all on the main loop (default 256)"},
    {"io-thread-connections", "N", false,
     "connections per thread before another thread starts, 1-100000 (default 100)"},
    {"trusted-proxy", "CIDR", true,
     "a load balancer (address or network) whose PROXY protocol header or X-Forwarded-For names "
     "the client; may repeat"},
    {"max-members", "N", false, "members per channel (default 5)"},
    {"log-format", "text|json", false,
     "log lines on stderr as text or one JSON object each (default text)"},
    {"keepalive", "SECONDS", false,
     "ping interval; silent peers go after 3 intervals, 0 = off (default 20)"},
    {"handshake-timeout", "SECONDS", false,
     "time a client has to send its HTTP request (default 30)"},
    {"access-token", "TOKEN", false, "require register-user to carry this token"},
    {"stun", "URL", true, "STUN server for clients (stun:host:port), may repeat"},
    {"turn", "URL", true,
     "TURN server for clients (turn:host:port?transport=udp|tcp, turns:host:port), may repeat"},
    {"turn-username", "USER", false,
     "TURN username, the same for every client (or use --turn-secret-env)"},
    {"turn-credential", "SECRET", false, "TURN credential for --turn-username"},
    {"turn-secret-env", "VAR", false,
     "give each client its own time-limited TURN credentials, made with the secret shared with "
     "coturn (use-auth-secret) held in environment variable VAR"},
    {"turn-ttl", "SECONDS", false,
     "how long those credentials stay valid, 60-604800 (default 43200: 12 hours)"},
    {"tls-cert", "FILE", false, "PEM certificate (chain): serve wss:// directly"},
    {"tls-key", "FILE", false, "PEM private key for --tls-cert"},
    {"riot-api-key-env", "VAR", false,
     "detect games with the Riot API key held in environment variable VAR"},
    {"riot-platform", "PLATFORM", false,
     "the players' platform: euw1, na1, kr, ... (needed with a key)"},
    {"riot-api-base", "URL", false, "send Riot API calls to URL instead of Riot's hosts (tests)"},
    {"riot-rate-limits", "LIMITS", false,
     "the key's limits until Riot's headers tell (default 20:1,100:120)"},
    {"riot-poll-interval", "MS", false,
     "shortest spectator poll interval per player (default 10000)"},
    {"riot-game-check-interval", "MS", false,
     "how often a running game is re-checked (default 60000)"},
    {"riot-end-confirmations", "N", false,
     "'not in game' answers in a row that end a game (default 2)"},
    {"riot-verify-share", "PERCENT", false,
     "the part of the key's limits Riot verification may use, 0-90; 0: no verification (default "
     "20)"},
    {"redis", "URL", false, "share state with other instances through Redis at redis://HOST:PORT"},
    {"reuse-port", "", false,
     "let several instances listen on one port (SO_REUSEPORT; the kernel spreads clients)"},
    {"instance-id", "NAME", false,
     "this instance's name with --redis: 1-24 of A-Z a-z 0-9 _ - (default random)"},
    {"identity", "none|key|riot", false,
     "who may take a player's seat: see docs/self-hosting.md, \"Identity\" (default none)"},
    {"public-host", "NAME", true,
     "host[:port] clients dial (proofs name it), may repeat; the listening address always counts"},
    {"database", "SPEC", false,
     "identity bindings: sqlite:PATH (default under --state-dir) or postgresql://... (needed with "
     "--redis)"},
    {"state-dir", "DIR", false,
     "where the embedded database lives (default $STATE_DIRECTORY, else ./shotcall-state)"},
    {"no-web", "", false, "do not serve the browser client at / (only /ws, /healthz, /metrics)"},
    {"help", "", false, "print this help and exit"},
    {"version", "", false, "print the version and exit"},
};

const OptionSpec* find_option(std::string_view name) {
  for (const auto& o : kOptions)
    if (o.name == name) return &o;
  return nullptr;
}

std::string env_name(std::string_view flag) {
  std::string out = "SHOTCALL_";
  for (char c : flag) out += c == '-' ? '_' : static_cast<char>(g_ascii_toupper(c));
  return out;
}

// A value and where it came from, so an error names what the user must fix.
struct Raw {
  std::string value;
  std::string source;  // "--port" or "SHOTCALL_PORT"
};

struct BadValue {
  std::string message;
};

template <typename Int>
Int parse_int(const Raw& raw, Int lo, Int hi) {
  Int v{};
  const char* first = raw.value.data();
  const char* last = first + raw.value.size();
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (raw.value.empty() || ec != std::errc{} || ptr != last || v < lo || v > hi) {
    std::ostringstream m;
    m << raw.source << ": expected a whole number from " << +lo << " to " << +hi << ", got \""
      << raw.value << "\"";
    throw BadValue{m.str()};
  }
  return v;
}

double parse_rate(const Raw& raw) {
  // strtod accepts "inf", "nan" and hex; the range check below refuses all but plain numbers.
  char* end = nullptr;
  const double v = std::strtod(raw.value.c_str(), &end);
  if (raw.value.empty() || end != raw.value.c_str() + raw.value.size() || !std::isfinite(v) ||
      v <= 0 || v > 100000) {
    throw BadValue{raw.source + ": expected a number above 0 and at most 100000, got \"" +
                   raw.value + "\""};
  }
  return v;
}

bool has_control_or_space(std::string_view s) {
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7f) return true;
  return false;
}

std::string checked_url(const Raw& raw, std::initializer_list<std::string_view> schemes) {
  bool scheme_ok = false;
  for (auto s : schemes)
    if (raw.value.size() > s.size() && raw.value.compare(0, s.size(), s) == 0) scheme_ok = true;
  if (!scheme_ok || has_control_or_space(raw.value) || raw.value.size() > 512) {
    std::string want;
    for (auto s : schemes) want += (want.empty() ? "" : " or ") + std::string{s};
    throw BadValue{raw.source + ": expected a URL starting with " + want + ", got \"" +
                   raw.value + "\""};
  }
  return raw.value;
}

std::string non_empty(const Raw& raw, std::size_t max_bytes) {
  if (raw.value.empty() || raw.value.size() > max_bytes || has_control_or_space(raw.value))
    throw BadValue{raw.source + ": expected 1 to " + std::to_string(max_bytes) +
                   " bytes without spaces or control characters"};
  return raw.value;
}

// A --public-host: the host[:port] a client dials, as a proof names it (lower case; no scheme,
// no path). Upper case is lowered here so the operator need not care.
std::string checked_public_host(const Raw& raw) {
  std::string host = non_empty(raw, 262);
  for (char& ch : host) ch = static_cast<char>(g_ascii_tolower(ch));
  if (host.find('/') != std::string::npos || host.find("://") != std::string::npos)
    throw BadValue{raw.source + ": expected a host name with an optional :port (chat.example.org "
                                "or chat.example.org:8443), got \"" + raw.value + "\""};
  return host;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool is_env_name(std::string_view s) {
  if (s.empty() || s.size() > 128 || g_ascii_isdigit(s[0])) return false;
  for (char c : s)
    if (!g_ascii_isalnum(c) && c != '_') return false;
  return true;
}

using Values = std::map<std::string, std::vector<Raw>, std::less<>>;

// Fewer characters could be guessed offline: every client holds a username and the HMAC of it.
constexpr std::size_t kMinTurnSecretBytes = 16;
constexpr std::size_t kMaxTurnSecretBytes = 512;

// --turn-secret-env and --turn-ttl. As for the Riot key, no message quotes the secret or the
// value of --turn-secret-env (a secret pasted there by mistake must not reach a log).
std::optional<TurnSecretSettings> build_turn_secret(const Values& values, const EnvLookup& env) {
  auto one = [&](std::string_view name) -> const Raw* {
    auto it = values.find(name);
    return it == values.end() || it->second.empty() ? nullptr : &it->second.back();
  };
  const Raw* secret_env = one("turn-secret-env");
  const Raw* ttl = one("turn-ttl");
  if (!secret_env) {
    if (ttl) throw BadValue{"--turn-ttl needs --turn-secret-env"};
    return std::nullopt;
  }
  if (!is_env_name(secret_env->value))
    throw BadValue{secret_env->source +
                   ": expected the name of an environment variable (letters, digits and _), "
                   "not the secret itself"};
  TurnSecretSettings t;
  t.env = secret_env->value;
  const auto secret = env ? env(t.env) : std::nullopt;
  if (!secret || secret->empty())
    throw BadValue{secret_env->source +
                   ": the environment variable it names is unset or empty (give the name of a "
                   "variable that holds the secret, not the secret)"};
  const bool printable = std::all_of(secret->begin(), secret->end(), [](unsigned char c) {
    return c > 0x20 && c < 0x7f;
  });
  if (!printable || secret->size() < kMinTurnSecretBytes || secret->size() > kMaxTurnSecretBytes)
    throw BadValue{"the TURN secret in the variable --turn-secret-env names must be " +
                   std::to_string(kMinTurnSecretBytes) + " to " +
                   std::to_string(kMaxTurnSecretBytes) +
                   " printable ASCII characters without spaces (openssl rand -hex 32 makes one)"};
  t.secret = *secret;
  if (ttl) t.ttl_s = parse_int<std::int64_t>(*ttl, 60, 7 * 24 * 3600);
  return t;
}

// The riot-* options. The key is read from the named variable here, and no message ever quotes
// it, nor the value of --riot-api-key-env (a key pasted there by mistake must not be echoed).
std::optional<RiotSettings> build_riot(const Values& values, const EnvLookup& env) {
  auto one = [&](std::string_view name) -> const Raw* {
    auto it = values.find(name);
    return it == values.end() || it->second.empty() ? nullptr : &it->second.back();
  };
  const Raw* key_env = one("riot-api-key-env");
  if (!key_env) {
    for (std::string_view name : {"riot-platform", "riot-api-base", "riot-rate-limits",
                                  "riot-poll-interval", "riot-game-check-interval",
                                  "riot-end-confirmations", "riot-verify-share"})
      if (one(name)) throw BadValue{"--" + std::string{name} + " needs --riot-api-key-env"};
    return std::nullopt;
  }
  RiotSettings r;
  if (!is_env_name(key_env->value))
    throw BadValue{key_env->source +
                   ": expected the name of an environment variable (letters, digits and _), "
                   "not the key itself"};
  r.key_env = key_env->value;
  const auto key = env ? env(r.key_env) : std::nullopt;
  if (!key || key->empty())
    throw BadValue{key_env->source + ": the environment variable " + r.key_env +
                   " is unset or empty"};
  const bool printable = std::all_of(key->begin(), key->end(), [](unsigned char c) {
    return c > 0x20 && c < 0x7f;
  });
  if (!printable || key->size() > 256)
    throw BadValue{"the value of " + r.key_env +
                   " is not an API key (at most 256 printable ASCII characters, no spaces)"};
  r.api_key = *key;

  const Raw* platform = one("riot-platform");
  if (!platform) throw BadValue{"--riot-api-key-env needs --riot-platform (euw1, na1, kr, ...)"};
  if (!riot::region_for_platform(platform->value))
    throw BadValue{platform->source + ": not a Riot platform: \"" + platform->value +
                   "\" (euw1, eun1, na1, kr, jp1, br1, la1, la2, oc1, tr1, ru, ...)"};
  r.platform = platform->value;
  for (char& c : r.platform) c = g_ascii_tolower(c);
  if (const Raw* base = one("riot-api-base")) r.api_base = checked_url(*base, {"http://", "https://"});
  if (const Raw* limits = one("riot-rate-limits")) {
    if (!riot::parse_rate_limits(limits->value))
      throw BadValue{limits->source + ": expected count:seconds pairs like 20:1,100:120, got \"" +
                     limits->value + "\""};
    r.rate_limits = limits->value;
  }
  constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
  if (const Raw* v = one("riot-poll-interval"))
    r.min_poll_interval_ms = parse_int<std::int64_t>(*v, 50, kDayMs);
  if (const Raw* v = one("riot-game-check-interval"))
    r.game_check_interval_ms = parse_int<std::int64_t>(*v, 50, kDayMs);
  if (const Raw* v = one("riot-end-confirmations")) r.end_confirmations = parse_int<int>(*v, 1, 100);
  if (const Raw* v = one("riot-verify-share")) r.verify_share_percent = parse_int<int>(*v, 0, 90);
  return r;
}

// "*", or scheme://host[:port] with scheme http or https and nothing after: what a browser sends
// in Origin. Kept in lower case; a trailing slash is dropped.
std::string checked_origin(const Raw& raw) {
  std::string v = raw.value;
  if (v == "*") return v;
  if (!v.empty() && v.back() == '/') v.pop_back();
  for (char& ch : v) ch = static_cast<char>(g_ascii_tolower(ch));
  const auto scheme_end = v.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : v.substr(0, scheme_end);
  const std::string rest = scheme_end == std::string::npos ? "" : v.substr(scheme_end + 3);
  if ((scheme != "http" && scheme != "https") || rest.empty() || has_control_or_space(rest) ||
      rest.find_first_of("/?#@") != std::string::npos || v.size() > 512)
    throw BadValue{raw.source + ": expected * or an origin like https://example.org or " +
                   "http://host:8080, got \"" + raw.value + "\""};
  return v;
}

ConfigOutcome fail(const std::string& message) {
  ConfigOutcome o;
  o.exit_code = 2;
  o.err = "shotcall-signal: " + message + "\nTry 'shotcall-signal --help'.\n";
  return o;
}

ServerConfig build(const Values& values, const EnvLookup& env) {
  ServerConfig c;
  auto one = [&](std::string_view name) -> const Raw* {
    auto it = values.find(name);
    return it == values.end() || it->second.empty() ? nullptr : &it->second.back();
  };
  if (auto r = one("bind")) {
    if (!g_hostname_is_ip_address(r->value.c_str()))
      throw BadValue{r->source + ": expected an IPv4 or IPv6 address, got \"" + r->value + "\""};
    c.bind = r->value;
  }
  if (auto r = one("port")) c.port = parse_int<std::uint16_t>(*r, 0, 65535);
  if (auto r = one("max-frame")) c.max_frame = parse_int<std::size_t>(*r, 1024, 16 * 1024 * 1024);
  if (auto r = one("max-queued-bytes")) {
    c.max_queued_bytes = parse_int<std::size_t>(*r, 1024, std::size_t{1} << 32);
    if (c.max_queued_bytes < c.max_frame)
      throw BadValue{r->source + ": must be at least --max-frame (" +
                     std::to_string(c.max_frame) + ")"};
  } else {
    c.max_queued_bytes = std::max(c.max_queued_bytes, 4 * c.max_frame);
  }
  if (auto it = values.find("allowed-origin"); it != values.end())
    for (const auto& r : it->second) c.allowed_origins.push_back(checked_origin(r));
  if (auto r = one("rate")) c.rate = parse_rate(*r);
  if (auto r = one("burst")) c.burst = parse_int<std::size_t>(*r, 1, 100000);
  if (auto r = one("max-connections-per-ip"))
    c.max_connections_per_ip = parse_int<std::size_t>(*r, 0, 1000000);
  if (auto r = one("max-connections"))
    c.max_connections = parse_int<std::size_t>(*r, 1, 1000000);
  if (auto it = values.find("trusted-proxy"); it != values.end()) {
    std::vector<Cidr> networks;
    for (const auto& r : it->second) {
      auto cidr = parse_cidr(r.value);
      if (!cidr)
        throw BadValue{r.source +
                       ": expected an address or a network (10.0.0.5, 10.0.0.0/8, "
                       "2001:db8::/32) with no host bits set, got \"" +
                       r.value + "\""};
      networks.push_back(*cidr);
    }
    c.trusted_proxies = TrustedProxies{std::move(networks)};
  }
  if (auto r = one("max-members")) c.max_members = parse_int<std::size_t>(*r, 2, 100);
  if (auto r = one("log-format")) {
    if (r->value == "text") c.log_format = LogFormat::Text;
    else if (r->value == "json") c.log_format = LogFormat::Json;
    else throw BadValue{r->source + ": expected text or json, got \"" + r->value + "\""};
  }
  if (auto r = one("io-threads")) c.io_threads = parse_int<unsigned>(*r, 0, 1024);
  if (auto r = one("io-thread-connections"))
    c.io_thread_connections = parse_int<unsigned>(*r, 1, 100000);
  if (auto r = one("keepalive")) c.keepalive_s = parse_int<unsigned>(*r, 0, 3600);
  if (auto r = one("handshake-timeout")) c.handshake_timeout_s = parse_int<unsigned>(*r, 1, 3600);
  if (auto r = one("access-token")) c.access_token = non_empty(*r, protocol::kMaxTokenBytes);
  if (auto it = values.find("stun"); it != values.end())
    for (const auto& r : it->second) c.stun_urls.push_back(checked_url(r, {"stun:", "stuns:"}));
  if (auto it = values.find("turn"); it != values.end())
    for (const auto& r : it->second) c.turn_urls.push_back(checked_url(r, {"turn:", "turns:"}));
  if (auto r = one("turn-username")) c.turn_username = non_empty(*r, 256);
  if (auto r = one("turn-credential")) c.turn_credential = non_empty(*r, 256);
  c.turn_secret = build_turn_secret(values, env);
  if (c.turn_secret && (c.turn_username || c.turn_credential))
    throw BadValue{"--turn-secret-env cannot be combined with --turn-username/--turn-credential: "
                   "give clients either time-limited credentials made from the shared secret, "
                   "or one static username and credential"};
  if (!c.turn_urls.empty() && !c.turn_secret && (!c.turn_username || !c.turn_credential))
    throw BadValue{"--turn needs --turn-secret-env (time-limited credentials), or "
                   "--turn-username and --turn-credential"};
  if (c.turn_urls.empty() && (c.turn_username || c.turn_credential))
    throw BadValue{"--turn-username and --turn-credential need --turn"};
  if (c.turn_urls.empty() && c.turn_secret)
    throw BadValue{"--turn-secret-env needs --turn (the TURN servers the credentials are for)"};
  if (auto r = one("tls-cert")) c.tls_cert = non_empty(*r, 4096);
  if (auto r = one("tls-key")) c.tls_key = non_empty(*r, 4096);
  if (c.tls_cert.has_value() != c.tls_key.has_value())
    throw BadValue{"--tls-cert and --tls-key go together"};
  c.riot = build_riot(values, env);
  if (one("reuse-port")) c.reuse_port = true;
  if (one("no-web")) c.web = false;
  if (auto r = one("redis")) {
    c.redis_url = non_empty(*r, 1024);
    if (c.redis_url->rfind("redis://", 0) != 0)
      throw BadValue{r->source + ": expected redis://HOST:PORT, got \"" + *c.redis_url + "\""};
  }
  if (auto r = one("identity")) {
    if (r->value != "none" && r->value != "key" && r->value != "riot")
      throw BadValue{r->source + ": expected none, key or riot, got \"" + r->value + "\""};
    c.identity_policy = r->value;
  }
  if (auto it = values.find("public-host"); it != values.end())
    for (const auto& r : it->second) c.public_hosts.push_back(checked_public_host(r));
  if (auto r = one("state-dir"))
    c.state_dir = non_empty(*r, 4096);
  else if (auto dir = env ? env("STATE_DIRECTORY") : std::nullopt; dir && !dir->empty())
    c.state_dir = dir->substr(0, dir->find(':'));  // systemd may list several, colon-separated
  else
    c.state_dir = "./shotcall-state";
  if (auto r = one("database")) {
    c.database = non_empty(*r, 4096);
    if (c.database.rfind("sqlite:", 0) != 0 && c.database.rfind("postgresql://", 0) != 0 &&
        c.database.rfind("postgres://", 0) != 0)
      throw BadValue{r->source + ": expected sqlite:PATH or postgresql://..., got \"" +
                     c.database + "\""};
  } else {
    c.database = "sqlite:" + c.state_dir + "/identity.sqlite";
  }
  if (c.redis_url && c.database.rfind("sqlite:", 0) == 0)
    throw BadValue{"--redis needs --database postgresql://...: every instance must see the same "
                   "identity bindings, and a private SQLite file cannot be shared"};
  if (auto r = one("instance-id")) {
    if (!c.redis_url) throw BadValue{"--instance-id needs --redis"};
    c.instance_id = r->value;
    if (!store::is_valid_instance_id(c.instance_id))
      throw BadValue{r->source + ": expected 1 to 24 of A-Z a-z 0-9 _ -, got \"" + r->value + "\""};
  }
  return c;
}

}  // namespace

std::string usage_text() {
  std::ostringstream u;
  u << "Usage: shotcall-signal [OPTION]...\n"
       "       shotcall-signal notice --redis URL [--level info|warning] TEXT\n"
       "       shotcall-signal identity list|show RIOTID|unbind RIOTID [--database SPEC]\n"
       "The Shotcall signaling server: pairs League of Legends teammates into voice channels\n"
       "over WebSocket (path /ws), with /healthz and /metrics over HTTP.\n\nOptions:\n";
  for (const auto& o : kOptions) {
    // Appended piece by piece: GCC 12 at -O3 warns falsely (-Wrestrict) on `"  --" + string`.
    std::string left = "  --";
    left += o.name;
    if (!o.value_name.empty()) {
      left += ' ';
      left += o.value_name;
    }
    u << left;
    u << std::string(left.size() < 34 ? 34 - left.size() : 1, ' ') << o.help << "\n";
  }
  u << "\nEvery option with a value can also be set by an environment variable: SHOTCALL_ and the\n"
       "option's name in upper case with dashes as underscores (--max-frame: SHOTCALL_MAX_FRAME).\n"
       "A flag on the command line wins. SHOTCALL_STUN and SHOTCALL_TURN take comma-separated "
       "lists.\nThe Riot API key itself is read only from the variable --riot-api-key-env names, "
       "and the\nTURN secret only from the variable --turn-secret-env names.\n"
       "Invalid settings exit with status 2.\n";
  return u.str();
}

ConfigOutcome parse_config(const std::vector<std::string>& args, const EnvLookup& env) {
  std::map<std::string, std::vector<Raw>, std::less<>> from_flags;
  bool help = false, version = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0)
      return fail("unexpected argument \"" + arg + "\"");
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    const OptionSpec* spec = find_option(name);
    if (!spec) return fail("unknown option --" + name);
    if (spec->value_name.empty()) {
      if (inline_value) return fail("--" + name + " takes no value");
      if (name == "help") help = true;
      else if (name == "version") version = true;
      else from_flags[name].push_back(Raw{"1", "--" + name});
      continue;
    }
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else {
      if (i + 1 >= args.size()) return fail("--" + name + " needs a value (" +
                                            std::string{spec->value_name} + ")");
      value = args[++i];
    }
    auto& slot = from_flags[name];
    if (!spec->repeatable && !slot.empty()) return fail("--" + name + " given twice");
    slot.push_back(Raw{value, "--" + name});
  }

  if (help) return ConfigOutcome{std::nullopt, 0, usage_text(), ""};
  if (version)
    return ConfigOutcome{std::nullopt, 0, std::string{"shotcall-signal "} + SHOTCALL_VERSION + "\n",
                         ""};

  // Variables fill in only what the command line left out.
  auto values = from_flags;
  for (const auto& o : kOptions) {
    if (o.value_name.empty() || values.count(o.name)) continue;
    const std::string var = env_name(o.name);
    auto v = env ? env(var) : std::nullopt;
    // An empty variable counts as unset: EnvironmentFile templates often carry `NAME=` lines.
    if (!v || v->empty()) continue;
    auto& slot = values[std::string{o.name}];
    if (o.repeatable) {
      for (auto& part : split_commas(*v)) slot.push_back(Raw{part, var});
      if (slot.empty()) values.erase(std::string{o.name});
    } else {
      slot.push_back(Raw{*v, var});
    }
  }

  try {
    return ConfigOutcome{build(values, env), 0, "", ""};
  } catch (const BadValue& bad) {
    return fail(bad.message);
  }
}

}  // namespace shotcall::server
