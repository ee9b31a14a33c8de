#include "app/cli/peer_options.hpp"

#include <charconv>
#include <functional>
#include <map>

#include "signaling/protocol/riot_id.hpp"

namespace shotcall::cli {
namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::string current;
  for (const char c : text) {
    if (c == ',') {
      if (!current.empty()) items.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) items.push_back(current);
  return items;
}

template <typename T>
bool parse_number(const std::string& text, T& out) {
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

bool is_ws_url(const std::string& url) {
  return (url.rfind("ws://", 0) == 0 && url.size() > 5) ||
         (url.rfind("wss://", 0) == 0 && url.size() > 6);
}

}  // namespace

std::string peer_usage() {
  return R"(Usage: shotcall-peer --server URL [how the game is found] [options]

A headless Shotcall player: joins its team's voice channel and talks through GStreamer fragments.

How the game is found (one of):
  --game ID --team 100|200 --teammates ID,ID,...   given by hand (needs --riot-id)
  --lcd-url URL [--lcd-ca FILE]                    League's local game data
  --watch                                          the server watches Riot's API (needs --riot-id)

Options:
  --server URL          signaling server, ws://HOST:PORT/ws or wss://…
  --riot-id NAME#TAG    the player (taken from the game with --lcd-url)
  --token TOKEN         access token, when the server asks for one
  --key FILE            this player's device key (created on first use, mode 0600; default
                        $XDG_DATA_HOME/shotcall/peer-keys/HOST/PLAYER.key)
  --no-key              register without a key, as a protocol-v1 client
  --link                first ask to link this key to the Riot ID: prints the code and the
                        key's fingerprint, waits for a bound device to approve, then joins
  --approve CODE        once registered, approve another device's link code
  --verify-riot         once registered, verify the Riot ID with Riot: prints
                        "verify-icon ICON round N" for each profile icon to set in the League
                        client, checks every 10 s, then prints "verified" or
                        "verify-error CODE MESSAGE"; without a way to find the game it exits
                        then (needs --riot-id)
  --source FRAGMENT     gst-launch fragment for the microphone (default autoaudiosrc)
  --sink FRAGMENT       gst-launch fragment for the speakers (default autoaudiosink)
  --record-dir DIR      write each teammate's audio to DIR/<riot id>.wav
  --ice-address ADDR    restrict ICE host candidates to ADDR (repeatable)
  --ice-transport-policy all|relay
                        relay: connect through the server's TURN relays only (default all)
  --duration SECONDS    leave and exit 0 after this long
  --report FILE         write a JSON report when exiting
  --history FILE        record the game in this game history database (SQLite; created when
                        missing, moved aside and started afresh when damaged)
  --mute, --deafen      start muted / deafened
  --no-dsp              no echo cancellation, noise suppression or gain control (test tones,
                        line-level sources)
  --jitter-ms MS        a fixed jitter buffer (default: it follows the links, 5 to 200 ms)
  --bitrate BPS         Opus bitrate (default 32000)
  --frame-ms 10|20      Opus frame size
  --help, --version

Exit status: 0 when it left as asked (--duration, a signal, or verified with --verify-riot and
no game to find); 1 on an error; 3 when Riot verification failed.
)";
}

ParseResult parse_peer_options(const std::vector<std::string>& args) {
  PeerOptions o;
  std::optional<std::string> team_text;
  std::optional<std::string> teammates_text;
  std::optional<std::string> duration_text;
  std::optional<std::string> jitter_text, bitrate_text, frame_text;
  std::optional<std::string> policy_text;

  using Setter = std::function<void(const std::string&)>;
  const std::map<std::string, Setter> valued{
      {"--server", [&](const std::string& v) { o.server = v; }},
      {"--riot-id", [&](const std::string& v) { o.riot_id = v; }},
      {"--game", [&](const std::string& v) { o.game = v; }},
      {"--team", [&](const std::string& v) { team_text = v; }},
      {"--teammates", [&](const std::string& v) { teammates_text = v; }},
      {"--lcd-url", [&](const std::string& v) { o.lcd_url = v; }},
      {"--lcd-ca", [&](const std::string& v) { o.lcd_ca = v; }},
      {"--source", [&](const std::string& v) { o.source = v; }},
      {"--sink", [&](const std::string& v) { o.sink = v; }},
      {"--record-dir", [&](const std::string& v) { o.record_dir = v; }},
      {"--ice-address", [&](const std::string& v) { o.ice_addresses.push_back(v); }},
      {"--ice-transport-policy", [&](const std::string& v) { policy_text = v; }},
      {"--duration", [&](const std::string& v) { duration_text = v; }},
      {"--report", [&](const std::string& v) { o.report = v; }},
      {"--history", [&](const std::string& v) { o.history = v; }},
      {"--token", [&](const std::string& v) { o.token = v; }},
      {"--key", [&](const std::string& v) { o.key_file = v; }},
      {"--approve", [&](const std::string& v) { o.approve_code = v; }},
      {"--jitter-ms", [&](const std::string& v) { jitter_text = v; }},
      {"--bitrate", [&](const std::string& v) { bitrate_text = v; }},
      {"--frame-ms", [&](const std::string& v) { frame_text = v; }},
  };
  const std::map<std::string, bool*> flags{
      {"--watch", &o.watch}, {"--mute", &o.mute},   {"--deafen", &o.deafen},
      {"--no-dsp", &o.no_dsp}, {"--no-key", &o.no_key}, {"--link", &o.link},
      {"--verify-riot", &o.verify_riot}};

  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> value;
    if (const auto eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (name == "--help" || name == "-h") return HelpRequested{};
    if (name == "--version") return VersionRequested{};
    if (const auto f = flags.find(name); f != flags.end()) {
      if (value) return ParseError{name + " takes no value"};
      *f->second = true;
      continue;
    }
    const auto v = valued.find(name);
    if (v == valued.end()) return ParseError{"unknown option " + name};
    if (!value) {
      if (i + 1 >= args.size()) return ParseError{name + " needs a value"};
      value = args[++i];
    }
    v->second(*value);
  }

  if (o.server.empty()) return ParseError{"--server is required"};
  if (!is_ws_url(o.server)) return ParseError{"--server must be a ws:// or wss:// URL"};
  if (o.riot_id && !protocol::is_valid_riot_id(*o.riot_id))
    return ParseError{"--riot-id must look like Name#TAG"};

  const bool manual = o.game || team_text || teammates_text;
  const int modes = (manual ? 1 : 0) + (o.lcd_url ? 1 : 0) + (o.watch ? 1 : 0);
  if (modes == 0 && !o.verify_riot)
    return ParseError{"say how to find the game: --game/--team/--teammates, --lcd-url or --watch"};
  if (o.verify_riot && !o.riot_id) return ParseError{"--verify-riot needs --riot-id"};
  if (modes > 1) return ParseError{"choose one of --game/--team/--teammates, --lcd-url and --watch"};
  if (o.lcd_ca && !o.lcd_url) return ParseError{"--lcd-ca goes with --lcd-url"};
  if (o.history && o.history->empty()) return ParseError{"--history needs a file name"};
  if ((manual || o.watch) && !o.riot_id)
    return ParseError{"--riot-id is required unless the game is read with --lcd-url"};

  if (manual) {
    if (!o.game || o.game->empty()) return ParseError{"--game is required with --team/--teammates"};
    if (o.game->size() > 64) return ParseError{"--game is longer than 64 bytes"};
    int team = 0;
    if (!team_text || !parse_number(*team_text, team) || (team != 100 && team != 200))
      return ParseError{"--team must be 100 or 200"};
    o.team = team;
    if (!teammates_text) return ParseError{"--teammates is required with --game"};
    o.teammates = split_list(*teammates_text);
    for (const auto& mate : o.teammates)
      if (!protocol::is_valid_riot_id(mate))
        return ParseError{"--teammates: '" + mate + "' is not a Riot ID (Name#TAG)"};
    const std::string me = protocol::fold_riot_id(*o.riot_id);
    bool listed = false;
    for (const auto& mate : o.teammates) listed = listed || protocol::fold_riot_id(mate) == me;
    if (!listed) o.teammates.insert(o.teammates.begin(), *o.riot_id);
    if (o.teammates.size() > 10) return ParseError{"--teammates names more than 10 players"};
  }
  if (duration_text) {
    double d = 0;
    try {
      std::size_t used = 0;
      d = std::stod(*duration_text, &used);
      if (used != duration_text->size()) d = -1;
    } catch (const std::exception&) {
      d = -1;
    }
    if (!(d > 0)) return ParseError{"--duration must be a positive number of seconds"};
    o.duration_s = d;
  }
  if (jitter_text && (!parse_number(*jitter_text, o.jitter_ms) || o.jitter_ms < 0 || o.jitter_ms > 1000))
    return ParseError{"--jitter-ms must be 0 to 1000"};
  if (bitrate_text && (!parse_number(*bitrate_text, o.bitrate) || o.bitrate < 6000 || o.bitrate > 510000))
    return ParseError{"--bitrate must be 6000 to 510000"};
  if (frame_text && (!parse_number(*frame_text, o.frame_ms) || (o.frame_ms != 10 && o.frame_ms != 20)))
    return ParseError{"--frame-ms must be 10 or 20"};
  if (policy_text) {
    if (*policy_text != "all" && *policy_text != "relay")
      return ParseError{"--ice-transport-policy must be all or relay"};
    o.ice_relay_only = *policy_text == "relay";
  }
  if (o.no_key && (o.key_file || o.link || o.approve_code || o.verify_riot))
    return ParseError{"--no-key cannot go with --key, --link, --approve or --verify-riot"};
  if (o.link && o.approve_code) return ParseError{"--link and --approve are for two devices"};
  return o;
}

}  // namespace shotcall::cli
