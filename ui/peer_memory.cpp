#include "ui/peer_memory.hpp"

#include <algorithm>
#include <cmath>

namespace shotcall::ui {

namespace {
double clamp_volume(double v) {
  return std::isfinite(v) ? std::clamp(v, 0.0, kMaxPeerVolume) : kDefaultPeerVolume;
}
}  // namespace

void PeerMemory::load(const std::map<std::string, double>& volumes,
                      const std::map<std::string, bool>& muted) {
  prefs_.clear();
  for (const auto& [key, v] : volumes) prefs_[key].volume = clamp_volume(v);
  for (const auto& [key, m] : muted) prefs_[key].muted = m;
}

PeerPreference PeerMemory::get(const std::string& key) const {
  const auto it = prefs_.find(key);
  return it == prefs_.end() ? PeerPreference{} : it->second;
}

void PeerMemory::set_volume(const std::string& key, double volume) {
  prefs_[key].volume = clamp_volume(volume);
}

void PeerMemory::set_muted(const std::string& key, bool muted) { prefs_[key].muted = muted; }

std::map<std::string, double> PeerMemory::volumes() const {
  std::map<std::string, double> out;
  for (const auto& [key, p] : prefs_)
    if (std::abs(p.volume - kDefaultPeerVolume) > 1e-6) out[key] = p.volume;
  return out;
}

std::map<std::string, bool> PeerMemory::muted() const {
  std::map<std::string, bool> out;
  for (const auto& [key, p] : prefs_)
    if (p.muted) out[key] = true;
  return out;
}

}  // namespace shotcall::ui
