#include "app/media/recording_path.hpp"

#include <filesystem>

namespace shotcall::media {

std::string sanitize_display_name(std::string_view display_name) {
  std::string out;
  for (char c : display_name) {
    if (out.size() >= 100) break;
    // One '_' per UTF-8 character, not per byte: skip continuation bytes.
    if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    out.push_back(ok ? c : '_');
  }
  return out.empty() ? "peer" : out;
}

std::string unique_recording_path(const std::string& dir, std::string_view display_name) {
  namespace fs = std::filesystem;
  const std::string base = sanitize_display_name(display_name);
  fs::path candidate = fs::path(dir) / (base + ".wav");
  std::error_code ec;
  for (int n = 2; fs::exists(candidate, ec) && n < 10000; ++n) {
    candidate = fs::path(dir) / (base + "-" + std::to_string(n) + ".wav");
  }
  return candidate.string();
}

}  // namespace shotcall::media
