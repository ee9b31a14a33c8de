// Every GSettings key the app uses, named once (data/io.github.shotcall.Shotcall.gschema.xml
// holds their types, defaults and ranges).
#pragma once

namespace shotcall::ui::keys {

inline constexpr const char* kSchemaId = "io.github.shotcall.Shotcall";

inline constexpr const char* kServerUrl = "server-url";
inline constexpr const char* kDetectionMode = "detection-mode";  // local | server | manual | lan
inline constexpr const char* kRiotId = "riot-id";
inline constexpr const char* kLcdUrl = "lcd-url";
inline constexpr const char* kLcdCa = "lcd-ca";
inline constexpr const char* kLanAddress = "lan-address";    // detection-mode lan: the game's PC
inline constexpr const char* kFirstRunDone = "first-run-done";
inline constexpr const char* kManualGame = "manual-game";
inline constexpr const char* kManualTeam = "manual-team";
inline constexpr const char* kManualTeammates = "manual-teammates";

inline constexpr const char* kInputDevice = "input-device";
inline constexpr const char* kOutputDevice = "output-device";
inline constexpr const char* kEchoCancel = "echo-cancel";
inline constexpr const char* kNoiseSuppression = "noise-suppression";
inline constexpr const char* kBitrate = "bitrate";

inline constexpr const char* kVoiceMode = "voice-mode";  // voice-activity | push-to-talk
inline constexpr const char* kVadThresholdDb = "vad-threshold-db";
inline constexpr const char* kPttShortcut = "ptt-shortcut";
inline constexpr const char* kMuted = "muted";
inline constexpr const char* kDeafened = "deafened";

inline constexpr const char* kPeerVolumes = "peer-volumes";  // a{sd}
inline constexpr const char* kPeerMuted = "peer-muted";      // a{sb}

inline constexpr const char* kStyle = "style";  // system | light | dark
inline constexpr const char* kWindowWidth = "window-width";
inline constexpr const char* kWindowHeight = "window-height";
inline constexpr const char* kWindowMaximized = "window-maximized";

}  // namespace shotcall::ui::keys
