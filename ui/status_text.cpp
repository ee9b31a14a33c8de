#include "ui/status_text.hpp"

#include <algorithm>

namespace shotcall::ui {

DetectionMode detection_mode_from_string(const std::string& text) {
  if (text == "server") return DetectionMode::Server;
  if (text == "manual") return DetectionMode::Manual;
  if (text == "lan") return DetectionMode::Lan;
  return DetectionMode::Local;
}

const char* to_string(DetectionMode mode) {
  switch (mode) {
    case DetectionMode::Local: return "local";
    case DetectionMode::Server: return "server";
    case DetectionMode::Manual: return "manual";
    case DetectionMode::Lan: return "lan";
  }
  return "local";
}

std::string team_name(const std::string& team_id) {
  if (team_id == "100") return "blue side";
  if (team_id == "200") return "red side";
  return "team " + team_id;
}

namespace {

std::string where(const GameSummary& g) {
  std::string text = g.map_name.empty() ? "In game" : "In game on " + g.map_name;
  return text + " as " + team_name(g.team_id);
}

std::string count_of(int n, int total) {
  return std::to_string(n) + " of " + std::to_string(total) + (total == 1 ? " teammate" : " teammates");
}

// The call's progress once the player is in a game.
StatusText call_state(const StatusInputs& in, const std::string& headline) {
  using session::Phase;
  if (in.link == net::LinkState::Refused && !in.identity_problem.empty())
    return {"The server turned you away", in.identity_problem, Tone::Error};
  if (in.link == net::LinkState::Refused) {
    return {"The server turned you away",
            in.link_detail.empty()
                ? "Check your Riot ID and the server address in Preferences."
                : in.link_detail + ". Check your Riot ID and the server address in Preferences.",
            Tone::Error};
  }
  if (in.link == net::LinkState::Failed) {
    return {headline,
            "Can't reach the Shotcall server at " + in.server_url +
                ". Shotcall keeps trying; check the address in Preferences and your connection.",
            Tone::Warning};
  }
  switch (in.phase) {
    case Phase::Offline:
      return {headline, "Connecting to the Shotcall server…", Tone::Neutral};
    case Phase::NoGame:
    case Phase::Finding:
      return {headline, "Looking for your team's channel…", Tone::Neutral};
    case Phase::Joining:
      return {headline, "Joining your team's channel…", Tone::Neutral};
    case Phase::Refused:
      return {headline,
              in.phase_detail.empty() ? "The server refused this team's channel."
                                      : "The server refused: " + in.phase_detail,
              Tone::Error};
    case Phase::InChannel: break;
  }
  if (in.teammates_in_channel == 0) {
    return {headline,
            in.teammates > 0 ? "In your team's channel. None of your teammates runs Shotcall yet."
                             : "In your team's channel.",
            Tone::Neutral};
  }
  if (in.teammates_connected < in.teammates_in_channel) {
    return {headline,
            "Connecting voice with " + count_of(in.teammates_in_channel - in.teammates_connected,
                                                in.teammates_in_channel) + "…",
            Tone::Neutral};
  }
  return {headline,
          "Connected with " + count_of(in.teammates_connected, in.teammates) + ".",
          Tone::Good};
}

}  // namespace

StatusText describe(const StatusInputs& in) {
  if (!in.setup_problem.empty())
    return {"Shotcall needs a setting", in.setup_problem, Tone::Warning};
  // The engine's messages are sentences with their own action (app/media/device_error_words);
  // a bare fragment gets ours.
  const auto sentence = [](const std::string& m) { return !m.empty() && m.back() == '.'; };
  if (!in.session_error.empty()) {
    return {"Voice could not start",
            sentence(in.session_error)
                ? in.session_error
                : in.session_error + ". Pick another microphone or output in Preferences.",
            Tone::Error};
  }
  if (!in.voice_error.empty()) {
    return {"Your microphone or speakers stopped working",
            sentence(in.voice_error)
                ? in.voice_error
                : in.voice_error + ". Pick another device in Preferences; the call restarts.",
            Tone::Error};
  }
  if (in.game) return call_state(in, where(*in.game));
  // Server-side detection names no map: the server's offer is all the client learns.
  if (in.mode == DetectionMode::Server &&
      (in.phase == session::Phase::Joining || in.phase == session::Phase::InChannel))
    return call_state(in, "In game");

  switch (in.mode) {
    case DetectionMode::Server:
      if (in.link == net::LinkState::Refused || in.link == net::LinkState::Failed)
        return call_state(in, "Waiting for the server to find your game");
      if (!in.watch_problem.empty()) {
        return {"Your server can't find your games",
                in.watch_problem + ". Pick “League on this computer” or enter the game by hand "
                                   "in Preferences.",
                Tone::Warning};
      }
      if (!in.session_running || in.link != net::LinkState::Registered)
        return {"Waiting for a game", "Connecting to the Shotcall server…", Tone::Neutral};
      return {"Waiting for a game",
              in.watching
                  ? "Your Shotcall server watches your Riot ID; the call starts when your game does."
                  : "Asking your Shotcall server to watch your Riot ID…",
              Tone::Neutral};
    case DetectionMode::Manual:
      return {"No game entered", "Enter the game and your team in Preferences.", Tone::Warning};
    case DetectionMode::Local:
    case DetectionMode::Lan: break;
  }
  switch (in.detector) {
    case session::DetectorState::Loading:
      return {"Loading into a game", "The call starts as soon as the game does.", Tone::Neutral};
    case session::DetectorState::Problem:
      return {"League's game data can't be trusted",
              (in.detector_detail.empty() ? std::string{"The certificate did not match"}
                                          : in.detector_detail) +
                  ". Is the game's certificate authority set right in Preferences?",
              Tone::Error};
    case session::DetectorState::InGame:
      return {"Reading the game…", "", Tone::Neutral};
    case session::DetectorState::Waiting: break;
  }
  return {"Waiting for a game",
          "Start a League game on this computer and your team's call begins by itself.",
          Tone::Neutral};
}

std::string wait_in_words(std::int64_t ms) {
  const auto plural = [](std::int64_t n, const char* unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
  };
  const std::int64_t seconds = std::max<std::int64_t>(1, (ms + 999) / 1000);
  if (seconds < 60) return plural(seconds, "second");
  const std::int64_t minutes = (seconds + 59) / 60;
  if (minutes < 60) return plural(minutes, "minute");
  return plural((minutes + 59) / 60, "hour");
}

IdentityBadge identity_badge(protocol::IdentityLevel level) {
  switch (level) {
    case protocol::IdentityLevel::Riot:
      return {"verified",
              "Verified: the server checked with Riot that this player controls this Riot ID.",
              true};
    case protocol::IdentityLevel::Key:
      return {"not verified",
              "Not verified: this Riot ID is kept by one device's key on this server, but nobody "
              "checked with Riot that the device belongs to the player.",
              false};
    case protocol::IdentityLevel::None: break;
  }
  return {"not verified",
          "Not verified: the server did not check who uses this Riot ID; anyone could have "
          "typed it.",
          false};
}

std::string identity_error_text(protocol::ErrorCode code,
                                std::optional<std::int64_t> retry_after_ms) {
  using protocol::ErrorCode;
  switch (code) {
    case ErrorCode::RiotIdBound:
      return "Your Riot ID is tied to another device's key on this server. Link this device: "
             "press “Link this device” in Preferences → Identity, then approve the code on a "
             "device that is already signed in.";
    case ErrorCode::ProofRequired:
      return "This server admits only players who proved who they are, and this device has not. "
             "Verify with Riot in Preferences → Identity, or link this device from one that is "
             "verified.";
    case ErrorCode::BadProof:
      return "The server did not accept this device's proof of its key. Use the server address "
             "its operator gives you (a proof names the address you dial); if it keeps "
             "happening, ask the operator to check the server's public host names.";
    case ErrorCode::Unavailable:
      return "The server cannot read its identity records right now; nothing was changed. "
             "Try again in a minute.";
    case ErrorCode::VerifyUnavailable:
      return "This server cannot ask Riot (it has no Riot API key), so it cannot verify Riot "
             "accounts. Ask its operator, or link this device from one that is verified.";
    case ErrorCode::VerifyBusy:
      return "Too many verifications right now (there is a limit per player, per address and on "
             "the server's share of Riot's API). Try again " +
             (retry_after_ms ? "in " + wait_in_words(*retry_after_ms) : std::string{"later"}) +
             ".";
    case ErrorCode::VerifyFailed:
      return "The verification did not finish: its 10 minutes ran out, it was replaced, or Riot "
             "knows no such account in this server's region. Check your Riot ID and press "
             "“Verify with Riot” to start again.";
    case ErrorCode::BadLinkCode:
      return "That code is unknown, expired or already used. On the new device press “Link this "
             "device” again and type the new code here within 10 minutes.";
    case ErrorCode::NoSuchKey:
      return "That device is not bound to your Riot ID any more (it may already have been "
             "unlinked). The list below is up to date again.";
    default: break;
  }
  return "";
}

}  // namespace shotcall::ui
