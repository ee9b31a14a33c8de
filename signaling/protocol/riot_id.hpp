// Riot IDs (`gameName#tagLine`): validation and the case-folded key they compare by.
#pragma once

#include <string>
#include <string_view>

namespace shotcall::protocol {

// Longest Riot ID we accept, in bytes. Riot allows 16 characters of name and 5 of tag; UTF-8 can
// take four bytes each, and we leave room for older summoner names.
inline constexpr std::size_t kMaxRiotIdBytes = 96;

// True for valid UTF-8 with one '#' separating a non-empty name and a non-empty tag, at most
// kMaxRiotIdBytes, and none of the characters that make look-alikes: control (Cc), format (Cf:
// zero-width, bidirectional controls, BOM), line and paragraph separators (Zl, Zp), private-use
// (Co), unassigned (Cn) and surrogate code points, noncharacters, and spaces other than U+0020.
bool is_valid_riot_id(std::string_view riot_id);

// The comparison key: NFC-normalised, then Unicode case-folded. Two Riot IDs name the same player
// exactly when their keys are equal. The input must be valid UTF-8.
std::string fold_riot_id(std::string_view riot_id);

}  // namespace shotcall::protocol
