// Volume and mute per teammate, remembered by case-folded Riot ID across games (the app keeps
// them in GSettings). Pure.
#pragma once

#include <map>
#include <string>

namespace shotcall::ui {

inline constexpr double kDefaultPeerVolume = 1.0;
inline constexpr double kMaxPeerVolume = 2.0;  // the slider's top; the engine allows 4.0

struct PeerPreference {
  double volume = kDefaultPeerVolume;
  bool muted = false;
};

class PeerMemory {
 public:
  // From the stored maps (keys are folded Riot IDs; anything out of range is clamped).
  void load(const std::map<std::string, double>& volumes, const std::map<std::string, bool>& muted);
  PeerPreference get(const std::string& key) const;
  void set_volume(const std::string& key, double volume);
  void set_muted(const std::string& key, bool muted);

  // What to store: only entries that differ from the defaults, so the maps stay small.
  std::map<std::string, double> volumes() const;
  std::map<std::string, bool> muted() const;

 private:
  std::map<std::string, PeerPreference> prefs_;
};

}  // namespace shotcall::ui
