// Where a peer's recording goes. Plain C++.
#pragma once

#include <string>
#include <string_view>

namespace shotcall::media {

// Every character outside [A-Za-z0-9._-] becomes '_' (so no path separator, no control
// character, no shell surprise); an empty name becomes "peer"; at most 100 characters.
std::string sanitize_display_name(std::string_view display_name);

// <dir>/<sanitized>.wav, or <dir>/<sanitized>-N.wav with the smallest N >= 2 that does not exist
// yet: a rejoining peer must not overwrite its earlier recording.
std::string unique_recording_path(const std::string& dir, std::string_view display_name);

}  // namespace shotcall::media
