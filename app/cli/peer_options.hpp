// Command-line options of shotcall-peer, parsed without side effects so every bad argument has a
// tested, clear message.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace shotcall::cli {

struct PeerOptions {
  std::string server;                    // ws:// or wss:// URL
  std::optional<std::string> riot_id;    // optional when the game names the player
  std::optional<std::string> game;       // manual game id
  std::optional<int> team;               // 100 or 200
  std::vector<std::string> teammates;    // the whole team; the player is added when missing
  std::optional<std::string> lcd_url;    // local game data (Live Client Data API) base URL
  std::optional<std::string> lcd_ca;     // CA file pinning that API's certificate
  bool watch = false;                    // let the server find the game (Riot web API)
  std::string source = "autoaudiosrc";
  std::string sink = "autoaudiosink";
  std::optional<std::string> record_dir;
  std::vector<std::string> ice_addresses;
  bool ice_relay_only = false;  // --ice-transport-policy relay: TURN candidates only
  std::optional<double> duration_s;
  std::optional<std::string> report;
  // The game history database to record the game in (app/history); none when absent.
  std::optional<std::string> history;
  std::optional<std::string> token;
  // identity-1: the device key file (default: one per server host and Riot ID under
  // $XDG_DATA_HOME/shotcall/peer-keys/, since a tester runs many players as one user), no key at
  // all (a v1 client), a link request before registering, a link code to approve once registered.
  std::optional<std::string> key_file;
  bool no_key = false;
  bool link = false;
  std::optional<std::string> approve_code;
  // identity-1: once registered, verify the Riot ID with Riot (profile icons, two rounds).
  bool verify_riot = false;
  bool mute = false;
  bool deafen = false;
  // Echo cancellation, noise suppression and gain control off: for test tones and line-level
  // sources, which the speech DSP would treat as noise or echo.
  bool no_dsp = false;
  int jitter_ms = -1;  // -1: the engine's default
  int bitrate = -1;
  int frame_ms = -1;
};

struct ParseError {
  std::string message;
};
struct HelpRequested {};
struct VersionRequested {};

using ParseResult = std::variant<PeerOptions, ParseError, HelpRequested, VersionRequested>;

ParseResult parse_peer_options(const std::vector<std::string>& args);
std::string peer_usage();

}  // namespace shotcall::cli
