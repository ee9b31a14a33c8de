#include "signaling/protocol/riot_id.hpp"

#include <glib.h>

#include "common/glib_ptr.hpp"

namespace shotcall::protocol {

namespace {
// Characters a Riot ID may not hold: Riot's own name rules allow none of them, and each can make
// two Riot IDs look alike (a zero-width space inside a name, a bidirectional override turning it
// around, a BOM, a no-break space for a space) or hide in a log line.
bool refused_in_riot_id(gunichar c) {
  if (c >= 0xFDD0 && c <= 0xFDEF) return true;  // noncharacters
  if ((c & 0xFFFE) == 0xFFFE) return true;      // U+xFFFE and U+xFFFF of every plane
  switch (g_unichar_type(c)) {
    case G_UNICODE_CONTROL:              // Cc
    case G_UNICODE_FORMAT:               // Cf: zero-width, bidi controls, BOM, tags...
    case G_UNICODE_UNASSIGNED:           // Cn
    case G_UNICODE_PRIVATE_USE:          // Co
    case G_UNICODE_SURROGATE:            // Cs (not valid UTF-8 anyway)
    case G_UNICODE_LINE_SEPARATOR:       // Zl
    case G_UNICODE_PARAGRAPH_SEPARATOR:  // Zp
      return true;
    case G_UNICODE_SPACE_SEPARATOR:      // Zs: only the ASCII space
      return c != ' ';
    default:
      return false;
  }
}
}  // namespace

bool is_valid_riot_id(std::string_view riot_id) {
  if (riot_id.empty() || riot_id.size() > kMaxRiotIdBytes) return false;
  if (!g_utf8_validate(riot_id.data(), static_cast<gssize>(riot_id.size()), nullptr)) return false;
  const auto hash = riot_id.find('#');
  if (hash == std::string_view::npos || hash == 0 || hash + 1 == riot_id.size()) return false;
  if (riot_id.find('#', hash + 1) != std::string_view::npos) return false;
  for (const char* p = riot_id.data(); p < riot_id.data() + riot_id.size();
       p = g_utf8_next_char(p)) {
    const gunichar c = g_utf8_get_char(p);
    if (refused_in_riot_id(c)) return false;
  }
  return true;
}

std::string fold_riot_id(std::string_view riot_id) {
  GPtr<gchar> normalized{
      g_utf8_normalize(riot_id.data(), static_cast<gssize>(riot_id.size()), G_NORMALIZE_NFC)};
  if (!normalized) return std::string{riot_id};  // invalid UTF-8: callers validate first
  GPtr<gchar> folded{g_utf8_casefold(normalized.get(), -1)};
  // Folding can denormalise (e.g. final sigma forms), so normalise once more.
  GPtr<gchar> renormalized{g_utf8_normalize(folded.get(), -1, G_NORMALIZE_NFC)};
  return std::string{renormalized ? renormalized.get() : folded.get()};
}

}  // namespace shotcall::protocol
