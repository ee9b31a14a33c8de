#include "ui/status_text.hpp"

#include <algorithm>

#include "app/i18n/translate.hpp"

namespace shotcall::ui {

using i18n::fill;
using i18n::tr;
using i18n::trc;
using i18n::trn;

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
  // Translators: the player's side of the map, shown in "In game on {map} as {side}".
  if (team_id == "100") return tr("blue side");
  // Translators: the player's side of the map, shown in "In game on {map} as {side}".
  if (team_id == "200") return tr("red side");
  // Translators: a side of the map the app does not know; {id} is the game's team number.
  return fill(tr("team {id}"), {{"id", team_id}});
}

namespace {

std::string where(const GameSummary& g) {
  const std::string side = team_name(g.team_id);
  // Translators: the status headline; {side} is "blue side", "red side" or "team {id}".
  if (g.map_name.empty()) return fill(tr("In game as {side}"), {{"side", side}});
  // Translators: the status headline; {map} is the map's name as the game says it
  // ("Summoner's Rift"), {side} is "blue side", "red side" or "team {id}".
  return fill(tr("In game on {map} as {side}"), {{"map", tr(g.map_name.c_str())}, {"side", side}});
}

// The call's progress once the player is in a game.
StatusText call_state(const StatusInputs& in, const std::string& headline) {
  using session::Phase;
  if (in.link == net::LinkState::Refused && !in.identity_problem.empty())
    return {tr("The server turned you away"), in.identity_problem, Tone::Error};
  if (in.link == net::LinkState::Refused) {
    return {tr("The server turned you away"),
            in.link_detail.empty()
                ? std::string{tr("Check your Riot ID and the server address in Preferences.")}
                // Translators: {reason} is the server's reason, a sentence without its full stop.
                : fill(tr("{reason}. Check your Riot ID and the server address in Preferences."),
                       {{"reason", in.link_detail}}),
            Tone::Error};
  }
  if (in.link == net::LinkState::Failed) {
    return {headline,
            // Translators: {url} is the server's address, e.g. wss://shotcall.example.org.
            fill(tr("Can't reach the Shotcall server at {url}. Shotcall keeps trying; check the "
                    "address in Preferences and your connection."),
                 {{"url", in.server_url}}),
            Tone::Warning};
  }
  switch (in.phase) {
    case Phase::Offline:
      return {headline, tr("Connecting to the Shotcall server…"), Tone::Neutral};
    case Phase::NoGame:
    case Phase::Finding:
      return {headline, tr("Looking for your team's channel…"), Tone::Neutral};
    case Phase::Joining:
      return {headline, tr("Joining your team's channel…"), Tone::Neutral};
    case Phase::Refused:
      return {headline,
              in.phase_detail.empty()
                  ? std::string{tr("The server refused this team's channel.")}
                  // Translators: {reason} is the server's reason, as it sends it.
                  : fill(tr("The server refused: {reason}"), {{"reason", in.phase_detail}}),
              Tone::Error};
    case Phase::InChannel: break;
  }
  if (in.teammates_in_channel == 0) {
    return {headline,
            in.teammates > 0
                ? tr("In your team's channel. None of your teammates runs Shotcall yet.")
                : tr("In your team's channel."),
            Tone::Neutral};
  }
  if (in.teammates_connected < in.teammates_in_channel) {
    const int connecting = in.teammates_in_channel - in.teammates_connected;
    const auto total = static_cast<unsigned long>(in.teammates_in_channel);
    return {headline,
            // Translators: {count} teammates of {total} are still connecting; the plural
            // follows {total}.
            fill(trn("Connecting voice with {count} of {total} teammate…",
                     "Connecting voice with {count} of {total} teammates…", total),
                 {{"count", std::to_string(connecting)}, {"total", std::to_string(total)}}),
            Tone::Neutral};
  }
  const auto total = static_cast<unsigned long>(in.teammates);
  return {
      headline,
      // Translators: voice is up with {count} of the {total} teammates; the plural follows
      // {total}.
      fill(trn("Connected with {count} of {total} teammate.",
               "Connected with {count} of {total} teammates.", total),
           {{"count", std::to_string(in.teammates_connected)}, {"total", std::to_string(total)}}),
      Tone::Good};
}

}  // namespace

StatusText describe(const StatusInputs& in) {
  if (!in.setup_problem.empty())
    return {tr("Shotcall needs a setting"), in.setup_problem, Tone::Warning};
  // The engine's messages are sentences with their own action (app/media/device_error_words);
  // a bare fragment gets ours.
  const auto sentence = [](const std::string& m) { return !m.empty() && m.back() == '.'; };
  if (!in.session_error.empty()) {
    return {tr("Voice could not start"),
            sentence(in.session_error)
                ? in.session_error
                // Translators: {reason} is the engine's reason, without its full stop.
                : fill(tr("{reason}. Pick another microphone or output in Preferences."),
                       {{"reason", in.session_error}}),
            Tone::Error};
  }
  if (!in.voice_error.empty()) {
    return {tr("Your microphone or speakers stopped working"),
            sentence(in.voice_error)
                ? in.voice_error
                // Translators: {reason} is the engine's reason, without its full stop.
                : fill(tr("{reason}. Pick another device in Preferences; the call restarts."),
                       {{"reason", in.voice_error}}),
            Tone::Error};
  }
  if (in.game) return call_state(in, where(*in.game));
  // Server-side detection names no map: the server's offer is all the client learns.
  if (in.mode == DetectionMode::Server &&
      (in.phase == session::Phase::Joining || in.phase == session::Phase::InChannel))
    // Translators: the status headline when the server found the game (it names no map).
    return call_state(in, tr("In game"));

  switch (in.mode) {
    case DetectionMode::Server:
      if (in.link == net::LinkState::Refused || in.link == net::LinkState::Failed)
        return call_state(in, tr("Waiting for the server to find your game"));
      if (!in.watch_problem.empty()) {
        return {tr("Your server can't find your games"),
                // Translators: {reason} is the server's reason, without its full stop;
                // “League on this computer” is a choice in Preferences.
                fill(tr("{reason}. Pick “League on this computer” or enter the game by hand in "
                        "Preferences."),
                     {{"reason", in.watch_problem}}),
                Tone::Warning};
      }
      if (!in.session_running || in.link != net::LinkState::Registered)
        return {tr("Waiting for a game"), tr("Connecting to the Shotcall server…"), Tone::Neutral};
      return {tr("Waiting for a game"),
              // Riot's live-game lookup leaves out players in streamer mode: the server cannot
              // see such a game, and the player must know why the call never starts.
              in.watching ? tr("Your Shotcall server watches your Riot ID; the call starts when "
                               "your game does. Riot hides games in streamer mode from it: if "
                               "yours does not start, enter the game by hand in Preferences.")
                          : tr("Asking your Shotcall server to watch your Riot ID…"),
              Tone::Neutral};
    case DetectionMode::Manual:
      return {tr("No game entered"), tr("Enter the game and your team in Preferences."),
              Tone::Warning};
    case DetectionMode::Local:
    case DetectionMode::Lan: break;
  }
  switch (in.detector) {
    case session::DetectorState::Loading:
      return {tr("Loading into a game"), tr("The call starts as soon as the game does."),
              Tone::Neutral};
    case session::DetectorState::Problem:
      return {tr("League's game data can't be trusted"),
              in.detector_detail.empty()
                  ? std::string{tr("The certificate did not match. Is the game's certificate "
                                   "authority set right in Preferences?")}
                  // Translators: {reason} says what was wrong with the game's certificate,
                  // without its full stop.
                  : fill(tr("{reason}. Is the game's certificate authority set right in "
                            "Preferences?"),
                         {{"reason", in.detector_detail}}),
              Tone::Error};
    case session::DetectorState::InGame:
      return {tr("Reading the game…"), "", Tone::Neutral};
    case session::DetectorState::Waiting: break;
  }
  return {tr("Waiting for a game"),
          tr("Start a League game on this computer and your team's call begins by itself."),
          Tone::Neutral};
}

std::string wait_in_words(std::int64_t ms) {
  const std::int64_t seconds = std::max<std::int64_t>(1, (ms + 999) / 1000);
  if (seconds < 60)
    // Translators: a wait, shown in "Try again in {wait}."
    return fill(trn("{count} second", "{count} seconds", static_cast<unsigned long>(seconds)),
                {{"count", std::to_string(seconds)}});
  const std::int64_t minutes = (seconds + 59) / 60;
  if (minutes < 60)
    // Translators: a wait, shown in "Try again in {wait}."
    return fill(trn("{count} minute", "{count} minutes", static_cast<unsigned long>(minutes)),
                {{"count", std::to_string(minutes)}});
  const std::int64_t hours = (minutes + 59) / 60;
  // Translators: a wait, shown in "Try again in {wait}."
  return fill(trn("{count} hour", "{count} hours", static_cast<unsigned long>(hours)),
              {{"count", std::to_string(hours)}});
}

IdentityBadge identity_badge(protocol::IdentityLevel level) {
  switch (level) {
    case protocol::IdentityLevel::Riot:
      // Translators: a teammate's identity level, next to their name.
      return {trc("identity level", "verified"),
              tr("Verified: the server checked with Riot that this player controls this Riot ID."),
              true};
    case protocol::IdentityLevel::Key:
      // Translators: a teammate's identity level, next to their name.
      return {trc("identity level", "not verified"),
              tr("Not verified: this Riot ID is kept by one device's key on this server, but "
                 "nobody checked with Riot that the device belongs to the player."),
              false};
    case protocol::IdentityLevel::None: break;
  }
  // Translators: a teammate's identity level, next to their name.
  return {trc("identity level", "not verified"),
          tr("Not verified: the server did not check who uses this Riot ID; anyone could have "
             "typed it."),
          false};
}

std::string identity_error_text(protocol::ErrorCode code,
                                std::optional<std::int64_t> retry_after_ms) {
  using protocol::ErrorCode;
  switch (code) {
    case ErrorCode::RiotIdBound:
      return tr(
          "Your Riot ID is tied to another device's key on this server. Link this device: "
          "press “Link this device” in Preferences → Identity, then approve the code on a "
          "device that is already signed in.");
    case ErrorCode::ProofRequired:
      return tr(
          "This server admits only players who proved who they are, and this device has not. "
          "Verify with Riot in Preferences → Identity, or link this device from one that is "
          "verified.");
    case ErrorCode::BadProof:
      return tr(
          "The server did not accept this device's proof of its key. Use the server address "
          "its operator gives you (a proof names the address you dial); if it keeps "
          "happening, ask the operator to check the server's public host names.");
    case ErrorCode::Unavailable:
      return tr(
          "The server cannot read its identity records right now; nothing was changed. "
          "Try again in a minute.");
    case ErrorCode::VerifyUnavailable:
      return tr(
          "This server cannot ask Riot (it has no Riot API key), so it cannot verify Riot "
          "accounts. Ask its operator, or link this device from one that is verified.");
    case ErrorCode::VerifyBusy:
      if (retry_after_ms) {
        // Translators: {wait} is a wait in words, e.g. "45 seconds" or "2 minutes".
        return fill(tr("Too many verifications right now (there is a limit per player, per "
                       "address and on the server's share of Riot's API). Try again in {wait}."),
                    {{"wait", wait_in_words(*retry_after_ms)}});
      }
      return tr(
          "Too many verifications right now (there is a limit per player, per address and "
          "on the server's share of Riot's API). Try again later.");
    case ErrorCode::VerifyFailed:
      return tr(
          "The verification did not finish: its 10 minutes ran out, it was replaced, or Riot "
          "knows no such account in this server's region. Check your Riot ID and press "
          "“Verify with Riot” to start again.");
    case ErrorCode::BadLinkCode:
      return tr(
          "That code is unknown, expired or already used. On the new device press “Link this "
          "device” again and type the new code here within 10 minutes.");
    case ErrorCode::NoSuchKey:
      return tr(
          "That device is not bound to your Riot ID any more (it may already have been "
          "unlinked). The list below is up to date again.");
    default: break;
  }
  return "";
}

}  // namespace shotcall::ui
