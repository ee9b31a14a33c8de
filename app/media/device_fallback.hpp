// Which microphone / speaker fragment the engine runs now: the one the player chose, the system's
// default when the chosen device went away, or the stand-in when neither works. Pure (no
// GStreamer): the engine and the app feed it what they saw (errors on the bus, the device
// monitor's lists) and act on the answer.
#pragma once

#include <string>
#include <vector>

#include "app/media/device_error_words.hpp"

namespace shotcall::media {

// The fragment that opens the same kind of device as `fragment` but the system's default one:
// "pulsesrc device=headset.monitor buffer-time=40000" -> "pulsesrc". Empty when `fragment` names
// no particular device (it is a default already, or a test source / file): nothing to fall back to.
std::string default_device_fragment(const std::string& fragment);

// True when `a` and `b` open the same device: the same element and the same device= value (other
// properties, such as buffer sizes, do not matter).
bool same_device(const std::string& a, const std::string& b);

// True when the device `chosen` opens is among `present` (the device monitor's fragments). A
// fragment that names no device (a default) is always present.
bool device_present(const std::string& chosen, const std::vector<std::string>& present);

struct DeviceState {
  std::string chosen;           // the fragment the player picked (VoiceConfig::source / sink)
  bool chosen_failed = false;   // it failed, and has not been seen coming back since
  bool default_failed = false;  // the default device failed too (since the last return)
};

// The fragment to run: `chosen` while it works, its default when it failed and the default has
// not, "" (the stand-in: silence / a fakesink) when neither works.
std::string fragment_to_use(const DeviceState& state);

// The chosen device failed: the new state.
DeviceState after_chosen_failed(DeviceState state);
// The default device failed: the new state.
DeviceState after_default_failed(DeviceState state);
// The device monitor's list changed (`present`: the fragments of every device it lists). The
// chosen device missing from it counts as failed (a sound server moves the stream to its default
// without an error); listed again after a failure, it is tried again (and the default gets a
// fresh chance for a later failure). An empty list says nothing (a monitor with no sound server
// to ask).
DeviceState after_devices_changed(DeviceState state, const std::vector<std::string>& present);

// "Your microphone went away: using the default microphone." (and the speakers' sentence).
std::string using_default_words(AudioDevice device);
// "Your microphone is back: Shotcall uses it again."
std::string chosen_back_words(AudioDevice device);

}  // namespace shotcall::media
