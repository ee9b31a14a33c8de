// A stored game in words, for the History window and its screen-reader names. Pure: no GTK.
// (A teammate row's "played together before" words are ui/teammate_rows.hpp's.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/history/game_record.hpp"
#include "app/i18n/translate.hpp"

namespace shotcall::history {

struct GameText {
  std::string when;     // "Thu 3 Dec 2026, 16:40" (local time)
  std::string title;    // "Summoner's Rift · ARAM"; "Unknown map" when neither is known
  std::string summary;  // "Blue side · Ahri · 32 min 5 s"
  std::vector<std::string> teammates;  // one line each, see teammate_line()
  std::string accessible;              // all of the above as one sentence
};

GameText describe_game(const GameRecord& game);

// "Garen — Ñandú#ÁÉ: in voice, direct, 38 ms, 0.4% loss"; "Lux — Ezreal#EUW: not in voice".
std::string teammate_line(const TeammateRecord& teammate);
// "in voice, relayed, 120 ms, 2.5% loss", "in voice, quality unknown", "not in voice".
std::string link_words(const TeammateRecord& teammate);
// "45 s", "32 min 5 s", "1 h 2 min".
std::string duration_words(std::int64_t seconds);
// CLASSIC → "Classic", ARAM, URF, CHERRY → "Arena", ...; other modes as they are.
std::string mode_words(const std::string& mode);

// What the History window says when nothing is stored yet (marked here; the window shows
// i18n::tr(kEmptyHistoryText)).
inline constexpr const char* kEmptyHistoryText = i18n::N_(
    "No games yet. Games you play with Shotcall running show up here, with who was in "
    "voice and how each link held up.");

}  // namespace shotcall::history
